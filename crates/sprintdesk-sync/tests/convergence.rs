//! Property: any number of devices, any operations, any partial, duplicated, reordered delivery, any
//! restarts and clocks set wrong and put right — after the clocks are right and a final full exchange,
//! every device shows the same sprint and no event is lost.

use crate::support::{T0, random_op};
use proptest::prelude::*;
use sprintdesk_domain::{Device, DeviceId, DeviceRole, Timestamp};
use sprintdesk_store::{Change, Op, Store, device_of};
use sprintdesk_sync::plan;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Clone, Debug)]
enum Step {
    Write {
        device: u8,
        kind: u8,
        a: u8,
        b: u8,
        clock: u16,
    },
    /// Plans what `to` lacks from `from` and puts the batches chosen by `mask` on the wire.
    Send {
        from: u8,
        to: u8,
        mask: u8,
    },
    /// Delivers one batch from the wire (any order).
    Deliver {
        pick: u16,
    },
    /// Delivers an already delivered batch again.
    Duplicate {
        pick: u16,
    },
    Restart {
        device: u8,
    },
    /// Sets a device's clock off by one of [`CLOCK_ERRORS`] (or right again).
    Clock {
        device: u8,
        error: u8,
    },
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
/// Right (most often), a little fast, fast enough to be refused, a day fast, and slow.
const CLOCK_ERRORS: [i64; 6] = [0, 0, 30 * MINUTE, 2 * HOUR, 24 * HOUR, -2 * HOUR];
/// Writes happen at `T0` plus up to this much; a device's clock reads the end of it (plus its error).
const WINDOW_MS: i64 = 1_200_000;

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>(), 0..1200u16)
            .prop_map(|(device, kind, a, b, clock)| Step::Write { device, kind, a, b, clock }),
        3 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(from, to, mask)| Step::Send { from, to, mask }),
        3 => any::<u16>().prop_map(|pick| Step::Deliver { pick }),
        1 => any::<u16>().prop_map(|pick| Step::Duplicate { pick }),
        1 => any::<u8>().prop_map(|device| Step::Restart { device }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(device, error)| Step::Clock { device, error }),
    ]
}

struct Venue {
    dir: tempfile::TempDir,
    devices: Vec<Store>,
    /// Batches in flight: (from, to, records).
    wire: Vec<(usize, usize, Vec<Change>)>,
    delivered: Vec<(usize, usize, Vec<Change>)>,
    events: BTreeSet<String>,
    /// How far off each device's clock is.
    clock_errors: Vec<i64>,
}

impl Venue {
    /// `count` devices; with `keyed`, a venue with a key: device 0 made it and granted every device (as
    /// organizers, so that any operation is within role), and each pinned it, so every record applied is
    /// checked against its author's proof.
    fn new(count: usize, keyed: bool) -> Self {
        // tmpfs when there is one: the stores are real files (restarts reopen them) without waiting on disk.
        let shm = PathBuf::from("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
        let mut devices: Vec<Store> = (0..count).map(|i| open(&dir, i)).collect();
        if keyed {
            let venue = devices[0].create_venue().unwrap();
            let grants: Vec<Op> = (0..count)
                .flat_map(|i| {
                    let id = devices[i].device().clone();
                    let key = devices[i].record_key().unwrap();
                    let grant = devices[0].sign_grant(&id, DeviceRole::Organizer, None, "", &key).unwrap();
                    let entry = Device {
                        id,
                        name: format!("Device {i}"),
                        role: DeviceRole::Organizer,
                        fingerprint: String::new(),
                        paired_by: None,
                        paired_at: Some(Timestamp(T0 + i as i64)),
                        revoked: false,
                        grant: Some(grant),
                    };
                    Op::put(&entry, None)
                })
                .collect();
            devices[0].write(Timestamp(T0), grants).unwrap();
            for device in &devices[1..] {
                device.pin_venue(&venue, None).unwrap();
            }
        }
        Self {
            dir,
            devices,
            wire: Vec::new(),
            delivered: Vec::new(),
            events: BTreeSet::new(),
            clock_errors: vec![0; count],
        }
    }

    /// What device `i`'s clock reads when it receives or starts a session.
    fn now(&self, i: usize) -> Timestamp {
        Timestamp(T0 + WINDOW_MS + self.clock_errors[i])
    }

    /// Device `to` receives records from `from`, at its own clock. As in a session: when `to` refuses
    /// records of `from`'s own as stamped in its future and the two clocks agree, `from` issues again what
    /// it stamped over an hour ahead of them.
    fn apply(&mut self, from: usize, to: usize, records: &[Change]) {
        let now = self.now(to);
        let outcome = self.devices[to].apply(records, now).unwrap();
        let sender = self.devices[from].device().clone();
        let own_refused = outcome.refused.iter().any(|r| device_of(r.origin.as_str()) == sender.as_str());
        if own_refused && self.clock_errors[from] == self.clock_errors[to] {
            let now = self.now(from);
            self.devices[from].reissue_future_changes(now).unwrap();
        }
    }

    fn run(&mut self, step: &Step, n: usize) {
        let count = self.devices.len();
        match *step {
            Step::Write { device, kind, a, b, clock } => {
                let i = usize::from(device) % count;
                let at = Timestamp(T0 + i64::from(clock) * 1_000 + self.clock_errors[i]);
                let store = &mut self.devices[i];
                let event = format!("ev-{n}");
                let ops = random_op(kind, a, b, &event, store.device(), at);
                let written = match store.write(at, ops) {
                    Ok(written) => written,
                    // An erased person's personal data is not written again: refused, nothing written.
                    Err(sprintdesk_store::StoreError::NotAllowed(why)) if why.contains("erased") => return,
                    Err(error) => panic!("write: {error}"),
                };
                if written.iter().any(|c| c.entity.is_event()) {
                    self.events.insert(event);
                }
            }
            Step::Send { from, to, mask } => {
                let (from, to) = (usize::from(from) % count, usize::from(to) % count);
                if from == to {
                    return;
                }
                let batches = plan(&self.devices[from].vector().unwrap(), &self.devices[to].vector().unwrap(), 3);
                for (i, batch) in batches.iter().enumerate() {
                    if mask & (1 << (i % 8)) != 0 {
                        let records =
                            self.devices[from].changes_after(&batch.origin, batch.after, batch.len() as usize).unwrap();
                        self.wire.push((from, to, records));
                    }
                }
            }
            Step::Deliver { pick } => {
                if !self.wire.is_empty() {
                    let (from, to, records) = self.wire.remove(usize::from(pick) % self.wire.len());
                    self.apply(from, to, &records);
                    self.delivered.push((from, to, records));
                }
            }
            Step::Duplicate { pick } => {
                if !self.delivered.is_empty() {
                    let (from, to, records) = self.delivered[usize::from(pick) % self.delivered.len()].clone();
                    self.apply(from, to, &records);
                }
            }
            Step::Restart { device } => {
                let i = usize::from(device) % count;
                let reopened = open(&self.dir, i);
                self.devices[i] = reopened;
            }
            Step::Clock { device, error } => {
                let i = usize::from(device) % count;
                self.clock_errors[i] = CLOCK_ERRORS[usize::from(error) % CLOCK_ERRORS.len()];
            }
        }
    }

    /// Every clock is put right, then every pair exchanges everything, in bounded batches, until nothing
    /// is left to send. As in a session, the next batch is planned from what the last one took: a batch
    /// reaches on to its origin's next proof (`Store::changes_after`), so batches planned all at once
    /// leave gaps (a case of 300 records ran out of rounds with its last two never sent).
    fn settle(&mut self) {
        self.clock_errors.fill(0);
        for _round in 0..2 * self.devices.len() + 2 {
            let mut sent = 0;
            for from in 0..self.devices.len() {
                for to in 0..self.devices.len() {
                    if from == to {
                        continue;
                    }
                    // Origins the receiver takes nothing more of this round (refused, or not proven yet).
                    let mut stuck = BTreeSet::new();
                    loop {
                        let (theirs, ours) = (self.devices[to].vector().unwrap(), self.devices[from].vector().unwrap());
                        let Some(batch) = plan(&ours, &theirs, 7).into_iter().find(|b| !stuck.contains(&b.origin))
                        else {
                            break;
                        };
                        let records =
                            self.devices[from].changes_after(&batch.origin, batch.after, batch.len() as usize).unwrap();
                        self.apply(from, to, &records);
                        sent += 1;
                        if self.devices[to].vector().unwrap().get(&batch.origin) == theirs.get(&batch.origin) {
                            stuck.insert(batch.origin);
                        }
                    }
                }
            }
            if sent == 0 {
                return;
            }
        }
    }
}

fn open(dir: &tempfile::TempDir, i: usize) -> Store {
    Store::open(&dir.path().join(format!("device-{i}.db")), DeviceId(format!("device-{i}"))).unwrap()
}

fn check_schedule(count: usize, keyed: bool, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut venue = Venue::new(count, keyed);
    for (n, step) in steps.iter().enumerate() {
        venue.run(step, n);
    }
    venue.settle();
    let first = &venue.devices[0];
    let vector = first.vector().unwrap();
    let digest = first.full_digest().unwrap();
    for store in &venue.devices[1..] {
        prop_assert_eq!(&store.vector().unwrap(), &vector, "vectors equal");
        prop_assert_eq!(&store.full_digest().unwrap(), &digest, "digests equal");
    }
    let total: u64 = vector.iter().map(|(_, seq)| seq).sum();
    for store in &venue.devices {
        prop_assert_eq!(store.change_count().unwrap(), total, "every change record everywhere, none twice");
        // An erased person's personal data is in no device's log, whatever order things arrived in.
        let erased = store.erased().unwrap();
        for change in store.changes().unwrap() {
            if change.is_personal() && erased.contains(&change.entity_id) {
                prop_assert!(change.cleared.is_some() && change.value.is_null(), "kept after erasure: {change:?}");
            }
        }
        let held: BTreeSet<String> = store
            .presence_events()
            .unwrap()
            .into_iter()
            .map(|e| e.id.0)
            .chain(store.claim_events().unwrap().into_iter().map(|e| e.id.0))
            .collect();
        prop_assert_eq!(&held, &venue.events, "no event lost");
    }
    Ok(())
}

fn schedules() -> impl Strategy<Value = (usize, bool, Vec<Step>)> {
    (2..=6usize, any::<bool>(), prop::collection::vec(step(), 1..80))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn devices_converge_whatever_the_delivery((count, keyed, steps) in schedules()) {
        check_schedule(count, keyed, &steps)?;
    }
}

/// Found by the long run: a device put back only to two hours fast (its peer as wrong, and refusing its
/// day-ahead records), then right; what its first retirement kept was still in the future.
#[test]
fn a_clock_put_right_in_two_steps_still_converges() {
    let write = Step::Write { device: 0, kind: 0, a: 0, b: 0, clock: 0 };
    let clock = |device, error| Step::Clock { device, error };
    let steps = [
        write.clone(),
        clock(0, 3),
        write.clone(),
        write.clone(),
        clock(0, 4),
        write,
        clock(0, 3),
        clock(1, 3),
        Step::Send { from: 0, to: 1, mask: 0xff },
        Step::Deliver { pick: 2 },
    ];
    check_schedule(2, false, &steps).unwrap();
    check_schedule(2, true, &steps).unwrap();
}

/// The long run behind the figure in docs/sync.md: `cargo test -p sprintdesk-sync --release -- --ignored`.
#[test]
#[ignore = "10,000 schedules; run by hand, result recorded in docs/sync.md"]
fn devices_converge_over_ten_thousand_schedules() {
    let config = ProptestConfig { cases: 10_000, ..ProptestConfig::default() };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner.run(&schedules(), |(count, keyed, steps)| check_schedule(count, keyed, &steps)).unwrap();
}
