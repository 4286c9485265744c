//! Building blocks for sync tests: devices with stores, random operations of every kind.

use serde_json::json;
use sprintdesk_domain::{
    AttendeeId, ClaimAction, ClaimEvent, DeviceId, EventId, PresenceEvent, PresenceKind, Timestamp,
};
use sprintdesk_store::{Entity, Op, Store};
use sprintdesk_sync::{FixedClock, Replica};
use std::sync::Arc;

pub const T0: i64 = 1_784_000_000_000;

pub fn replica(device: &str, at: i64) -> (Arc<Replica>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(Timestamp(at)));
    let store = Store::open_in_memory(DeviceId::from(device)).unwrap();
    (Arc::new(Replica::new(store, clock.clone())), clock)
}

/// One random operation: `kind` picks which, `a` and `b` pick ids and values from small pools so that
/// devices often touch the same records.
pub fn random_op(kind: u8, a: u8, b: u8, event: &str, device: &DeviceId, at: Timestamp) -> Vec<Op> {
    let attendee = format!("att-{}", a % 4);
    let project = format!("proj-{}", a % 3);
    let goal = format!("goal-{}", a % 3);
    let set = |entity, id: &str, field, value| Op::Set { entity, id: id.to_owned(), field, value };
    match kind % 10 {
        0 => vec![
            set(Entity::Attendee, &attendee, "name", json!(format!("Name {b}"))),
            set(Entity::Attendee, &attendee, "first_timer", json!(b.is_multiple_of(2))),
        ],
        1 => vec![
            set(Entity::Project, &project, "name", json!(format!("Project {b}"))),
            set(Entity::Project, &project, "help_wanted", json!(b.is_multiple_of(2))),
        ],
        2 => vec![
            set(Entity::Goal, &goal, "project", json!(project)),
            set(Entity::Goal, &goal, "status", json!(["planned", "in_progress", "done"][usize::from(b % 3)])),
        ],
        3 => vec![Op::Presence(PresenceEvent {
            id: EventId::from(event),
            kind: if b.is_multiple_of(3) { PresenceKind::SignOut } else { PresenceKind::SignIn },
            attendee: AttendeeId(attendee),
            day: "2026-07-13".parse().unwrap(),
            project: (b.is_multiple_of(2)).then(|| project.as_str().into()),
            device: device.clone(),
            at,
        })],
        4 => {
            let who = AttendeeId(attendee);
            let action = match b % 5 {
                0 | 1 => ClaimAction::Claim { attendee: who, mentor: None },
                2 => ClaimAction::Release { attendee: who },
                3 => ClaimAction::PrOpened { attendee: Some(who) },
                _ => ClaimAction::Resolve { keep: vec![who] },
            };
            let issue = format!("issue-{}", b % 3);
            vec![Op::Claim(ClaimEvent {
                id: EventId::from(event),
                issue: issue.as_str().into(),
                action,
                device: device.clone(),
                at,
            })]
        }
        5 => vec![Op::delete(
            [Entity::Attendee, Entity::Project, Entity::Goal][usize::from(b % 3)],
            pick(b, &attendee, &project, &goal),
        )],
        6 => vec![Op::restore(
            [Entity::Attendee, Entity::Project, Entity::Goal][usize::from(b % 3)],
            pick(b, &attendee, &project, &goal),
        )],
        7 => vec![
            set(Entity::Device, &format!("dev-{}", a % 3), "name", json!(format!("Laptop {b}"))),
            set(Entity::Device, &format!("dev-{}", a % 3), "fingerprint", json!(format!("fp-{}", a % 3))),
        ],
        8 => vec![set(Entity::Device, &format!("dev-{}", a % 3), "revoked", json!(b.is_multiple_of(4)))],
        // Erasing a person, now and then (their later edits are refused where the erasure is known).
        _ if b.is_multiple_of(4) => vec![set(Entity::Erasure, &attendee, "erased", json!(true))],
        _ => vec![set(Entity::Attendee, &attendee, "email", json!(format!("p{b}@example.org")))],
    }
}

fn pick<'a>(b: u8, attendee: &'a str, project: &'a str, goal: &'a str) -> &'a str {
    [attendee, project, goal][usize::from(b % 3)]
}
