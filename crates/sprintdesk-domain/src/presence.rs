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

/// Computes presence at `now`. `canonical` maps a merged duplicate to the person it was merged into, so a
/// person's sign-ins under two records count once.
///
/// A person is here when their latest event today is a sign-in and the venue has not closed yet: closing
/// time signs everyone out without anybody writing anything.
pub fn presence<'a>(
    sprint: &Sprint,
    events: &'a [PresenceEvent],
    canonical: &dyn Fn(&'a AttendeeId) -> &'a AttendeeId,
    now: Timestamp,
) -> Presence {
    let today = open_today(sprint, now);

    let mut per_day: BTreeMap<NaiveDate, BTreeSet<AttendeeId>> = BTreeMap::new();
    let mut latest_today: HashMap<&AttendeeId, &PresenceEvent> = HashMap::new();
    // Every known event counts, even one stamped a little after `now`: a kiosk whose clock runs fast
    // still signed that person in. (Read for every write on a board: nothing is copied per event.)
    for event in events {
        let person = canonical(&event.attendee);
        if event.kind == PresenceKind::SignIn {
            let people = per_day.entry(event.day).or_default();
            if !people.contains(person) {
                people.insert(person.clone());
            }
        }
        if Some(event.day) == today {
            let slot = latest_today.entry(person).or_insert(event);
            if (event.at, &event.id) > (slot.at, &slot.id) {
                *slot = event;
            }
        }
    }
    let here = latest_today
        .into_iter()
        .filter(|(_, event)| event.kind == PresenceKind::SignIn)
        .map(|(person, event)| (person.clone(), event.project.clone()))
        .collect();
    Presence { today, here, per_day }
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
        for mut case in cases {
            case.events = without_retracted(case.events);
            let presence =
                presence(&sprint(), &case.events, &|id| if id.as_str() == "ana-dup" { &ana } else { id }, at(case.now));
            let here: Vec<(AttendeeId, Option<ProjectId>)> =
                case.here.iter().map(|(who, project)| ((*who).into(), project.map(Into::into))).collect();
            for (who, table) in &here {
                let theirs = case.events.iter().filter(|e| canonical(&e.attendee) == *who);
                assert_eq!(whereabouts(&sprint(), theirs, at(case.now)), Some(table.clone()), "{}", case.name);
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
        let presence = presence(&sprint(), &events, &|id| id, at("15 10:00"));
        let counts: Vec<(String, usize)> =
            presence.per_day.iter().map(|(day, people)| (day.to_string(), people.len())).collect();
        assert_eq!(counts, vec![("2026-07-13".into(), 2), ("2026-07-15".into(), 1)]);
        assert_eq!(presence.today_count(), 1);
    }
}
