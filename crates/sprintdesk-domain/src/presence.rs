//! Who is present: a pure function of the sign-in events, the sprint's days and hours, and the time.

use crate::{AttendeeId, EventId, PresenceEvent, PresenceKind, ProjectId, Sprint, Timestamp};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Presence computed at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Presence {
    /// The venue-local date, when it is an open sprint day.
    pub today: Option<NaiveDate>,
    /// Who is in the venue now, and at which project's table (if they chose one).
    pub here: BTreeMap<AttendeeId, Option<ProjectId>>,
    /// Distinct people who signed in on each day. A second sign-in on a day is not a second person.
    pub per_day: BTreeMap<NaiveDate, BTreeSet<AttendeeId>>,
}

impl Presence {
    pub fn is_here(&self, attendee: &AttendeeId) -> bool {
        self.here.contains_key(attendee)
    }

    pub fn today_count(&self) -> usize {
        self.today.and_then(|day| self.per_day.get(&day)).map_or(0, BTreeSet::len)
    }
}

/// The events that count: retractions (undo at the kiosk) and the events they take back are dropped, so
/// an undone sign-in is as if it never happened — for who is here, the day's count and claims alike.
pub fn without_retracted(events: Vec<PresenceEvent>) -> Vec<PresenceEvent> {
    let retracted: HashSet<EventId> = events.iter().filter_map(PresenceEvent::retracts).collect();
    if retracted.is_empty() {
        return events;
    }
    events.into_iter().filter(|e| e.kind != PresenceKind::Retract && !retracted.contains(&e.id)).collect()
}

/// Computes presence at `now`. `counted` maps a merged duplicate to the person it was merged into, so a
/// person's sign-ins under two records count once, and an id nobody registered to `None`: a paired device
/// could write sign-ins of made-up people, and they count nowhere.
///
/// A person is here when their latest event today is a sign-in and the venue has not closed yet: closing
/// time signs everyone out without anybody writing anything.
pub fn presence<'a>(
    sprint: &Sprint,
    events: &'a [PresenceEvent],
    counted: &dyn Fn(&'a AttendeeId) -> Option<&'a AttendeeId>,
    now: Timestamp,
) -> Presence {
    let mut tally = PresenceTally::new(open_today(sprint, now));
    tally.add(events, counted);
    tally.presence(events)
}

/// [`presence`] worked out event by event, so that a device that keeps it adds only the events that
/// arrive instead of reading every event of the sprint again: a board asks after every sign-in.
///
/// It holds positions in the events it was given: they must be given again, unchanged, with only new
/// events after them (an event put before others, taken back or made another person's by a merge
/// needs a new tally).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresenceTally {
    today: Option<NaiveDate>,
    per_day: BTreeMap<NaiveDate, BTreeSet<AttendeeId>>,
    /// Each person's latest event today, by its position.
    latest_today: HashMap<AttendeeId, usize>,
    /// How many of the events have been added.
    added: usize,
}

impl PresenceTally {
    /// A tally for the open day `today` ([`open_today`]; none after closing time).
    pub fn new(today: Option<NaiveDate>) -> Self {
        Self { today, ..Self::default() }
    }

    /// The open day this tally is for.
    pub fn today(&self) -> Option<NaiveDate> {
        self.today
    }

    /// How many events it has added: the next call adds from there.
    pub fn added(&self) -> usize {
        self.added
    }

    /// Adds the events after those already added, each for the person `counted` says (see [`presence`]).
    pub fn add<'a>(&mut self, events: &'a [PresenceEvent], counted: &dyn Fn(&'a AttendeeId) -> Option<&'a AttendeeId>) {
        // Every known event counts, even one stamped a little after `now`: a kiosk whose clock runs fast
        // still signed that person in. (Read for every event of a sprint: nothing is copied per event.)
        for (at, event) in events.iter().enumerate().skip(self.added) {
            let Some(person) = counted(&event.attendee) else { continue };
            if event.kind == PresenceKind::SignIn {
                let people = self.per_day.entry(event.day).or_default();
                if !people.contains(person) {
                    people.insert(person.clone());
                }
            }
            if Some(event.day) == self.today {
                match self.latest_today.get_mut(person) {
                    Some(slot) => {
                        let held = &events[*slot];
                        if (event.at, &event.id) > (held.at, &held.id) {
                            *slot = at;
                        }
                    }
                    None => {
                        self.latest_today.insert(person.clone(), at);
                    }
                }
            }
        }
        self.added = self.added.max(events.len());
    }

    /// Presence as the events added so far make it.
    pub fn presence(&self, events: &[PresenceEvent]) -> Presence {
        let here = self
            .latest_today
            .iter()
            .map(|(person, at)| (person, &events[*at]))
            .filter(|(_, event)| event.kind == PresenceKind::SignIn)
            .map(|(person, event)| (person.clone(), event.project.clone()))
            .collect();
        Presence { today: self.today, here, per_day: self.per_day.clone() }
    }
}

/// The venue-local date at `now`, if the venue is open then (a sprint day, not a break, before closing).
pub fn open_today(sprint: &Sprint, now: Timestamp) -> Option<NaiveDate> {
    let date = sprint.local_date(now);
    sprint
        .day(date)
        .filter(|day| !day.is_break)
        .filter(|_| sprint.closes_at(date).is_some_and(|close| now < close))
        .map(|day| day.date)
}

/// Where one person is now: `None` if not here, `Some(table)` if here. `events` are that person's own
/// (merged duplicates included); the same rule as [`presence`], for when only a few people are asked about.
pub fn whereabouts<'a>(
    sprint: &Sprint,
    events: impl IntoIterator<Item = &'a PresenceEvent>,
    now: Timestamp,
) -> Option<Option<ProjectId>> {
    let today = open_today(sprint, now)?;
    let latest =
        events.into_iter().filter(|event| event.day == today).max_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)))?;
    (latest.kind == PresenceKind::SignIn).then(|| latest.project.clone())
}

/// The first time a person signed out after `since`, if they did. `events` are that person's own
/// (merged duplicates included), as for [`whereabouts`].
pub fn signed_out_after<'a>(
    events: impl IntoIterator<Item = &'a PresenceEvent>,
    since: Timestamp,
) -> Option<Timestamp> {
    events
        .into_iter()
        .filter(|event| event.kind == PresenceKind::SignOut && event.at > since)
        .map(|event| event.at)
        .min()
}

/// One person's day at the venue, for the attendance list: when they came, when they left, where they sat
/// and for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayAtVenue {
    /// The day's first sign-in.
    pub came: Timestamp,
    /// When they left for the last time that day: their last sign-out, or the closing time if they were
    /// still in when the venue closed (closing signs everyone out, writing nothing); `None` while they are
    /// still here.
    pub left: Option<Timestamp>,
    /// Every table they sat at, in the order they first sat there.
    pub tables: Vec<ProjectId>,
    /// Time signed in, all stays of the day together, in minutes; `None` when it cannot be told (still in
    /// on a day that is no longer one of the sprint's, so with no closing time).
    pub minutes: Option<i64>,
}

/// [`DayAtVenue`] from one person's events of one day (merged duplicates included, retractions already
/// taken out), at `now`. `None` if they did not sign in that day.
pub fn day_at_venue<'a>(
    sprint: &Sprint,
    day: NaiveDate,
    events: impl IntoIterator<Item = &'a PresenceEvent>,
    now: Timestamp,
) -> Option<DayAtVenue> {
    let mut events: Vec<&PresenceEvent> = events.into_iter().filter(|e| e.day == day).collect();
    events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    let mut came = None;
    let mut left = None;
    let mut since: Option<Timestamp> = None;
    let mut tables: Vec<ProjectId> = Vec::new();
    let mut millis: i64 = 0;
    for event in events {
        match event.kind {
            PresenceKind::SignIn => {
                came.get_or_insert(event.at);
                // A sign-in while in moves them to another table: one stay goes on.
                since.get_or_insert(event.at);
                left = None;
                if let Some(table) = &event.project
                    && !tables.contains(table)
                {
                    tables.push(table.clone());
                }
            }
            PresenceKind::SignOut => {
                if let Some(from) = since.take() {
                    millis = millis.saturating_add(event.at.0.saturating_sub(from.0));
                    left = Some(event.at);
                }
            }
            PresenceKind::Retract => {}
        }
    }
    let mut known = true;
    if let Some(from) = since {
        match sprint.closes_at(day) {
            Some(closes) if closes <= now => {
                millis = millis.saturating_add(closes.0.saturating_sub(from.0).max(0));
                left = Some(closes);
            }
            Some(_) => millis = millis.saturating_add(now.0.saturating_sub(from.0).max(0)), // still here
            // A day taken out of the sprint since: no closing time signed them out.
            None => known = false,
        }
    }
    Some(DayAtVenue { came: came?, left, tables, minutes: known.then_some(millis / 60_000) })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{DeviceId, EventId};

    pub fn sprint() -> Sprint {
        let mut sprint = Sprint::new("Test sprint", "UTC", "2026-07-13".parse().unwrap(), 3).unwrap();
        sprint.days[1].is_break = true;
        sprint
    }

    /// `at("13 10:30")` is 2026-07-13 10:30 UTC.
    pub fn at(text: &str) -> Timestamp {
        let full = format!("2026-07-{text}:00Z").replace(' ', "T");
        Timestamp::from_utc(full.parse().unwrap())
    }

    pub fn event(n: u32, kind: PresenceKind, who: &str, when: &str, project: Option<&str>) -> PresenceEvent {
        let at = at(when);
        PresenceEvent {
            id: EventId(format!("e{n:03}")),
            kind,
            attendee: who.into(),
            day: sprint().local_date(at),
            project: project.map(Into::into),
            device: DeviceId::from("kiosk"),
            at,
        }
    }

    /// The kiosk's undo of event `n`.
    pub fn retract(n: u32, who: &str, when: &str) -> PresenceEvent {
        let target = EventId(format!("e{n:03}"));
        PresenceEvent { id: PresenceEvent::retraction_id(&target), ..event(0, PresenceKind::Retract, who, when, None) }
    }

    pub fn same(id: &AttendeeId) -> AttendeeId {
        id.clone()
    }

    use PresenceKind::{SignIn, SignOut};

    #[test]
    fn who_is_here_cases() {
        struct Case {
            name: &'static str,
            events: Vec<PresenceEvent>,
            now: &'static str,
            here: &'static [(&'static str, Option<&'static str>)],
            today_count: usize,
        }
        let cases = [
            Case { name: "nobody", events: vec![], now: "13 10:00", here: &[], today_count: 0 },
            Case {
                name: "signed in",
                events: vec![event(1, SignIn, "ana", "13 09:10", Some("cpython"))],
                now: "13 10:00",
                here: &[("ana", Some("cpython"))],
                today_count: 1,
            },
            Case {
                name: "signed in then out",
                events: vec![
                    event(1, SignIn, "ana", "13 09:10", Some("cpython")),
                    event(2, SignOut, "ana", "13 12:00", None),
                ],
                now: "13 13:00",
                here: &[],
                today_count: 1,
            },
            Case {
                name: "second sign-in the same day moves tables and is not a second person",
                events: vec![
                    event(1, SignIn, "ana", "13 09:10", Some("cpython")),
                    event(2, SignIn, "ana", "13 11:00", Some("pypy")),
                ],
                now: "13 12:00",
                here: &[("ana", Some("pypy"))],
                today_count: 1,
            },
            Case {
                name: "back after lunch",
                events: vec![
                    event(1, SignIn, "ana", "13 09:10", None),
                    event(2, SignOut, "ana", "13 12:00", None),
                    event(3, SignIn, "ana", "13 13:00", Some("django")),
                ],
                now: "13 14:00",
                here: &[("ana", Some("django"))],
                today_count: 1,
            },
            Case {
                name: "closing time signs everyone out",
                events: vec![event(1, SignIn, "ana", "13 09:10", None)],
                now: "13 18:00",
                here: &[],
                today_count: 0,
            },
            Case {
                name: "yesterday's sign-in does not make you present today",
                events: vec![event(1, SignIn, "ana", "13 09:10", None)],
                now: "15 10:00",
                here: &[],
                today_count: 0,
            },
            Case {
                name: "a sign-in of someone nobody registered counts nowhere",
                events: vec![event(1, SignIn, "ana", "13 09:10", None), event(2, SignIn, "ghost", "13 09:20", None)],
                now: "13 10:00",
                here: &[("ana", None)],
                today_count: 1,
            },
            Case {
                name: "break day: nobody is here",
                events: vec![event(1, SignIn, "ana", "14 09:10", None)],
                now: "14 10:00",
                here: &[],
                today_count: 0,
            },
            Case {
                name: "a sign-in from a device whose clock runs ahead still counts",
                events: vec![event(1, SignIn, "ana", "13 10:02", None)],
                now: "13 10:00",
                here: &[("ana", None)],
                today_count: 1,
            },
            Case {
                name: "a merged duplicate counts as the same person",
                events: vec![
                    event(1, SignIn, "ana", "13 09:00", Some("cpython")),
                    event(2, SignIn, "ana-dup", "13 09:30", Some("pypy")),
                ],
                now: "13 10:00",
                here: &[("ana", Some("pypy"))],
                today_count: 1,
            },
            Case {
                name: "an undone sign-in never happened: not here, not counted",
                events: vec![event(1, SignIn, "ana", "13 09:10", Some("cpython")), retract(1, "ana", "13 09:11")],
                now: "13 10:00",
                here: &[],
                today_count: 0,
            },
            Case {
                name: "undoing a move puts them back at the table they came from",
                events: vec![
                    event(1, SignIn, "ana", "13 09:10", Some("cpython")),
                    event(2, SignIn, "ana", "13 11:00", Some("pypy")),
                    retract(2, "ana", "13 11:00"),
                ],
                now: "13 12:00",
                here: &[("ana", Some("cpython"))],
                today_count: 1,
            },
            Case {
                name: "undoing a sign-out keeps them here",
                events: vec![
                    event(1, SignIn, "ana", "13 09:10", Some("cpython")),
                    event(2, SignOut, "ana", "13 12:00", None),
                    retract(2, "ana", "13 12:00"),
                ],
                now: "13 13:00",
                here: &[("ana", Some("cpython"))],
                today_count: 1,
            },
            Case {
                name: "a retraction that arrives before its event still takes it back",
                events: vec![retract(1, "ana", "13 09:11"), event(1, SignIn, "ana", "13 09:10", None)],
                now: "13 10:00",
                here: &[],
                today_count: 0,
            },
        ];
        let ana = AttendeeId::from("ana");
        let canonical = |id: &AttendeeId| if id.as_str() == "ana-dup" { ana.clone() } else { id.clone() };
        // "ghost" is an id nobody registered (a paired device made it up).
        fn counted<'a>(ana: &'a AttendeeId, id: &'a AttendeeId) -> Option<&'a AttendeeId> {
            match id.as_str() {
                "ana-dup" => Some(ana),
                "ghost" => None,
                _ => Some(id),
            }
        }
        for mut case in cases {
            case.events = without_retracted(case.events);
            let presence = presence(&sprint(), &case.events, &|id| counted(&ana, id), at(case.now));
            let here: Vec<(AttendeeId, Option<ProjectId>)> =
                case.here.iter().map(|(who, project)| ((*who).into(), project.map(Into::into))).collect();
            for (who, table) in &here {
                let theirs = case.events.iter().filter(|e| canonical(&e.attendee) == *who);
                assert_eq!(whereabouts(&sprint(), theirs, at(case.now)), Some(table.clone()), "{}", case.name);
            }
            // Kept as a board keeps it: the events tallied as they arrive, in every split, say the same.
            for split in 0..=case.events.len() {
                let mut tally = PresenceTally::new(open_today(&sprint(), at(case.now)));
                tally.add(&case.events[..split], &|id| counted(&ana, id));
                assert_eq!(tally.added(), split);
                tally.add(&case.events, &|id| counted(&ana, id));
                assert_eq!(tally.presence(&case.events), presence, "{}, tallied after {split}", case.name);
            }
            assert_eq!(presence.here.into_iter().collect::<Vec<_>>(), here, "{}", case.name);
            assert_eq!(
                presence.today.map_or(0, |d| presence.per_day.get(&d).map_or(0, |s| s.len())),
                case.today_count,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn presence_per_day_counts_people_once_per_day() {
        let events = vec![
            event(1, SignIn, "ana", "13 09:00", None),
            event(2, SignIn, "ana", "13 14:00", None),
            event(3, SignIn, "bo", "13 10:00", None),
            event(4, SignIn, "ana", "15 09:00", None),
        ];
        let presence = presence(&sprint(), &events, &Some, at("15 10:00"));
        let counts: Vec<(String, usize)> =
            presence.per_day.iter().map(|(day, people)| (day.to_string(), people.len())).collect();
        assert_eq!(counts, vec![("2026-07-13".into(), 2), ("2026-07-15".into(), 1)]);
        assert_eq!(presence.today_count(), 1);
    }

    #[test]
    fn a_day_at_the_venue_cases() {
        let sprint = sprint();
        let day: NaiveDate = "2026-07-13".parse().unwrap();
        let time = |t: Option<Timestamp>| t.map(|t| sprint.local_time(t).format("%H:%M").to_string());
        // (name, events, now, came, left, tables, minutes)
        #[allow(clippy::type_complexity)]
        let cases: Vec<(&str, Vec<PresenceEvent>, &str, Option<&str>, Option<&str>, &[&str], Option<i64>)> = vec![
            ("no sign-in", vec![], "13 12:00", None, None, &[], None),
            (
                "in and out",
                vec![event(1, SignIn, "ana", "13 09:00", Some("django")), event(2, SignOut, "ana", "13 12:00", None)],
                "13 13:00",
                Some("09:00"),
                Some("12:00"),
                &["django"],
                Some(180),
            ),
            (
                // The walkthrough's case: out at noon, back at another table, in until closing (18:00). The
                // list said "09:00–12:00, Django".
                "back after lunch at another table, in at closing",
                vec![
                    event(1, SignIn, "ana", "13 09:00", Some("django")),
                    event(2, SignOut, "ana", "13 12:00", None),
                    event(3, SignIn, "ana", "13 13:00", Some("pypy")),
                ],
                "14 10:00",
                Some("09:00"),
                Some("18:00"),
                &["django", "pypy"],
                Some(180 + 300),
            ),
            (
                "still here now: not left yet",
                vec![event(1, SignIn, "ana", "13 09:00", Some("django"))],
                "13 11:30",
                Some("09:00"),
                None,
                &["django"],
                Some(150),
            ),
            (
                "moved tables without signing out: one stay",
                vec![
                    event(1, SignIn, "ana", "13 09:00", Some("django")),
                    event(2, SignIn, "ana", "13 10:00", Some("pypy")),
                    event(3, SignOut, "ana", "13 11:00", None),
                ],
                "13 12:00",
                Some("09:00"),
                Some("11:00"),
                &["django", "pypy"],
                Some(120),
            ),
            (
                "a sign-out with no sign-in before it counts nothing",
                vec![event(1, SignOut, "ana", "13 08:00", None), event(2, SignIn, "ana", "13 09:00", Some("django"))],
                "13 19:00",
                Some("09:00"),
                Some("18:00"),
                &["django"],
                Some(540),
            ),
            (
                "events of another day are not this day's",
                vec![event(1, SignIn, "ana", "15 09:00", Some("django"))],
                "15 10:00",
                None,
                None,
                &[],
                Some(0),
            ),
        ];
        for (name, events, now, came, left, tables, minutes) in cases {
            let got = day_at_venue(&sprint, day, &events, at(now));
            assert_eq!(got.as_ref().map(|d| d.came).and_then(|t| time(Some(t))).as_deref(), came, "{name}: came");
            let Some(got) = got else { continue };
            assert_eq!(time(got.left).as_deref(), left, "{name}: left");
            let got_tables: Vec<&str> = got.tables.iter().map(|t| t.as_str()).collect();
            assert_eq!(got_tables, tables, "{name}: tables");
            assert_eq!(got.minutes, minutes, "{name}: minutes");
        }
        // The 16th is no day of the sprint (taken out after people signed in): no closing signed them out,
        // so how long they stayed is not made up (the list gave 170 hours for a morning, a week later).
        let gone: NaiveDate = "2026-07-16".parse().unwrap();
        let stay = day_at_venue(&sprint, gone, &[event(1, SignIn, "ana", "16 09:00", Some("django"))], at("23 10:00"));
        assert_eq!(stay.map(|d| (d.left, d.minutes)), Some((None, None)));
    }
}
