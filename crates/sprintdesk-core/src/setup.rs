//! How this device is set up: which screen it shows (organizer, table lead for one project, kiosk,
//! board), how long its board shows each page, and the organizer PIN that locks a kiosk. All are this
//! device's own settings: they are not replicated, so locking the door kiosk locks only the door kiosk.

use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sprintdesk_domain::{DeviceRole, ProjectId, ValidationError};
use sprintdesk_store::Lockout;

const MODE: &str = "mode";
const LEAD_PROJECT: &str = "lead_project";
const PIN_HASH: &str = "kiosk_pin";
const BOARD_PACE: &str = "board_page_seconds";
/// Seconds the board shows each page unless this device was told otherwise, and the bounds it may be told:
/// under 2 s nobody reads a card; over 2 minutes the last page waits too long for its turn.
pub const DEFAULT_BOARD_PAGE_SECONDS: u32 = 12;
pub const BOARD_PAGE_SECONDS: std::ops::RangeInclusive<u32> = 2..=120;
/// Wrong PINs in a row, and until when the PIN is not even checked (local settings: a restart keeps them).
const PIN_FAILURES: &str = "kiosk_pin_failures";
const PIN_LOCKED_UNTIL: &str = "kiosk_pin_locked_until";
/// The same, for PINs typed into the door's own forms (a badge printed again), which anyone who signs a
/// name in reaches: counted apart, so that wrong PINs there never lock the organizer out of the kiosk.
const DOOR_PIN_FAILURES: &str = "kiosk_door_pin_failures";
const DOOR_PIN_LOCKED_UNTIL: &str = "kiosk_door_pin_locked_until";

/// Where a PIN was typed: its wrong tries are counted, and lock, apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PinAt {
    /// Leaving the kiosk, or staff's own confirmations.
    Staff,
    /// A form at the door that whoever stands there reaches.
    Door,
}

impl PinAt {
    fn keys(self) -> (&'static str, &'static str) {
        match self {
            PinAt::Staff => (PIN_FAILURES, PIN_LOCKED_UNTIL),
            PinAt::Door => (DOOR_PIN_FAILURES, DOOR_PIN_LOCKED_UNTIL),
        }
    }
}
/// Why a device paired as the door's kiosk does not leave the kiosk, in words.
const PAIRED_KIOSK_STAYS: &str = "this device was paired as the door's kiosk, and it stays one: the \
     organizer's pages are on the organizers' devices. To use this computer for something else, pair it again \
     from a new, empty database";
/// Wrong PINs in a row that cost nothing: fingers slip.
const PIN_FREE_TRIES: u32 = 5;
/// The longest lockout, reached after a few more wrong PINs: at most 24 guesses a day from then on.
const PIN_MAX_LOCKOUT_MINUTES: i64 = 60;

/// How long the PIN stays locked after `failures` wrong PINs in a row: nothing for the first few, then a
/// minute, doubling with each further wrong PIN up to an hour. A 4-digit PIN (10,000 of them) then takes
/// weeks to guess, not seconds.
pub(crate) fn pin_lockout_minutes(failures: u32) -> i64 {
    if failures < PIN_FREE_TRIES {
        return 0;
    }
    let doublings = (failures - PIN_FREE_TRIES).min(6);
    (1i64 << doublings).min(PIN_MAX_LOCKOUT_MINUTES)
}

/// The screen this device opens on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Organizer,
    TableLead,
    Kiosk,
    Board,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Organizer => "organizer",
            Mode::TableLead => "table_lead",
            Mode::Kiosk => "kiosk",
            Mode::Board => "board",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "table_lead" => Mode::TableLead,
            "kiosk" => Mode::Kiosk,
            "board" => Mode::Board,
            _ => Mode::Organizer,
        }
    }

    /// Whether a device in this mode may use a command of the given reach. The locked kiosk's screen is
    /// not the only guard: its API answers only what the door needs, whatever asks it.
    pub fn reaches(self, reach: Reach) -> bool {
        reach != Reach::Staff || self != Mode::Kiosk
    }

    /// Refuses, in words, what this mode does not reach.
    pub fn check(self, reach: Reach) -> Result<(), Error> {
        if self.reaches(reach) {
            return Ok(());
        }
        Err(Error::NotAllowed(
            "this device is a locked kiosk, which only signs people in and out: an organizer can unlock it \
             with the PIN"
                .into(),
        ))
    }
}

/// Which devices may use a command. A locked kiosk reaches only the door's commands (find people, sign
/// in and out, walk-ins, undo, the board and the sprint it shows) and its own screen's (unlocking with
/// the PIN); every other mode is a screen the device opens on, not a lock, and reaches the staff's
/// commands too. Over the venue network (a browser on the Wi-Fi) only the door's are answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Door,
    /// What this device's own screen does to the device, a locked kiosk's included: switching its mode
    /// (leaving the kiosk with the PIN). Never the venue network's: a browser there would switch (or lock,
    /// setting the PIN) the device that serves it.
    Screen,
    Staff,
}

/// What a front end needs before it can show anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Setup {
    /// The sprint's name, or `None` on first start (the screen offers to create one or join a venue).
    pub sprint: Option<String>,
    pub mode: Mode,
    /// The project a table lead's screen is bound to.
    pub lead_project: Option<ProjectId>,
    /// An organizer PIN is set: leaving kiosk mode asks for it.
    pub pin_set: bool,
    /// This device's id on the venue's allow-list.
    pub device: String,
    /// The role the venue paired this device for (`None` before it is in a venue).
    pub role: Option<DeviceRole>,
    /// The one table this device was paired for, as its lead's laptop: it leads no other.
    pub paired_project: Option<ProjectId>,
    /// Seconds this device's board shows each page before turning to the next.
    pub board_page_seconds: u32,
    /// This device was let into a venue but its first sync broke off: it holds part of the venue, and the
    /// first-start screen asks it to join again (with a new code) to fetch the rest.
    pub join_unfinished: bool,
    /// A device of the venue refused this one as revoked, in its words: nothing it writes is taken.
    pub revoked: Option<String>,
    /// This device holds its venue's sprint but is not on the allow-list under its id: it came back under a
    /// new one (its state folder lost, its database moved) and is to be paired again, keeping what it holds.
    /// What it records meanwhile is kept here and reaches the venue once it is paired.
    pub pair_again: bool,
    /// This device's clock is off from every device it synced with lately, in words: what they write is
    /// stamped in its future (or the other way round) and held back until the clocks agree.
    pub clock_apart: Option<String>,
}

/// How long this device's board shows each page.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BoardPace {
    /// Seconds per page, 2 to 120.
    pub page_seconds: u32,
}

/// A request to change this device's screen.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
pub struct ModeChange {
    pub mode: Mode,
    /// Required for [`Mode::TableLead`]: a project id, name or table label.
    #[serde(default)]
    pub project: Option<String>,
    /// The organizer PIN: needed to leave kiosk mode, and to enter it (the first time, it sets the PIN).
    #[serde(default)]
    pub pin: Option<String>,
}

/// Peers heard from this long ago or less say how this device's clock stands.
const CLOCK_PEERS_WITHIN_MS: i64 = 15 * 60_000;

/// How far this device's clock is from those of the devices it synced with lately, in words, when it is off
/// from all of them the same way (from one only, the two are named: either may be wrong). A lead's laptop two
/// hours slow held back every record the venue wrote, its screens showed an empty sprint, and only the
/// organizer's Devices page said why, as the organizer's clock being ahead.
pub(crate) fn clock_apart(
    store: &sprintdesk_store::Store,
    now: sprintdesk_domain::Timestamp,
) -> Result<Option<String>, Error> {
    let recent: Vec<(String, i64)> = store
        .peers()?
        .into_iter()
        // (Seen "in the future": while this device's clock was fast, so its offset then says nothing now.)
        .filter(|p| p.last_seen.is_some_and(|seen| (0..=CLOCK_PEERS_WITHIN_MS).contains(&now.0.saturating_sub(seen.0))))
        .filter_map(|p| Some((p.device.0, p.offset_ms?)))
        .collect();
    let Some(&(_, first)) = recent.first() else { return Ok(None) };
    let apart = |offset: i64| offset.abs() > sprintdesk_domain::SKEW_WARNING_MS && (offset > 0) == (first > 0);
    if !recent.iter().all(|(_, offset)| apart(*offset)) {
        return Ok(None);
    }
    let mut offsets: Vec<i64> = recent.iter().map(|(_, offset)| *offset).collect();
    offsets.sort_unstable();
    let typical = sprintdesk_domain::span_words(offsets[offsets.len() / 2]);
    // Records are held back only past an hour; closer, the times each device records disagree.
    let held_back = offsets.iter().any(|offset| offset.abs() > sprintdesk_store::MAX_AHEAD_MS);
    let name =
        |id: &str| store.get::<sprintdesk_domain::Device>(id).ok().flatten().map_or_else(|| id.to_owned(), |d| d.name);
    Ok(Some(match recent.as_slice() {
        [(only, _)] => format!(
            "this computer's clock and {}'s are {typical} apart: {}. Check the date, time and time zone on both",
            name(only),
            if held_back {
                "what one writes is held back by the other until they agree"
            } else {
                "the times each records disagree by that much"
            }
        ),
        more => format!(
            "this computer's clock is {typical} {} the {} devices it synced with: {}. Check this computer's date, \
             time and time zone",
            if first > 0 { "behind" } else { "ahead of" },
            more.len(),
            if held_back {
                "what they write is held back here, or what this one writes there, until it is put right"
            } else {
                "the times it records are off by that much"
            }
        ),
    }))
}

fn pin_hash(device: &str, pin: &str) -> String {
    let digest = Sha256::digest(format!("sprintdesk kiosk pin\0{device}\0{pin}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `pin` is the PIN whose hash is `stored`: set under this device's id, or under an id this file
/// had before (its state folder lost), so that a locked kiosk back under a new id still opens with it.
fn pin_set_here(stored: Option<&str>, device: &str, earlier: &[String], pin: &str) -> bool {
    let Some(stored) = stored else { return false };
    std::iter::once(device).chain(earlier.iter().map(String::as_str)).any(|id| pin_hash(id, pin) == stored)
}

fn check_pin_shape(pin: &str) -> Result<(), Error> {
    if !(4..=12).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(ValidationError::new("pin", "the organizer PIN is 4 to 12 digits").into());
    }
    Ok(())
}

impl Desk {
    pub fn setup(&mut self) -> Result<Setup, Error> {
        let mode = self.mode()?;
        let store = self.store();
        // This device's entry on the allow-list, read once: its role and the table it was paired for.
        let trust = store.trust()?;
        let own = trust.device(store.device().as_str());
        Ok(Setup {
            sprint: store.sprint()?.map(|s| s.name),
            mode,
            lead_project: store.local_setting(LEAD_PROJECT)?.filter(|_| mode == Mode::TableLead).map(ProjectId),
            pin_set: store.local_setting(PIN_HASH)?.is_some(),
            device: store.device().to_string(),
            role: own.map(|d| d.vouched.role),
            paired_project: own.and_then(|d| d.vouched.project.clone()).map(ProjectId),
            board_page_seconds: store
                .local_setting(BOARD_PACE)?
                .and_then(|s| s.parse().ok())
                .filter(|s| BOARD_PAGE_SECONDS.contains(s))
                .unwrap_or(DEFAULT_BOARD_PAGE_SECONDS),
            join_unfinished: store.join_unfinished()?,
            // Proven by the organizer's own record: nothing is saved here any more.
            revoked: if store.revoked_here(&trust)?.is_some() {
                Some(
                    "an organizer revoked this device: it saves nothing more, and the venue takes nothing from it. \
                     An organizer can pair it again from a new, empty database"
                        .into(),
                )
            } else {
                store.revoked_note()?
            },
            pair_again: store.to_pair_again()?,
            clock_apart: clock_apart(store, self.now())?,
        })
    }

    /// Sets how long this device's board shows each page (a board in a small room, or a soak test, turns
    /// faster than the default).
    pub fn set_board_pace(&mut self, pace: BoardPace) -> Result<Setup, Error> {
        if !BOARD_PAGE_SECONDS.contains(&pace.page_seconds) {
            let (low, high) = (BOARD_PAGE_SECONDS.start(), BOARD_PAGE_SECONDS.end());
            return Err(ValidationError::new(
                "page_seconds",
                format!("a board page shows for {low} to {high} seconds"),
            )
            .into());
        }
        self.store().set_local_setting(BOARD_PACE, &pace.page_seconds.to_string())?;
        self.setup()
    }

    /// This device's mode: one local setting, cheap enough to read before every command. A device the venue
    /// paired as the door's kiosk is a locked kiosk from the moment it joins, whatever the setting says: its
    /// screen and its API answer only the door's commands before anyone has locked it (or after `forgot-pin`),
    /// and so does any device whose join has not brought its own entry yet.
    pub fn mode(&self) -> Result<Mode, Error> {
        let chosen = self.chosen_mode()?;
        if chosen == Mode::Kiosk {
            return Ok(chosen);
        }
        // Mid-join, or a join that broke off, before the venue's word on this device arrived (it comes last):
        // it holds the venue's people, badge codes among them, and may be the kiosk it does not know yet it is.
        let role = self.own_role()?;
        let locked = role == Some(DeviceRole::Kiosk) || (role.is_none() && self.store().join_unfinished()?);
        Ok(if locked { Mode::Kiosk } else { chosen })
    }

    /// The mode this device's screen was set to (and locked in, for a kiosk locked with the PIN): what
    /// limits this computer's own shell, whose owner could edit the file anyway.
    pub fn chosen_mode(&self) -> Result<Mode, Error> {
        Ok(self.store().local_setting(MODE)?.map(|m| Mode::parse(&m)).unwrap_or_default())
    }

    /// Switches this device's screen. Leaving kiosk mode needs the organizer PIN; entering it needs one too
    /// (the first time, the PIN given becomes the organizer PIN of this device).
    pub fn set_mode(&mut self, change: ModeChange) -> Result<Setup, Error> {
        let current = self.setup()?;
        let device = current.device.clone();
        let stored = self.store().local_setting(PIN_HASH)?;
        let pin = change.pin.as_deref().map(str::trim).filter(|p| !p.is_empty());
        let earlier = self.store().earlier_ids()?;
        let pin_matches = |pin: &str| pin_set_here(stored.as_deref(), &device, &earlier, pin);
        if current.role == Some(DeviceRole::Kiosk) && change.mode != Mode::Kiosk {
            // Nothing a PIN could open: the organizer's pages are not on it (no e-mails, no devices).
            return Err(Error::NotAllowed(PAIRED_KIOSK_STAYS.into()));
        }
        if current.mode == Mode::Kiosk && change.mode != Mode::Kiosk {
            match pin {
                Some(pin) => self.check_pin(pin_matches(pin), PinAt::Staff)?,
                None => return Err(Error::NotAllowed("leaving the kiosk needs the organizer PIN".into())),
            }
        }
        let mut new_pin = None;
        // Locking needs the PIN; so does choosing one for a kiosk that has none yet (a paired kiosk is locked
        // before it has a PIN).
        if change.mode == Mode::Kiosk && (current.mode != Mode::Kiosk || stored.is_none()) {
            let Some(pin) = pin else {
                return Err(Error::NotAllowed("set an organizer PIN to lock this device as a kiosk".into()));
            };
            if stored.is_none() {
                check_pin_shape(pin)?;
                new_pin = Some(pin_hash(&device, pin));
            } else {
                self.check_pin(pin_matches(pin), PinAt::Staff)?;
            }
        }
        let project = match change.mode {
            Mode::TableLead => {
                let Some(project) = change.project.as_deref() else {
                    return Err(ValidationError::new("project", "choose the project of this table").into());
                };
                let chosen = self.snapshot()?.find_project(project)?.id.clone();
                // A laptop the venue paired for one table's lead writes only that project's records.
                let trust = self.store().trust()?;
                let granted = trust.device(&device).and_then(|d| d.vouched.project.clone());
                if let Some(granted) = granted.filter(|granted| granted != chosen.as_str()) {
                    let name = self.snapshot()?.projects.get(&ProjectId(granted.clone())).map(|p| p.name.clone());
                    return Err(Error::NotAllowed(format!(
                        "this laptop was paired as the table lead's of {}: it writes only that project's goals, \
                         status and claims",
                        name.unwrap_or(granted)
                    )));
                }
                Some(chosen)
            }
            _ => None,
        };
        let store = self.store();
        if let Some(hash) = new_pin {
            store.set_local_setting(PIN_HASH, &hash)?;
        }
        if let Some(project) = project {
            store.set_local_setting(LEAD_PROJECT, project.as_str())?;
        }
        store.set_local_setting(MODE, change.mode.as_str())?;
        self.setup()
    }

    /// A forgotten PIN, from this computer's own shell (`sprintdesk forgot-pin`; never a command a screen or
    /// the venue network can send): the PIN and its count of wrong tries are forgotten, and a locked kiosk
    /// is unlocked (its next lock sets a new PIN). Whoever has this computer's shell can edit the sprint's file
    /// anyway: this costs the venue nothing, and an organizer's laptop locked for good could no longer pair
    /// or revoke a device. Returns whether there was anything to forget.
    pub fn forget_pin(&mut self) -> Result<bool, Error> {
        let store = self.store();
        let locked = store.local_setting(MODE)?.as_deref() == Some(Mode::Kiosk.as_str());
        let had = locked || store.local_setting(PIN_HASH)?.is_some();
        for key in [PIN_HASH, PIN_FAILURES, PIN_LOCKED_UNTIL, DOOR_PIN_FAILURES, DOOR_PIN_LOCKED_UNTIL] {
            store.clear_local_setting(key)?;
        }
        if locked {
            store.set_local_setting(MODE, Mode::Organizer.as_str())?;
        }
        Ok(had)
    }

    /// Asks for the organizer PIN before something that cannot be undone (`what`, in words), where this
    /// device has one; counts wrong PINs as leaving the kiosk does.
    pub(crate) fn confirm_pin(&mut self, pin: Option<&str>, what: &str) -> Result<(), Error> {
        self.confirm_pin_at(pin, what, PinAt::Staff)
    }

    /// [`Desk::confirm_pin`] where the PIN was typed.
    pub(crate) fn confirm_pin_at(&mut self, pin: Option<&str>, what: &str, at: PinAt) -> Result<(), Error> {
        let store = self.store();
        let Some(stored) = store.local_setting(PIN_HASH)? else { return Ok(()) };
        let device = store.device().to_string();
        let earlier = store.earlier_ids()?;
        match pin.map(str::trim).filter(|p| !p.is_empty()) {
            Some(pin) => self.check_pin(pin_set_here(Some(&stored), &device, &earlier, pin), at),
            None => Err(Error::NotAllowed(format!("{what} needs the organizer PIN"))),
        }
    }

    /// Counts a PIN attempt. While the PIN is locked nothing is checked, not even the right PIN; a wrong PIN
    /// adds to the count (and, past the first few, locks the PIN for longer each time); the right one
    /// clears it. The count is this device's own bookkeeping: the one write a refused use case makes.
    fn check_pin(&mut self, matches: bool, at: PinAt) -> Result<(), Error> {
        let (failures_key, locked_until_key) = at.keys();
        let now = self.now();
        let store = self.store();
        let locked_until = store.local_setting(locked_until_key)?.and_then(|t| t.parse::<i64>().ok());
        if let Some(until) = locked_until.filter(|until| now.0 < *until) {
            let minutes = (until - now.0 + 59_999) / 60_000;
            return Err(Error::TooManyTries(format!(
                "too many wrong PINs: the PIN can be tried again in {minutes} {}",
                if minutes == 1 { "minute" } else { "minutes" }
            )));
        }
        let failures: u32 = store.local_setting(failures_key)?.and_then(|n| n.parse().ok()).unwrap_or(0);
        if matches {
            if failures > 0 {
                store.set_local_setting(failures_key, "0")?;
            }
            return Ok(());
        }
        let failures = failures.saturating_add(1);
        store.set_local_setting(failures_key, &failures.to_string())?;
        let lockout = pin_lockout_minutes(failures);
        if lockout > 0 {
            store.set_local_setting(locked_until_key, &now.plus_minutes(lockout).0.to_string())?;
            store.note_lockout(&Lockout {
                kind: Lockout::PIN.into(),
                source: match at {
                    PinAt::Staff => "this device",
                    PinAt::Door => "this device's badge form at the door",
                }
                .into(),
                failures,
                locked_until: now.plus_minutes(lockout),
                at: now,
            })?;
            tracing::warn!(failures, lockout_minutes = lockout, "wrong organizer PINs in a row: the PIN is locked");
            // Said as what has happened (it read as a warning of what would): the lock has begun.
            return Err(Error::TooManyTries(format!(
                "that is not the organizer PIN: {failures} wrong PINs in a row on this device, so the PIN can be tried again \
                 in {lockout} {}",
                if lockout == 1 { "minute" } else { "minutes" }
            )));
        }
        Err(Error::NotAllowed("that is not the organizer PIN".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::pin_lockout_minutes;

    #[test]
    fn wrong_pins_lock_for_longer_and_longer() {
        let cases = [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (10, 32), (11, 60), (500, 60)];
        for (failures, minutes) in cases {
            assert_eq!(pin_lockout_minutes(failures), minutes, "after {failures} wrong PINs");
        }
        // Guessing all 10,000 four-digit PINs, one at a time as the lockouts allow, takes weeks.
        let minutes: i64 = (1..=10_000).map(pin_lockout_minutes).sum();
        assert!(minutes > 100 * 24 * 60, "{minutes} minutes");
    }
}
