//! The projector board's use case: every project with its goals, claims, who is at its table, help wanted
//! and today's status, in table order. The room's screens see who sits where; the door sees counts (see
//! [`Desk::door_board`]).

use crate::view::{
    Board, ClosingRelease, EarlierStatus, GoalView, IssueBoard, PersonRef, PresentPerson, ProjectBoard, StatusView,
};
use crate::{Desk, Error};
use chrono::NaiveDate;
use sprintdesk_domain::search::fold;
use sprintdesk_domain::{ClaimState, Goal, GoalStatus, Project, ProjectId, StatusId, StatusUpdate};

/// How long before closing the board and the leads' screens list the claims closing will release.
const CLOSING_NOTICE_MS: i64 = 30 * 60 * 1000;

impl Desk {
    /// The board as the door and the venue network see it: every table's goals, status, claims and how many
    /// are here, naming only the leads. Who sits where, and who works on which issue at which table, would
    /// tell anyone at the door where a named person is; the table they sit at is also what proves it is them
    /// when they sign out without their badge ([`crate::DoorProof`]).
    pub fn door_board(&mut self) -> Result<Board, Error> {
        let mut board = self.board()?;
        board.names = false;
        for project in &mut board.projects {
            project.present.clear();
            for holder in project.claims.iter_mut().flat_map(|c| c.holders.iter_mut()) {
                holder.person = PersonRef::withheld();
                holder.mentor = None;
                holder.claimed_on = None;
            }
            for release in &mut project.closing_releases {
                release.person = PersonRef::withheld();
            }
        }
        Ok(board)
    }

    /// Every project: its goals, claims and their state, who is at its table, help wanted, today's status.
    pub fn board(&mut self) -> Result<Board, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let presence = snapshot.presence(now);
        let closing_at = presence
            .today
            .and_then(|day| snapshot.sprint.closes_at(day))
            .filter(|closes| now.0 < closes.0 && closes.0 - now.0 <= CLOSING_NOTICE_MS);
        // The day a status written now is for (`set_status`), open or not: a lead writes the day's status at
        // its end, and after closing the form showed none, so saving again replaced it (next and blockers lost).
        let date = snapshot.sprint.local_date(now);
        let status_day = Some(date).filter(|day| snapshot.sprint.day(*day).is_some());
        let mut projects: Vec<&Project> = snapshot.projects.values().collect();
        projects.sort_by_cached_key(|p| p.order_key());
        let boards = projects
            .into_iter()
            .map(|project| {
                let mut present: Vec<PresentPerson> = presence
                    .here
                    .iter()
                    .filter(|(_, table)| table.as_ref() == Some(&project.id))
                    .map(|(person, _)| snapshot.present_person(person))
                    .collect();
                present.sort_by_cached_key(|p| fold(&p.name));
                let boards: Vec<IssueBoard> = snapshot
                    .issues
                    .iter()
                    .filter(|i| i.project == project.id)
                    .map(|issue| snapshot.issue_board(issue, now))
                    .collect();
                // Open as the claims have it now: a merge recorded here closes an issue the import said was open.
                let open: Vec<&IssueBoard> = boards.iter().filter(|b| b.state.is_open()).collect();
                let (open_issues, beginner_issues) = (open.len(), open.iter().filter(|b| b.beginner_friendly).count());
                let mut claims: Vec<IssueBoard> =
                    boards.into_iter().filter(|board| !board.holders.is_empty()).collect();
                let closing_releases = if closing_at.is_some() {
                    claims
                        .iter()
                        .flat_map(|issue| {
                            let releasing =
                                issue.holders.iter().filter(|h| h.state == ClaimState::Active && !h.kept_overnight);
                            releasing.map(|h| ClosingRelease {
                                issue: issue.id.clone(),
                                number: issue.number,
                                title: issue.title.clone(),
                                person: h.person.clone(),
                            })
                        })
                        .collect()
                } else {
                    vec![]
                };
                claims.sort_by_key(|c| (!c.contested, c.state, c.number));
                let status_today = status_day.and_then(|day| {
                    let id = StatusId::for_day(&project.id, day);
                    snapshot.status_updates.iter().find(|s| s.id == id).map(status_view)
                });
                ProjectBoard {
                    project: snapshot.project_ref(project),
                    repo_url: project.repo_url.clone(),
                    help_wanted: project.help_wanted,
                    help_note: if project.help_wanted { project.help_note.clone() } else { String::new() },
                    leads: project.leads.iter().map(|id| snapshot.person(id)).collect(),
                    here: present.len(),
                    present,
                    goals: goals_in_order(&snapshot.goals, &project.id),
                    claims,
                    status_today: status_today.clone(),
                    status_earlier: if status_today.as_ref().is_some_and(|s| !s.is_empty()) {
                        None
                    } else {
                        earlier_status(&snapshot.status_updates, &project.id, date)
                    },
                    open_issues,
                    beginner_issues,
                    closing_releases,
                }
            })
            .collect();
        Ok(Board {
            sprint: snapshot.sprint.name.clone(),
            names: true,
            today: presence.today,
            here_now: presence.here.len(),
            // Counted by the date, as the organizer's Today page does: after closing the board said "0 today"
            // beside the Today page's 13.
            today_count: presence.per_day.get(&date).map_or(0, |people| people.len()),
            projects: boards,
            standup: presence.today.and_then(|day| snapshot.standup_view(day, now)),
            closing_at,
            venue: crate::presence::venue_now(&snapshot.sprint, now),
            closing_time: closing_at.map(|at| snapshot.sprint.local_time(at).format("%H:%M").to_string()),
            closing_is_last: presence
                .today
                .is_some_and(|day| sprintdesk_domain::next_open_day(&snapshot.sprint, day).is_none()),
            next_open_day: sprintdesk_domain::next_open_day(&snapshot.sprint, date),
        })
    }
}

fn status_view(status: &StatusUpdate) -> StatusView {
    StatusView { done: status.done.clone(), next: status.next.clone(), blockers: status.blockers.clone() }
}

/// `project`'s latest status of a day before `today` that says something.
fn earlier_status(statuses: &[StatusUpdate], project: &ProjectId, today: NaiveDate) -> Option<EarlierStatus> {
    statuses
        .iter()
        .filter(|s| &s.project == project && s.day < today)
        .map(|s| (s.day, status_view(s)))
        .filter(|(_, view)| !view.is_empty())
        .max_by_key(|(day, _)| *day)
        .map(|(day, status)| EarlierStatus { day, yesterday: today.pred_opt() == Some(day), status })
}

/// `text` with each run of digits as wide as any: sorted so, "Goal 2" comes before "Goal 10".
fn natural(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut digits = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            key.push_str(&format!("{digits:0>20}"));
            digits.clear();
        }
        if c != '\0' {
            key.push(c);
        }
    }
    key
}

/// A table's goals as the board and the lead show them: those being worked on first, then planned, done
/// and dropped, each by title. In the order they were stored ("g-10" before "g-2"), a dropped goal came
/// first and was the only one a full card had room for.
fn goals_in_order(goals: &[Goal], project: &ProjectId) -> Vec<GoalView> {
    let rank = |status: GoalStatus| match status {
        GoalStatus::InProgress => 0,
        GoalStatus::Planned => 1,
        GoalStatus::Done => 2,
        GoalStatus::Dropped => 3,
    };
    let mut shown: Vec<&Goal> = goals.iter().filter(|g| &g.project == project).collect();
    shown.sort_by_cached_key(|g| (rank(g.status), natural(&fold(&g.title)), g.id.0.clone()));
    shown
        .into_iter()
        .map(|g| GoalView {
            id: g.id.clone(),
            title: g.title.clone(),
            status: g.status,
            beginner_friendly: g.beginner_friendly,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Goals being worked on come first, then planned, done and dropped, each by title; another table's
    /// goals are not shown.
    #[test]
    fn a_tables_goals_show_the_work_going_on_first() {
        let goal = |id: &str, project: &str, title: &str, status: GoalStatus| Goal {
            id: sprintdesk_domain::GoalId(id.into()),
            project: ProjectId(project.into()),
            title: title.into(),
            beginner_friendly: false,
            status,
            notes: String::new(),
        };
        let goals = [
            goal("g-1@p1", "p1", "Dropped idea", GoalStatus::Dropped),
            goal("g-10@p1", "p1", "Goal 2", GoalStatus::Planned),
            goal("g-11@p1", "p1", "Goal 10", GoalStatus::Planned),
            goal("g-2@p1", "p1", "Goal 1", GoalStatus::Planned),
            goal("g-3@p1", "p1", "shipped docs", GoalStatus::Done),
            goal("g-4@p1", "p1", "Release 2.1", GoalStatus::InProgress),
            goal("g-5@p2", "p2", "Another table's", GoalStatus::InProgress),
        ];
        let shown: Vec<String> = goals_in_order(&goals, &ProjectId("p1".into())).into_iter().map(|g| g.title).collect();
        assert_eq!(shown, ["Release 2.1", "Goal 1", "Goal 2", "Goal 10", "shipped docs", "Dropped idea"]);
    }
}
