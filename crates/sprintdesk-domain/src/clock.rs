//! Time, passed in: the one source of wall time for a device, so tests can run a sprint day in
//! milliseconds and the hybrid logical clock has one source.
//!
//! The trait lives with the domain so that every layer (store, sync, core) shares it without depending on
//! each other. No rule calls a clock: front ends make a [`SystemClock`] (or a [`FixedClock`]) and pass it
//! in; the rules get the time as a [`Timestamp`] argument.

use crate::Timestamp;
use std::sync::Mutex;

/// A clock further off than this from a peer's is shown as a problem.
pub const SKEW_WARNING_MS: i64 = 2 * 60 * 1000;

/// A duration in words: seconds, minutes or hours.
pub fn span_words(ms: i64) -> String {
    let minutes = ms.unsigned_abs() / 60_000;
    match minutes {
        0 => format!("{} s", ms.unsigned_abs() / 1000),
        1..120 => format!("{minutes} min"),
        _ => format!("{} h", (minutes + 30) / 60),
    }
}

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The machine's wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_utc(chrono::Utc::now())
    }
}

/// A clock that shows what it is told: for tests, and for replaying a sprint day.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
    }

    pub fn advance_minutes(&self, minutes: i64) {
        let mut now = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now = now.plus_minutes(minutes);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
