//! Use cases about a person's personal data: erasing it on every device, for good, and writing out
//! everything the venue holds about one person (an access request). What erasure removes and keeps is the
//! store's rule ([`sprintdesk_store::PERSONAL_FIELDS`]); docs/privacy.md says it for people.

use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{AttendeeId, ClaimAction, DeviceId};
use sprintdesk_store::{ERASURE_FIELD, Entity, Op};

/// A request to erase one person.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Erase {
    /// Their id, `@handle` or full name.
    pub attendee: String,
    /// The organizer PIN, where this device has one.
    #[serde(default)]
    pub pin: Option<String>,
}

/// What an erasure did.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct Erased {
    /// The person, and the duplicates merged into them: each erased.
    pub ids: Vec<AttendeeId>,
    /// Sign-ins and sign-outs that still count, under the pseudonym.
    pub presence_events: u32,
    /// Claims, PRs and merges that still count for their projects.
    pub claim_events: u32,
}

/// Everything the venue holds about one person, as JSON for an access request.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct PersonExport {
    pub attendee: sprintdesk_domain::Attendee,
    /// Their personal data was erased: what is left is a pseudonym and what they did.
    pub erased: bool,
    /// Duplicate records merged into this person.
    pub duplicates: Vec<AttendeeId>,
    pub presence: Vec<PresenceLine>,
    pub claims: Vec<ClaimLine>,
    /// Every recorded change to their record, oldest first: which field, its value, where and when.
    pub history: Vec<HistoryLine>,
}

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct PresenceLine {
    /// `sign_in`, `sign_out` or `retract` (an undo at the kiosk).
    pub kind: String,
    pub day: String,
    pub project: Option<String>,
    pub device: DeviceId,
    #[ts(type = "number")]
    pub at: i64,
}

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct ClaimLine {
    pub issue: String,
    /// `claim`, `release`, `resolve`, `pr_opened` or `merged`.
    pub action: String,
    pub device: DeviceId,
    #[ts(type = "number")]
    pub at: i64,
}

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct HistoryLine {
    pub field: String,
    /// The value written, as JSON text; `null` where it was erased.
    pub value: String,
    /// The content was erased (only a hash of it is kept).
    pub cleared: bool,
    pub device: DeviceId,
    #[ts(type = "number")]
    pub at: i64,
}

impl Desk {
    /// Erases a person's personal data (and their merged duplicates') on every device, for good: an
    /// erasure record that every device applies, whatever order edits arrive in. Their sign-ins and
    /// claims still count, under a pseudonym. Needs the organizer PIN where this device has one.
    pub fn erase_attendee(&mut self, request: Erase) -> Result<Erased, Error> {
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(&request.attendee)?.clone();
        let mut ids: Vec<AttendeeId> = snapshot
            .attendees
            .values()
            .filter(|a| snapshot.canonical(&a.id) == person.id)
            .map(|a| a.id.clone())
            .filter(|id| !snapshot.is_erased(id))
            .collect();
        ids.sort();
        if ids.is_empty() {
            return Err(Error::NotFound(format!("{} ({}) was erased already", person.name, person.id)));
        }
        let presence_events = snapshot.presence_events.iter().filter(|e| ids.contains(&e.attendee)).count();
        let claim_events = snapshot.claim_events.iter().filter(|e| involves(&e.action, &ids)).count();
        self.confirm_pin(request.pin.as_deref(), "erasing a person")?;
        let ops = ids
            .iter()
            .map(|id| Op::Set {
                entity: Entity::Erasure,
                id: id.to_string(),
                field: ERASURE_FIELD,
                value: serde_json::Value::Bool(true),
            })
            .collect();
        self.write(ops)?;
        tracing::info!(person = %person.id, records = ids.len(), "erased a person's personal data");
        Ok(Erased {
            ids,
            presence_events: u32::try_from(presence_events).unwrap_or(u32::MAX),
            claim_events: u32::try_from(claim_events).unwrap_or(u32::MAX),
        })
    }

    /// Everything this device holds about one person (their record, duplicates merged into them, sign-ins,
    /// claims and every change to their record), for an access request.
    pub fn export_person(&mut self, query: crate::PersonQuery) -> Result<PersonExport, Error> {
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(&query.attendee)?.clone();
        let ids: Vec<AttendeeId> = snapshot
            .attendees
            .values()
            .filter(|a| snapshot.canonical(&a.id) == person.id)
            .map(|a| a.id.clone())
            .collect();
        let store = self.store();
        let presence = store
            .presence_events()?
            .into_iter()
            .filter(|e| ids.contains(&e.attendee))
            .map(|e| PresenceLine {
                kind: serde_json::to_value(e.kind).ok().and_then(|k| k.as_str().map(str::to_owned)).unwrap_or_default(),
                day: e.day.to_string(),
                project: e.project.map(|p| p.to_string()),
                device: e.device,
                at: e.at.0,
            })
            .collect();
        let claims = store
            .claim_events()?
            .into_iter()
            .filter(|e| involves(&e.action, &ids))
            .map(|e| ClaimLine {
                issue: e.issue.to_string(),
                action: e.action.kind().into(),
                device: e.device,
                at: e.at.0,
            })
            .collect();
        let history = store
            .changes()?
            .into_iter()
            .filter(|c| c.entity == Entity::Attendee && ids.iter().any(|id| id.as_str() == c.entity_id))
            .map(|c| HistoryLine {
                cleared: c.cleared.is_some(),
                value: c.value.to_string(),
                device: DeviceId::from(sprintdesk_store::device_of(c.origin.as_str())),
                at: i64::try_from(c.hlc.millis()).unwrap_or(i64::MAX),
                field: c.field,
            })
            .collect();
        let erased = snapshot.is_erased(&person.id);
        let duplicates = ids.into_iter().filter(|id| *id != person.id).collect();
        Ok(PersonExport { attendee: person, erased, duplicates, presence, claims, history })
    }
}

/// Whether a claim event names one of `ids`.
fn involves(action: &ClaimAction, ids: &[AttendeeId]) -> bool {
    match action {
        ClaimAction::Claim { attendee, mentor } => {
            ids.contains(attendee) || mentor.as_ref().is_some_and(|m| ids.contains(m))
        }
        ClaimAction::Release { attendee } | ClaimAction::KeepOvernight { attendee } => ids.contains(attendee),
        ClaimAction::Resolve { keep } => keep.iter().any(|k| ids.contains(k)),
        ClaimAction::PrOpened { attendee } => attendee.as_ref().is_some_and(|a| ids.contains(a)),
        ClaimAction::Merged | ClaimAction::Retract => false,
    }
}
