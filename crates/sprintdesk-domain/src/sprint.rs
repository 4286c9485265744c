use crate::Timestamp;
use crate::attendee::ValidationError;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The sprint this store is about: one store, one sprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Sprint {
    pub name: String,
    /// An IANA time zone name such as `Europe/Prague`; days and opening hours are in this zone.
    pub time_zone: String,
    pub days: Vec<SprintDay>,
    pub venue: Venue,
    pub code_of_conduct: CodeOfConduct,
    /// How many days after the sprint's last day attendees' personal data is kept; then every device
    /// erases it. `None`: [`Sprint::DEFAULT_RETENTION_DAYS`].
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// The retrospective's questions. `None`: [`crate::default_retro_questions`].
    #[serde(default)]
    pub retro_questions: Option<Vec<crate::RetroQuestion>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SprintDay {
    pub date: NaiveDate,
    /// A break day: the venue is closed, nobody signs in.
    #[serde(default)]
    pub is_break: bool,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Venue {
    pub address: String,
    pub wifi: String,
    pub food: String,
    pub house_rules: String,
}

/// The code of conduct attendees accept; a new version asks everyone again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CodeOfConduct {
    pub text: String,
    pub version: u32,
}

impl Sprint {
    /// The longest sprint, break days included. The one rule for every way a sprint is made or changed.
    pub const MAX_DAYS: usize = 31;

    /// The longest sprint name: a few lines at the head of the projector board, the kiosk and a badge.
    pub const NAME_MAX: usize = 120;

    /// Personal data is kept this many days after the last day, unless the organizer says otherwise.
    pub const DEFAULT_RETENTION_DAYS: u32 = 30;

    /// The longest retention an organizer can set (two years).
    pub const MAX_RETENTION_DAYS: u32 = 730;

    /// The first day on which attendees' personal data is no longer kept: the day after the last sprint
    /// day plus the retention period.
    pub fn retention_ends(&self) -> Option<NaiveDate> {
        let last = self.days.last()?.date;
        let days = self.retention_days.unwrap_or(Self::DEFAULT_RETENTION_DAYS);
        last.checked_add_days(chrono::Days::new(u64::from(days) + 1))
    }

    /// A sprint of `days` consecutive days from `start`, open 09:00–18:00.
    pub fn new(name: &str, time_zone: &str, start: NaiveDate, days: u32) -> Result<Self, ValidationError> {
        if days as usize > Self::MAX_DAYS {
            return Err(Self::too_long());
        }
        let sprint = Self {
            name: name.trim().to_owned(),
            time_zone: time_zone.to_owned(),
            days: (0..days)
                .filter_map(|offset| start.checked_add_days(chrono::Days::new(offset.into())))
                .map(|date| SprintDay {
                    date,
                    is_break: false,
                    opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
                    closes: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
                })
                .collect(),
            venue: Venue::default(),
            code_of_conduct: CodeOfConduct {
                text: "Be kind, be welcoming, be patient. Harassment of any kind is not tolerated.".into(),
                version: 1,
            },
            retention_days: None,
            retro_questions: None,
        };
        sprint.validate()?;
        Ok(sprint)
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.name.trim().is_empty() {
            return Err(ValidationError::new("name", "the sprint needs a name"));
        }
        let length = self.name.chars().count();
        if length > Self::NAME_MAX {
            return Err(ValidationError::new(
                "name",
                format!(
                    "the sprint's name is {length} characters long; keep it to {} (it heads the board, the kiosk and \
                     every badge)",
                    Self::NAME_MAX
                ),
            ));
        }
        if self.code_of_conduct.text.trim().is_empty() {
            return Err(ValidationError::new(
                "code_of_conduct",
                "the code of conduct is empty: write the one people accept before they sign in",
            ));
        }
        if self.tz().is_none() {
            return Err(ValidationError::new(
                "time_zone",
                format!("\"{}\" is not a time zone name like Europe/Prague or America/Chicago", self.time_zone),
            ));
        }
        if self.days.is_empty() {
            return Err(ValidationError::new("days", "the sprint needs at least one day"));
        }
        if self.days.len() > Self::MAX_DAYS {
            return Err(Self::too_long());
        }
        for pair in self.days.windows(2) {
            if pair[0].date >= pair[1].date {
                return Err(ValidationError::new("days", "the sprint's days must be in order, each date once"));
            }
        }
        if self.retention_days.is_some_and(|days| days > Self::MAX_RETENTION_DAYS) {
            return Err(ValidationError::new(
                "retention_days",
                format!("personal data is kept at most {} days after the sprint", Self::MAX_RETENTION_DAYS),
            ));
        }
        if let Some(day) = self.days.iter().find(|day| day.opens >= day.closes) {
            return Err(ValidationError::new("days", format!("on {} the venue must open before it closes", day.date)));
        }
        if let Some(questions) = &self.retro_questions {
            crate::retro::validate_questions(questions)?;
        }
        Ok(())
    }

    fn too_long() -> ValidationError {
        ValidationError::new("days", format!("a sprint lasts 1 to {} days", Self::MAX_DAYS))
    }

    /// Whether `name` is an IANA time zone this build knows.
    pub fn is_time_zone(name: &str) -> bool {
        name.parse::<Tz>().is_ok()
    }

    fn tz(&self) -> Option<Tz> {
        self.time_zone.parse().ok()
    }

    /// The venue's local date at `at`.
    pub fn local_date(&self, at: Timestamp) -> NaiveDate {
        let utc = at.to_utc();
        match self.tz() {
            Some(tz) => utc.with_timezone(&tz).date_naive(),
            None => utc.date_naive(),
        }
    }

    /// The venue's local time of day at `at`.
    pub fn local_time(&self, at: Timestamp) -> NaiveTime {
        let utc = at.to_utc();
        match self.tz() {
            Some(tz) => utc.with_timezone(&tz).time(),
            None => utc.time(),
        }
    }

    /// The venue's local date and time at `at`, to the minute, as exports and access requests write it:
    /// `2026-07-13 10:00`.
    pub fn local_minute(&self, at: Timestamp) -> String {
        format!("{} {}", self.local_date(at), self.local_time(at).format("%H:%M"))
    }

    /// The sprint day (break days included) on the venue's local date at `at`.
    pub fn day_at(&self, at: Timestamp) -> Option<&SprintDay> {
        let date = self.local_date(at);
        self.days.iter().find(|day| day.date == date)
    }

    pub fn day(&self, date: NaiveDate) -> Option<&SprintDay> {
        self.days.iter().find(|day| day.date == date)
    }

    /// The instant the venue opens on `date` (local time), if `date` is a sprint day.
    pub fn opens_at(&self, date: NaiveDate) -> Option<Timestamp> {
        self.day(date).map(|day| self.instant(date, day.opens))
    }

    /// Midnight at the start of `date` in the venue's time zone.
    pub fn day_starts_at(&self, date: NaiveDate) -> Timestamp {
        self.instant(date, NaiveTime::MIN)
    }

    /// The instant the venue closes on `date`: everyone is signed out and unfinished claims are released.
    pub fn closes_at(&self, date: NaiveDate) -> Option<Timestamp> {
        self.day(date).map(|day| self.instant(date, day.closes))
    }

    fn instant(&self, date: NaiveDate, time: NaiveTime) -> Timestamp {
        let local = date.and_time(time);
        // In an overlap (clocks put back) the earliest reading; in a gap (clocks put forward: 02:30, or
        // midnight in zones that skip it) the moment the gap ends. It had been read as UTC: a day in
        // Santiago started at 20:00 the evening before, and counted that evening's pull requests.
        let utc = self.tz().and_then(|tz| {
            (0..=24 * 60).find_map(|minutes| {
                let reading = local + chrono::Duration::minutes(minutes);
                tz.from_local_datetime(&reading).earliest().map(|at| at.to_utc())
            })
        });
        Timestamp::from_utc(utc.unwrap_or_else(|| local.and_utc()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Local times the clocks skip or pass twice, each with the instant it is read as.
    #[test]
    fn a_time_the_clocks_skip_is_read_as_the_moment_they_resume() {
        let cases = [
            // (zone, date, local time, instant)
            ("America/Santiago", "2026-09-06", "00:00", "2026-09-06T04:00:00+00:00"), // midnight skipped
            ("America/Santiago", "2026-09-06", "00:30", "2026-09-06T04:00:00+00:00"),
            ("America/Santiago", "2026-09-06", "09:00", "2026-09-06T12:00:00+00:00"),
            ("Europe/Amsterdam", "2026-03-29", "02:30", "2026-03-29T01:00:00+00:00"), // 02:00-03:00 skipped
            ("Europe/Amsterdam", "2026-10-25", "02:30", "2026-10-25T00:30:00+00:00"), // passed twice: the first
            ("America/New_York", "2026-11-01", "09:00", "2026-11-01T14:00:00+00:00"),
            ("Etc/UTC", "2026-03-29", "02:30", "2026-03-29T02:30:00+00:00"),
        ];
        for (zone, day, time, instant) in cases {
            let sprint = Sprint::new("Clocks", zone, date(day), 1).unwrap();
            let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
            let read = sprint.instant(date(day), time).to_utc().to_rfc3339();
            assert_eq!(read, instant, "{zone} {day} {time}");
        }
    }

    #[test]
    fn closing_time_is_read_in_the_venue_time_zone() {
        let sprint = Sprint::new("PyCon US sprints", "America/Chicago", date("2026-05-18"), 4).unwrap();
        let close = sprint.closes_at(date("2026-05-18")).unwrap();
        // 18:00 in Chicago (CDT, UTC-5) is 23:00 UTC.
        assert_eq!(close.to_utc().to_rfc3339(), "2026-05-18T23:00:00+00:00");
        assert_eq!(sprint.local_date(close.plus_minutes(90)), date("2026-05-18"));
        assert_eq!(sprint.local_date(close.plus_minutes(6 * 60)), date("2026-05-19"));
        assert!(sprint.day(date("2026-05-22")).is_none());
    }

    #[test]
    fn invalid_sprints_are_refused_with_the_reason() {
        let cases: &[(&str, &str, u32, &str)] = &[
            ("", "UTC", 3, "needs a name"),
            ("Sprint", "Mars/Olympus", 3, "not a time zone"),
            ("Sprint", "UTC", 0, "at least one day"),
            ("Sprint", "UTC", 32, "1 to 31 days"),
            ("Sprint", "UTC", 4_000_000, "1 to 31 days"),
        ];
        for (name, tz, days, expected) in cases {
            let error = Sprint::new(name, tz, date("2026-01-01"), *days).unwrap_err();
            assert!(error.to_string().contains(expected), "{name}/{tz}/{days}: {error}");
        }
    }

    /// A name of 120 characters is taken and 121 refused (counted in characters); a code of conduct of
    /// nothing but spaces is refused. The walkthrough had saved a 3,000-character name that filled the board.
    #[test]
    fn a_sprints_name_fits_the_board_and_its_code_of_conduct_says_something() {
        let sprint = Sprint::new("S", "UTC", date("2026-01-01"), 2).unwrap();
        let with_name = |n: usize| Sprint { name: "é".repeat(n), ..sprint.clone() };
        let with_coc =
            |text: &str| Sprint { code_of_conduct: CodeOfConduct { text: text.into(), version: 2 }, ..sprint.clone() };
        let cases: [(&str, Sprint, Option<&str>); 5] = [
            ("a name of 120", with_name(120), None),
            ("a name of 121", with_name(121), Some("121 characters long; keep it to 120")),
            ("a name of spaces", Sprint { name: "   ".into(), ..sprint.clone() }, Some("needs a name")),
            ("a code of conduct", with_coc("Be excellent."), None),
            ("an empty code of conduct", with_coc("  \n "), Some("the code of conduct is empty")),
        ];
        for (what, sprint, refused) in cases {
            match (sprint.validate(), refused) {
                (Ok(()), None) => {}
                (Err(error), Some(words)) => assert!(error.to_string().contains(words), "{what}: {error}"),
                (got, _) => panic!("{what}: {got:?}"),
            }
        }
    }
}
