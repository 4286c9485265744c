//! What the door asks before it changes someone who is here: anyone can walk up to the kiosk and type a
//! name, so signing a person out (or moving them to another table) needs a proof only they have. Their
//! badge is enough; without it, they choose the table they signed in at among every table (so choosing
//! reveals nothing). One wrong table, and choosing a table for that person is off on this device for a
//! while: a stranger cannot try table after table. Organizers sign anyone out with `sign_out`.
//!
//! The wrong-table bookkeeping is this device's own (a local setting, as wrong PINs are): it is not
//! replicated, and the clock is the desk's.

use crate::snapshot::Snapshot;
use crate::view::SignOutOutcome;
use crate::{Desk, Error};
use serde::Deserialize;
use sprintdesk_domain::{Attendee, AttendeeId, ProjectId, Timestamp};

/// How long choosing a table for a person is off on this device after one wrong table.
pub(crate) const WRONG_TABLE_LOCK_MINUTES: i64 = 10;

/// How long choosing a table for a person is off on this device after the `wrong`-th wrong table in a row
/// (since their badge or the right table last worked here): ten minutes, then an hour, six hours, a day.
/// A person who picks the wrong table once waits ten minutes; a stranger trying the five tables of a small
/// sprint one after another needs a day and a half, not forty minutes, to learn where someone sits.
fn lock_minutes(wrong: u32) -> i64 {
    (WRONG_TABLE_LOCK_MINUTES * 6_i64.pow(wrong.saturating_sub(1).min(3))).min(24 * 60)
}

/// "10 more minutes", "6 more hours": how long a lock has left, in words; in minutes under two hours, so
/// that rounding up never says much more than is left.
fn more(minutes: i64) -> String {
    match minutes {
        1 => "1 more minute".into(),
        m if m < 120 => format!("{m} more minutes"),
        m => format!("{} more hours", (m + 59) / 60),
    }
}

/// What the person at the door gave to show who they are: their badge code, or the table they signed in
/// at (`table: null` for "No table").
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DoorProof {
    /// A project id, name or table label; `None` for "No table".
    #[serde(default)]
    pub table: Option<String>,
    /// Their badge code, scanned or typed: proof enough on its own.
    #[serde(default)]
    #[ts(optional)]
    pub badge: Option<String>,
}

/// Signing a person out at the door, with their proof (see [`DoorProof`]).
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DoorSignOut {
    /// An attendee id, a `@handle` or a full name.
    pub attendee: String,
    /// The table they say they signed in at: a project id, name or table label; `None` for "No table".
    #[serde(default)]
    pub table: Option<String>,
    /// Their badge code, scanned or typed: proof enough on its own.
    #[serde(default)]
    #[ts(optional)]
    pub badge: Option<String>,
}

/// A proof, resolved against the sprint.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Given {
    /// A badge code: whether it is this person's.
    Badge { theirs: bool },
    /// A table (`None`: "No table").
    Table(Option<ProjectId>),
}

/// What the door decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Proven,
    WrongBadge,
    /// A wrong table was chosen for this person lately: tables are not checked until then, not even the
    /// right one (minutes left, rounded up).
    Locked {
        minutes: i64,
    },
    WrongTable,
}

/// The rule, without I/O: `tables` are where the person signed in today (the first table, and any they
/// moved to: an honest person names either), `locked_until` when choosing a table for them is possible
/// again on this device.
fn judge(given: &Given, tables: &[Option<ProjectId>], locked_until: Option<Timestamp>, now: Timestamp) -> Verdict {
    let locked = locked_until.filter(|until| now.0 < until.0);
    match (given, locked) {
        (Given::Badge { theirs: true }, _) => Verdict::Proven,
        (Given::Badge { theirs: false }, _) => Verdict::WrongBadge,
        (Given::Table(_), Some(until)) => Verdict::Locked { minutes: (until.0 - now.0 + 59_999) / 60_000 },
        (Given::Table(table), None) if tables.contains(table) => Verdict::Proven,
        (Given::Table(_), None) => Verdict::WrongTable,
    }
}

fn lock_key(person: &AttendeeId) -> String {
    format!("door_table_locked_until:{person}")
}

impl Desk {
    /// Signs a person out at the door, when their badge or their table says it is them; otherwise nothing
    /// changes. The outcome and its undo are `sign_out`'s.
    pub fn sign_out_at_door(&mut self, request: DoorSignOut) -> Result<SignOutOutcome, Error> {
        let proof = DoorProof { table: request.table, badge: request.badge };
        self.sign_out_with(&request.attendee, Some(&proof))
    }

    /// Checks that `proof` shows the person at the door is `person`, who is here at the table `at`. A wrong
    /// table locks choosing a table for them on this device: the one write a refused check makes.
    pub(crate) fn check_door_proof(
        &mut self,
        snapshot: &Snapshot,
        person: &Attendee,
        at: Option<&ProjectId>,
        proof: &DoorProof,
    ) -> Result<(), Error> {
        let now = self.now();
        let badge = proof.badge.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let given = match badge {
            Some(code) => Given::Badge {
                theirs: snapshot.find_by_badge(code).is_ok_and(|owner| snapshot.canonical(&owner.id) == person.id),
            },
            None => {
                let table = proof.table.as_deref().map(str::trim).filter(|t| !t.is_empty());
                Given::Table(table.map(|t| snapshot.find_project(t)).transpose()?.map(|p| p.id.clone()))
            }
        };
        let key = lock_key(&person.id);
        let store = self.store();
        // "{until} {wrong tables in a row}" (before the count was kept: "{until}", one wrong table).
        let kept = store.local_setting(&key)?.unwrap_or_default();
        let mut kept = kept.split_whitespace();
        let locked_until = kept.next().and_then(|t| t.parse().ok()).map(Timestamp);
        let wrong_before: u32 =
            if locked_until.is_some() { kept.next().and_then(|n| n.parse().ok()).unwrap_or(1) } else { 0 };
        let name = &person.name;
        let mut tables = snapshot.tables_today(&person.id, now);
        if !tables.iter().any(|table| table.as_ref() == at) {
            tables.push(at.cloned());
        }
        match judge(&given, &tables, locked_until, now) {
            Verdict::Proven => {
                // Proven here (the badge works whatever the lock): the count of wrong tables starts again,
                // and a lock still running runs to its end.
                if let Some(until) = locked_until.filter(|_| wrong_before > 0) {
                    store.set_local_setting(&key, &format!("{} 0", until.0))?;
                }
                Ok(())
            }
            Verdict::WrongBadge => {
                Err(Error::NotAllowed(format!("That is not {name}'s badge. Scan your own badge, or ask at the desk.")))
            }
            Verdict::Locked { minutes } => Err(Error::TooManyTries(format!(
                "A wrong table was chosen for {name} a moment ago, so choosing a table for {name} is off here \
                 for {}. Scan your badge, or ask at the desk.",
                more(minutes)
            ))),
            Verdict::WrongTable => {
                let wrong = wrong_before + 1;
                let minutes = lock_minutes(wrong);
                store.set_local_setting(&key, &format!("{} {wrong}", now.plus_minutes(minutes).0))?;
                tracing::info!(attendee = %person.id, wrong, minutes, "a wrong table at the door: choosing a table for them is off");
                // Said with the lock's length, so the kiosk asks for the badge up front from now on.
                Err(Error::NotAllowed(format!(
                    "That is not where {name} signed in. Choosing a table for {name} is off here for {}: scan \
                     your badge, or ask at the desk.",
                    more(minutes)
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wrong_table_in_a_row_locks_tables_longer_up_to_a_day() {
        let cases = [
            (1, 10, "10 more minutes"),
            (2, 60, "60 more minutes"),
            (3, 360, "6 more hours"),
            (4, 1440, "24 more hours"),
        ];
        for (wrong, minutes, said) in cases {
            assert_eq!(lock_minutes(wrong), minutes, "the wrong table number {wrong}");
            assert_eq!(more(minutes), said);
        }
        assert_eq!(lock_minutes(9), 24 * 60, "never more than a day");
        assert_eq!(
            (more(1), more(59), more(61)),
            ("1 more minute".into(), "59 more minutes".into(), "61 more minutes".into())
        );
    }

    #[test]
    fn the_door_signs_out_only_with_the_persons_badge_or_table_and_stops_guessing() {
        let t1 = ProjectId("p-1".into());
        let t2 = ProjectId("p-2".into());
        let now = Timestamp(1_000_000_000);
        let later = |minutes| Some(now.plus_minutes(minutes));
        let t3 = ProjectId("p-3".into());
        let at_t1 = [Some(t1.clone())];
        // Signed in at t1, then moved to t2.
        let moved = [Some(t1.clone()), Some(t2.clone())];
        // (what was given, where they signed in today, locked until, the verdict)
        type Case<'a> = (Given, &'a [Option<ProjectId>], Option<Timestamp>, Verdict);
        let cases: [Case; 16] = [
            (Given::Table(Some(t1.clone())), &at_t1, None, Verdict::Proven),
            (Given::Table(Some(t2.clone())), &at_t1, None, Verdict::WrongTable),
            (Given::Table(None), &at_t1, None, Verdict::WrongTable),
            (Given::Table(None), &[None], None, Verdict::Proven),
            (Given::Table(Some(t1.clone())), &[None], None, Verdict::WrongTable),
            // After a move, the first table or the one moved to; no other.
            (Given::Table(Some(t1.clone())), &moved, None, Verdict::Proven),
            (Given::Table(Some(t2.clone())), &moved, None, Verdict::Proven),
            (Given::Table(Some(t3.clone())), &moved, None, Verdict::WrongTable),
            // After a wrong table: not even the right one, for ten minutes, counted up to the minute.
            (Given::Table(Some(t1.clone())), &at_t1, later(10), Verdict::Locked { minutes: 10 }),
            (Given::Table(Some(t1.clone())), &at_t1, Some(Timestamp(now.0 + 1)), Verdict::Locked { minutes: 1 }),
            (Given::Table(Some(t1.clone())), &at_t1, Some(now), Verdict::Proven),
            (Given::Table(Some(t1.clone())), &at_t1, later(-1), Verdict::Proven),
            // The badge works whatever the lock.
            (Given::Badge { theirs: true }, &at_t1, later(10), Verdict::Proven),
            (Given::Badge { theirs: true }, &[None], None, Verdict::Proven),
            (Given::Badge { theirs: false }, &at_t1, None, Verdict::WrongBadge),
            (Given::Badge { theirs: false }, &moved, None, Verdict::WrongBadge),
        ];
        for (n, (given, tables, locked_until, verdict)) in cases.into_iter().enumerate() {
            assert_eq!(judge(&given, tables, locked_until, now), verdict, "case {n}: {given:?} at {tables:?}");
        }
    }
}
