//! The stand-up's use case: the organizer starts the day's stand-up, steps it table by table (from the
//! projector's keyboard or a presenter's clicker) and ends it. The board and the leads' screens read it from
//! [`crate::view::Board::standup`]; the report reads the turns it kept.

use crate::view::StandupView;
use crate::{Desk, Error};
use serde::Deserialize;
use sprintdesk_domain::{
    DEFAULT_TURN_SECONDS, Project, ProjectId, ShownStatus, Standup, StandupId, StatusId, Timestamp, ValidationError,
};
use sprintdesk_store::Op;

/// A stand-up nobody has stepped for this long is taken as forgotten.
const FORGOTTEN_AFTER_SECONDS: u32 = 3600;

/// What to do with today's stand-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum StandupAction {
    /// Start (or start again) at the first table.
    Start,
    Next,
    Previous,
    End,
}

#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StandupStep {
    pub action: StandupAction,
    /// Seconds per table when starting (2 minutes if not given).
    #[serde(default)]
    #[ts(optional)]
    pub turn_seconds: Option<u32>,
}

impl Desk {
    /// Starts, steps or ends today's stand-up. Returns it as the board shows it (`None` once ended).
    pub fn standup(&mut self, step: StandupStep) -> Result<Option<StandupView>, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let day = snapshot
            .presence(now)
            .today
            .ok_or_else(|| Error::VenueClosed("the stand-up runs on a sprint day, while the venue is open".into()))?;
        let old = snapshot.standups.iter().find(|s| s.id == StandupId::for_day(day));
        let shown = |standup: &Standup| {
            standup
                .speaking()
                .and_then(|project| snapshot.status_updates.iter().find(|s| s.id == StatusId::for_day(project, day)))
                .map(|s| ShownStatus { done: s.done.clone(), next: s.next.clone(), blockers: s.blockers.clone() })
                .unwrap_or_default()
        };
        let new = match step.action {
            StandupAction::Start => {
                let here: Vec<ProjectId> = snapshot.presence(now).here.values().flatten().cloned().collect();
                let said = |p: &Project| snapshot.status_updates.iter().any(|s| s.id == StatusId::for_day(&p.id, day));
                let mut tables: Vec<&Project> = snapshot.projects.values().collect();
                tables.sort_by_cached_key(|p| p.order_key());
                // The tables with someone at them or a status written today; every table if none has either.
                let speaking: Vec<ProjectId> =
                    tables.iter().filter(|p| here.contains(&p.id) || said(p)).map(|p| p.id.clone()).collect();
                let order = if speaking.is_empty() { tables.iter().map(|p| p.id.clone()).collect() } else { speaking };
                let seconds = step.turn_seconds.unwrap_or(DEFAULT_TURN_SECONDS);
                Standup::start(old, day, order, seconds, now)
                    .map_err(|e| ValidationError::new("turn_seconds", e.to_string()))?
            }
            action => {
                let mut standup = old
                    .filter(|s| !s.ended)
                    .cloned()
                    .ok_or_else(|| Error::NotFound("no stand-up is running today: start it first".into()))?;
                let status = shown(&standup);
                match action {
                    StandupAction::Next => standup.step(1, now, status),
                    StandupAction::Previous => standup.step(-1, now, status),
                    _ => {
                        standup.end(now, status);
                        Ok(())
                    }
                }
                .map_err(|e| Error::NotFound(e.to_string()))?;
                standup
            }
        };
        self.write(Op::put(&new, old))?;
        let snapshot = self.snapshot()?;
        Ok(snapshot.standup_view(day, now))
    }
}

impl crate::snapshot::Snapshot {
    /// The day's stand-up as the board shows it, while it runs. One left running (nobody stepped it for an
    /// hour) no longer holds the projector: the board goes back to its pages.
    pub(crate) fn standup_view(&self, day: chrono::NaiveDate, now: Timestamp) -> Option<StandupView> {
        let standup = self.standups.iter().find(|s| s.id == StandupId::for_day(day) && !s.ended)?;
        if standup.elapsed(now) > FORGOTTEN_AFTER_SECONDS {
            return None;
        }
        let order = standup
            .tables
            .iter()
            .map(|id| match self.projects.get(id) {
                Some(project) => self.project_ref(project),
                None => {
                    crate::view::ProjectRef { id: id.clone(), name: "(a deleted project)".into(), table_label: None }
                }
            })
            .collect();
        Some(StandupView {
            day,
            position: standup.position,
            order,
            turn_seconds: standup.turn_seconds,
            elapsed_seconds: standup.elapsed(now),
        })
    }
}
