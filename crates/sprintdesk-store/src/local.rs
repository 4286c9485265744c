//! This device's own bookkeeping: its TLS identity, the join codes it has shown, and what it knows of its
//! peers. None of it is sprint data: it is never replicated and never in the change log, so it does not
//! go through [`Store::write`].

use crate::{Store, StoreError};
use rusqlite::{OptionalExtension, params};
use sprintdesk_domain::{DeviceId, DeviceRole, ProjectId, Timestamp};

/// A join code this device showed and has not seen used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingCode {
    pub code: String,
    /// The role the organizer chose for the device it pairs (`None`: a code from before codes named one,
    /// for any role but an organizer's).
    pub role: Option<DeviceRole>,
    /// A table lead's project.
    pub project: Option<ProjectId>,
}

/// A device's TLS key pair, DER-encoded.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    pub cert_der: Vec<u8>,
    pub key_der: Vec<u8>,
}

/// The local setting that marks a join let in but not finished (see [`Store::join_unfinished`]).
const JOIN_UNFINISHED: &str = "join_unfinished";
/// The local setting that keeps what the venue said when it refused this device as revoked.
const REVOKED_NOTE: &str = "revoked_by_venue";
const TYPED_ADDRESSES: &str = "typed_addresses";

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("cert_der", &self.cert_der.len()).finish_non_exhaustive()
    }
}

/// Someone locked out for guessing: wrong join codes from an address, or wrong organizer PINs here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lockout {
    /// What was guessed: [`Lockout::JOIN_CODES`] or [`Lockout::PIN`].
    pub kind: String,
    /// Where the guesses came from: an address, or this device.
    pub source: String,
    /// Wrong guesses in a row.
    pub failures: u32,
    pub locked_until: Timestamp,
    /// When it was locked out (last).
    pub at: Timestamp,
}

impl Lockout {
    pub const JOIN_CODES: &str = "join codes";
    pub const PIN: &str = "organizer PIN";
}

/// What this device last learned of another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerRecord {
    pub device: DeviceId,
    /// Where it was last reached (or told to be reached), `host:port`.
    pub address: Option<String>,
    pub last_seen: Option<Timestamp>,
    /// How far its clock is ahead of ours (negative: behind).
    pub offset_ms: Option<i64>,
    /// Change records we hold that it did not, when last seen.
    pub they_lack: u64,
    /// Change records it held that we did not, when last seen.
    pub we_lack: u64,
    /// What went wrong last, in words, if anything.
    pub problem: Option<String>,
}

impl Store {
    /// This device's TLS identity, if it has made one.
    pub fn identity(&self) -> Result<Option<Identity>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT cert, key FROM local_identity WHERE device = ?1", [self.device.as_str()], |row| {
                Ok(Identity { cert_der: row.get(0)?, key_der: row.get(1)? })
            })
            .optional()?)
    }

    pub fn save_identity(&self, identity: &Identity) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO local_identity (device, cert, key) VALUES (?1, ?2, ?3)",
            params![self.device.as_str(), identity.cert_der, identity.key_der],
        )?;
        Ok(())
    }

    /// A remembered local setting (for example the address `serve` listens on).
    pub fn local_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [format!("local:{key}")], |row| row.get(0))
            .optional()?)
    }

    pub fn set_local_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![format!("local:{key}"), value],
        )?;
        Ok(())
    }

    /// Forgets one of this device's own settings (see [`Store::set_local_setting`]).
    pub fn clear_local_setting(&self, key: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM meta WHERE key = ?1", [format!("local:{key}")])?;
        Ok(())
    }

    /// Whether this device was let into a venue and its first sync broke off before it finished: it holds
    /// part of the venue, and may join again (with a new code) to fetch the rest. It is finished once its
    /// own allow-list entry has arrived (the organizer wrote it last, when it let the device in), whether
    /// by joining again or by a later sync with a device it already trusts.
    pub fn join_unfinished(&self) -> Result<bool, StoreError> {
        if !self.join_let_in()? {
            return Ok(false);
        }
        let own = self.get::<sprintdesk_domain::Device>(self.device.as_str())?;
        Ok(own.is_none_or(|entry| entry.grant.is_none()))
    }

    /// Marks a join let in (and not finished) or finished. A join let in anew forgets the grant an earlier
    /// one kept ([`Store::keep_joining_grant`]).
    pub fn set_join_unfinished(&self, unfinished: bool) -> Result<(), StoreError> {
        if unfinished {
            self.clear_local_setting(crate::chain::JOINING_ORGANIZER)?;
        }
        self.set_local_setting(JOIN_UNFINISHED, if unfinished { "1" } else { "0" })
    }

    /// Whether a join was let in on this file and not marked finished (even if this device's own entry has
    /// arrived since: see [`Store::joining_organizer`]).
    pub(crate) fn join_let_in(&self) -> Result<bool, StoreError> {
        Ok(self.local_setting(JOIN_UNFINISHED)?.as_deref() == Some("1"))
    }

    /// What a device of the venue said when it refused this one as revoked, if one did: its screens say so
    /// (a revoked kiosk went on signing people in, none of it taken).
    /// Addresses (`host:port`) this device keeps connecting to besides those it hears of on the network,
    /// as typed on its Devices page: venue Wi-Fi often blocks discovery.
    pub fn typed_addresses(&self) -> Result<Vec<String>, StoreError> {
        let text = self.local_setting(TYPED_ADDRESSES)?.unwrap_or_default();
        Ok(text.lines().filter(|line| !line.is_empty()).map(str::to_owned).collect())
    }

    pub fn set_typed_addresses(&self, addresses: &[String]) -> Result<(), StoreError> {
        if addresses.is_empty() {
            return self.clear_local_setting(TYPED_ADDRESSES);
        }
        self.set_local_setting(TYPED_ADDRESSES, &addresses.join("\n"))
    }

    pub fn revoked_note(&self) -> Result<Option<String>, StoreError> {
        self.local_setting(REVOKED_NOTE)
    }

    pub fn note_revoked(&self, said: &str) -> Result<(), StoreError> {
        self.set_local_setting(REVOKED_NOTE, said)
    }

    pub fn forget_revoked(&self) -> Result<(), StoreError> {
        self.clear_local_setting(REVOKED_NOTE)
    }

    /// Remembers a join code this device showed, valid until `expires_at`, for a kiosk.
    pub fn add_join_code(&self, code: &str, expires_at: Timestamp) -> Result<(), StoreError> {
        self.add_join_code_for(code, expires_at, DeviceRole::Kiosk, None)
    }

    /// Remembers a join code for a device of `role` (a table lead's scoped to `project`). An organizer's
    /// code hands over the venue's key.
    pub fn add_join_code_for(
        &self,
        code: &str,
        expires_at: Timestamp,
        role: DeviceRole,
        project: Option<&ProjectId>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO local_join_codes (code, expires_at, organizer, role, project) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code, expires_at.0, role == DeviceRole::Organizer, role.as_str(), project.map(ProjectId::as_str)],
        )?;
        Ok(())
    }

    /// The join codes still valid at `now`.
    pub fn join_codes(&self, now: Timestamp) -> Result<Vec<PendingCode>, StoreError> {
        self.conn.execute("DELETE FROM local_join_codes WHERE expires_at <= ?1", [now.0])?;
        let mut statement = self
            .conn
            .prepare_cached("SELECT code, organizer, role, project FROM local_join_codes ORDER BY expires_at")?;
        let codes = statement
            .query_map([], |row| {
                let organizer: bool = row.get(1)?;
                let role: Option<String> = row.get(2)?;
                Ok(PendingCode {
                    code: row.get(0)?,
                    role: match role.as_deref().and_then(DeviceRole::parse) {
                        Some(role) => Some(role),
                        None => organizer.then_some(DeviceRole::Organizer),
                    },
                    project: row.get::<_, Option<String>>(3)?.map(ProjectId),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(codes)
    }

    /// Spends a join code: it works once. Returns whether it was still there.
    pub fn spend_join_code(&self, code: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM local_join_codes WHERE code = ?1", [code])? == 1)
    }

    /// Remembers a lockout (the latest per kind and source), for the organizer's Devices page.
    pub fn note_lockout(&self, lockout: &Lockout) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO local_lockouts (kind, source, failures, locked_until, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![lockout.kind, lockout.source, lockout.failures, lockout.locked_until.0, lockout.at.0],
        )?;
        Ok(())
    }

    /// Lockouts since `since`, latest first.
    pub fn lockouts(&self, since: Timestamp) -> Result<Vec<Lockout>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT kind, source, failures, locked_until, at FROM local_lockouts WHERE at >= ?1 ORDER BY at DESC",
        )?;
        let rows = statement.query_map([since.0], |row| {
            Ok(Lockout {
                kind: row.get(0)?,
                source: row.get(1)?,
                failures: row.get(2)?,
                locked_until: Timestamp(row.get(3)?),
                at: Timestamp(row.get(4)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records what was learned of a peer. An unknown address keeps the one remembered.
    pub fn remember_peer(&self, peer: &PeerRecord) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO local_peers (device, address, last_seen, offset_ms, they_lack, we_lack, problem)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (device) DO UPDATE SET
                address = COALESCE(excluded.address, address),
                last_seen = COALESCE(excluded.last_seen, last_seen),
                offset_ms = COALESCE(excluded.offset_ms, offset_ms),
                they_lack = excluded.they_lack,
                we_lack = excluded.we_lack,
                problem = excluded.problem",
            params![
                peer.device.as_str(),
                peer.address,
                peer.last_seen.map(|t| t.0),
                peer.offset_ms,
                peer.they_lack,
                peer.we_lack,
                peer.problem,
            ],
        )?;
        Ok(())
    }

    /// Forgets `address` as where `device` is reached, if it is what this device holds for it: a device
    /// that answered there was another.
    pub fn forget_peer_address(&self, device: &DeviceId, address: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE local_peers SET address = NULL WHERE device = ?1 AND address = ?2",
            params![device.as_str(), address],
        )?;
        Ok(())
    }

    pub fn peers(&self) -> Result<Vec<PeerRecord>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT device, address, last_seen, offset_ms, they_lack, we_lack, problem FROM local_peers ORDER BY device",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(PeerRecord {
                device: DeviceId(row.get(0)?),
                address: row.get(1)?,
                last_seen: row.get::<_, Option<i64>>(2)?.map(Timestamp),
                offset_ms: row.get(3)?,
                they_lack: row.get(4)?,
                we_lack: row.get(5)?,
                problem: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
