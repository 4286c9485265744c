//! The report organizers publish after the sprint: who came and when, what each project did (goals, claims,
//! pull requests, first-time contributors, mentor pairs, the daily status notes), pull requests merged per
//! sprint day against the repositories' usual rate, and the retrospective. Computed from the sprint as this
//! device holds it; erased people are counted, never named. Rendered as Markdown (for a blog post), one
//! self-contained HTML file (inline SVG charts, no network, prints cleanly) or JSON (for scripts) by
//! `report_render`.

use crate::snapshot::Snapshot;
use crate::{Desk, Error};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{
    AttendeeId, ClaimAction, GoalStatus, IssueState, PrState, PresenceKind, ProjectId, PullRequest, PullRequestId,
    RetroKind, Role, Timestamp, default_retro_questions,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The sprint, summed up.
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
pub struct SprintReport {
    pub name: String,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub venue: String,
    /// Every sprint day, break days too.
    pub days: Vec<ReportDay>,
    /// People who signed in at least once (a walk-in merged into an imported record counts once).
    pub participants: u32,
    /// Participants per role (someone with two roles counts in both).
    pub roles: Vec<RoleCount>,
    /// Participants registered as first-time contributors.
    pub first_timers: u32,
    /// Participants whose personal data was erased: counted here, named nowhere.
    pub erased: u32,
    pub projects: Vec<ProjectReport>,
    pub totals: Totals,
    /// Pull requests merged per sprint day against the usual rate, over every project's repository.
    pub merge_rate: Option<MergeRate>,
    /// Each day's stand-up on the projector: how many tables spoke, for how long, blockers raised.
    pub standups: Vec<StandupDay>,
    pub retrospective: Vec<RetroResult>,
    /// When the report was made.
    #[ts(type = "number")]
    pub made_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReportDay {
    pub date: NaiveDate,
    pub is_break: bool,
    /// Distinct people signed in that day.
    pub people: u32,
    /// People whose first day at the sprint it was.
    pub arrivals: u32,
    /// People whose last day at the sprint it was (on the last day: everyone still there).
    pub departures: u32,
    /// A day after the day the report was made: nothing to count yet.
    pub to_come: bool,
    /// The day the report was made, with sprint days after it: who left is not known yet (everyone who came
    /// today counts as having left, which a walk read on day one as "everyone left"), and is not shown.
    pub departures_unknown: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RoleCount {
    pub role: Role,
    pub people: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Totals {
    pub issues_claimed: u32,
    pub issues_merged: u32,
    /// Pull requests opened during the sprint's days by people on the attendee list (matched by handle).
    pub prs_opened: u32,
    /// Pull requests merged during the sprint's days by people on the attendee list.
    pub prs_merged: u32,
    /// Pull requests opened or merged during the sprint's days by anyone else (bots, people not at the
    /// venue): listed with their project, not in the two counts above.
    pub prs_by_others: u32,
    /// First-time contributors at the sprint with a merged pull request.
    pub first_contributions_merged: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
pub struct ProjectReport {
    pub name: String,
    pub table: Option<String>,
    pub repo: Option<String>,
    /// People signed in at this project's table, per sprint day (in the order of [`SprintReport::days`]).
    pub sprinters_per_day: Vec<u32>,
    pub goals: Vec<GoalLine>,
    /// Issues someone claimed at the sprint.
    pub issues_claimed: u32,
    /// Of those, how many have a pull request open, and how many were merged.
    pub issues_pr_open: u32,
    pub issues_merged: u32,
    /// Pull requests opened, and merged, during the sprint by people on the attendee list.
    pub prs_opened: u32,
    pub prs_merged: u32,
    /// Pull requests opened or merged during the sprint by anyone else (bots, people not at the venue).
    pub prs_by_others: u32,
    /// The pull requests opened or merged during the sprint.
    pub prs: Vec<PrLine>,
    pub first_time_contributors: Vec<FirstContribution>,
    pub mentor_pairs: Vec<MentorPair>,
    /// Pairs a lead agreed to when two claimed one issue.
    pub pairs: Vec<Vec<String>>,
    /// Mentor pairs and pairs whose people were all erased: counted, not listed (every line would read
    /// "Erased person mentored by Erased person").
    pub unnamed_pairs: u32,
    /// The daily status meeting's notes, oldest first.
    pub status_log: Vec<StatusLine>,
    pub merge_rate: Option<MergeRate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct GoalLine {
    pub title: String,
    pub status: GoalStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PrLine {
    pub number: Option<u32>,
    pub title: String,
    pub url: String,
    pub state: PrState,
    /// Who opened it: an attendee's name ("Erased person" once erased), or the handle of someone who was not
    /// at the venue.
    pub author: Option<String>,
    pub first_contribution: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FirstContribution {
    pub name: String,
    /// Their first merged pull request to this project, if they have one.
    pub first_merged: Option<PrLine>,
    /// With no first pull request imported: the issue they held that was marked merged (by a lead, or an import), as
    /// "#141020 Docs: clarify …" (a lead's word counts before the pull requests are imported).
    pub merged_issue: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MentorPair {
    pub mentee: String,
    pub mentor: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StatusLine {
    pub day: NaiveDate,
    pub done: String,
    pub next: String,
    pub blockers: String,
    /// Seconds the table spoke at that day's stand-up (0 if it did not).
    pub standup_seconds: u32,
}

/// One day's stand-up, as it was run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StandupDay {
    pub day: NaiveDate,
    /// Distinct tables shown.
    pub tables: u32,
    /// Seconds over all turns.
    pub seconds: u32,
    /// Turns that showed a blocker.
    pub blockers: u32,
}

/// Pull requests merged per sprint day against the usual daily rate over the four weeks before the sprint.
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
pub struct MergeRate {
    /// Merged during the sprint's days, per open sprint day.
    pub per_sprint_day: f64,
    /// Merged in the 28 days before the first sprint day, per day.
    pub usual_per_day: f64,
    /// `per_sprint_day / usual_per_day`.
    pub ratio: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
pub struct RetroResult {
    pub question: String,
    pub kind: RetroKind,
    /// How many answered it.
    pub answers: u32,
    /// Ratings 1 to 5: how many gave each (rating questions).
    pub ratings: Vec<u32>,
    pub average: Option<f64>,
    /// What people wrote (text questions), in the order given.
    pub texts: Vec<String>,
}

/// The days before the sprint whose merges make the usual rate.
pub const USUAL_RATE_DAYS: i64 = 28;

/// What `report` makes: Markdown, one HTML file, or JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    #[default]
    Html,
    Md,
    Json,
}

#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    #[serde(default)]
    pub format: ReportFormat,
}

impl Desk {
    /// The sprint's report, computed now.
    pub fn sprint_report(&mut self) -> Result<SprintReport, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        Ok(build(&snapshot, now))
    }
}

/// The pull requests the report counts as a first contribution merged: the first pull request merged to a
/// project since the sprint began by someone who came as a first-time contributor, or whom the forge said
/// was contributing there for the first time. The report and the pull-request export mark these, and those
/// the forge marks itself ([`is_first_contribution`]).
pub(crate) fn first_contributions_merged(snapshot: &Snapshot) -> BTreeSet<PullRequestId> {
    let sprint = &snapshot.sprint;
    let Some(start) = sprint.days.first().map(|day| sprint.day_starts_at(day.date)) else { return BTreeSet::new() };
    let mut first: BTreeMap<(&ProjectId, AttendeeId), &PullRequest> = BTreeMap::new();
    let newcomer = |pr: &PullRequest, person: &AttendeeId| {
        snapshot.attendees.get(person).is_some_and(|a| a.first_timer)
            || snapshot.pull_requests.iter().any(|other| {
                other.project == pr.project
                    && other.first_contribution
                    && other.attendee.as_ref().map(|id| snapshot.canonical(id)).as_ref() == Some(person)
            })
    };
    for pr in snapshot.pull_requests.iter().filter(|p| p.state == PrState::Merged) {
        let (Some(author), Some(merged)) = (pr.attendee.as_ref().map(|id| snapshot.canonical(id)), pr.merged_at) else {
            continue;
        };
        if merged < start || !newcomer(pr, &author) {
            continue;
        }
        let earliest = first.entry((&pr.project, author)).or_insert(pr);
        if (merged, &pr.id) < (earliest.merged_at.unwrap_or(merged), &earliest.id) {
            *earliest = pr;
        }
    }
    first.into_values().map(|pr| pr.id.clone()).collect()
}

/// Whether a pull request is marked as a first contribution: the forge said so, or the report counts it.
pub(crate) fn is_first_contribution(pr: &PullRequest, counted: &BTreeSet<PullRequestId>) -> bool {
    pr.first_contribution || counted.contains(&pr.id)
}

/// Computes the report from the sprint as `snapshot` holds it, at `now`.
pub(crate) fn build(snapshot: &Snapshot, now: Timestamp) -> SprintReport {
    let sprint = &snapshot.sprint;
    let canonical = |id: &AttendeeId| snapshot.canonical(id);
    // Who was there on which day, and at which table.
    let mut days_of: BTreeMap<AttendeeId, BTreeSet<NaiveDate>> = BTreeMap::new();
    let mut at_table: HashMap<(ProjectId, NaiveDate), BTreeSet<AttendeeId>> = HashMap::new();
    // Only the sprint's days count: a day taken out of it since (a rehearsal, dates entered wrongly) is in
    // no day of the report, so whoever came only then is not counted in its totals either.
    let sprint_days: BTreeSet<NaiveDate> = sprint.days.iter().map(|day| day.date).collect();
    let sign_ins = snapshot.presence_events.iter().filter(|e| e.kind == PresenceKind::SignIn);
    for event in sign_ins.filter(|e| sprint_days.contains(&e.day)) {
        let Some(person) = snapshot.counted(&event.attendee).cloned() else { continue };
        days_of.entry(person.clone()).or_default().insert(event.day);
        if let Some(project) = &event.project {
            at_table.entry((project.clone(), event.day)).or_default().insert(person);
        }
    }
    let today = sprint.local_date(now);
    let sprint_goes_on = sprint.days.iter().any(|day| day.date > today && !day.is_break);
    let days: Vec<ReportDay> = sprint
        .days
        .iter()
        .map(|day| {
            let count = |pick: &dyn Fn(&BTreeSet<NaiveDate>) -> Option<NaiveDate>| {
                days_of.values().filter(|d| pick(d) == Some(day.date)).count() as u32
            };
            ReportDay {
                date: day.date,
                is_break: day.is_break,
                people: days_of.values().filter(|d| d.contains(&day.date)).count() as u32,
                arrivals: count(&|d| d.first().copied()),
                departures: count(&|d| d.last().copied()),
                to_come: day.date > today,
                departures_unknown: day.date == today && sprint_goes_on,
            }
        })
        .collect();
    let participants: Vec<&AttendeeId> = days_of.keys().collect();
    let attendee = |id: &AttendeeId| snapshot.attendees.get(id);
    let roles = Role::ALL
        .iter()
        .map(|role| RoleCount {
            role: *role,
            people: participants.iter().filter(|id| attendee(id).is_some_and(|a| a.roles.contains(role))).count()
                as u32,
        })
        .filter(|count| count.people > 0)
        .collect();
    let first_timer = |id: &AttendeeId| attendee(id).is_some_and(|a| a.first_timer);

    // The sprint's days as a time window, in the venue's time zone.
    let window = sprint.days.first().zip(sprint.days.last()).and_then(|(first, last)| {
        Some((sprint.day_starts_at(first.date), sprint.day_starts_at(last.date.succ_opt()?)))
    });
    let during = |at: Option<Timestamp>| at.zip(window).is_some_and(|(at, (start, end))| at >= start && at < end);
    // On a day the venue was open (the merge rate's days: a break day is in neither count).
    let on_open_day =
        |at: Option<Timestamp>| at.is_some_and(|at| sprint.day(sprint.local_date(at)).is_some_and(|day| !day.is_break));
    let open_days = sprint.days.iter().filter(|d| !d.is_break).count().max(1) as f64;
    let rate = |prs: &[&PullRequest]| -> Option<MergeRate> {
        let (start, _) = window?;
        let before = Timestamp(start.0 - USUAL_RATE_DAYS * 86_400_000);
        let usual = prs.iter().filter(|p| p.merged_at.is_some_and(|m| m >= before && m < start)).count();
        if usual == 0 {
            return None;
        }
        let per_sprint_day = prs.iter().filter(|p| on_open_day(p.merged_at)).count() as f64 / open_days;
        let usual_per_day = usual as f64 / USUAL_RATE_DAYS as f64;
        Some(MergeRate { per_sprint_day, usual_per_day, ratio: Some(per_sprint_day / usual_per_day) })
    };
    // A pull request's page names its author: an erased person's pull requests are counted, never listed.
    let firsts = first_contributions_merged(snapshot);
    let pr_line = |pr: &PullRequest| PrLine {
        number: pr.number,
        title: pr.title.clone(),
        url: pr.url.clone(),
        state: pr.state,
        author: pr.attendee.as_ref().map(|id| snapshot.name(id)).or_else(|| pr.author.clone()),
        first_contribution: is_first_contribution(pr, &firsts),
    };

    let mut projects: Vec<&sprintdesk_domain::Project> = snapshot.projects.values().collect();
    projects.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let mut totals = Totals {
        issues_claimed: 0,
        issues_merged: 0,
        prs_opened: 0,
        prs_merged: 0,
        prs_by_others: 0,
        first_contributions_merged: 0,
    };
    let mut contributed: BTreeSet<AttendeeId> = BTreeSet::new();
    let mut project_reports = Vec::new();
    for project in projects {
        let mut prs: Vec<&PullRequest> = snapshot.pull_requests.iter().filter(|p| p.project == project.id).collect();
        prs.sort_by_key(|p| (p.created_at, p.number));
        let issues: Vec<_> = snapshot.issues.iter().filter(|i| i.project == project.id).collect();
        let (mut claimed, mut pr_open, mut merged) = (0, 0, 0);
        let mut mentor_pairs: Vec<MentorPair> = Vec::new();
        let mut pairs: Vec<Vec<String>> = Vec::new();
        // Pairs by who is in them (two erased people have one name), and those of erased people only.
        let mut seen_pairs: BTreeSet<(bool, Vec<AttendeeId>)> = BTreeSet::new();
        let mut unnamed_pairs = 0;
        let mut new_pair = |mentored: bool, people: Vec<AttendeeId>| {
            let all_erased = people.iter().all(|id| snapshot.is_erased(id));
            let new = seen_pairs.insert((mentored, people));
            if new && all_erased {
                unnamed_pairs += 1;
            }
            new && !all_erased
        };
        let mut people_here: BTreeSet<AttendeeId> = BTreeSet::new();
        // Who holds a merged issue, and which (the first in the issues' order).
        let mut merged_by: HashMap<AttendeeId, String> = HashMap::new();
        for issue in &issues {
            let claims = snapshot.claims(issue, now);
            if claims.holders.is_empty() {
                continue;
            }
            for holder in claims.holders.iter().filter(|h| h.state == sprintdesk_domain::ClaimState::Merged) {
                merged_by.entry(canonical(&holder.attendee)).or_insert_with(|| match issue.number {
                    Some(number) => format!("#{number} {}", issue.title),
                    None => issue.title.clone(),
                });
            }
            claimed += 1;
            match claims.state {
                IssueState::PrOpen => pr_open += 1,
                IssueState::Merged => merged += 1,
                _ => {}
            }
            for holder in &claims.holders {
                people_here.insert(holder.attendee.clone());
                if let Some(mentor) = &holder.mentor
                    && new_pair(true, vec![canonical(&holder.attendee), canonical(mentor)])
                {
                    mentor_pairs
                        .push(MentorPair { mentee: snapshot.name(&holder.attendee), mentor: snapshot.name(mentor) });
                }
            }
            for event in sprintdesk_domain::standing(snapshot.claim_events.iter().filter(|e| e.issue == issue.id)) {
                // A pair a lead kept, when that decision stood (one made after another lead's was ignored).
                if let ClaimAction::Resolve { keep } = &event.action
                    && keep.len() > 1
                    && keep.iter().all(|id| claims.holders.iter().any(|h| h.attendee == canonical(id) && h.settled))
                    && new_pair(false, keep.iter().map(&canonical).collect::<BTreeSet<_>>().into_iter().collect())
                {
                    pairs.push(keep.iter().map(|id| snapshot.name(id)).collect());
                }
            }
        }
        for ((table_project, _), people) in &at_table {
            if table_project == &project.id {
                people_here.extend(people.iter().cloned());
            }
        }
        people_here.extend(prs.iter().filter_map(|p| p.attendee.as_ref().map(&canonical)));
        // A first-timer's first merged pull request, merged once the sprint began (`first_contributions`).
        let first_merged = |id: &AttendeeId| {
            prs.iter()
                .filter(|p| firsts.contains(&p.id) && p.attendee.as_ref().map(&canonical).as_ref() == Some(id))
                .min_by_key(|p| (p.merged_at, &p.id))
                .map(|p| pr_line(p))
        };
        let first_time_contributors: Vec<FirstContribution> = people_here
            .iter()
            .filter(|id| {
                first_timer(id)
                    || prs
                        .iter()
                        .any(|p| p.first_contribution && p.attendee.as_ref().map(&canonical).as_ref() == Some(*id))
            })
            .filter_map(|id| {
                let first = first_merged(id);
                let merged_issue = if first.is_some() { None } else { merged_by.get(id).cloned() };
                if first.is_some() || merged_issue.is_some() {
                    contributed.insert(id.clone());
                }
                // Counted in the totals, but not listed: their first pull request would name them.
                (!snapshot.is_erased(id)).then(|| FirstContribution {
                    name: snapshot.name(id),
                    first_merged: first,
                    merged_issue,
                })
            })
            .collect();
        let mut goals: Vec<GoalLine> = snapshot
            .goals
            .iter()
            .filter(|g| g.project == project.id)
            .map(|g| GoalLine { title: g.title.clone(), status: g.status })
            .collect();
        goals.sort_by(|a, b| (a.status, &a.title).cmp(&(b.status, &b.title)));
        let mut status_log: Vec<StatusLine> = snapshot
            .status_updates
            .iter()
            .filter(|s| s.project == project.id)
            .map(|s| StatusLine {
                day: s.day,
                done: s.done.clone(),
                next: s.next.clone(),
                blockers: s.blockers.clone(),
                standup_seconds: snapshot
                    .standups
                    .iter()
                    .filter(|standup| standup.day == s.day)
                    .flat_map(|standup| &standup.shown)
                    .filter(|turn| turn.project == project.id)
                    .map(|turn| turn.seconds)
                    .sum(),
            })
            .collect();
        status_log.sort_by_key(|s| s.day);
        // What the sprint did is what its people did: a bot's or a passer-by's pull request is listed, not
        // counted (an erased person's still counts: the link to them stays).
        let (ours, others): (Vec<&PullRequest>, Vec<&PullRequest>) = prs
            .iter()
            .filter(|p| during(Some(p.created_at)) || during(p.merged_at))
            .partition(|p| p.attendee.is_some());
        let prs_opened = ours.iter().filter(|p| during(Some(p.created_at))).count() as u32;
        let prs_merged = ours.iter().filter(|p| during(p.merged_at)).count() as u32;
        let prs_by_others = others.len() as u32;
        totals.issues_claimed += claimed;
        totals.issues_merged += merged;
        totals.prs_opened += prs_opened;
        totals.prs_merged += prs_merged;
        totals.prs_by_others += prs_by_others;
        project_reports.push(ProjectReport {
            name: project.name.clone(),
            table: project.table_label.clone(),
            repo: project.repo_url.clone(),
            sprinters_per_day: sprint
                .days
                .iter()
                .map(|d| at_table.get(&(project.id.clone(), d.date)).map_or(0, |p| p.len() as u32))
                .collect(),
            goals,
            issues_claimed: claimed,
            issues_pr_open: pr_open,
            issues_merged: merged,
            prs_opened,
            prs_merged,
            prs_by_others,
            prs: prs
                .iter()
                .filter(|p| !snapshot.by_erased(p) && (during(Some(p.created_at)) || during(p.merged_at)))
                .map(|p| pr_line(p))
                .collect(),
            first_time_contributors,
            mentor_pairs,
            pairs,
            unnamed_pairs,
            status_log,
            merge_rate: rate(&prs),
        });
    }
    totals.first_contributions_merged = contributed.len() as u32;
    let all_prs: Vec<&PullRequest> = snapshot.pull_requests.iter().collect();
    let venue = sprint.venue.address.trim().to_owned();
    SprintReport {
        name: sprint.name.clone(),
        first_day: sprint.days.first().map(|d| d.date),
        last_day: sprint.days.last().map(|d| d.date),
        venue,
        days,
        participants: participants.len() as u32,
        roles,
        first_timers: participants.iter().filter(|id| first_timer(id)).count() as u32,
        erased: participants.iter().filter(|id| snapshot.is_erased(id)).count() as u32,
        projects: project_reports,
        totals,
        merge_rate: rate(&all_prs),
        standups: standups(snapshot),
        retrospective: retrospective(snapshot),
        made_at: now,
    }
}

fn standups(snapshot: &Snapshot) -> Vec<StandupDay> {
    let mut days: Vec<StandupDay> = snapshot
        .standups
        .iter()
        .filter(|s| !s.shown.is_empty())
        .map(|s| StandupDay {
            day: s.day,
            tables: s.shown.iter().map(|t| &t.project).collect::<BTreeSet<_>>().len() as u32,
            seconds: s.shown.iter().map(|t| t.seconds).sum(),
            blockers: s.shown.iter().filter(|t| !t.blockers.trim().is_empty()).count() as u32,
        })
        .collect();
    days.sort_by_key(|d| d.day);
    days
}

fn retrospective(snapshot: &Snapshot) -> Vec<RetroResult> {
    let questions = snapshot.sprint.retro_questions.clone().unwrap_or_else(default_retro_questions);
    let mut answers: Vec<_> = snapshot.retro_answers.iter().collect();
    answers.sort_by(|a, b| (a.day, &a.id).cmp(&(b.day, &b.id)));
    questions
        .into_iter()
        .map(|question| {
            let replies: Vec<_> =
                answers.iter().flat_map(|a| a.replies.iter()).filter(|r| r.question == question.id).collect();
            let mut ratings = vec![0u32; 5];
            let mut texts = Vec::new();
            for reply in &replies {
                match question.kind {
                    RetroKind::Rating => {
                        if let Some(r) = reply.rating.filter(|r| (1..=5).contains(r)) {
                            ratings[usize::from(r) - 1] += 1;
                        }
                    }
                    RetroKind::Text => {
                        if let Some(text) = reply.text.as_ref().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                            texts.push(text.to_owned());
                        }
                    }
                }
            }
            let rated: u32 = ratings.iter().sum();
            let average = (rated > 0).then(|| {
                ratings.iter().enumerate().map(|(i, n)| (i as f64 + 1.0) * f64::from(*n)).sum::<f64>()
                    / f64::from(rated)
            });
            let answered = match question.kind {
                RetroKind::Rating => rated,
                RetroKind::Text => texts.len() as u32,
            };
            RetroResult { question: question.text, kind: question.kind, answers: answered, ratings, average, texts }
        })
        .collect()
}
