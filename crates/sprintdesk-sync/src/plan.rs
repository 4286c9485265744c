//! Deciding what to send: a pure function of what each side holds.

use sprintdesk_domain::DeviceId;
use sprintdesk_store::VersionVector;
use std::collections::BTreeSet;

/// A run of one origin's change records to send: sequence numbers `after + 1 ..= upto`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    pub origin: DeviceId,
    pub after: u64,
    pub upto: u64,
}

impl Batch {
    pub fn len(&self) -> u64 {
        self.upto - self.after
    }

    pub fn is_empty(&self) -> bool {
        self.upto == self.after
    }
}

/// The batches that bring a device holding `remote` up to `local`, in sequence order per origin, none
/// longer than `limit` records. Records of every origin are included, not only `local`'s own: a device
/// relays what it learned from third devices.
pub fn plan(local: &VersionVector, remote: &VersionVector, limit: u64) -> Vec<Batch> {
    let limit = limit.max(1);
    let mut batches = Vec::new();
    for (origin, upto) in local.iter() {
        let mut after = remote.get(origin);
        while after < upto {
            let end = upto.min(after + limit);
            batches.push(Batch { origin: origin.clone(), after, upto: end });
            after = end;
        }
    }
    batches
}

/// Whether a sync between two devices is over: each holds what the other holds, except the records of the
/// origins in `refused` (stamped in one side's future, so held back until that side's clock gets there).
pub fn complete(local: &VersionVector, remote: &VersionVector, refused: &BTreeSet<DeviceId>) -> bool {
    complete_between((local, local), (remote, remote), refused)
}

/// [`complete`] where a side passes on only some of what it holds (a kiosk or a board: its own records).
/// Each side is (what it passes on, what it holds).
pub fn complete_between(
    (we_send, we_hold): (&VersionVector, &VersionVector),
    (they_send, they_hold): (&VersionVector, &VersionVector),
    refused: &BTreeSet<DeviceId>,
) -> bool {
    let remote_has_ours = we_send.iter().all(|(origin, seq)| they_hold.get(origin) >= seq || refused.contains(origin));
    let we_have_theirs = they_send.iter().all(|(origin, seq)| we_hold.get(origin) >= seq || refused.contains(origin));
    remote_has_ours && we_have_theirs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(entries: &[(&str, u64)]) -> VersionVector {
        entries.iter().map(|(origin, seq)| (DeviceId::from(*origin), *seq)).collect()
    }

    fn batch(origin: &str, after: u64, upto: u64) -> Batch {
        Batch { origin: origin.into(), after, upto }
    }

    #[test]
    fn plans_exactly_what_the_other_side_lacks() {
        let cases: Vec<(&str, VersionVector, VersionVector, u64, Vec<Batch>)> = vec![
            ("equal", vector(&[("a", 3)]), vector(&[("a", 3)]), 10, vec![]),
            ("empty remote", vector(&[("a", 3), ("b", 1)]), vector(&[]), 10, vec![batch("a", 0, 3), batch("b", 0, 1)]),
            ("remote ahead sends nothing", vector(&[("a", 2)]), vector(&[("a", 5)]), 10, vec![]),
            ("partial", vector(&[("a", 5), ("b", 2)]), vector(&[("a", 3), ("b", 2)]), 10, vec![batch("a", 3, 5)]),
            ("third-party records relayed", vector(&[("c", 4)]), vector(&[("a", 9)]), 10, vec![batch("c", 0, 4)]),
            ("bounded batches", vector(&[("a", 7)]), vector(&[("a", 1)]), 3, vec![batch("a", 1, 4), batch("a", 4, 7)]),
            ("limit 0 treated as 1", vector(&[("a", 2)]), vector(&[]), 0, vec![batch("a", 0, 1), batch("a", 1, 2)]),
        ];
        for (name, local, remote, limit, expected) in cases {
            assert_eq!(plan(&local, &remote, limit), expected, "{name}");
        }
    }

    #[test]
    fn a_sync_is_complete_when_both_sides_hold_the_same_records() {
        let none = BTreeSet::new();
        let refused_a: BTreeSet<DeviceId> = [DeviceId::from("a")].into();
        let cases = [
            ("equal", vector(&[("a", 3)]), vector(&[("a", 3)]), &none, true),
            ("remote lacks ours", vector(&[("a", 3)]), vector(&[("a", 2)]), &none, false),
            ("we lack theirs", vector(&[("a", 3)]), vector(&[("a", 3), ("b", 1)]), &none, false),
            ("remote refused ours", vector(&[("a", 3)]), vector(&[("a", 2)]), &refused_a, true),
            ("we refused theirs", vector(&[("a", 2)]), vector(&[("a", 3)]), &refused_a, true),
            ("both empty", vector(&[]), vector(&[]), &none, true),
        ];
        for (name, local, remote, refused, expected) in cases {
            assert_eq!(complete(&local, &remote, refused), expected, "{name}");
        }
    }
}
