use serde::{Deserialize, Serialize};
use sprintdesk_domain::DeviceId;
use std::collections::BTreeMap;

/// What a device holds of the change log: per origin device, the highest sequence number up to which it
/// holds every record without a gap. Two devices hold the same change records exactly when their vectors
/// are equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionVector(BTreeMap<DeviceId, u64>);

impl VersionVector {
    pub fn get(&self, origin: &DeviceId) -> u64 {
        self.0.get(origin).copied().unwrap_or(0)
    }

    pub fn set(&mut self, origin: DeviceId, seq: u64) {
        if seq == 0 {
            self.0.remove(&origin);
        } else {
            self.0.insert(origin, seq);
        }
    }

    /// Raises every entry to at least `other`'s.
    pub fn raise_to(&mut self, other: &VersionVector) {
        for (origin, &seq) in &other.0 {
            if seq > self.get(origin) {
                self.0.insert(origin.clone(), seq);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&DeviceId, u64)> {
        self.0.iter().map(|(origin, seq)| (origin, *seq))
    }

    /// How many change records `self` holds that `other` does not.
    pub fn ahead_of(&self, other: &VersionVector) -> u64 {
        self.iter().map(|(origin, seq)| seq.saturating_sub(other.get(origin))).sum()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(DeviceId, u64)> for VersionVector {
    fn from_iter<I: IntoIterator<Item = (DeviceId, u64)>>(iter: I) -> Self {
        let mut vector = VersionVector::default();
        for (origin, seq) in iter {
            vector.set(origin, seq);
        }
        vector
    }
}
