//! The venue's devices: the replicated allow-list that decides which machines may sync.

use crate::{DeviceId, ProjectId, Timestamp};
use serde::{Deserialize, Serialize};

/// What a device is used for. The role decides which screens it opens on and, later, which use cases it
/// may run; it grants nothing on the LAN by itself (the allow-list does).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRole {
    #[default]
    Organizer,
    TableLead,
    Kiosk,
    Board,
}

impl DeviceRole {
    pub const ALL: [DeviceRole; 4] =
        [DeviceRole::Organizer, DeviceRole::TableLead, DeviceRole::Kiosk, DeviceRole::Board];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceRole::Organizer => "organizer",
            DeviceRole::TableLead => "table_lead",
            DeviceRole::Kiosk => "kiosk",
            DeviceRole::Board => "board",
        }
    }

    pub fn parse(text: &str) -> Option<DeviceRole> {
        let text = text.trim().to_lowercase().replace(['-', ' '], "_");
        DeviceRole::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// A paired device. `fingerprint` is the SHA-256 of the device's TLS certificate: peers accept a connection
/// only from a certificate whose fingerprint is on the allow-list and not revoked. Revocation is final: once
/// any device has recorded it, no later write can undo it (a revoked machine pairs again as a new device).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: DeviceId,
    pub name: String,
    pub role: DeviceRole,
    pub fingerprint: String,
    pub paired_by: Option<DeviceId>,
    pub paired_at: Option<Timestamp>,
    pub revoked: bool,
    /// The venue's signature on who this device is: without a grant that the venue's key signed, an entry
    /// admits nothing on a venue that has a key (see `sprintdesk_store::trust`).
    #[serde(default)]
    pub grant: Option<Grant>,
}

/// What the venue's key vouches for about one device: its role, its TLS certificate and the key it signs
/// its change records with. `signature` is hex Ed25519 by the venue key over all of these and the device id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub role: DeviceRole,
    /// The project a table lead is scoped to: on the LAN it writes only that project's goals, status and
    /// claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectId>,
    pub fingerprint: String,
    /// The device's Ed25519 public key, hex.
    pub key: String,
    pub signature: String,
}

impl Device {
    /// Whether a peer presenting `fingerprint` is this device and may sync.
    pub fn admits(&self, fingerprint: &str) -> bool {
        !self.revoked && !self.fingerprint.is_empty() && self.fingerprint == fingerprint
    }
}
