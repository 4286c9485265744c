//! The start-of-day stand-up on the projector: the organizer starts it, the board steps through the tables
//! one at a time (each with a timer), and what each table said is kept for the report. One record per day,
//! written only by organizers; stepping is a pure function of the record, the clock and what was on screen.

use crate::{ProjectId, StandupId, Timestamp};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Seconds each table has unless the organizer says otherwise.
pub const DEFAULT_TURN_SECONDS: u32 = 120;
/// The longest turn the organizer may set (an hour).
pub const MAX_TURN_SECONDS: u32 = 3600;

impl StandupId {
    pub fn for_day(day: NaiveDate) -> Self {
        Self(format!("standup@{day}"))
    }
}

/// One day's stand-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Standup {
    pub id: StandupId,
    pub day: NaiveDate,
    /// The tables in the order they speak.
    pub tables: Vec<ProjectId>,
    /// Which of `tables` is speaking.
    pub position: u32,
    /// When the speaking table's turn began.
    pub turn_started: Timestamp,
    pub turn_seconds: u32,
    pub ended: bool,
    /// Every turn taken so far today, with what the screen showed: the report's record of the stand-up.
    pub shown: Vec<StandupTurn>,
}

/// One table's turn, as it was shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StandupTurn {
    pub project: ProjectId,
    pub started: Timestamp,
    pub seconds: u32,
    pub done: String,
    pub next: String,
    pub blockers: String,
}

/// What a table's status said when its turn ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShownStatus {
    pub done: String,
    pub next: String,
    pub blockers: String,
}

/// Why the stand-up cannot do what was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StandupError {
    #[error("there are no tables to step through: add projects first")]
    NoTables,
    #[error("a table's turn is between 10 seconds and an hour")]
    TurnLength,
    #[error("the stand-up is over; start it again to go on")]
    Over,
}

impl Standup {
    /// Starts (or starts again) the day's stand-up at the first table. Turns taken earlier that day are kept.
    pub fn start(
        earlier: Option<&Standup>,
        day: NaiveDate,
        tables: Vec<ProjectId>,
        turn_seconds: u32,
        now: Timestamp,
    ) -> Result<Standup, StandupError> {
        if tables.is_empty() {
            return Err(StandupError::NoTables);
        }
        if !(10..=MAX_TURN_SECONDS).contains(&turn_seconds) {
            return Err(StandupError::TurnLength);
        }
        Ok(Standup {
            id: StandupId::for_day(day),
            day,
            tables,
            position: 0,
            turn_started: now,
            turn_seconds,
            ended: false,
            shown: earlier.filter(|s| s.day == day).map(|s| s.shown.clone()).unwrap_or_default(),
        })
    }

    /// The table speaking now.
    pub fn speaking(&self) -> Option<&ProjectId> {
        if self.ended { None } else { self.tables.get(self.position as usize) }
    }

    /// The table after the one speaking.
    pub fn up_next(&self) -> Option<&ProjectId> {
        if self.ended { None } else { self.tables.get(self.position as usize + 1) }
    }

    /// Whole seconds the speaking table has had (0 if the clock went back).
    pub fn elapsed(&self, now: Timestamp) -> u32 {
        u32::try_from((now.0 - self.turn_started.0).max(0) / 1000).unwrap_or(u32::MAX)
    }

    /// Moves `by` tables on (negative: back). The turn that ends is kept with `status`, what the screen showed.
    /// Past the last table the stand-up ends; before the first it stays at the first.
    pub fn step(&mut self, by: i64, now: Timestamp, status: ShownStatus) -> Result<(), StandupError> {
        if self.ended {
            return Err(StandupError::Over);
        }
        let target = i64::from(self.position) + by;
        if target < 0 {
            return Ok(());
        }
        self.record_turn(now, status);
        if target >= self.tables.len() as i64 {
            self.ended = true;
        } else {
            self.position = u32::try_from(target).unwrap_or(0);
        }
        self.turn_started = now;
        Ok(())
    }

    /// Ends the stand-up where it is, keeping the speaking table's turn.
    pub fn end(&mut self, now: Timestamp, status: ShownStatus) {
        if !self.ended {
            self.record_turn(now, status);
            self.ended = true;
            self.turn_started = now;
        }
    }

    fn record_turn(&mut self, now: Timestamp, status: ShownStatus) {
        if let Some(project) = self.speaking().cloned() {
            let ShownStatus { done, next, blockers } = status;
            let seconds = self.elapsed(now);
            self.shown.push(StandupTurn { project, started: self.turn_started, seconds, done, next, blockers });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 18).unwrap()
    }

    fn tables(n: usize) -> Vec<ProjectId> {
        (1..=n).map(|i| ProjectId(format!("p{i}"))).collect()
    }

    fn said(blockers: &str) -> ShownStatus {
        ShownStatus { blockers: blockers.into(), ..ShownStatus::default() }
    }

    #[test]
    fn starting_needs_tables_and_a_sensible_turn() {
        let cases = [
            ("no tables", 0, 120, Err(StandupError::NoTables)),
            ("too short", 3, 5, Err(StandupError::TurnLength)),
            ("too long", 3, 7200, Err(StandupError::TurnLength)),
            ("two minutes", 3, 120, Ok(())),
            ("ten seconds", 1, 10, Ok(())),
        ];
        for (name, n, seconds, expected) in cases {
            let got = Standup::start(None, day(), tables(n), seconds, Timestamp(0)).map(|_| ());
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn stepping_through_the_tables_keeps_each_turn_and_ends_after_the_last() {
        let mut s = Standup::start(None, day(), tables(3), 120, Timestamp(0)).unwrap();
        // (step by, at ms, speaking after, ended after, turns kept)
        let steps: [(i64, i64, Option<&str>, bool, usize); 6] = [
            (-1, 1_000, Some("p1"), false, 0), // before the first: stays, keeps nothing
            (1, 90_000, Some("p2"), false, 1),
            (1, 200_000, Some("p3"), false, 2),
            (-1, 230_000, Some("p2"), false, 3), // back to a table: the short turn is kept too
            (1, 260_000, Some("p3"), false, 4),
            (1, 400_000, None, true, 5),
        ];
        for (by, at, speaking, ended, kept) in steps {
            s.step(by, Timestamp(at), said("")).unwrap();
            assert_eq!(s.speaking().map(|p| p.as_str()), speaking, "after stepping {by} at {at}");
            assert_eq!(s.ended, ended);
            assert_eq!(s.shown.len(), kept);
        }
        let seconds: Vec<(String, u32)> = s.shown.iter().map(|t| (t.project.0.clone(), t.seconds)).collect();
        let expected = [("p1", 90), ("p2", 110), ("p3", 30), ("p2", 30), ("p3", 140)];
        assert_eq!(seconds, expected.map(|(p, s)| (p.to_owned(), s)));
        assert_eq!(s.step(1, Timestamp(500_000), said("")), Err(StandupError::Over));
    }

    #[test]
    fn what_the_screen_showed_is_kept_with_the_turn() {
        let mut s = Standup::start(None, day(), tables(2), 120, Timestamp(0)).unwrap();
        s.step(1, Timestamp(60_000), said("CI is down")).unwrap();
        s.end(Timestamp(70_000), said(""));
        assert_eq!(s.shown[0].blockers, "CI is down");
        assert_eq!(s.shown[1].project.as_str(), "p2");
        assert!(s.ended);
        s.end(Timestamp(80_000), said("again"));
        assert_eq!(s.shown.len(), 2, "ending twice keeps nothing more");
    }

    #[test]
    fn starting_again_the_same_day_keeps_the_turns_taken_and_a_new_day_does_not() {
        let mut s = Standup::start(None, day(), tables(2), 120, Timestamp(0)).unwrap();
        s.step(1, Timestamp(60_000), said("")).unwrap();
        let again = Standup::start(Some(&s), day(), tables(2), 90, Timestamp(100_000)).unwrap();
        assert_eq!((again.position, again.shown.len(), again.turn_seconds), (0, 1, 90));
        let tomorrow = Standup::start(Some(&s), day().succ_opt().unwrap(), tables(2), 90, Timestamp(0)).unwrap();
        assert!(tomorrow.shown.is_empty());
    }

    #[test]
    fn elapsed_never_goes_negative() {
        let s = Standup::start(None, day(), tables(1), 120, Timestamp(50_000)).unwrap();
        assert_eq!(s.elapsed(Timestamp(10_000)), 0);
        assert_eq!(s.elapsed(Timestamp(111_999)), 61);
    }
}
