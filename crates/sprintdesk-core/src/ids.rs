//! Ids for new records, passed in.

use std::sync::atomic::{AtomicU64, Ordering};

/// Makes ids for new records. Ids are short enough to type at a terminal and random enough (50 bits) that
/// devices creating records offline do not collide.
pub trait Ids: Send + Sync + std::fmt::Debug {
    fn make(&self, prefix: &str) -> String;
}

#[derive(Debug, Default)]
pub struct RandomIds;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

impl Ids for RandomIds {
    fn make(&self, prefix: &str) -> String {
        use rand::Rng;
        let mut rng = rand::rng();
        let body: String = (0..10).map(|_| ALPHABET[rng.random_range(0..32)] as char).collect();
        format!("{prefix}-{body}")
    }
}

/// Predictable ids (`a-1`, `a-2`, …) for tests and the demo's reproducible runs.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl Ids for SequentialIds {
    fn make(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.0.fetch_add(1, Ordering::Relaxed) + 1)
    }
}
