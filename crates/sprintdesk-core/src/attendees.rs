//! Use cases about the people on the list: add, correct, find, list, import from a ticketing export,
//! suggest and merge duplicates. Who counts as "the same person" is the domain's one rule
//! ([`Attendee::same_person_as`]), used here by the import and by the merge suggestions alike.

use crate::import::{self, ImportedAttendee};
use crate::view::{Duplicate, ImportReport};
use crate::{Desk, Error, RowError};
use serde::Deserialize;
use sprintdesk_domain::search::fold;
use sprintdesk_domain::{Attendee, AttendeeId, DeviceRole, Role, ValidationError};
use sprintdesk_store::{Entity, Op};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A person the organizer adds by hand.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewAttendee {
    pub name: String,
    #[serde(default)]
    pub handle: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub first_timer: bool,
    #[serde(default)]
    pub badge_code: Option<String>,
}

/// An organizer's edit of one attendee.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AttendeeEdit {
    pub id: AttendeeId,
    pub name: String,
    pub handle: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    pub first_timer: bool,
    pub badge_code: Option<String>,
    /// Their answer to being photographed, when it changes (a sign-in records only a first answer: someone
    /// withdrawing theirs asks an organizer).
    #[serde(default)]
    #[ts(optional)]
    pub photo_consent: Option<bool>,
}

/// One person, named as an organizer types them: an attendee id, a `@handle`, or a full name.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PersonQuery {
    pub attendee: String,
}

/// Two records of one person: `duplicate` leaves the lists, its sign-ins and claims count as `survivor`'s.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    pub duplicate: String,
    pub survivor: String,
}

/// A record merged as a duplicate, by id, to be a person of their own again.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Separate {
    pub duplicate: String,
}

/// The text of an export file to import.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    /// The file's text: a pretix or Eventbrite export, a plain CSV, or a GitHub issue list.
    pub text: String,
    /// For issues: the project they belong to, when the file does not say.
    #[serde(default)]
    pub project: Option<String>,
    /// For attendees: import the good rows and leave out the bad ones (listed in the report), rather than
    /// importing nothing until every row is mended. The organizer chooses it after seeing the bad rows.
    #[serde(default)]
    pub leave_out_bad_rows: bool,
    /// For attendees: the organizer, told that the file names another event than the lists imported before
    /// it, says it is this sprint's list after all.
    #[serde(default)]
    #[ts(optional)]
    pub another_event: Option<bool>,
    /// The file's name, as the screen or command read it: named in the list of imports to take back.
    #[serde(default)]
    #[ts(optional)]
    pub file_name: Option<String>,
}

impl Desk {
    pub fn add_attendee(&mut self, new: NewAttendee) -> Result<Attendee, Error> {
        let snapshot = self.snapshot()?;
        let attendee = Attendee {
            id: AttendeeId(self.make_id("a")),
            name: new.name,
            handle: new.handle,
            email: new.email,
            roles: new.roles,
            first_timer: new.first_timer,
            badge_code: new.badge_code,
            ..Attendee::default()
        }
        .normalized()?;
        check_badge_free(snapshot.people(), &attendee)?;
        // Said as what to do: the store's refusal read "may not write a person it did not register".
        if let Some(role @ (DeviceRole::Kiosk | DeviceRole::TableLead)) = self.own_role()? {
            return Err(Error::NotAllowed(format!(
                "adding people to the list is an organizer's: this device is a {}, where someone not on the list \
                 registers as a walk-in and is signed in with it (the kiosk's \"I’m not on the list\", or \
                 `sprintdesk call register_walk_in`)",
                if role == DeviceRole::Kiosk { "kiosk" } else { "table lead's laptop" }
            )));
        }
        self.write(Op::put(&attendee, None))?;
        Ok(attendee)
    }

    /// An organizer's correction of an attendee's details.
    pub fn edit_attendee(&mut self, edit: AttendeeEdit) -> Result<Attendee, Error> {
        let snapshot = self.snapshot()?;
        let old = snapshot
            .attendees
            .get(&edit.id)
            .filter(|a| a.merged_into.is_none())
            .ok_or_else(|| Error::NotFound(format!("no attendee has the id {}", edit.id)))?;
        let new = Attendee {
            name: edit.name,
            handle: edit.handle,
            email: edit.email,
            roles: edit.roles,
            first_timer: edit.first_timer,
            badge_code: edit.badge_code,
            photo_consent: edit.photo_consent.or(old.photo_consent),
            ..old.clone()
        }
        .normalized()?;
        check_badge_free(snapshot.people(), &new)?;
        self.write(Op::put(&new, Some(old)))?;
        Ok(new)
    }

    /// One person in full, for the organizer.
    pub fn attendee(&mut self, query: PersonQuery) -> Result<Attendee, Error> {
        Ok(self.snapshot()?.find_attendee(&query.attendee)?.clone())
    }

    /// Everyone, for the organizer (never for a kiosk).
    pub fn attendees(&mut self) -> Result<Vec<Attendee>, Error> {
        let snapshot = self.snapshot()?;
        let mut people: Vec<Attendee> = snapshot.people().cloned().collect();
        people.sort_by_cached_key(|p| fold(&p.name));
        Ok(people)
    }

    /// Pairs of records that are probably one person, surest first, for the organizer to merge.
    pub fn duplicates(&mut self) -> Result<Vec<Duplicate>, Error> {
        let snapshot = self.snapshot()?;
        let mut by_key: HashMap<String, Vec<&Attendee>> = HashMap::new();
        for person in snapshot.people() {
            for key in person.same_person_keys() {
                by_key.entry(key).or_default().push(person);
            }
        }
        let mut pairs = BTreeSet::new();
        for group in by_key.values().filter(|group| group.len() > 1) {
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    if let Some(because) = a.same_person_as(b) {
                        // The one to keep first: a record on the organizer's list before a walk-in registered
                        // at a door (anyone can register one under any name), then the fuller one, with the
                        // ticket and contact details.
                        let keep = |p: &Attendee| (p.id.registered_by().is_none(), details(p));
                        let (a, b) = if (keep(b), &a.id) > (keep(a), &b.id) { (b, a) } else { (a, b) };
                        pairs.insert((because, fold(&a.name), a.id.clone(), b.id.clone()));
                    }
                }
            }
        }
        Ok(pairs
            .into_iter()
            .map(|(because, _, a, b)| Duplicate { a: snapshot.person(&a), b: snapshot.person(&b), because })
            .collect())
    }

    /// The records merged into `who` as duplicates (not erased), by name: each can be separated again.
    pub fn merged_duplicates(&mut self, who: PersonQuery) -> Result<Vec<Attendee>, Error> {
        let snapshot = self.snapshot()?;
        let survivor = snapshot.find_attendee(&who.attendee)?.id.clone();
        let mut merged: Vec<Attendee> = snapshot
            .attendees
            .values()
            .filter(|a| a.merged_into.as_ref() == Some(&survivor) && !snapshot.is_erased(&a.id))
            .cloned()
            .collect();
        merged.sort_by_cached_key(|p| fold(&p.name));
        Ok(merged)
    }

    /// Takes back a merge: the duplicate is a person of their own again, in the lists, with their own
    /// sign-ins and claims. Returns them.
    pub fn separate_attendee(&mut self, separate: Separate) -> Result<Attendee, Error> {
        let snapshot = self.snapshot()?;
        let id = AttendeeId(separate.duplicate.trim().to_owned());
        let Some(duplicate) = snapshot.attendees.get(&id).cloned() else {
            return Err(Error::NotFound(format!("no attendee has the id {:?}", separate.duplicate)));
        };
        if duplicate.merged_into.is_none() {
            return Err(
                ValidationError::new("merged_into", format!("{} is not merged into anyone", duplicate.name)).into()
            );
        }
        if snapshot.is_erased(&id) {
            return Err(Error::NotAllowed("that record's personal data was erased: it cannot be separated".into()));
        }
        let separated = Attendee { merged_into: None, ..duplicate.clone() };
        self.write(Op::put(&separated, Some(&duplicate)))?;
        Ok(separated)
    }

    /// Marks `duplicate` as the same person as `survivor`: their sign-ins and claims count as the
    /// survivor's, and the duplicate leaves lists and search.
    pub fn merge_attendees(&mut self, merge: Merge) -> Result<Attendee, Error> {
        let snapshot = self.snapshot()?;
        let duplicate = snapshot.find_attendee(&merge.duplicate)?.clone();
        let survivor = snapshot.find_attendee(&merge.survivor)?.clone();
        if duplicate.id == survivor.id {
            return Err(ValidationError::new("merged_into", "that is the same person twice").into());
        }
        // Merged into an erased person, a record is erased with them, for good and on every device (nothing
        // said it); an erased record merged into someone would count a pseudonym's days as theirs.
        if snapshot.is_erased(&survivor.id) {
            return Err(Error::NotAllowed(format!(
                "that record's personal data was erased at their request: merging {} into it would erase {}'s \
                 details too, for good. If it is the same person come back, keep {} as it is",
                duplicate.name, duplicate.name, duplicate.name
            )));
        }
        if snapshot.is_erased(&duplicate.id) {
            return Err(Error::NotAllowed(
                "that record's personal data was erased at their request: it cannot be merged into anyone".into(),
            ));
        }
        let merged = Attendee { merged_into: Some(survivor.id.clone()), ..duplicate.clone() };
        // What either record was told goes on with the person: a "No photos" given under either stays no (a
        // no is taken from anyone; a yes after it is the organizer's edit), and a code of conduct accepted
        // under either is accepted. Else the photographer's list said yes for someone who had said no.
        let photo_consent = match (survivor.photo_consent, duplicate.photo_consent) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), _) | (_, Some(true)) => Some(true),
            (None, None) => None,
        };
        let told = Attendee {
            photo_consent,
            coc_version: survivor.coc_version.max(duplicate.coc_version),
            ..survivor.clone()
        };
        let mut ops = Op::put(&merged, Some(&duplicate));
        ops.extend(Op::put(&told, Some(&survivor)));
        self.write(ops)?;
        Ok(told)
    }

    /// Imports a pretix, Eventbrite or plain CSV list: a row about a known person (same ticket, email or
    /// handle) updates them, the others are added. A file with any bad row imports nothing, unless the
    /// organizer asks to leave the bad rows out: then the others are imported and the bad ones listed.
    pub fn import_attendees(&mut self, file: ImportFile) -> Result<ImportReport, Error> {
        let read = import::read_attendees(&file.text).map_err(Error::Import)?;
        if read.broken {
            return Err(Error::Import(read.bad));
        }
        if file.another_event != Some(true) {
            self.ask_about_another_event(&read.events)?;
        }
        let (format, rows) = (read.format, read.rows);
        let snapshot = self.snapshot()?;
        let mut existing = KnownPeople::index(snapshot.people());
        existing.note_shared_in(&rows);
        let mut report = ImportReport { format: format.label().into(), events: read.events, ..ImportReport::default() };
        // The rows an earlier row's person took in, said once that row is imported (one left out, an erased
        // person's or a bad one, takes its repeats with it, unnamed).
        let repeated = read.repeated;
        let mut imported_lines: HashSet<u64> = HashSet::new();
        report.not_coming = read.not_coming.len();
        report.not_coming_listed =
            read.not_coming.iter().filter_map(|row| existing.find(row)).map(|p| p.name.clone()).collect();
        let mut ops = Vec::new();
        let mut unchanged = Vec::new();
        let mut errors = read.bad;
        // Two rows about one known person are both left out: which is right is the organizer's to say.
        // Each row's known person, looked up once.
        let known: Vec<Option<&Attendee>> = rows.iter().map(|row| existing.find(row)).collect();
        let mut rows_of: HashMap<AttendeeId, Vec<u64>> = HashMap::new();
        for (row, person) in rows.iter().zip(&known) {
            if let Some(person) = person {
                rows_of.entry(person.id.clone()).or_default().push(row.line);
            }
        }
        // People erased at their request: a row that would add one again is left out (a person who came back
        // and was added again is on the list, and updated). By their ticket's code; or by an e-mail they had,
        // with their name where the e-mail says less: where the file gives it to people of other names (a
        // buyer's address on several orders) or the row has a ticket code of its own.
        // An erasure whose keys reached this device withheld (a relay whose owner cleared them in its file)
        // cannot keep its person out of this file: imported here, they could be back on every device.
        let withheld = self.store().erasure_keys_withheld_by()?;
        if let Some(relay) = withheld.first() {
            let name = snapshot.devices.get(relay).cloned().unwrap_or_else(|| relay.to_string());
            return Err(Error::NotAllowed(format!(
                "this device cannot check the file against the people erased at their request: the details of an \
                 erasure reached it withheld, passed on by {name} (revoke it if its owner may have edited it). \
                 Import the file on the organizer's desk instead; nothing was imported"
            )));
        }
        let erased = self.store().erased_person_keys()?;
        let person_keys = if erased.is_empty() { None } else { self.store().person_keys()? };
        let was_erased = |row: &ImportedAttendee| {
            let Some(keys) = person_keys.as_ref() else { return false };
            let known = |key: Option<String>| key.is_some_and(|key| erased.contains(&key));
            if known(row.badge_code.as_deref().and_then(|badge| keys.of("badge_code", badge))) {
                return true;
            }
            let Some(email) = row.email.as_deref() else { return false };
            let shared = existing.shared_in_file.contains(&format!("e:{}", email.trim().to_lowercase()));
            if shared || row.badge_code.is_some() {
                known(keys.of_email_and_name(email, &row.name))
            } else {
                known(keys.of("email", email))
            }
        };
        for (row, found) in rows.into_iter().zip(known) {
            if found.is_none() && was_erased(&row) {
                report.erased.push(format!("line {}", row.line));
                continue;
            }
            if let Some(person) = found
                && let Some(lines) = rows_of.get(&person.id).filter(|lines| lines.len() > 1)
            {
                let others: Vec<String> =
                    lines.iter().filter(|line| **line != row.line).map(|line| line.to_string()).collect();
                let message = if row.name == person.name {
                    format!("this is {} again, as on line {}", person.name, others.join(", "))
                } else {
                    format!(
                        "{} on this line and the row on line {} are both {} on the list (the same ticket, e-mail \
                         or handle): which is right is yours to say",
                        row.name,
                        others.join(", "),
                        person.name
                    )
                };
                errors.push(RowError { place: format!("line {}", row.line), message });
                continue;
            }
            let base =
                found.cloned().unwrap_or_else(|| Attendee { id: AttendeeId(self.make_id("a")), ..Attendee::default() });
            let updated = Attendee {
                name: row.name,
                email: row.email.or(base.email.clone()),
                handle: row.handle.or(base.handle.clone()),
                badge_code: row.badge_code.or(base.badge_code.clone()),
                roles: row.roles.unwrap_or(base.roles.clone()),
                first_timer: row.first_timer.unwrap_or(base.first_timer),
                ..base.clone()
            }
            .normalized()?;
            if let Some(before) = found {
                let fields = replaced_fields(before, &updated);
                if !fields.is_empty() {
                    report.replaced.push(format!("{}: {}", before.name, fields.join(", ")));
                }
            }
            let changes = Op::put(&updated, found);
            report.count(found.is_some(), !changes.is_empty());
            imported_lines.insert(row.line);
            if changes.is_empty() {
                unchanged.push(updated.id.to_string());
            }
            ops.extend(changes);
        }
        errors.sort_by_key(|row| import::line_of(&row.place));
        // Rows, as the organizer counts them: a row taken as an earlier one's person is imported with it.
        report.repeated = repeated
            .iter()
            .filter(|(_, first, _)| imported_lines.contains(first))
            .map(|(line, first, name)| format!("line {line} ({name}): as line {first}"))
            .collect();
        // An erased person's row repeated is theirs too: left out with it, by line only.
        let erased_lines: HashSet<String> = report.erased.iter().cloned().collect();
        report.erased.extend(
            repeated
                .iter()
                .filter(|(_, first, _)| erased_lines.contains(&format!("line {first}")))
                .map(|(line, _, _)| format!("line {line}")),
        );
        report.erased.sort_by_key(|place| import::line_of(place));
        let good = report.added + report.updated + report.unchanged + report.repeated.len();
        if good == 0 && !errors.is_empty() {
            return Err(Error::Import(errors));
        }
        if !errors.is_empty() && !file.leave_out_bad_rows {
            return Err(Error::ImportBadRows { bad: errors, good });
        }
        report.left_out = errors;
        let touched: HashSet<String> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Set { entity: Entity::Attendee, id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect();
        self.write_import("attendees", file.file_name.as_deref(), ops, unchanged, &mut report)?;
        // Two tickets in one name are two people to an import, but likely one at the door: said now, before
        // the kiosk shows both (a walk found them only there).
        if !touched.is_empty() {
            // One name twice, or one handle on two tickets (a shared company address between two names is no
            // question), each once.
            let snapshot = self.snapshot()?;
            let handle = |id: &AttendeeId| snapshot.attendees.get(id).and_then(Attendee::handle_key);
            let names: BTreeSet<String> = self
                .duplicates()?
                .into_iter()
                .filter(|pair| touched.contains(pair.a.id.as_str()) || touched.contains(pair.b.id.as_str()))
                .filter_map(|pair| {
                    if fold(&pair.a.name) == fold(&pair.b.name) {
                        Some(pair.a.name)
                    } else {
                        let shared = handle(&pair.a.id).filter(|h| Some(h) == handle(&pair.b.id).as_ref())?;
                        Some(format!(
                            "{} and {} (both @{shared}: correct one handle if they are two people)",
                            pair.a.name, pair.b.name
                        ))
                    }
                })
                .collect();
            report.likely_duplicates = names.into_iter().collect();
        }
        Ok(report)
    }
}

impl Desk {
    /// Refuses, in a question, an attendee file for other `events` than the lists this device imported before
    /// (still standing), or for several: another event's export chosen by mistake puts strangers' names and
    /// e-mails on every device. A file that names no event, or a first one, is not asked about.
    fn ask_about_another_event(&self, events: &[String]) -> Result<(), Error> {
        let quoted = |names: &[String]| {
            names.iter().map(|name| format!("\u{201c}{name}\u{201d}")).collect::<Vec<_>>().join(", ")
        };
        let before = self.events_imported()?;
        let known = |event: &String| before.iter().any(|seen| seen.eq_ignore_ascii_case(event));
        if events.len() > 1 && !events.iter().all(known) {
            return Err(Error::AnotherEvent(format!(
                "this file lists the people of {} events ({}): is it this sprint's list? Nothing was imported: \
                 export this sprint's event only, or import it as it is if all of them are coming",
                events.len(),
                quoted(events)
            )));
        }
        let Some(event) = events.first() else { return Ok(()) };
        if before.is_empty() || events.iter().all(known) {
            return Ok(());
        }
        Err(Error::AnotherEvent(format!(
            "this file is for the event {}, but the attendee lists imported here before were for {}: is it \
             this sprint's list? Nothing was imported",
            quoted(std::slice::from_ref(event)),
            quoted(&before)
        )))
    }
}

/// The details of `before` that `after` replaces with others, in words: a value given to a field that was
/// empty replaces nothing.
fn replaced_fields(before: &Attendee, after: &Attendee) -> Vec<&'static str> {
    let differs = |a: &Option<String>, b: &Option<String>| a.is_some() && a != b;
    let mut sorted_roles = before.roles.clone();
    sorted_roles.sort();
    [
        (before.name != after.name, "name"),
        (differs(&before.email, &after.email), "e-mail"),
        (differs(&before.handle, &after.handle), "handle"),
        (differs(&before.badge_code, &after.badge_code), "badge code"),
        (sorted_roles != after.roles, "roles"),
        (before.first_timer != after.first_timer, "first-timer"),
    ]
    .into_iter()
    .filter_map(|(replaced, field)| replaced.then_some(field))
    .collect()
}

/// How much a record holds beyond a name: a duplicate suggestion keeps the fuller one.
fn details(person: &Attendee) -> usize {
    [person.badge_code.is_some(), person.email.is_some(), person.handle.is_some(), person.coc_version.is_some()]
        .into_iter()
        .filter(|held| *held)
        .count()
}

/// Refuses a badge code that is already someone else's, in any case: a code typed by hand at the door is
/// looked up without regard to case (see `Snapshot::find_by_badge`), so `demo-1` and `DEMO-1` are one badge.
fn check_badge_free<'a>(people: impl Iterator<Item = &'a Attendee>, person: &Attendee) -> Result<(), Error> {
    let Some(badge) = &person.badge_code else { return Ok(()) };
    let same = |other: &String| other.eq_ignore_ascii_case(badge);
    match people.into_iter().find(|p| p.id != person.id && p.badge_code.as_ref().is_some_and(same)) {
        Some(other) => {
            let held = other.badge_code.as_deref().filter(|held| held != badge);
            let written = held.map(|held| format!(" (as {held})")).unwrap_or_default();
            Err(ValidationError::new(
                "badge_code",
                format!("the badge code {badge} is already {}'s{written}", other.name),
            )
            .into())
        }
        None => Ok(()),
    }
}

/// The people already on the list, indexed by the keys of the "same person" rule (and each e-mail and
/// handle with the name too), so an import of thousands of rows looks at a handful of candidates per row
/// instead of everyone; and the e-mails and handles an import's file gives people of different names.
struct KnownPeople<'a> {
    by_key: HashMap<String, Vec<&'a Attendee>>,
    by_key_and_name: HashMap<String, Vec<&'a Attendee>>,
    shared_in_file: HashSet<String>,
}

/// A "same person" key an import acts on: a ticket, an e-mail or a handle (a name alone is never enough).
fn acted_on(key: &str) -> bool {
    key.starts_with("b:") || key.starts_with("e:") || key.starts_with("h:")
}

impl<'a> KnownPeople<'a> {
    fn index(people: impl Iterator<Item = &'a Attendee>) -> Self {
        let mut by_key: HashMap<String, Vec<&'a Attendee>> = HashMap::new();
        let mut by_key_and_name: HashMap<String, Vec<&'a Attendee>> = HashMap::new();
        for person in people {
            let name = person.name_key();
            for key in person.same_person_keys().into_iter().filter(|key| acted_on(key)) {
                if !key.starts_with("b:") {
                    by_key_and_name.entry(format!("{key}\0{name}")).or_default().push(person);
                }
                by_key.entry(key).or_default().push(person);
            }
        }
        Self { by_key, by_key_and_name, shared_in_file: HashSet::new() }
    }

    /// Notes the e-mails and handles `rows` give people of different names: a shared address (pretix puts
    /// the buyer's e-mail on every ticket of an order, so a family's or a company's tickets share one).
    fn note_shared_in(&mut self, rows: &[ImportedAttendee]) {
        let mut names_of: HashMap<String, HashSet<String>> = HashMap::new();
        for row in rows {
            let probe = probe(row);
            let name = probe.name_key();
            for key in probe.same_person_keys().into_iter().filter(|key| key.starts_with("e:") || key.starts_with("h:"))
            {
                names_of.entry(key).or_default().insert(name.clone());
            }
        }
        self.shared_in_file = names_of.into_iter().filter(|(_, names)| names.len() > 1).map(|(key, _)| key).collect();
    }

    /// The known person an import row is about, by the strongest certain evidence (ticket, then email,
    /// then handle). An e-mail or handle that is shared (given to people of different names in the file, or
    /// held by more than one person on the list) is one person's only under the same name.
    fn find(&self, row: &ImportedAttendee) -> Option<&'a Attendee> {
        let probe = probe(row);
        let name = probe.name_key();
        probe
            .same_person_keys()
            .into_iter()
            .filter(|key| acted_on(key))
            .filter_map(|key| {
                let holders = self.by_key.get(&key)?;
                let shared = !key.starts_with("b:") && (self.shared_in_file.contains(&key) || holders.len() > 1);
                if shared { self.by_key_and_name.get(&format!("{key}\0{name}")) } else { Some(holders) }
            })
            .flatten()
            .filter_map(|person| person.certainly_same_person_as(&probe).map(|because| (because, &person.id, *person)))
            .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
            .map(|(_, _, person)| person)
    }
}

/// An import row as a person, for the "same person" rule.
fn probe(row: &ImportedAttendee) -> Attendee {
    Attendee {
        name: row.name.clone(),
        email: row.email.clone(),
        handle: row.handle.clone(),
        badge_code: row.badge_code.clone(),
        ..Attendee::default()
    }
}
