//! Use cases of projects and their tables, leads, goals and the daily status (done, next, blockers).

use crate::{Desk, Error};
use serde::Deserialize;
use sprintdesk_domain::search::fold;
use sprintdesk_domain::{
    Goal, GoalId, GoalStatus, Project, ProjectId, Role, StatusId, StatusUpdate, ValidationError, check_table_and_repo,
};
use sprintdesk_store::Op;

/// A project and its table.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    pub name: String,
    #[serde(default)]
    pub repo_url: Option<String>,
    #[serde(default)]
    pub table_label: Option<String>,
    /// Attendee ids, handles or full names.
    #[serde(default)]
    pub leads: Vec<String>,
}

/// A project corrected: `project` (its id, name or table) becomes `to`.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ProjectEdit {
    pub project: String,
    pub to: NewProject,
}

/// A goal's title or beginner flag corrected.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GoalEdit {
    pub goal: String,
    pub title: String,
    pub beginner_friendly: bool,
}

/// Raising or lowering a project's "help wanted" flag.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct HelpWanted {
    /// A project id, name or table label.
    pub project: String,
    pub help_wanted: bool,
    /// What help is wanted ("someone who knows Windows"); left as it was when not given.
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

pub use sprintdesk_domain::{GOAL_TITLE_MAX, HELP_NOTE_MAX, STATUS_FIELD_MAX};

/// `text` when it is at most `max` characters; otherwise the error that says so, for `field`, in words
/// that name what it is (`what`).
fn at_most(field: &'static str, what: &str, text: String, max: usize) -> Result<String, Error> {
    let count = text.chars().count();
    if count > max {
        return Err(
            ValidationError::new(field, format!("{what} in {max} characters or fewer (this is {count})")).into()
        );
    }
    Ok(text)
}

/// Blockers that say there are none ("none", "n/a", "-") as no blockers: typed so, the table showed as
/// blocked on Today and the board, and organizers walked over to tables that needed nothing.
fn no_blocker_is_empty(blockers: &str) -> &str {
    let said = blockers.trim_end_matches(['.', '!']).trim().to_lowercase();
    let none = ["none", "no", "nope", "n/a", "na", "-", "--", "nothing", "no blockers", "none so far", "nil", "0"];
    if none.contains(&said.as_str()) { "" } else { blockers }
}

/// A goal of a project.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewGoal {
    /// A project id, name or table label.
    pub project: String,
    pub title: String,
    #[serde(default)]
    pub beginner_friendly: bool,
}

/// A goal's new state.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GoalProgress {
    pub goal: String,
    pub status: GoalStatus,
}

/// A project's status for today, from the daily status meeting.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DailyStatus {
    /// A project id, name or table label.
    pub project: String,
    /// Each part given is written (an empty one clears it); a part not given keeps what this device holds.
    #[serde(default)]
    #[ts(optional)]
    pub done: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub next: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub blockers: Option<String>,
    /// What the lead's form showed when they began typing: only the parts they changed are written, so
    /// what another lead saved meanwhile in the others stays. Without it, every part given that differs
    /// from this device's copy is written.
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<StatusText>,
}

/// The parts of a day's status as a form showed them. A part left out was not shown: what is typed for it
/// is written (the command line gives only the parts it names, and leaves the others out).
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StatusText {
    #[serde(default)]
    #[ts(optional)]
    pub done: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub next: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub blockers: Option<String>,
}

impl Desk {
    pub fn add_project(&mut self, new: NewProject) -> Result<Project, Error> {
        let id = ProjectId(self.make_id("p"));
        let (project, ops) = self.checked_project(id, None, new)?;
        self.write(ops)?;
        Ok(project)
    }

    /// Corrects a project: its name, repository, table and leads (a typo must not stay on the projector all
    /// week). Its goals, claims and who sits at it stay.
    pub fn edit_project(&mut self, edit: ProjectEdit) -> Result<Project, Error> {
        let old = self.snapshot()?.find_project(&edit.project)?.clone();
        let (project, ops) = self.checked_project(old.id.clone(), Some(&old), edit.to)?;
        self.write(ops)?;
        Ok(project)
    }

    /// `new` as the project `id` (replacing `old`), checked: a name, unique names and tables, leads who are
    /// on the list (made table leads if they were not).
    fn checked_project(
        &mut self,
        id: ProjectId,
        old: Option<&Project>,
        new: NewProject,
    ) -> Result<(Project, Vec<Op>), Error> {
        let snapshot = self.snapshot()?;
        let others = || snapshot.projects.values().filter(|p| p.id != id);
        let name = new.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(ValidationError::new("name", "the project needs a name").into());
        }
        if others().any(|p| fold(&p.name) == fold(&name)) {
            return Err(ValidationError::new("name", format!("there is already a project called {name}")).into());
        }
        let table_label = new.table_label.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let repo_url = new.repo_url.as_deref().and_then(sprintdesk_domain::repo_address);
        check_table_and_repo(table_label.as_deref(), repo_url.as_deref())?;
        if let Some(label) = &table_label
            && let Some(other) = others().find(|p| p.table_label.as_ref().is_some_and(|l| fold(l) == fold(label)))
        {
            return Err(
                ValidationError::new("table_label", format!("table {label} is already {}'s", other.name)).into()
            );
        }
        let mut ops = Vec::new();
        let mut leads = Vec::new();
        for lead in &new.leads {
            let person = snapshot.find_attendee(lead)?;
            if leads.contains(&person.id) {
                continue;
            }
            if !person.has_role(Role::TableLead) {
                let mut promoted = person.clone();
                promoted.roles.push(Role::TableLead);
                promoted.roles.sort();
                ops.extend(Op::put(&promoted, Some(person)));
            }
            leads.push(person.id.clone());
        }
        let project = Project {
            id,
            name,
            repo_url,
            table_label,
            leads,
            help_wanted: old.is_some_and(|p| p.help_wanted),
            help_note: old.map(|p| p.help_note.clone()).unwrap_or_default(),
        };
        ops.extend(Op::put(&project, old));
        Ok((project, ops))
    }

    pub fn projects(&mut self) -> Result<Vec<Project>, Error> {
        let snapshot = self.snapshot()?;
        let mut projects: Vec<Project> = snapshot.projects.values().cloned().collect();
        projects.sort_by_cached_key(|p| fold(&p.name));
        Ok(projects)
    }

    /// The project `text` names (its id, name or table), or a clear error.
    pub fn find_project(&mut self, text: &str) -> Result<Project, Error> {
        Ok(self.snapshot()?.find_project(text)?.clone())
    }

    pub fn set_help_wanted(&mut self, change: HelpWanted) -> Result<Project, Error> {
        let snapshot = self.snapshot()?;
        let old = snapshot.find_project(&change.project)?;
        let note = match change.note {
            Some(note) => note.split_whitespace().collect::<Vec<_>>().join(" "),
            None => old.help_note.clone(),
        };
        let note = at_most("note", "say what help is wanted", note, HELP_NOTE_MAX)?;
        let new = Project { help_wanted: change.help_wanted, help_note: note, ..old.clone() };
        self.write(Op::put(&new, Some(old)))?;
        Ok(new)
    }

    pub fn add_goal(&mut self, new: NewGoal) -> Result<Goal, Error> {
        let snapshot = self.snapshot()?;
        let project = snapshot.find_project(&new.project)?;
        let title = new.title.trim();
        if title.is_empty() {
            return Err(ValidationError::new("title", "the goal needs a title").into());
        }
        let title = at_most("title", "say the goal", title.to_owned(), GOAL_TITLE_MAX)?;
        let goal = Goal {
            id: GoalId::in_project(&self.make_id("g"), &project.id),
            project: project.id.clone(),
            title,
            beginner_friendly: new.beginner_friendly,
            status: GoalStatus::Planned,
            notes: String::new(),
        };
        self.write(Op::put(&goal, None))?;
        Ok(goal)
    }

    pub fn set_goal_status(&mut self, change: GoalProgress) -> Result<Goal, Error> {
        let snapshot = self.snapshot()?;
        let old = find_goal(&snapshot, &change.goal)?;
        let new = Goal { status: change.status, ..old.clone() };
        self.write(Op::put(&new, Some(old)))?;
        Ok(new)
    }

    /// Corrects a goal's title or whether it suits beginners; its state stays.
    pub fn edit_goal(&mut self, edit: GoalEdit) -> Result<Goal, Error> {
        let snapshot = self.snapshot()?;
        let old = find_goal(&snapshot, &edit.goal)?;
        let title = edit.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(ValidationError::new("title", "the goal needs a title").into());
        }
        let title = at_most("title", "say the goal", title, GOAL_TITLE_MAX)?;
        let new = Goal { title, beginner_friendly: edit.beginner_friendly, ..old.clone() };
        self.write(Op::put(&new, Some(old)))?;
        Ok(new)
    }

    /// Today's status update for a project (the daily status meeting): done, next, blockers.
    pub fn set_status(&mut self, status: DailyStatus) -> Result<StatusUpdate, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let project = snapshot.find_project(&status.project)?;
        let day = snapshot.sprint.local_date(now);
        if snapshot.sprint.day(day).is_none() {
            return Err(Error::VenueClosed(format!("{day} is not a day of the sprint")));
        }
        let id = StatusId::for_day(&project.id, day);
        let old = snapshot.status_updates.iter().find(|s| s.id == id);
        let checked = |part: Option<String>, field, what| {
            part.map(|text| at_most(field, what, text.trim().to_owned(), STATUS_FIELD_MAX)).transpose()
        };
        let done = checked(status.done, "done", "say what was done")?;
        let next = checked(status.next, "next", "say what is next")?;
        let blockers = checked(
            status.blockers.map(|b| no_blocker_is_empty(&b).to_owned()),
            "blockers",
            "say what blocks the table",
        )?;
        // A part not given, or that the lead did not change, keeps what this device holds (another lead's
        // save included).
        let held = |part: fn(&StatusUpdate) -> &String| old.map(part).cloned().unwrap_or_default();
        let keep = |typed: Option<String>, shown: Option<&String>, part: fn(&StatusUpdate) -> &String| match typed {
            Some(typed) if shown.is_none_or(|shown| shown.trim() != typed) => typed,
            _ => held(part),
        };
        let from = status.from.as_ref();
        let new = StatusUpdate {
            id,
            project: project.id.clone(),
            day,
            done: keep(done, from.and_then(|f| f.done.as_ref()), |s| &s.done),
            next: keep(next, from.and_then(|f| f.next.as_ref()), |s| &s.next),
            blockers: keep(blockers, from.and_then(|f| f.blockers.as_ref()), |s| &s.blockers),
        };
        let mut ops = Op::put(&new, old);
        if old.is_none() {
            // The day's first status writes only what it says: an empty part written now would win over
            // what another lead, offline meanwhile, wrote into it earlier (their blockers gone on sync).
            ops.retain(|op| {
                !matches!(op, Op::Set { field: "done" | "next" | "blockers", value, .. } if value.as_str() == Some(""))
            });
        }
        self.write(ops)?;
        Ok(new)
    }
}

/// The goal with id `id`, or a clear error.
/// A goal by its id, by the id's first part (`g-0aj2smpjfb` of `g-0aj2smpjfb@p-…`), or by its title (accents
/// and case folded): the command line took only the whole id, which no screen shows.
fn find_goal<'a>(snapshot: &'a crate::snapshot::Snapshot, query: &str) -> Result<&'a Goal, Error> {
    let query = query.trim();
    if let Some(goal) = snapshot.goals.iter().find(|g| g.id.as_str() == query) {
        return Ok(goal);
    }
    let short: Vec<&Goal> = snapshot.goals.iter().filter(|g| g.id.as_str().split('@').next() == Some(query)).collect();
    if let [goal] = short.as_slice() {
        return Ok(goal);
    }
    let title = sprintdesk_domain::search::fold(query);
    let titled: Vec<&Goal> =
        snapshot.goals.iter().filter(|g| sprintdesk_domain::search::fold(g.title.trim()) == title).collect();
    match titled.as_slice() {
        [goal] => Ok(goal),
        [] => Err(Error::NotFound(format!("there is no goal {query}: give its title or its id"))),
        more => Err(Error::Ambiguous(format!(
            "{} goals are titled \"{query}\": give the id of the one you mean ({})",
            more.len(),
            more.iter().map(|g| g.id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn blockers_that_say_there_are_none_are_none() {
        for (typed, kept) in [
            ("none", ""),
            ("None.", ""),
            ("N/A", ""),
            ("-", ""),
            ("nothing!", ""),
            ("No blockers", ""),
            ("none so far", ""),
            ("Slow CI", "Slow CI"),
            ("none of the reviewers answer", "none of the reviewers answer"),
            ("no CI runners", "no CI runners"),
            ("", ""),
        ] {
            assert_eq!(super::no_blocker_is_empty(typed), kept, "{typed:?}");
        }
    }
}
