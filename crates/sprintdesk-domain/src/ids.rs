//! Typed ids. Ids are opaque strings made by the caller (the core's id source), so that two devices can
//! create records offline without coordination and tests can make them deterministic.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

id_type!(
    /// A person at the sprint.
    AttendeeId
);
id_type!(
    /// A project, which sits at one table.
    ProjectId
);
id_type!(
    /// A goal of a project.
    GoalId
);
id_type!(
    /// A daily status update: one per project and day, so its id is derived from both.
    StatusId
);
id_type!(
    /// An issue of a project's tracker, imported for offline use.
    IssueId
);
id_type!(
    /// A pull request (or GitLab merge request) of a project's repository.
    PullRequestId
);
id_type!(
    /// One person's answers to the retrospective, stored without saying whose.
    RetroAnswerId
);
id_type!(
    /// The stand-up of one day: one per day, so its id is derived from the day.
    StandupId
);
id_type!(
    /// An insert-only event (sign-in, sign-out, claim, …).
    EventId
);
id_type!(
    /// A device at the venue: the origin of every change it makes.
    DeviceId
);

impl StatusId {
    /// The one status update a project has on a day; two devices writing it merge field by field.
    pub fn for_day(project: &ProjectId, day: chrono::NaiveDate) -> Self {
        Self(format!("{project}@{day}"))
    }
}

/// The project named at the end of an id made by [`GoalId::in_project`] or [`IssueId::in_project`] (or a
/// status update's, which ends with its day): on the LAN a table lead may write only its own project's.
fn project_suffix(id: &str) -> Option<&str> {
    id.split_once('@').map(|(_, project)| project).filter(|project| !project.is_empty())
}

impl GoalId {
    /// A new goal's id: a fresh id that names its project, so that every device can tell, from the record
    /// alone, whether a table lead may write it.
    pub fn in_project(fresh: &str, project: &ProjectId) -> Self {
        Self(format!("{fresh}@{project}"))
    }

    /// The project named in the id (goals made before ids named their project have none).
    pub fn project(&self) -> Option<&str> {
        project_suffix(&self.0)
    }
}

impl IssueId {
    /// An imported issue's id: a fresh id that names its project (see [`GoalId::in_project`]).
    pub fn in_project(fresh: &str, project: &ProjectId) -> Self {
        Self(format!("{fresh}@{project}"))
    }

    /// The project named in the id.
    pub fn project(&self) -> Option<&str> {
        project_suffix(&self.0)
    }
}

impl PullRequestId {
    /// An imported pull request's id: a fresh id that names its project (see [`GoalId::in_project`]).
    pub fn in_project(fresh: &str, project: &ProjectId) -> Self {
        Self(format!("{fresh}@{project}"))
    }

    /// The project named in the id.
    pub fn project(&self) -> Option<&str> {
        project_suffix(&self.0)
    }
}

impl RetroAnswerId {
    /// A new set of answers' id: a fresh id that names the device it was given on, so that no other device
    /// can write over it (the id says which device, never which person).
    pub fn made_by(fresh: &str, device: &DeviceId) -> Self {
        Self(format!("{fresh}@{device}"))
    }

    /// The device named at the end of the id.
    pub fn device(&self) -> Option<&str> {
        project_suffix(&self.0)
    }
}

impl StatusId {
    /// The project this status update is about.
    pub fn project(&self) -> Option<&str> {
        self.0.rsplit_once('@').map(|(project, _)| project).filter(|project| !project.is_empty())
    }
}

impl EventId {
    /// A new event's id: a fresh id that names the device recording it, so that no other device can write
    /// an event under it (nor take it back: a retraction's id is this one's with `~undo`).
    pub fn made_by(fresh: &str, device: &DeviceId) -> Self {
        Self(format!("{fresh}@{device}"))
    }

    /// The device named at the end of the id (of the event a retraction takes back, for a retraction);
    /// `None` for ids made before ids named their device.
    pub fn author(&self) -> Option<&str> {
        Self::author_in(&self.0)
    }

    /// [`EventId::author`] of an id as text.
    pub fn author_in(id: &str) -> Option<&str> {
        let id = id.strip_suffix("~undo").unwrap_or(id);
        id.rsplit_once('@').map(|(_, device)| device)
    }
}

impl AttendeeId {
    /// The id of a person a device registers itself (a walk-in at the door): a fresh id that names the
    /// device, so that on the LAN the device may go on writing this person and no one else.
    pub fn registered_at(fresh: &str, device: &DeviceId) -> Self {
        Self(format!("{fresh}@{device}"))
    }

    /// The device that registered this person, for an id made by [`AttendeeId::registered_at`].
    pub fn registered_by(&self) -> Option<&str> {
        self.0.rsplit_once('@').map(|(_, device)| device).filter(|device| !device.is_empty())
    }
}
