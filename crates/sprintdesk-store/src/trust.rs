//! What proves who wrote a record and who is in: the keys, the chain, the grants, the roles.
//!
//! - **Keys.** Every device has an Ed25519 key it signs its change records with. A venue has a key too,
//!   made with its sprint; organizer devices hold its secret half, every device pins its public half when
//!   it joins.
//! - **Grants.** An allow-list entry counts only with a [`Grant`] the venue key signed: device id, role,
//!   TLS fingerprint and record key. A paired device that writes a device record cannot make one: it does
//!   not hold the venue's key.
//! - **Chains.** Each origin's records form a hash chain: record `n`'s link hashes record `n - 1`'s link,
//!   its place (origin, sequence, clock) and the hash of its content. The device signs the link of its
//!   last record in every write, and of every [`PROOF_EVERY`]th record, and the signature travels with that
//!   record (its `proof`). One signature check then proves every record before it, whoever relays them.
//!   Signatures cover hashes, not content: content can be cleared later (erasure) and the chain still
//!   checks with the content's hash in its place.
//! - **Roles.** [`may_write`] is what each role may write, a pure function of the role, the author and the
//!   record, so every device decides alike whatever order records arrive in.
//!
//! Nothing here touches the database: the store calls these functions in its transactions.

use crate::{Change, ChangeValue, DELETED_FIELD, Entity};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sprintdesk_domain::{AttendeeId, DeviceRole, GoalId, Grant, IssueId, ProjectId, RetroAnswerId, StatusId};

/// A device signs the chain at least every this many of its records, so a batch can always end on a proof.
pub const PROOF_EVERY: u64 = 256;
/// ... and once this much of their values (as JSON) has gone by since its last proof: a receiver takes
/// records only up to a proof, and a batch is cut to a few MiB (`sprintdesk_sync::message::BATCH_JSON_BYTES`),
/// so 256 large records (issued again after a clock fix, say) must not run between two proofs.
pub const PROOF_BYTES: usize = 1024 * 1024;

/// A chain link: the SHA-256 that carries everything before it.
pub type Link = [u8; 32];

/// The link before an origin's first record.
pub const GENESIS: Link = [0; 32];

/// An Ed25519 key pair: its PKCS#8 form (as kept), parsed once, and its public half.
#[derive(Clone)]
pub struct SigningKey {
    pkcs8: Vec<u8>,
    pair: std::sync::Arc<Ed25519KeyPair>,
    public: [u8; 32],
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("public", &hex(&self.public)).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh key from the system's random source.
    pub fn generate() -> SigningKey {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("the system's random source works");
        SigningKey::from_pkcs8(pkcs8.as_ref()).expect("a key just made is well formed")
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Option<SigningKey> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8).ok()?;
        let public = pair.public_key().as_ref().try_into().ok()?;
        Some(SigningKey { pkcs8: pkcs8.to_vec(), pair: std::sync::Arc::new(pair), public })
    }

    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn public(&self) -> [u8; 32] {
        self.public
    }

    pub fn public_hex(&self) -> String {
        hex(&self.public)
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.pair.sign(message).as_ref().try_into().expect("Ed25519 signatures are 64 bytes")
    }
}

/// Whether `signature` (hex) is `public`'s signature of `message`.
pub fn verify(public: &[u8; 32], message: &[u8], signature: &str) -> bool {
    let Some(signature) = unhex(signature) else { return false };
    UnparsedPublicKey::new(&ED25519, public).verify(message, &signature).is_ok()
}

/// The hash of a record's content (what it changes), which its link covers in its place: the entity, id
/// and field, then the value as the change log stores it (its JSON text), streamed into the hash.
pub fn content_hash(change: &Change) -> [u8; 32] {
    let mut hash = content_hasher(change);
    serde_json::to_writer(HashWriter(&mut hash), &change.value).expect("JSON values serialize");
    hash.finalize().into()
}

/// [`content_hash`], with `change`'s value already written as JSON (`text`).
pub(crate) fn content_hash_of_text(change: &Change, text: &[u8]) -> [u8; 32] {
    let mut hash = content_hasher(change);
    hash.update(text);
    hash.finalize().into()
}

/// A content hash fed what comes before the value: the record's place and, for a personal value, its salt.
fn content_hasher(change: &Change) -> Sha256 {
    let mut hash = Sha256::new();
    for part in [change.entity.as_str(), &change.entity_id, &change.field] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    // A personal value's salt: the hash kept once the value is cleared cannot be checked against a guess.
    // (A field name never holds a zero byte, so a salted hash never reads as an unsalted one.)
    if let Some(salt) = &change.salt {
        hash.update([0]);
        hash.update((salt.len() as u64).to_be_bytes());
        hash.update(salt.as_bytes());
    }
    hash
}

/// The content hash `change`'s link takes: its content's, or, for a record whose content was erased, the
/// hash its content had (carried in `cleared`).
pub fn record_hash(change: &Change) -> [u8; 32] {
    cleared_hash(change).unwrap_or_else(|| content_hash(change))
}

/// The hash a record whose content was erased carries in `cleared`, if it is one.
pub(crate) fn cleared_hash(change: &Change) -> Option<[u8; 32]> {
    change.cleared.as_deref().and_then(unhex).and_then(|bytes| bytes.try_into().ok())
}

/// Feeds what is written into a hash.
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Record `change`'s link, after `previous` (its origin's link before it).
pub fn link(previous: &Link, change: &Change, content: &[u8; 32]) -> Link {
    link_at(previous, change.origin.as_str(), change.seq, change.hlc, content)
}

/// The link of `origin`'s record `seq`, stamped `hlc`, whose content hashes to `content`, after `previous`.
pub fn link_at(previous: &Link, origin: &str, seq: u64, hlc: crate::Hlc, content: &[u8; 32]) -> Link {
    let mut hash = Sha256::new();
    hash.update(b"sprintdesk-chain-1");
    hash.update(previous);
    hash.update((origin.len() as u64).to_be_bytes());
    hash.update(origin.as_bytes());
    hash.update(seq.to_be_bytes());
    hash.update(hlc.0.to_be_bytes());
    hash.update(content);
    hash.finalize().into()
}

/// What a device signs to vouch for its chain up to `seq`.
pub fn head_message(origin: &str, seq: u64, link: &Link) -> Vec<u8> {
    let mut message = b"sprintdesk-head-1\0".to_vec();
    message.extend_from_slice(origin.as_bytes());
    message.push(0);
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(link);
    message
}

/// What the venue signs to vouch for a device. Every part is length-prefixed, so no choice of device id
/// (or fingerprint) makes the same bytes read as another grant.
pub fn grant_message(
    venue: &[u8; 32],
    device: &str,
    role: DeviceRole,
    project: Option<&str>,
    fingerprint: &str,
    key: &str,
) -> Vec<u8> {
    // A grant scoped to a project is a different message (tag and one more part), so neither form can be
    // passed off as the other.
    let mut message =
        if project.is_some() { b"sprintdesk-grant-3\0".to_vec() } else { b"sprintdesk-grant-2\0".to_vec() };
    message.extend_from_slice(venue);
    for part in [device, role.as_str(), fingerprint, key].into_iter().chain(project) {
        message.extend_from_slice(&(part.len() as u64).to_be_bytes());
        message.extend_from_slice(part.as_bytes());
    }
    message
}

/// Whether `id` can be a device's id: what Sprintdesk makes (`d-` and letters and digits), up to 64 of
/// `A–Z a–z 0–9 - _`. Anything else (a `~` that marks a later origin, an `@` that ends a walk-in's id, a
/// control character) is refused at the door.
pub fn is_device_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The venue's grant for `device`, signed with the venue's key.
/// `project` scopes a table lead to its table's project.
pub fn sign_grant(
    venue: &SigningKey,
    device: &str,
    role: DeviceRole,
    project: Option<&str>,
    fingerprint: &str,
    key: &str,
) -> Grant {
    let signature = venue.sign(&grant_message(&venue.public(), device, role, project, fingerprint, key));
    Grant {
        role,
        project: project.map(ProjectId::from),
        fingerprint: fingerprint.to_owned(),
        key: key.to_owned(),
        signature: hex(&signature),
    }
}

/// What a grant vouches for, once its signature checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vouched {
    pub role: DeviceRole,
    /// The project a table lead's grant scopes it to.
    pub project: Option<String>,
    pub fingerprint: String,
    pub key: [u8; 32],
}

/// `grant` for `device`, if the venue key `venue` signed it.
pub fn check_grant(venue: &[u8; 32], device: &str, grant: &Grant) -> Option<Vouched> {
    let key: [u8; 32] = unhex(&grant.key)?.try_into().ok()?;
    let project = grant.project.as_ref().map(|p| p.as_str());
    let message = grant_message(venue, device, grant.role, project, &grant.fingerprint, &grant.key);
    verify(venue, &message, &grant.signature).then(|| Vouched {
        role: grant.role,
        project: project.map(str::to_owned),
        fingerprint: grant.fingerprint.clone(),
        key,
    })
}

/// Whether a device of `role` holds `field` of an `entity` at all: the door holds what the door needs. A kiosk
/// holds no e-mail (it finds people by name and handle, signs them in by badge); a board holds only names
/// (it shows who leads and who is here). Organizers' and table leads' devices hold everything. What a device
/// does not hold it stores cleared on arrival (value null, content hash kept, as erasure does), so its chains
/// still check; and it relays no one's records but its own (see [`relays_others`]), so nothing it holds
/// incomplete is passed on as complete.
pub fn holds(role: DeviceRole, entity: Entity, field: &str) -> bool {
    !matches!(
        (role, entity, field),
        (DeviceRole::Kiosk, Entity::Attendee, "email")
            | (DeviceRole::Board, Entity::Attendee, "email" | "handle" | "badge_code")
    )
}

/// Whether a device of `role` passes on other devices' records: only those that hold everything.
pub fn relays_others(role: DeviceRole) -> bool {
    matches!(role, DeviceRole::Organizer | DeviceRole::TableLead)
}

/// The attendee fields anyone who signs people in may set on anyone: the consents given at sign-in.
const CONSENT_FIELDS: [&str; 2] = ["coc_version", "photo_consent"];
/// The fields of its project a table lead may set: the help-wanted flag and what help is wanted.
const HELP_FIELDS: [&str; 2] = ["help_wanted", "help_note"];

/// Whether a device of `role` whose id is `author` may write `change`; if not, why, in words.
///
/// - an organizer writes anything;
/// - a kiosk writes what the door does: its own sign-ins and sign-outs, the consents given at sign-in,
///   and the people it registered itself (walk-ins, whose ids name it: [`AttendeeId::registered_by`]);
/// - a table lead writes its own project's goals, daily status, claims (its own) and help wanted, and what a
///   kiosk does; `project` is the project its grant names. Which project a record is about is read from its
///   id, so the rule needs nothing but the record. A lead paired before grants named a project (a grant
///   without one) writes these for any project, as it always could, so that every device still decides
///   alike about what it wrote; pairing it again scopes it;
/// - an event a door device writes is in its own name: its `device`, and the author named at the end of
///   its id (`…@<device>`, ids made since events named their author) are its own, so it can neither reuse
///   another device's event id nor take back (`…~undo`) another device's sign-in or claim event;
/// - a board writes nothing;
/// - any device retires its own earlier origins (the store checks the rest of that).
pub fn may_write(role: DeviceRole, project: Option<&str>, author: &str, change: &Change) -> Result<(), String> {
    use DeviceRole::{Board, Kiosk, Organizer, TableLead};
    if role != Organizer {
        too_long(change).map_or(Ok(()), |why| Err(format!("a {} device may not write {why}", role.as_str())))?;
        // (A record whose content an erasure cleared arrives as a null: what it held was checked before.)
        if change.cleared.is_none() {
            crate::fields::check(change).map_err(|why| format!("a {} device may not write {why}", role.as_str()))?;
            event_out_of_time(change)
                .map_or(Ok(()), |why| Err(format!("a {} device may not write {why}", role.as_str())))?;
        }
    }
    let door = matches!(role, Kiosk | TableLead);
    let event_by_author = || {
        change.value.get("device").and_then(|d| d.as_str()) == Some(author)
            && sprintdesk_domain::EventId::author_in(&change.entity_id).is_none_or(|named| named == author)
    };
    let ours = |named: Option<&str>| named.is_some() && (project.is_none() || named == project);
    // A goal's or status update's own `project` field must agree with its id.
    let stays_ours = || change.field != "project" || ours(change.value.as_str());
    let about_ours = || match change.entity {
        Entity::Goal => ours(GoalId(change.entity_id.clone()).project()) && stays_ours(),
        Entity::StatusUpdate => ours(StatusId(change.entity_id.clone()).project()) && stays_ours(),
        Entity::ClaimEvent => {
            let issue = change.value.get("issue").and_then(|i| i.as_str()).unwrap_or_default();
            event_by_author() && ours(IssueId::from(issue).project())
        }
        Entity::Project => ours(Some(&change.entity_id)) && HELP_FIELDS.contains(&change.field.as_str()),
        _ => false,
    };
    let allowed = match (change.entity, role) {
        (_, Organizer) => true,
        (Entity::Retirement, _) => crate::is_origin(&change.entity_id) && crate::device_of(&change.entity_id) == author,
        (_, Board) => false,
        (Entity::PresenceEvent, _) => door && event_by_author(),
        // Whose duplicate a person is (which moves their sign-ins and claims to someone else) is the
        // organizer's to say, even of a walk-in the device registered. (Registering one writes that it is
        // nobody's: a null, which a door may write of its own walk-ins.)
        (Entity::Attendee, _) if change.field == "merged_into" && !change.value.is_null() => false,
        (Entity::Attendee, _) => {
            door && (CONSENT_FIELDS.contains(&change.field.as_str())
                || AttendeeId(change.entity_id.clone()).registered_by() == Some(author))
        }
        (Entity::ClaimEvent | Entity::Goal | Entity::StatusUpdate | Entity::Project, TableLead) => about_ours(),
        // Retrospective answers given at a door or a lead's laptop, under an id that names that device.
        (Entity::RetroAnswer, _) => door && RetroAnswerId(change.entity_id.clone()).device() == Some(author),
        // A badge printed at a door or a lead's laptop, logged under an id that names that device.
        (Entity::BadgePrint, _) => door && sprintdesk_domain::EventId::author_in(&change.entity_id) == Some(author),
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    let what = match (change.entity, change.field.as_str()) {
        (Entity::PresenceEvent, _) if door => "an event in another device's name",
        (Entity::ClaimEvent, _) if role == TableLead && !event_by_author() => "an event in another device's name",
        (Entity::Goal | Entity::StatusUpdate | Entity::ClaimEvent, _)
        | (Entity::Project, "help_wanted" | "help_note")
            if role == TableLead =>
        {
            let what = match change.entity {
                Entity::ClaimEvent => "claims on another project's issues",
                Entity::Goal => "another project's goals",
                Entity::StatusUpdate => "another project's daily status",
                _ => "another project's call for help",
            };
            return Err(format!("a table lead's laptop may change only its own project, not {what}"));
        }
        (entity, DELETED_FIELD) => {
            let what = entity.as_str().replace('_', " ");
            let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            return Err(format!("a {} device may not delete {article} {what}", role.as_str()));
        }
        (Entity::Attendee, "merged_into") => "whose duplicate a person is",
        (Entity::Attendee, _) => "a person it did not register",
        (Entity::RetroAnswer, _) => "answers in another device's name",
        (Entity::PullRequest, _) => "pull requests",
        (Entity::Standup, _) => "the stand-up",
        (Entity::BadgePrint, _) => "a badge print in another device's name",
        (Entity::Device, _) => "the allow-list",
        (Entity::Sprint, _) => "the sprint's settings",
        _ => "this",
    };
    Err(format!("a {} device may not write {what} ({} {:?})", role.as_str(), change.entity.as_str(), change.field))
}

/// How far past its record's clock stamp an event's own time may be. A device stamps an event now, or just
/// after the latest event it follows; its clock stamp is past every stamp it has seen, so an honest event
/// is never more than a few milliseconds past it.
pub const EVENT_AHEAD_MS: i64 = 60_000;
/// How far before its record's clock stamp an event's own time may be: a device's clock stamp can run ahead
/// of its own clock only by what it has seen (records over an hour ahead are not taken), so a day is room
/// to spare.
pub const EVENT_BEHIND_MS: i64 = 24 * 3_600_000;

/// What is wrong with the time of `change`, an event from a device that is not an organizer's, in words;
/// `None` when nothing is. A paired lead's owner had written a sign-out stamped at the end of time: every
/// later sign-in of that person then failed on every device (the next event's time is one past the
/// latest's), and a sign-in for a day to come counted in the report before it came.
pub fn event_out_of_time(change: &Change) -> Option<String> {
    if !change.entity.is_event() {
        return None;
    }
    let written = i64::try_from(change.hlc.millis()).unwrap_or(i64::MAX);
    let at = change.value.get("at").and_then(Value::as_i64)?;
    if at > written.saturating_add(EVENT_AHEAD_MS) {
        return Some(format!("an event timed {} s after it was written", at.saturating_sub(written) / 1000));
    }
    if at < written.saturating_sub(EVENT_BEHIND_MS) {
        return Some(format!("an event timed {} h before it was written", written.saturating_sub(at) / 3_600_000));
    }
    // The latest calendar day anywhere on Earth at `at` (UTC+14).
    let latest = chrono::DateTime::from_timestamp_millis(at.saturating_add(14 * 3_600_000)).map(|t| t.date_naive());
    let day = change.value.get("day").and_then(Value::as_str).and_then(|d| d.parse::<chrono::NaiveDate>().ok());
    match (day, latest) {
        (Some(day), Some(latest)) if day <= latest => None,
        (Some(day), _) => Some(format!("a sign-in or sign-out for {day}, a day to come")),
        (None, _) => None,
    }
}

/// How many bytes `value` takes as JSON, counted as it is written out, without building the text: the
/// write path asks for every record (the limit on a record, when to sign the chain).
pub fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_or(usize::MAX, |()| count.0)
}

/// The longest text in any one string of a record from a device that is not an organizer's: the longest
/// answer of the retrospective, longer than anything else a door or a lead types.
pub const TEXT_MAX: usize = sprintdesk_domain::MAX_RETRO_TEXT;
/// The most a record from a device that is not an organizer's holds in all, as JSON: a retrospective's
/// eight answers at their longest, in any script, with room to spare.
pub const VALUE_MAX_BYTES: usize = 128 * 1024;
/// The most any record holds as JSON, an organizer's too, refused when it is written: every record must
/// fit, with room to spare, in one message a receiver reads (`sprintdesk_sync::message`). An organizer's
/// records are a few hundred bytes, but for the day's stand-up, which keeps every turn shown (some 3 KB
/// each at most): a megabyte is some three hundred turns.
pub const RECORD_MAX_BYTES: usize = 1024 * 1024;

/// The longest id, field name, proof, salt or cleared hash a record may have: ids are made by Sprintdesk (a
/// few dozen characters), a proof is a signature's 128 hex digits, a salt and a hash 64.
const RECORD_PART_MAX: usize = 256;

/// What makes `change` a record no device may keep or pass on, in words; `None` when nothing does. Every
/// device refuses to write one ([`RECORD_MAX_BYTES`]); one that arrives anyway (its author's owner edited
/// its file) is not kept even as a refused link of its chain: passed on with its author's grant, it would
/// make a message larger than any device reads, and stop the venue's sync with whoever held it.
pub fn unshareable<V: ChangeValue>(change: &Change<V>) -> Option<String> {
    unshareable_sized(change, None)
}

/// [`unshareable`], with the length of the record's value as JSON when it is known (`json`).
pub(crate) fn unshareable_sized<V: ChangeValue>(change: &Change<V>, json: Option<usize>) -> Option<String> {
    let parts = [
        ("id", change.entity_id.len()),
        ("field name", change.field.len()),
        ("proof", change.proof.as_ref().map_or(0, String::len)),
        ("salt", change.salt.as_ref().map_or(0, String::len)),
        ("cleared hash", change.cleared.as_ref().map_or(0, String::len)),
    ];
    if let Some((part, length)) = parts.into_iter().find(|(_, length)| *length > RECORD_PART_MAX) {
        return Some(format!("a record whose {part} is {length} bytes long, where {RECORD_PART_MAX} is the most"));
    }
    if !change.value.may_be_longer_than(RECORD_MAX_BYTES) {
        return None;
    }
    let bytes = json.unwrap_or_else(|| change.value.json_len());
    (bytes > RECORD_MAX_BYTES).then(|| format!("a record of {bytes} bytes, where {RECORD_MAX_BYTES} is the most"))
}

/// What is too long in `change` for a device that is not an organizer's, in words; `None` when nothing is.
/// Each field the board, a kiosk or a badge shows is held to the limit its form has (a name to
/// [`sprintdesk_domain::NAME_MAX`], a goal's title, a status, a help note), any other string to
/// [`TEXT_MAX`], and the record to [`VALUE_MAX_BYTES`]: otherwise a paired kiosk whose owner edits its file
/// could put a megabyte-long name on every screen of the venue.
pub fn too_long(change: &Change) -> Option<String> {
    use sprintdesk_domain::{GOAL_TITLE_MAX, HELP_NOTE_MAX, NAME_MAX, STATUS_FIELD_MAX};
    let field = change.field.as_str();
    let limit = match (change.entity, field) {
        (Entity::Attendee, "name") => NAME_MAX,
        (Entity::Goal, "title") => GOAL_TITLE_MAX,
        (Entity::StatusUpdate, "done" | "next" | "blockers") => STATUS_FIELD_MAX,
        (Entity::Project, "help_note") => HELP_NOTE_MAX,
        _ => TEXT_MAX,
    };
    let what = || format!("{} {field:?}", change.entity.as_str());
    if let Some(text) = change.value.as_str() {
        let length = text.chars().count();
        return (length > limit)
            .then(|| format!("a text of {length} characters where {limit} is the most ({})", what()));
    }
    let bytes = json_len(&change.value);
    if bytes > VALUE_MAX_BYTES {
        return Some(format!("a record of {bytes} bytes where {VALUE_MAX_BYTES} is the most ({})", what()));
    }
    let mut longest = 0;
    let mut stack = vec![&change.value];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::String(text) => longest = longest.max(text.chars().count()),
            serde_json::Value::Array(items) => stack.extend(items),
            serde_json::Value::Object(fields) => stack.extend(fields.values()),
            _ => {}
        }
    }
    (longest > TEXT_MAX).then(|| format!("a text of {longest} characters where {TEXT_MAX} is the most ({})", what()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hlc;
    use DeviceRole::{Board, Kiosk, Organizer, TableLead};
    use serde_json::json;

    fn change(entity: Entity, id: &str, field: &str, value: serde_json::Value) -> Change {
        Change {
            origin: "k1".into(),
            seq: 1,
            hlc: Hlc(1),
            entity,
            entity_id: id.into(),
            field: field.into(),
            value,
            proof: None,
            cleared: None,
            salt: None,
        }
    }

    /// An event's own time and day are held to when its record was written: from a day before its clock
    /// stamp to a minute past it, and a day that has begun somewhere on Earth by then.
    #[test]
    fn a_door_event_is_timed_no_later_than_it_was_written() {
        let written: i64 = 1_784_000_000_000; // 2026-07-14 03:33:20 UTC
        let event = |at: i64, day: &str| {
            let mut change = change(
                Entity::PresenceEvent,
                "e-1@k1",
                "event",
                json!({"id": "e-1@k1", "kind": "sign_out", "attendee": "a-1", "day": day, "device": "k1", "at": at}),
            );
            change.hlc = crate::Hlc::from_parts(written as u64, 0);
            change
        };
        // (what, the event's time, its day, taken)
        let cases = [
            ("now, today", written, "2026-07-14", true),
            ("a minute past its stamp", written + EVENT_AHEAD_MS, "2026-07-14", true),
            ("a minute and a millisecond past", written + EVENT_AHEAD_MS + 1, "2026-07-14", false),
            ("the end of time", i64::MAX, "2026-07-14", false),
            ("an hour before its stamp", written - 3_600_000, "2026-07-14", true),
            ("a day before its stamp", written - EVENT_BEHIND_MS, "2026-07-13", true),
            ("a day and a millisecond before", written - EVENT_BEHIND_MS - 1, "2026-07-13", false),
            ("the start of time", i64::MIN, "2026-07-14", false),
            ("long before, for a day to come", -9_000_000_000_000_000, "2026-07-15", false),
            ("yesterday's sign-out, written late", written - 3_600_000, "2026-07-13", true),
            ("a day begun east of here (UTC+14)", written, "2026-07-14", true),
            ("tomorrow, begun nowhere yet", written, "2026-07-15", false),
            ("next year", written, "2027-07-14", false),
        ];
        for (what, at, day, taken) in cases {
            let found = event_out_of_time(&event(at, day));
            assert_eq!(found.is_none(), taken, "{what}: {found:?}");
        }
        assert!(may_write(Kiosk, None, "k1", &event(i64::MAX, "2026-07-14")).is_err());
        // A walk-in's name cleared by an erasure is relayed as a null with its hash: not a name no one holds.
        let mut cleared = change(Entity::Attendee, "a-9@k1", "name", Value::Null);
        cleared.cleared = Some("ab".repeat(32));
        assert_eq!(may_write(Kiosk, None, "k1", &cleared), Ok(()));
        cleared.cleared = None;
        assert!(may_write(Kiosk, None, "k1", &cleared).is_err(), "a name set to null is refused");
        assert!(may_write(Organizer, None, "k1", &event(written, "2026-07-14")).is_ok());
    }

    /// Each text a door or a lead writes, held to its form's limit: up to it is taken, one character more
    /// (counted in characters, not bytes) is refused; an organizer's records are not held to them.
    #[test]
    fn what_a_door_or_a_lead_writes_is_held_to_its_forms_lengths() {
        let text = |n: usize| json!("é".repeat(n));
        let reply = |n: usize| json!({"id": "r1@k1", "day": "2026-07-13", "replies": [{"question": "q", "text": "x".repeat(n)}]});
        let many = json!({"id": "r1@k1", "day": "2026-07-13", "replies": vec![json!({"question": "q", "text": "x".repeat(1000)}); 200]});
        // (what, the record, the kiosk's or lead's is taken)
        let cases: Vec<(&str, Change, bool)> = vec![
            ("a walk-in's name of 200", change(Entity::Attendee, "a1@k1", "name", text(200)), true),
            ("a walk-in's name of 201", change(Entity::Attendee, "a1@k1", "name", text(201)), false),
            ("a goal's title of 200", change(Entity::Goal, "g1@p1", "title", text(200)), true),
            ("a goal's title of 201", change(Entity::Goal, "g1@p1", "title", text(201)), false),
            ("blockers of 280", change(Entity::StatusUpdate, "s1@p1", "blockers", text(280)), true),
            ("blockers of 281", change(Entity::StatusUpdate, "s1@p1", "blockers", text(281)), false),
            ("a help note of 120", change(Entity::Project, "p1", "help_note", text(120)), true),
            ("a help note of 121", change(Entity::Project, "p1", "help_note", text(121)), false),
            ("a goal's notes of 2000", change(Entity::Goal, "g1@p1", "notes", text(2000)), true),
            ("a goal's notes of 2001", change(Entity::Goal, "g1@p1", "notes", text(2001)), false),
            ("a retrospective answer of 2000", change(Entity::RetroAnswer, "r1@k1", "*", reply(2000)), true),
            ("a retrospective answer of 2001", change(Entity::RetroAnswer, "r1@k1", "*", reply(2001)), false),
            ("200 answers of 1000", change(Entity::RetroAnswer, "r1@k1", "*", many), false),
            ("a flag", change(Entity::Project, "p1", "help_wanted", json!(true)), true),
        ];
        for (what, change, taken) in cases {
            assert_eq!(too_long(&change).is_none(), taken, "{what}: {:?}", too_long(&change));
            let refused = may_write(Kiosk, None, "k1", &change).err().unwrap_or_default();
            assert_eq!(refused.contains("is the most"), !taken, "{what}: {refused}");
            let organizer = may_write(Organizer, None, "d1", &change);
            assert!(organizer.is_ok(), "{what}: an organizer's is taken: {organizer:?}");
        }
    }

    /// What no device keeps or passes on, whoever wrote it: a record past [`RECORD_MAX_BYTES`] (a string's
    /// JSON counted with its escapes), or an id, field name, proof, salt or hash past a few hundred bytes.
    #[test]
    fn a_record_too_large_to_pass_on_is_told_from_one_that_is_not() {
        let base = change(Entity::Sprint, "sprint", "name", json!("PyCon"));
        let big = RECORD_MAX_BYTES;
        let cases: Vec<(&str, Change, bool)> = vec![
            ("a name", base.clone(), true),
            ("a text of the most, as JSON", Change { value: json!("a".repeat(big - 2)), ..base.clone() }, true),
            ("a text one byte over", Change { value: json!("a".repeat(big - 1)), ..base.clone() }, false),
            ("escapes counted", Change { value: json!("\u{1}".repeat(big / 6 + 1)), ..base.clone() }, false),
            ("escapes within", Change { value: json!("\u{1}".repeat(big / 6 - 1)), ..base.clone() }, true),
            ("a list over", Change { value: json!(vec!["abcdefgh"; big / 10]), ..base.clone() }, false),
            ("a list within", Change { value: json!(vec!["abcdefgh"; big / 12]), ..base.clone() }, true),
            ("a number", Change { value: json!(12), ..base.clone() }, true),
            ("an id of 256", Change { entity_id: "i".repeat(256), ..base.clone() }, true),
            ("an id of 257", Change { entity_id: "i".repeat(257), ..base.clone() }, false),
            ("a field name of 1,000", Change { field: "f".repeat(1000), ..base.clone() }, false),
            ("a signature", Change { proof: Some("0".repeat(128)), ..base.clone() }, true),
            ("a proof of a megabyte", Change { proof: Some("0".repeat(1 << 20)), ..base.clone() }, false),
            ("a salt of 300", Change { salt: Some("s".repeat(300)), ..base.clone() }, false),
            (
                "a cleared hash of 300",
                Change { cleared: Some("c".repeat(300)), value: json!(null), ..base.clone() },
                false,
            ),
        ];
        for (what, change, shared) in cases {
            assert_eq!(unshareable(&change).is_none(), shared, "{what}: {:?}", unshareable(&change));
        }
    }

    #[test]
    fn what_each_role_may_write() {
        let sign_in = |device: &str| json!({"id": "e1", "kind": "sign_in", "device": device});
        let claim = |device: &str, issue: &str| json!({"id": "c1", "issue": issue, "device": device});
        let cases: Vec<(&str, DeviceRole, Change, bool)> = vec![
            ("organizer: the allow-list", Organizer, change(Entity::Device, "x", "grant", json!(null)), true),
            ("organizer: the sprint", Organizer, change(Entity::Sprint, "sprint", "name", json!("S")), true),
            ("kiosk: its own sign-in", Kiosk, change(Entity::PresenceEvent, "e1", "event", sign_in("k1")), true),
            (
                "kiosk: a sign-in in another's name",
                Kiosk,
                change(Entity::PresenceEvent, "e1", "event", sign_in("d9")),
                false,
            ),
            ("kiosk: its own event id", Kiosk, change(Entity::PresenceEvent, "e-1@k1", "event", sign_in("k1")), true),
            (
                "kiosk: another device's event id",
                Kiosk,
                change(Entity::PresenceEvent, "e-1@d9", "event", sign_in("k1")),
                false,
            ),
            ("kiosk: its own undo", Kiosk, change(Entity::PresenceEvent, "e-1@k1~undo", "event", sign_in("k1")), true),
            (
                "kiosk: taking back another device's sign-in",
                Kiosk,
                change(Entity::PresenceEvent, "e-1@d9~undo", "event", sign_in("k1")),
                false,
            ),
            ("kiosk: consent at sign-in", Kiosk, change(Entity::Attendee, "a-1", "coc_version", json!(2)), true),
            ("kiosk: photo consent", Kiosk, change(Entity::Attendee, "a-1", "photo_consent", json!(true)), true),
            ("kiosk: someone's e-mail", Kiosk, change(Entity::Attendee, "a-1", "email", json!("x@y")), false),
            ("kiosk: its walk-in's name", Kiosk, change(Entity::Attendee, "a-9@k1", "name", json!("Bo")), true),
            ("kiosk: undoing its walk-in", Kiosk, change(Entity::Attendee, "a-9@k1", "deleted", json!(true)), true),
            (
                "kiosk: merging its walk-in",
                Kiosk,
                change(Entity::Attendee, "a-9@k1", "merged_into", json!("a-1")),
                false,
            ),
            (
                "kiosk: its walk-in as nobody's duplicate",
                Kiosk,
                change(Entity::Attendee, "a-9@k1", "merged_into", json!(null)),
                true,
            ),
            (
                "kiosk: another's walk-in as nobody's",
                Kiosk,
                change(Entity::Attendee, "a-9@k2", "merged_into", json!(null)),
                false,
            ),
            ("kiosk: another kiosk's walk-in", Kiosk, change(Entity::Attendee, "a-9@k2", "name", json!("Bo")), false),
            ("kiosk: deleting a person", Kiosk, change(Entity::Attendee, "a-1", "deleted", json!(true)), false),
            ("kiosk: the allow-list", Kiosk, change(Entity::Device, "x", "fingerprint", json!("ab")), false),
            ("kiosk: a revocation", Kiosk, change(Entity::Device, "d1", "revoked", json!(true)), false),
            ("kiosk: a goal", Kiosk, change(Entity::Goal, "g1", "status", json!("done")), false),
            ("kiosk: a claim", Kiosk, change(Entity::ClaimEvent, "c1", "event", json!({"device": "k1"})), false),
            ("kiosk: the sprint", Kiosk, change(Entity::Sprint, "sprint", "name", json!("S")), false),
            ("kiosk: its own earlier origin", Kiosk, change(Entity::Retirement, "k1", "after", json!(3)), true),
            ("kiosk: another's origin", Kiosk, change(Entity::Retirement, "d1", "after", json!(3)), false),
            ("lead: another's origin", TableLead, change(Entity::Retirement, "d1", "after", json!(0)), false),
            (
                "organizer: a revoked device's origin",
                Organizer,
                change(Entity::Retirement, "d1", "after", json!(0)),
                true,
            ),
            ("lead: its project's goal", TableLead, change(Entity::Goal, "g-1@p1", "status", json!("done")), true),
            (
                "lead: a new goal of its project",
                TableLead,
                change(Entity::Goal, "g-1@p1", "project", json!("p1")),
                true,
            ),
            ("lead: its goal moved away", TableLead, change(Entity::Goal, "g-1@p1", "project", json!("p2")), false),
            ("lead: another project's goal", TableLead, change(Entity::Goal, "g-1@p2", "status", json!("done")), false),
            ("lead: a goal of no project", TableLead, change(Entity::Goal, "g1", "status", json!("done")), false),
            ("lead: deleting its goal", TableLead, change(Entity::Goal, "g-1@p1", "deleted", json!(true)), true),
            ("lead: daily status", TableLead, change(Entity::StatusUpdate, "p1@2026-05-18", "done", json!("x")), true),
            (
                "lead: another's daily status",
                TableLead,
                change(Entity::StatusUpdate, "p2@2026-05-18", "done", json!("x")),
                false,
            ),
            (
                "lead: status filed under another project",
                TableLead,
                change(Entity::StatusUpdate, "p1@2026-05-18", "project", json!("p2")),
                false,
            ),
            ("lead: its claim", TableLead, change(Entity::ClaimEvent, "c1", "event", claim("k1", "i-1@p1")), true),
            (
                "lead: a claim on another project's issue",
                TableLead,
                change(Entity::ClaimEvent, "c1", "event", claim("k1", "i-1@p2")),
                false,
            ),
            (
                "lead: another device's claim id",
                TableLead,
                change(Entity::ClaimEvent, "c-1@d9", "event", claim("k1", "i-1@p1")),
                false,
            ),
            (
                "lead: its undo of its own claim event",
                TableLead,
                change(Entity::ClaimEvent, "c-1@k1~undo", "event", claim("k1", "i-1@p1")),
                true,
            ),
            (
                "lead: an undo of another device's claim event",
                TableLead,
                change(Entity::ClaimEvent, "c-1@d9~undo", "event", claim("k1", "i-1@p1")),
                false,
            ),
            (
                "lead: a claim in another's name",
                TableLead,
                change(Entity::ClaimEvent, "c1", "event", claim("d9", "i-1@p1")),
                false,
            ),
            ("lead: help wanted", TableLead, change(Entity::Project, "p1", "help_wanted", json!(true)), true),
            ("lead: what help", TableLead, change(Entity::Project, "p1", "help_note", json!("Windows")), true),
            ("lead: the project's name", TableLead, change(Entity::Project, "p1", "name", json!("X")), false),
            ("organizer: the stand-up", Organizer, change(Entity::Standup, "standup@d", "position", json!(1)), true),
            ("lead: the stand-up", TableLead, change(Entity::Standup, "standup@d", "position", json!(1)), false),
            ("board: the stand-up", Board, change(Entity::Standup, "standup@d", "position", json!(1)), false),
            ("kiosk: a badge it printed", Kiosk, change(Entity::BadgePrint, "b1@k1", "attendee", json!("a-1")), true),
            (
                "kiosk: a print in another's name",
                Kiosk,
                change(Entity::BadgePrint, "b1@k2", "attendee", json!("a-1")),
                false,
            ),
            ("board: a badge print", Board, change(Entity::BadgePrint, "b1@k1", "attendee", json!("a-1")), false),
            (
                "lead: another's help wanted",
                TableLead,
                change(Entity::Project, "p2", "help_wanted", json!(true)),
                false,
            ),
            ("lead: a project's name", TableLead, change(Entity::Project, "p1", "name", json!("X")), false),
            ("lead: issues", TableLead, change(Entity::Issue, "i-1@p1", "title", json!("X")), false),
            ("lead: a sign-in", TableLead, change(Entity::PresenceEvent, "e1", "event", sign_in("k1")), true),
            ("lead: someone's e-mail", TableLead, change(Entity::Attendee, "a-1", "email", json!("x@y")), false),
            ("board: a sign-in", Board, change(Entity::PresenceEvent, "e1", "event", sign_in("k1")), false),
            ("board: consent", Board, change(Entity::Attendee, "a-1", "coc_version", json!(2)), false),
            ("board: its own earlier origin", Board, change(Entity::Retirement, "k1", "after", json!(3)), true),
            (
                "kiosk: answers given at it",
                Kiosk,
                change(Entity::RetroAnswer, "r-1@k1", "day", json!("2026-05-18")),
                true,
            ),
            (
                "kiosk: answers in another's name",
                Kiosk,
                change(Entity::RetroAnswer, "r-1@k2", "day", json!("2026-05-18")),
                false,
            ),
            (
                "kiosk: answers with no device",
                Kiosk,
                change(Entity::RetroAnswer, "r-1", "day", json!("2026-05-18")),
                false,
            ),
            (
                "lead: answers given at it",
                TableLead,
                change(Entity::RetroAnswer, "r-1@k1", "day", json!("2026-05-18")),
                true,
            ),
            ("board: answers", Board, change(Entity::RetroAnswer, "r-1@k1", "day", json!("2026-05-18")), false),
            ("organizer: pull requests", Organizer, change(Entity::PullRequest, "p-1@p1", "title", json!("X")), true),
            ("lead: pull requests", TableLead, change(Entity::PullRequest, "p-1@p1", "title", json!("X")), false),
            ("kiosk: pull requests", Kiosk, change(Entity::PullRequest, "p-1@p1", "state", json!("merged")), false),
        ];
        for (name, role, change, allowed) in cases {
            // A lead's grant names its table's project.
            let project = (role == TableLead).then_some("p1");
            let verdict = may_write(role, project, "k1", &change);
            assert_eq!(verdict.is_ok(), allowed, "{name}: {verdict:?}");
            if let Err(why) = verdict {
                // (A lead's refusal for another project's records says what the laptop may do instead.)
                let own_project = "a table lead's laptop may change only its own project, not ";
                assert!(
                    why.starts_with(&format!("a {} device may not", role.as_str())) || why.starts_with(own_project),
                    "{name}: {why}"
                );
            }
        }
        let delete = |entity, id| change(entity, id, "deleted", json!(true));
        assert_eq!(
            may_write(Kiosk, None, "k1", &delete(Entity::Attendee, "a-1")).unwrap_err(),
            "a kiosk device may not delete an attendee"
        );
        assert_eq!(
            may_write(Board, None, "k1", &delete(Entity::StatusUpdate, "s-1")).unwrap_err(),
            "a board device may not delete a status update"
        );
        // A lead paired before grants named a project writes any project's goals, as it always could: every
        // device decides alike about what it wrote then.
        let goal = change(Entity::Goal, "g-1@p2", "status", json!("done"));
        assert!(may_write(TableLead, None, "k1", &goal).is_ok());
        assert!(may_write(TableLead, None, "k1", &change(Entity::Goal, "g1", "status", json!("x"))).is_err());
        assert!(may_write(TableLead, None, "k1", &change(Entity::PresenceEvent, "e1", "event", sign_in("k1"))).is_ok());
        let why = may_write(TableLead, Some("p1"), "k1", &change(Entity::Goal, "g-1@p2", "title", json!("X")));
        assert_eq!(
            why.unwrap_err(),
            "a table lead's laptop may change only its own project, not another project's goals"
        );
    }

    #[test]
    fn each_role_holds_what_it_uses() {
        let cases = [
            (Organizer, Entity::Attendee, "email", true),
            (TableLead, Entity::Attendee, "email", true),
            (Kiosk, Entity::Attendee, "email", false),
            (Kiosk, Entity::Attendee, "name", true),
            (Kiosk, Entity::Attendee, "handle", true),
            (Kiosk, Entity::Attendee, "badge_code", true),
            (Kiosk, Entity::Attendee, "coc_version", true),
            (Board, Entity::Attendee, "name", true),
            (Board, Entity::Attendee, "email", false),
            (Board, Entity::Attendee, "handle", false),
            (Board, Entity::Attendee, "badge_code", false),
            (Board, Entity::Project, "name", true),
            (Kiosk, Entity::Device, "grant", true),
        ];
        for (role, entity, field, held) in cases {
            assert_eq!(holds(role, entity, field), held, "{role:?} {entity:?} {field}");
            if !held {
                assert!(crate::PERSONAL_FIELDS.contains(&field), "only personal fields are ever left out");
            }
        }
        assert!(relays_others(Organizer) && relays_others(TableLead));
        assert!(!relays_others(Kiosk) && !relays_others(Board));
    }

    #[test]
    fn a_grant_checks_only_as_the_venue_signed_it() {
        let venue = SigningKey::generate();
        let device = SigningKey::generate();
        let grant = sign_grant(&venue, "k1", Kiosk, None, "fp", &device.public_hex());
        let vouched = check_grant(&venue.public(), "k1", &grant).expect("the venue's own grant checks");
        assert_eq!((vouched.role, vouched.key), (Kiosk, device.public()));
        let lead = sign_grant(&venue, "k1", TableLead, Some("p1"), "fp", &device.public_hex());
        let vouched = check_grant(&venue.public(), "k1", &lead).expect("a lead's grant checks");
        assert_eq!((vouched.role, vouched.project.as_deref()), (TableLead, Some("p1")));
        let tampered = [
            ("another device", "k2", grant.clone()),
            ("another role", "k1", Grant { role: Organizer, ..grant.clone() }),
            ("another certificate", "k1", Grant { fingerprint: "fq".into(), ..grant.clone() }),
            ("another key", "k1", Grant { key: SigningKey::generate().public_hex(), ..grant.clone() }),
            ("no signature", "k1", Grant { signature: String::new(), ..grant.clone() }),
            ("a project added", "k1", Grant { project: Some("p1".into()), ..grant.clone() }),
            ("a lead's project taken off", "k1", Grant { project: None, ..lead.clone() }),
            ("a lead's project changed", "k1", Grant { project: Some("p2".into()), ..lead.clone() }),
        ];
        for (name, id, grant) in tampered {
            assert!(check_grant(&venue.public(), id, &grant).is_none(), "{name}");
        }
        let self_signed = sign_grant(&device, "k1", Organizer, None, "fp", &device.public_hex());
        assert!(check_grant(&venue.public(), "k1", &self_signed).is_none(), "only the venue's key vouches");
    }

    /// Found by review: with parts only separated by a zero byte, a kiosk joining as `X\0organizer\0` got
    /// a grant whose bytes also read as an organizer's grant for `X`.
    #[test]
    fn no_device_id_makes_a_grant_read_as_another() {
        let venue = SigningKey::generate();
        let key = SigningKey::generate().public_hex();
        let asked = sign_grant(&venue, "X\0organizer\0", Kiosk, None, "F", &key);
        let reread = Grant { role: Organizer, fingerprint: "\0kiosk\0F".into(), ..asked.clone() };
        assert!(check_grant(&venue.public(), "X", &reread).is_none());
        for (id, ok) in [
            ("d-8k2m4n6p8r", true),
            ("kiosk_1", true),
            ("X\0organizer\0", false),
            ("d~2", false),
            ("a@b", false),
            ("", false),
            (&"d".repeat(65), false),
        ] {
            assert_eq!(is_device_id(id), ok, "{id:?}");
        }
        let long = format!("d-k~{}2", "0".repeat(6_000_000));
        for (origin, ok) in [
            ("d-8k2m4n6p8r", true),
            ("d-8k2m4n6p8r~2", true),
            ("d-8k2m4n6p8r~99", true),
            ("d-8k2m4n6p8r~100", false),
            ("d-8k2m4n6p8r~1", false),
            ("d-8k2m4n6p8r~0", false),
            ("d-8k2m4n6p8r~02", false),
            ("d-8k2m4n6p8r~", false),
            ("d-8k2m4n6p8r~2~3", false),
            ("d-8k2m4n6p8r~+2", false),
            ("~2", false),
            ("a@b~2", false),
            (&long, false),
            (&format!("{}~2", "d".repeat(65)), false),
        ] {
            assert_eq!(crate::is_origin(origin), ok, "{:?}", &origin[..origin.len().min(40)]);
        }
    }

    #[test]
    fn a_link_covers_the_record_and_everything_before_it() {
        let record = change(Entity::Attendee, "a-1", "name", json!("Ana"));
        let base = link(&GENESIS, &record, &content_hash(&record));
        let differs = [
            ("previous link", link(&[1; 32], &record, &content_hash(&record))),
            ("origin", {
                let r = Change { origin: "k2".into(), ..record.clone() };
                link(&GENESIS, &r, &content_hash(&r))
            }),
            ("sequence", {
                let r = Change { seq: 2, ..record.clone() };
                link(&GENESIS, &r, &content_hash(&r))
            }),
            ("clock", {
                let r = Change { hlc: Hlc(2), ..record.clone() };
                link(&GENESIS, &r, &content_hash(&r))
            }),
            ("value", {
                let r = Change { value: json!("Ann"), ..record.clone() };
                link(&GENESIS, &r, &content_hash(&r))
            }),
            ("field", {
                let r = Change { field: "email".into(), ..record.clone() };
                link(&GENESIS, &r, &content_hash(&r))
            }),
        ];
        for (what, other) in differs {
            assert_ne!(other, base, "{what}");
        }
        // The proof is not part of what is linked: it signs the link.
        let proven = Change { proof: Some("ab".into()), ..record.clone() };
        assert_eq!(link(&GENESIS, &proven, &content_hash(&proven)), base);
        // Content can be replaced by its hash and the link stays (what erasure needs).
        assert_eq!(link(&GENESIS, &Change { value: json!(null), ..record.clone() }, &content_hash(&record)), base);
    }
}
