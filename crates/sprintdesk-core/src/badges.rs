//! Badges for people without one: a printable PDF (name, handle, today's project, a QR code of the badge code)
//! made at the door for a person who has no badge yet, and by an organizer for anyone. A badge code is a key
//! to sign its holder in and out (and may be their ticket's secret), so the door never prints a badge that
//! exists already, nor one printed before, without the organizer's PIN. Every print is logged and replicated.
//! Sending the PDF to a printer is the api crate's (it runs CUPS' `lp`); this module decides and records.

use crate::badge_pdf::{BadgeFace, badge_pdf};
use crate::setup::Reach;
use crate::snapshot::Snapshot;
use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{Attendee, AttendeeId, BadgePrint, DeviceRole, EventId, Timestamp, new_badge_code};
use sprintdesk_store::Op;

/// Whose badge to make.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BadgeRequest {
    /// An attendee id, handle or name.
    pub attendee: String,
    /// The organizer's PIN, for a badge the door may not print alone.
    #[serde(default)]
    #[ts(optional)]
    pub pin: Option<String>,
    /// At the door: the undo token of the sign-in just made here, which shows it is the person themselves.
    #[serde(default)]
    #[ts(optional)]
    pub token: Option<String>,
}

/// What the door may do about the badge of a person who has just signed in there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DoorBadge {
    /// Their first badge, printed at once: they have none, and have just signed in here.
    Print,
    /// An organizer's PIN prints it here (a badge again, or a first one once the sign-in's moment has gone).
    Pin,
    /// Not at this door: an organizer prints it (a kiosk may not give this person a code, or has no PIN).
    Ask,
}

/// A badge made: the PDF, and where it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Badge {
    pub name: String,
    pub file_name: String,
    /// The PDF, base64-encoded; empty when it went to a printer (the code in its QR stays off the screen).
    pub pdf_base64: String,
    /// The CUPS printer it was sent to; `None`: it is for the screen to open or save.
    pub printer: Option<String>,
    /// Badges of this person printed before this one.
    pub printed_before: u32,
}

/// A badge ready to print, not yet logged.
#[derive(Debug)]
pub struct BadgeFile {
    pub attendee: AttendeeId,
    /// The badge code made for a person who had none, written with the print's log entry (so a print that
    /// fails leaves them without a code, free to try again).
    pub new_code: Option<String>,
    pub name: String,
    pub file_name: String,
    pub pdf: Vec<u8>,
    pub printed_before: u32,
}

/// One line of the print log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BadgePrintLine {
    pub name: String,
    pub device: String,
    #[ts(type = "number")]
    pub at: Timestamp,
    pub printer: Option<String>,
}

impl Desk {
    /// Makes a person's badge as a PDF (giving them a badge code if they have none). `reach` is who asks: the
    /// door prints a first badge for someone who had none; anything else at the door needs the organizer's
    /// PIN. Staff ask from an organizer's device. Nothing is logged until [`Desk::log_badge_print`].
    pub fn make_badge(&mut self, request: BadgeRequest, reach: Reach) -> Result<BadgeFile, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(&request.attendee)?.clone();
        let printed_before = snapshot.badge_prints.iter().filter(|p| p.attendee == person.id).count() as u32;
        // At the door, the table a badge shows is the one chosen at the sign-in just made (none if none was):
        // never where the person sits now, which anyone who can sign a name in would learn from it.
        let mut door_table = None;
        match reach {
            Reach::Staff if self.own_role()?.is_some_and(|role| role != DeviceRole::Organizer) => {
                return Err(Error::NotAllowed("badges are printed at the door or on an organizer's device".into()));
            }
            Reach::Staff => {}
            Reach::Door | Reach::Screen => {
                let undoable = request.token.as_deref().and_then(|token| self.undoable.get(token, now).ok());
                let just_registered = undoable.is_some_and(|u| u.delete.as_ref() == Some(&person.id));
                let sign_in = undoable.and_then(|undoable| {
                    undoable.retract.iter().find(|(who, _)| *who == person.id).map(|(_, event)| event.clone())
                });
                door_table = Some(sign_in.and_then(|event| {
                    snapshot.presence_events.iter().find(|e| e.id == event).and_then(|e| e.project.clone())
                }));
                match self.door_badge_rule(&snapshot, &person, just_registered)? {
                    (DoorBadge::Print, _) => {}
                    (DoorBadge::Pin, why) => {
                        self.confirm_pin_at(request.pin.as_deref(), &why, crate::setup::PinAt::Door)?
                    }
                    (DoorBadge::Ask, why) => return Err(Error::NotAllowed(why)),
                }
            }
        }
        // A code is made for someone who had none (at the door only where the rule above allows it).
        let new_code = match person.badge_code {
            Some(_) => None,
            None => Some(new_badge_code(&EventId::made_by(&self.make_id("b"), self.store().device()).0)),
        };
        let person = Attendee { badge_code: person.badge_code.clone().or_else(|| new_code.clone()), ..person };
        let snapshot = self.snapshot()?;
        let table = door_table.unwrap_or_else(|| snapshot.whereabouts_of(&person.id, now));
        let project = table.and_then(|p| snapshot.projects.get(&p));
        let code = person.badge_code.clone().unwrap_or_default();
        let pdf = badge_pdf(&BadgeFace {
            sprint: &snapshot.sprint.name,
            name: &person.name,
            handle: person.handle.as_deref(),
            project: project.map(|p| p.name.as_str()),
            code: &code,
        });
        Ok(BadgeFile {
            file_name: format!("badge-{}.pdf", file_stem(&person.name)),
            attendee: person.id,
            new_code,
            name: person.name,
            pdf,
            printed_before,
        })
    }

    /// Logs that a badge was printed (or saved to print), so a second print needs the organizer anywhere;
    /// with the badge code it carries when the person had none, in the same write.
    pub fn log_badge_print(&mut self, file: &BadgeFile, printer: Option<String>) -> Result<(), Error> {
        let attendee = &file.attendee;
        let mut ops = Vec::new();
        if let Some(code) = &file.new_code {
            let snapshot = self.snapshot()?;
            let old = snapshot.attendees.get(attendee).ok_or_else(|| Error::NotFound("that person is gone".into()))?;
            if old.badge_code.is_none() {
                ops.extend(Op::put(&Attendee { badge_code: Some(code.clone()), ..old.clone() }, Some(old)));
            }
        }
        let device = self.store().device().to_string();
        let print = BadgePrint {
            id: EventId::made_by(&self.make_id("bp"), self.store().device()),
            attendee: attendee.clone(),
            device,
            at: self.now(),
            printer,
        };
        ops.extend(Op::put(&print, None));
        self.write(ops)
    }

    /// Every badge printed, newest first.
    pub fn badge_prints(&mut self) -> Result<Vec<BadgePrintLine>, Error> {
        let snapshot = self.snapshot()?;
        let mut lines: Vec<BadgePrintLine> = snapshot
            .badge_prints
            .iter()
            .map(|p| BadgePrintLine {
                name: snapshot.name(&p.attendee),
                device: p.device.clone(),
                at: p.at,
                printer: p.printer.clone(),
            })
            .collect();
        lines.sort_by_key(|line| std::cmp::Reverse(line.at));
        Ok(lines)
    }

    /// What the door may do about `person`'s badge, and why in words: print their first one at once (they
    /// have none, none was printed, and they were `just_registered` here, as a walk-in); print it with the
    /// organizer's PIN; or not here at all (no PIN to ask for). [`Desk::make_badge`] follows it, and the
    /// welcome screen offers what it says.
    pub(crate) fn door_badge_rule(
        &mut self,
        snapshot: &Snapshot,
        person: &Attendee,
        just_registered: bool,
    ) -> Result<(DoorBadge, String), Error> {
        let organizer_device = self.own_role()?.is_none_or(|role| role == DeviceRole::Organizer);
        let registered_here = person.id.registered_by() == Some(self.store().device().as_str());
        if person.badge_code.is_none() && !organizer_device && !registered_here {
            let why = format!(
                "{} has no badge code yet and this device may not give them one: ask an organizer",
                person.name
            );
            return Ok((DoorBadge::Ask, why));
        }
        let pin_set = self.setup()?.pin_set;
        let again = if snapshot.badge_prints.iter().any(|p| p.attendee == person.id) {
            Some(format!("{}'s badge was printed before: another print", person.name))
        } else if person.badge_code.is_some() {
            Some(format!("{} has a badge already: printing it again", person.name))
        } else {
            None
        };
        Ok(match again {
            None if just_registered => (DoorBadge::Print, String::new()),
            // Anyone at the door, or on the venue network, can type a name: a badge's code is a key to sign its
            // holder out and move them, so a first badge prints alone only for a walk-in just registered here
            // (a name signed in and then printed gave whoever typed it that key, for good).
            None if !pin_set => (
                DoorBadge::Ask,
                "a badge is printed at the door alone only for a walk-in who just registered; any other needs an \
                 organizer: print it from an organizer's device (Attendees, then the person)"
                    .into(),
            ),
            None => (
                DoorBadge::Pin,
                "a badge is printed at the door alone only for a walk-in who just registered; any other (ask an \
                 organizer)"
                    .into(),
            ),
            // Without a PIN on this device the door cannot tell the organizer from anyone: never alone.
            Some(why) if !pin_set => (
                DoorBadge::Ask,
                format!("{why} needs an organizer: print it from an organizer's device (Attendees, then the person)"),
            ),
            Some(why) => (DoorBadge::Pin, format!("{why} (ask an organizer)")),
        })
    }

    /// This device's role at the venue; `None` on a device that is in no venue yet.
    pub(crate) fn own_role(&self) -> Result<Option<DeviceRole>, Error> {
        let trust = self.store().trust()?;
        Ok(trust.device(self.store().device().as_str()).map(|d| d.vouched.role))
    }
}

/// A file name from a person's name: letters and digits kept (any script), the rest as single dashes.
fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            stem.extend(c.to_lowercase());
        } else if !stem.ends_with('-') && !stem.is_empty() {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() { "person".into() } else { stem.into() }
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_names_keep_letters_of_any_script() {
        for (name, stem) in [
            ("Łukasz Wiśniewski", "łukasz-wiśniewski"),
            ("Zoë O'Brien", "zoë-o-brien"),
            ("李小龍", "李小龍"),
            ("../../etc", "etc"),
            ("", "person"),
        ] {
            assert_eq!(file_stem(name), stem, "{name}");
        }
    }
}
