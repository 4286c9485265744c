//! Use cases of the sprint itself: create it, read it, change its days, hours, venue and code of conduct;
//! and the one rule of when the venue is open for sign-ins.

use crate::{Desk, Error};
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use sprintdesk_domain::{Sprint, Timestamp, ValidationError};
use sprintdesk_store::Op;

/// A new sprint, as the first-start screen and `sprintdesk init` ask for it.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewSprint {
    pub name: String,
    /// An IANA time zone such as `Europe/Prague`.
    pub time_zone: String,
    pub start: NaiveDate,
    /// How many days, break days included.
    pub days: u32,
    /// Days when the venue is closed.
    #[serde(default)]
    #[ts(as = "Option<Vec<NaiveDate>>", optional)]
    pub break_days: Vec<NaiveDate>,
    /// Opening time every day (default 09:00).
    #[serde(default)]
    #[ts(optional)]
    pub opens: Option<NaiveTime>,
    /// Closing time every day (default 18:00).
    #[serde(default)]
    #[ts(optional)]
    pub closes: Option<NaiveTime>,
}

/// The sprint's settings as saved from Settings: the sprint, and the organizer PIN where this device has
/// one. A period of keeping personal data that has already ended erases everyone's, on every device, for
/// good: it needs the PIN as erasing one person does.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
pub struct SprintSettings {
    #[serde(flatten)]
    pub sprint: Sprint,
    #[serde(default)]
    #[ts(optional)]
    pub pin: Option<String>,
}

impl Desk {
    /// Creates the sprint in an empty database.
    pub fn create_sprint(&mut self, new: NewSprint) -> Result<Sprint, Error> {
        let mut sprint = Sprint::new(&new.name, new.time_zone.trim(), new.start, new.days)?;
        if let Some(stray) = new.break_days.iter().find(|d| sprint.day(**d).is_none()) {
            return Err(
                ValidationError::new("days", format!("the break day {stray} is not one of the sprint's days")).into()
            );
        }
        for day in &mut sprint.days {
            day.is_break = new.break_days.contains(&day.date);
            day.opens = new.opens.unwrap_or(day.opens);
            day.closes = new.closes.unwrap_or(day.closes);
        }
        self.put_new_sprint(sprint)
    }

    /// Puts a whole sprint record in an empty database (the demo builds its own).
    pub(crate) fn put_new_sprint(&mut self, sprint: Sprint) -> Result<Sprint, Error> {
        if let Some(existing) = self.store().sprint()? {
            return Err(Error::SprintExists(existing.name, ""));
        }
        sprint.validate()?;
        self.write(Op::put(&sprint, None))?;
        Ok(sprint)
    }

    pub fn sprint(&mut self) -> Result<Sprint, Error> {
        Ok(self.snapshot()?.sprint.clone())
    }

    /// Changes the sprint's settings (days, hours, venue, code of conduct). A new code-of-conduct text
    /// must come with a higher version, so everyone is asked to accept it again.
    pub fn update_sprint(&mut self, settings: SprintSettings) -> Result<Sprint, Error> {
        let SprintSettings { sprint, pin } = settings;
        let snapshot = self.snapshot()?;
        let old = snapshot.sprint.clone();
        // Until anyone has accepted it (as this device knows), the placeholder is replaced as it is: there is
        // no one to ask again.
        let accepted = snapshot.attendees.values().any(|a| a.coc_version.is_some());
        drop(snapshot);
        sprint.validate()?;
        // Moving the end of the retention period earlier, or saving settings by which it has ended (a
        // time zone moves "today"), erases everyone's personal data sooner or at once: that needs the PIN,
        // as erasing one person does.
        let today = sprint.local_date(self.now());
        let ends = |s: &Sprint| s.retention_ends().unwrap_or(NaiveDate::MAX);
        if (ends(&sprint) < ends(&old) || ends(&sprint) <= today) && !self.retention()?.erased {
            self.confirm_pin(
                pin.as_deref(),
                "ending the retention period sooner, which erases everyone's personal data,",
            )?;
        }
        if accepted
            && sprint.code_of_conduct.text != old.code_of_conduct.text
            && sprint.code_of_conduct.version <= old.code_of_conduct.version
        {
            return Err(ValidationError::new(
                "code_of_conduct",
                "a changed code of conduct needs a new version number, so everyone accepts it again",
            )
            .into());
        }
        self.write(Op::put(&sprint, Some(&old)))?;
        Ok(sprint)
    }
}

impl Desk {
    /// The venue-local day now, if people can sign in ([`open_day`]); refused, it also says when this
    /// computer's clock is off from the devices it synced with: a kiosk 20 minutes fast refused every
    /// sign-in from 17:40 with "the venue closed at 18:00", and nothing said its clock was the cause.
    pub(crate) fn open_day_now(&self, sprint: &Sprint) -> Result<NaiveDate, Error> {
        let now = self.now();
        open_day(sprint, now).map_err(|error| match error {
            Error::VenueClosed(words) => match crate::setup::clock_apart(self.store(), now) {
                Ok(Some(apart)) => Error::VenueClosed(format!("{words} (but {apart})")),
                _ => Error::VenueClosed(words),
            },
            other => other,
        })
    }
}

/// The venue-local day at `now`, if people can sign in then.
pub(crate) fn open_day(sprint: &Sprint, now: Timestamp) -> Result<NaiveDate, Error> {
    let date = sprint.local_date(now);
    let Some(day) = sprint.day(date) else {
        let first = sprint.days.first().map(|d| d.date.to_string()).unwrap_or_default();
        let last = sprint.days.last().map(|d| d.date.to_string()).unwrap_or_default();
        return Err(Error::VenueClosed(format!("the sprint is not on today ({date}); it runs from {first} to {last}")));
    };
    if day.is_break {
        return Err(Error::VenueClosed(format!("today ({date}) is a break day: the venue is closed")));
    }
    if sprint.closes_at(date).is_some_and(|close| now >= close) {
        return Err(Error::VenueClosed(format!("the venue closed at {} today", day.closes.format("%H:%M"))));
    }
    Ok(date)
}
