//! Join attempts per source address: a few wrong join codes cost nothing (fingers slip), then each further
//! one locks the source out for longer, doubling up to ten minutes. While locked out, a join from that
//! address is refused without its code being looked at; a paired device's session from it is answered as
//! ever (a stranger behind the same NAT or guest network must not cut the venue's own devices off), and only
//! a join that succeeds starts the count again. Kept in memory by the running peer: it is about this
//! process's listener, not the sprint.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong join codes from one address before the first lockout.
const FREE_TRIES: u32 = 5;
/// The longest lockout.
const MAX_LOCKOUT: Duration = Duration::from_secs(600);
/// Sources remembered at most; past this, those not locked out are forgotten.
const REMEMBERED: usize = 10_000;

/// How long a source is locked out after `failures` wrong join codes in a row.
pub fn lockout(failures: u32) -> Duration {
    if failures < FREE_TRIES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_TRIES).min(10);
    Duration::from_secs(1u64 << doublings).min(MAX_LOCKOUT)
}

#[derive(Debug, Default)]
pub struct JoinThrottle {
    sources: Mutex<HashMap<IpAddr, Tries>>,
}

#[derive(Debug, Clone, Copy)]
struct Tries {
    failures: u32,
    locked_until: Option<Instant>,
}

impl JoinThrottle {
    /// Whether a join from `source` may be looked at, at `now`.
    pub fn allows(&self, source: IpAddr, now: Instant) -> bool {
        let sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sources.get(&source).and_then(|tries| tries.locked_until).is_none_or(|until| now >= until)
    }

    /// Counts a wrong join code from `source`; returns the lockout it starts, if any, and the wrong codes
    /// in a row so far.
    pub fn failed(&self, source: IpAddr, now: Instant) -> Option<(Duration, u32)> {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if sources.len() >= REMEMBERED {
            sources.retain(|_, tries| tries.locked_until.is_some_and(|until| until > now));
        }
        let tries = sources.entry(source).or_insert(Tries { failures: 0, locked_until: None });
        tries.failures = tries.failures.saturating_add(1);
        let wait = lockout(tries.failures);
        tries.locked_until = (!wait.is_zero()).then(|| now + wait);
        (!wait.is_zero()).then_some((wait, tries.failures))
    }

    /// A session from `source` went well: its count starts again.
    pub fn succeeded(&self, source: IpAddr) {
        self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_grow_after_a_few_wrong_codes() {
        let cases = [(0, 0), (4, 0), (5, 1), (6, 2), (9, 16), (14, 512), (15, 600), (1_000, 600)];
        for (failures, seconds) in cases {
            assert_eq!(lockout(failures), Duration::from_secs(seconds), "after {failures}");
        }
    }

    #[test]
    fn a_source_is_locked_out_then_let_in_again_and_others_are_not_affected() {
        let throttle = JoinThrottle::default();
        let (guesser, neighbour) = ("10.0.0.9".parse().unwrap(), "10.0.0.10".parse().unwrap());
        let start = Instant::now();
        for _ in 0..4 {
            assert_eq!(throttle.failed(guesser, start), None);
        }
        assert_eq!(throttle.failed(guesser, start), Some((Duration::from_secs(1), 5)));
        assert!(!throttle.allows(guesser, start));
        assert!(throttle.allows(neighbour, start), "only the guesser is locked out");
        assert!(throttle.allows(guesser, start + Duration::from_secs(1)));
        assert_eq!(throttle.failed(guesser, start + Duration::from_secs(1)), Some((Duration::from_secs(2), 6)));
        throttle.succeeded(guesser);
        assert!(throttle.allows(guesser, start + Duration::from_secs(1)));
    }
}
