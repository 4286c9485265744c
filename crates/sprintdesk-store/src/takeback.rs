//! Taking back a run of this device's own records (an import): what each of its field records replaced,
//! whether it still wins, and what has been written about its records since. The caller decides what to
//! write back (through [`Store::write`], like anything else); nothing here writes.

use crate::schema;
use crate::store::{Store, StoreError, read_changes};
use crate::{Change, Entity};
use rusqlite::params;
use sprintdesk_domain::DeviceId;
use std::collections::{BTreeSet, HashMap, HashSet};

/// One field record of the run, with the field's value before it and since.
#[derive(Clone, Debug, PartialEq)]
pub struct Replaced {
    pub record: Change,
    /// The record's field as its table names it (`None` for one no table of this release has).
    pub field: Option<&'static str>,
    /// The record it replaced: the field's latest record, by `(hlc, origin)`, before it. `None` when the
    /// run made the record (or the field was never written before).
    pub before: Option<Change>,
    /// The field's latest record after it, if any has replaced it since (here, or on a device whose records
    /// arrived).
    pub since: Option<Change>,
}

impl Store {
    /// The field records of `origin` from `first` to `last` of the kinds that can be deleted (people,
    /// projects, goals, statuses, issues), each with what it replaced and what replaced it, the records of
    /// the runs in `gone` (other runs taken back) left out of both, except those about a row in `standing`
    /// (one a taken-back run made and its undo kept). Empty when the store holds none of them.
    pub fn replaced_by(
        &self,
        origin: &DeviceId,
        first: u64,
        last: u64,
        gone: &[(DeviceId, u64, u64)],
        standing: &HashSet<String>,
    ) -> Result<Vec<Replaced>, StoreError> {
        let own: Vec<Change> = read_changes(
            &self.conn,
            "WHERE origin = ?1 AND seq BETWEEN ?2 AND ?3 AND refused = 0 ORDER BY seq",
            params![origin.as_str(), first, last],
        )?
        .into_iter()
        .filter(|change| change.entity.is_deletable())
        .collect();
        let mut ids: HashMap<Entity, HashSet<String>> = HashMap::new();
        for change in &own {
            ids.entry(change.entity).or_default().insert(change.entity_id.clone());
        }
        // Every other record of those rows' fields, by (row, field): one pass over each kind's records.
        let mut others: HashMap<(Entity, String, String), Vec<Change>> = HashMap::new();
        for (entity, ids) in &ids {
            let held = read_changes(&self.conn, "WHERE entity = ?1 AND refused = 0", [entity.as_str()])?;
            for change in held {
                let ours = change.origin == *origin && (first..=last).contains(&change.seq);
                let taken_back = in_runs(gone, &change) && !standing.contains(&change.entity_id);
                if !ours && !taken_back && ids.contains(&change.entity_id) {
                    others
                        .entry((change.entity, change.entity_id.clone(), change.field.clone()))
                        .or_default()
                        .push(change);
                }
            }
        }
        let stamp = |change: &Change| (change.hlc, change.origin.0.clone());
        Ok(own
            .into_iter()
            .map(|record| {
                let same_field = others.get(&(record.entity, record.entity_id.clone(), record.field.clone()));
                let (earlier, later): (Vec<&Change>, Vec<&Change>) =
                    same_field.into_iter().flatten().partition(|other| stamp(other) < stamp(&record));
                let field = schema::table(record.entity)
                    .columns
                    .iter()
                    .map(|(name, _)| *name)
                    .find(|name| *name == record.field);
                Replaced {
                    before: earlier.into_iter().max_by_key(|c| stamp(c)).cloned(),
                    since: later.into_iter().max_by_key(|c| stamp(c)).cloned(),
                    field,
                    record,
                }
            })
            .collect())
    }

    /// Which of `ids` the records stamped after `after` (other than the runs in `skip`, each an origin's
    /// records from a first to a last sequence) name,
    /// each with the kinds of the records that name it: as the record's id, or anywhere in its
    /// value (a sign-in names its person, a merge the survivor, a claim its issue).
    pub fn named_since(
        &self,
        after: crate::Hlc,
        ids: &HashSet<String>,
        skip: &[(DeviceId, u64, u64)],
    ) -> Result<HashMap<String, BTreeSet<Entity>>, StoreError> {
        let mut named: HashMap<String, BTreeSet<Entity>> = HashMap::new();
        let since = read_changes(&self.conn, "WHERE hlc > ?1 AND refused = 0 ORDER BY hlc", [after.0 as i64])?;
        for change in since {
            if skip
                .iter()
                .any(|(origin, first, last)| change.origin == *origin && (*first..=*last).contains(&change.seq))
            {
                continue;
            }
            let mut names = vec![change.entity_id.as_str()];
            strings_in(&change.value, &mut names);
            for name in names {
                if ids.contains(name) {
                    named.entry(name.to_owned()).or_default().insert(change.entity);
                }
            }
        }
        Ok(named)
    }
}

/// Whether `change` is one of the records of `runs` (each an origin's from a first to a last sequence).
fn in_runs(runs: &[(DeviceId, u64, u64)], change: &Change) -> bool {
    runs.iter().any(|(origin, first, last)| change.origin == *origin && (*first..=*last).contains(&change.seq))
}

/// Every string in a JSON value, keys left out.
fn strings_in<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(text) => out.push(text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings_in(item, out)),
        serde_json::Value::Object(map) => map.values().for_each(|item| strings_in(item, out)),
        _ => {}
    }
}
