//! Whether a field's value is one its record can hold: a row is read back as its domain type
//! (`Attendee`, `Goal`, …), and a row with one field that does not read (a code-of-conduct version past
//! what a `u32` holds, a goal status that is no status, a null where a name must be) is not shown at all.
//! A paired kiosk whose owner edited its file had set one person's `coc_version` to 2³², and that person was
//! gone from every list, search and sign-in of the venue, for good (last writer wins). So each field a
//! record sets is read as its record would read it, with the other fields taken from a record of that
//! kind that reads ([`template`]), before the record is written or applied.

use crate::schema::{self, Kind};
use crate::{Change, DELETED_FIELD, Entity};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A record of `entity` that reads back as its domain type, every column of its row set (as
/// `read_rows` gives rows, `id` and `deleted` included); `None` for kinds whose records are not rows of
/// fields (events, erasures, retirements).
fn template(entity: Entity) -> Option<Value> {
    let mut record = match entity {
        Entity::Sprint => json!({
            "name": "s", "time_zone": "UTC", "days": [],
            "venue": {"address": "", "wifi": "", "food": "", "house_rules": ""},
            "code_of_conduct": {"text": "", "version": 1}, "retention_days": null, "retro_questions": null,
        }),
        Entity::Attendee => json!({
            "name": "a", "handle": null, "email": null, "roles": [], "first_timer": false, "planned_days": [],
            "badge_code": null, "coc_version": null, "photo_consent": null, "merged_into": null,
        }),
        Entity::Project => json!({
            "name": "p", "repo_url": null, "table_label": null, "leads": [], "help_wanted": false, "help_note": "",
        }),
        Entity::Goal => {
            json!({"project": "p", "title": "g", "beginner_friendly": false, "status": "planned", "notes": ""})
        }
        Entity::StatusUpdate => json!({"project": "p", "day": "2026-07-13", "done": "", "next": "", "blockers": ""}),
        Entity::Issue => json!({
            "project": "p", "url": "u", "number": null, "title": "i", "labels": [], "beginner_friendly": false,
            "state": "open",
        }),
        Entity::Device => json!({
            "name": "d", "role": "organizer", "fingerprint": "f", "paired_by": null, "paired_at": null,
            "revoked": false, "grant": null,
        }),
        Entity::PullRequest => json!({
            "project": "p", "url": "u", "number": null, "title": "t", "state": "open", "attendee": null,
            "author": null, "first_contribution": false, "created_at": 0, "merged_at": null, "closed_at": null,
            "closes": [],
        }),
        Entity::RetroAnswer => json!({"day": "2026-07-13", "replies": []}),
        Entity::Standup => json!({
            "day": "2026-07-13", "tables": [], "position": 0, "turn_started": 0, "turn_seconds": 0,
            "ended": false, "shown": [],
        }),
        Entity::BadgePrint => json!({"attendee": "a", "device": "d", "at": 0, "printer": null}),
        Entity::PresenceEvent | Entity::ClaimEvent | Entity::Erasure | Entity::Retirement => return None,
    };
    let fields = record.as_object_mut().expect("a template is an object");
    fields.insert("id".into(), json!("x"));
    if entity.is_deletable() {
        fields.insert(DELETED_FIELD.into(), json!(false));
    }
    Some(record)
}

/// Reads `record` as `entity`'s domain type.
fn reads_as(entity: Entity, record: &Value) -> Result<(), String> {
    fn read<R: DeserializeOwned>(record: &Value) -> Result<(), String> {
        R::deserialize(record).map(drop).map_err(|e| e.to_string())
    }
    use sprintdesk_domain as d;
    match entity {
        Entity::Sprint => read::<d::Sprint>(record),
        Entity::Attendee => read::<d::Attendee>(record),
        Entity::Project => read::<d::Project>(record),
        Entity::Goal => read::<d::Goal>(record),
        Entity::StatusUpdate => read::<d::StatusUpdate>(record),
        Entity::Issue => read::<d::Issue>(record),
        Entity::Device => read::<d::Device>(record),
        Entity::PullRequest => read::<d::PullRequest>(record),
        Entity::RetroAnswer => read::<d::RetroAnswer>(record),
        Entity::Standup => read::<d::Standup>(record),
        Entity::BadgePrint => read::<d::BadgePrint>(record),
        Entity::PresenceEvent | Entity::ClaimEvent | Entity::Erasure | Entity::Retirement => Ok(()),
    }
}

thread_local! {
    /// One template of each kind per thread, a field swapped in for each check and back out after it.
    static TEMPLATES: RefCell<HashMap<Entity, Value>> = RefCell::new(HashMap::new());
}

/// Reads a record of `entity` with `value` in its `column` and the template's everywhere else.
fn reads_with(entity: Entity, column: &str, value: &Value) -> Result<(), String> {
    TEMPLATES.with(|templates| {
        let mut templates = templates.borrow_mut();
        let record = templates.entry(entity).or_insert_with(|| template(entity).unwrap_or(Value::Null));
        let Some(slot) = record.get_mut(column) else { return Err("there is no such field".into()) };
        let kept = std::mem::replace(slot, value.clone());
        let read = reads_as(entity, record);
        if let Some(slot) = record.get_mut(column) {
            *slot = kept;
        }
        read
    })
}

/// What every value of a column's kind reads as, found once by trying values no domain type narrower than
/// the kind would take: a column where all of them read needs no check.
#[derive(Clone, Copy)]
struct Takes {
    null: bool,
    any: bool,
}

fn takes(entity: Entity, column: &'static str, kind: Kind) -> Takes {
    static FOUND: OnceLock<HashMap<(Entity, &'static str), Takes>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let mut found = HashMap::new();
        for table in schema::TABLES.iter().filter(|table| template(table.entity).is_some()) {
            for (name, kind) in table.columns {
                let all = |values: &[Value]| values.iter().all(|v| reads_with(table.entity, name, v).is_ok());
                let any = match kind {
                    Kind::Text => all(&[json!(""), json!("x\u{1}y é")]),
                    Kind::Int => all(&[json!(i64::MIN), json!(-1), json!(0), json!(i64::MAX)]),
                    Kind::Bool => all(&[json!(true), json!(false)]),
                    Kind::Json => false,
                };
                found.insert((table.entity, *name), Takes { null: all(&[Value::Null]), any });
            }
        }
        found
    });
    found.get(&(entity, column)).copied().unwrap_or(Takes { null: false, any: matches!(kind, Kind::Bool) })
}

/// Whether `change`, a field of a record, sets a value its record can hold; if not, why, in words. Events
/// (checked as their domain type where they are written into their tables), erasures, retirements and
/// deletions are not fields of this kind and are taken here.
pub(crate) fn check(change: &Change) -> Result<(), String> {
    if template(change.entity).is_none() || change.field == DELETED_FIELD {
        return Ok(());
    }
    let table = schema::table(change.entity);
    let Some((column, kind)) = table.column(&change.field) else {
        return Err(format!("{} has no field {:?}", change.entity.as_str(), change.field));
    };
    let takes = takes(change.entity, column, kind);
    let plain = match (&change.value, kind) {
        (Value::Null, _) => takes.null,
        (Value::String(_), Kind::Text) | (Value::Bool(_), Kind::Bool) => takes.any,
        (Value::Number(n), Kind::Int) => n.is_i64() && takes.any,
        _ => false,
    };
    if plain {
        return Ok(());
    }
    reads_with(change.entity, column, &change.value).map_err(|why| {
        format!("{} {:?}: a value no {} holds ({why})", change.entity.as_str(), change.field, change.entity.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hlc;

    fn set(entity: Entity, field: &str, value: Value) -> Change {
        Change {
            origin: "k1".into(),
            seq: 1,
            hlc: Hlc(1),
            entity,
            entity_id: "x".into(),
            field: field.into(),
            value,
            proof: None,
            cleared: None,
            salt: None,
        }
    }

    /// Each kind's template reads as its domain type and sets exactly its row's columns: a column added to
    /// a table, or a field added to a domain type, fails here until the template has it.
    #[test]
    fn every_template_reads_and_sets_every_column_of_its_row() {
        for table in schema::TABLES {
            let Some(record) = template(table.entity) else { continue };
            assert_eq!(reads_as(table.entity, &record), Ok(()), "{}", table.name);
            let mut keys: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
            let mut columns: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
            columns.push("id");
            if table.entity.is_deletable() {
                columns.push(DELETED_FIELD);
            }
            keys.sort_unstable();
            columns.sort_unstable();
            assert_eq!(keys, columns, "{}", table.name);
        }
    }

    /// Values a record's field holds are taken; values that would leave the row unreadable (and the record
    /// with it, on every screen) are refused, with why.
    #[test]
    fn a_field_is_taken_only_with_a_value_its_record_holds() {
        use Entity::{Attendee, Goal, Issue, Project, RetroAnswer, Sprint, StatusUpdate};
        // (what, the record, its field, the value, taken)
        let cases: Vec<(&str, Entity, &str, Value, bool)> = vec![
            ("a code-of-conduct version", Attendee, "coc_version", json!(2), true),
            ("the largest version", Attendee, "coc_version", json!(u32::MAX), true),
            ("a version past a u32", Attendee, "coc_version", json!(4_294_967_296_u64), false),
            ("a negative version", Attendee, "coc_version", json!(-1), false),
            ("no version", Attendee, "coc_version", Value::Null, true),
            ("a version as text", Attendee, "coc_version", json!("2"), false),
            ("a photo consent", Attendee, "photo_consent", json!(true), true),
            ("a photo consent as text", Attendee, "photo_consent", json!("yes"), false),
            ("a name", Attendee, "name", json!("Ana"), true),
            ("no name", Attendee, "name", Value::Null, false),
            ("roles", Attendee, "roles", json!(["sprinter", "mentor"]), true),
            ("a role that is none", Attendee, "roles", json!(["wizard"]), false),
            ("roles not a list", Attendee, "roles", json!("sprinter"), false),
            ("planned days", Attendee, "planned_days", json!(["2026-07-13"]), true),
            ("a planned day that is no date", Attendee, "planned_days", json!(["someday"]), false),
            ("a goal's status", Goal, "status", json!("done"), true),
            ("a status that is none", Goal, "status", json!("finished"), false),
            ("a goal's notes emptied to null", Goal, "notes", Value::Null, false),
            ("a status update's day", StatusUpdate, "day", json!("2026-07-13"), true),
            ("a day that is no date", StatusUpdate, "day", json!("Monday"), false),
            ("a help note emptied to null", Project, "help_note", Value::Null, true),
            ("help wanted", Project, "help_wanted", json!(false), true),
            ("an issue's number", Issue, "number", json!(123), true),
            ("an issue's number too large", Issue, "number", json!(1_u64 << 40), false),
            ("an answer's replies", RetroAnswer, "replies", json!([{"question": "q", "rating": 5}]), true),
            ("a rating past a u8", RetroAnswer, "replies", json!([{"question": "q", "rating": 300}]), false),
            ("a retention period", Sprint, "retention_days", json!(30), true),
            ("a field no record has", Goal, "colour", json!("red"), false),
            ("a deletion", Goal, DELETED_FIELD, json!(true), true),
        ];
        for (what, entity, field, value, taken) in cases {
            let checked = check(&set(entity, field, value));
            assert_eq!(checked.is_ok(), taken, "{what}: {checked:?}");
            if let Err(why) = checked {
                assert!(why.contains(&format!("{field:?}")), "{what}: {why}");
            }
        }
        // A check leaves the template as it was: the next check of another field is not affected by it.
        assert!(check(&set(Attendee, "coc_version", json!(4_294_967_296_u64))).is_err());
        assert_eq!(check(&set(Attendee, "name", json!("Ana"))), Ok(()));
    }
}
