//! Use cases of the venue's devices: the allow-list as an organizer sees it, and revocation.

use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{Device, DeviceRole, Timestamp, ValidationError};
use sprintdesk_store::{Entity, Op, device_of};

/// A device on the venue's allow-list, as an organizer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DeviceView {
    pub id: String,
    pub name: String,
    pub role: DeviceRole,
    /// The first 16 hex digits of its certificate's SHA-256, to compare by eye.
    pub fingerprint: String,
    /// The name of the device that paired it (its id when that device is not on the list).
    pub paired_by: Option<String>,
    pub paired_at: Option<Timestamp>,
    pub revoked: bool,
    /// Whether this is the device showing the list.
    pub this_device: bool,
    /// Whether the venue's key vouches for this entry (false: it admits nothing and nothing it writes is
    /// taken). Always true on a database from before venues had keys.
    pub vouched: bool,
    /// How many of its records this device refused (outside its role, or not signed by it).
    pub refused: u32,
    /// Why the latest of them was refused.
    pub refusal: Option<String>,
    /// A table lead's laptop: the table (project) it writes for, by name.
    pub table: Option<String>,
    /// When this device last synced with it (during a live session, within the last half minute).
    pub last_seen: Option<Timestamp>,
    /// Records this device held that it did not, when last seen.
    pub they_lack: u32,
    /// What went wrong at the last sync with it, in words.
    pub sync_problem: Option<String>,
}

/// Someone locked out for guessing, as the organizer's Devices page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LockoutView {
    /// What was guessed: "join codes" or "organizer PIN".
    pub what: String,
    /// Where the guesses came from: an address, or "this device".
    pub source: String,
    /// Wrong guesses in a row.
    pub failures: u32,
    pub locked_until: Timestamp,
    /// Whether it is still locked out.
    pub locked_now: bool,
}

/// One device of the allow-list, by id.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DeviceRef {
    pub device: String,
}

/// Why a relay's row is flagged when it passed on records cleared with no erasure held here to explain it.
fn withheld_reason(records: u64) -> String {
    format!(
        "passed on {records} record{} about people with their personal data cleared, without the erasure that \
         clears it: it withheld what they said. Unless it erased everyone on its own clock when the retention \
         period ended, it was tampered with: revoke it",
        if records == 1 { "" } else { "s" }
    )
}

impl Desk {
    pub fn devices(&self) -> Result<Vec<DeviceView>, Error> {
        let this = self.store().device().clone();
        let devices: Vec<Device> = self.store().all()?;
        let trust = self.store().trust()?;
        let refusals = self.store().refusals(10_000)?;
        // A relay that passed on records cleared with no erasure to explain it withheld their content.
        let withheld: std::collections::HashMap<String, u64> =
            self.store().unexplained_clearings()?.into_iter().map(|(relay, n)| (relay.0, n)).collect();
        let names: std::collections::HashMap<String, String> =
            devices.iter().map(|d| (d.id.0.clone(), d.name.clone())).collect();
        let peers: std::collections::HashMap<String, sprintdesk_store::PeerRecord> =
            self.store().peers()?.into_iter().map(|p| (p.device.0.clone(), p)).collect();
        let projects: Vec<sprintdesk_domain::Project> = self.store().all()?;
        let table = |id: &str| {
            let project = trust.device(id)?.vouched.project.clone()?;
            Some(projects.iter().find(|p| p.id.as_str() == project).map_or(project, |p| p.name.clone()))
        };
        Ok(devices
            .into_iter()
            .map(|d| {
                let refused = refusals.iter().filter(|r| device_of(r.origin.as_str()) == d.id.as_str()).count();
                let withheld = withheld.get(d.id.as_str()).copied().unwrap_or(0);
                let refusal = refusals
                    .iter()
                    .find(|r| device_of(r.origin.as_str()) == d.id.as_str())
                    .map(|r| r.reason.clone())
                    .or_else(|| (withheld > 0).then(|| withheld_reason(withheld)));
                (d, u32::try_from(refused as u64 + withheld).unwrap_or(u32::MAX), refusal)
            })
            .map(|(d, refused, refusal)| DeviceView {
                vouched: trust.venue.is_none() || trust.device(d.id.as_str()).is_some(),
                refused,
                refusal,
                table: table(d.id.as_str()),
                last_seen: peers.get(d.id.as_str()).and_then(|p| p.last_seen),
                they_lack: peers.get(d.id.as_str()).map_or(0, |p| u32::try_from(p.they_lack).unwrap_or(u32::MAX)),
                sync_problem: peers.get(d.id.as_str()).and_then(|p| p.problem.clone()),
                this_device: d.id == this,
                id: d.id.0,
                name: d.name,
                role: d.role,
                fingerprint: d.fingerprint.chars().take(16).collect(),
                paired_by: d.paired_by.map(|p| names.get(p.as_str()).cloned().unwrap_or(p.0)),
                paired_at: d.paired_at,
                revoked: d.revoked,
            })
            .collect())
    }

    /// Lockouts of the last day on this device: wrong join codes from an address (when this device's peer
    /// runs), wrong organizer PINs here.
    pub fn lockouts(&self) -> Result<Vec<LockoutView>, Error> {
        let now = self.now();
        let since = Timestamp(now.0.saturating_sub(24 * 60 * 60 * 1000));
        Ok(self
            .store()
            .lockouts(since)?
            .into_iter()
            .map(|l| LockoutView {
                what: l.kind,
                source: l.source,
                failures: l.failures,
                locked_now: l.locked_until.0 > now.0,
                locked_until: l.locked_until,
            })
            .collect())
    }

    /// Takes a device off the allow-list for good: once the revocation reaches a device, it refuses the
    /// revoked one. A revoked machine can only come back by joining again with a new database.
    pub fn revoke_device(&mut self, device: DeviceRef) -> Result<DeviceView, Error> {
        let id = device.device.trim();
        if id == self.store().device().as_str() {
            return Err(Error::Invalid(ValidationError::new(
                "device",
                "this is the device you are using; revoke it from another organizer device",
            )));
        }
        let Some(device) = self.store().get::<Device>(id)? else {
            return Err(Error::NotFound(format!("no paired device has the id {id}; see `sprintdesk devices`")));
        };
        if !device.revoked {
            self.write(vec![Op::Set {
                entity: Entity::Device,
                id: device.id.0.clone(),
                field: "revoked",
                value: serde_json::Value::Bool(true),
            }])?;
        }
        self.devices()?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| Error::NotFound(format!("the device {id} disappeared")))
    }
}

/// Addresses (`host:port`) this device keeps connecting to besides those it finds on the network: where the
/// venue's Wi-Fi blocks discovery, a kiosk knows only the organizer's laptop it joined through, and once that
/// laptop is gone it reaches the spare organizer's only at the address typed here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TypedAddresses {
    pub addresses: Vec<String>,
}

/// The most addresses a device keeps trying by hand.
const MAX_TYPED_ADDRESSES: usize = 32;

/// Whether `address` reads as `host:port`: an IP address and port, or a host name and port.
fn is_address(address: &str) -> bool {
    if let Ok(address) = address.parse::<std::net::SocketAddr>() {
        return address.port() > 0;
    }
    let Some((host, port)) = address.rsplit_once(':') else { return false };
    port.parse::<u16>().is_ok_and(|port| port > 0)
        && !host.is_empty()
        && host.len() <= 253
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

impl Desk {
    pub fn typed_addresses(&mut self) -> Result<TypedAddresses, Error> {
        Ok(TypedAddresses { addresses: self.store().typed_addresses()? })
    }

    /// Sets the addresses this device keeps connecting to (its peer starts on a new one within seconds; one
    /// taken off is no longer tried once the app or `serve` starts again).
    pub fn set_typed_addresses(&mut self, request: TypedAddresses) -> Result<TypedAddresses, Error> {
        let mut addresses: Vec<String> = Vec::new();
        for address in request.addresses.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            if !is_address(address) {
                return Err(ValidationError::new(
                    "addresses",
                    format!(
                        "{address} is not an address: write it as host:port, as the other device shows it beside its \
                         join code (for example 192.168.1.20:7733)"
                    ),
                )
                .into());
            }
            if !addresses.iter().any(|known| known == address) {
                addresses.push(address.to_owned());
            }
        }
        if addresses.len() > MAX_TYPED_ADDRESSES {
            return Err(ValidationError::new(
                "addresses",
                format!("a device keeps at most {MAX_TYPED_ADDRESSES} addresses by hand"),
            )
            .into());
        }
        self.local_store().set_typed_addresses(&addresses)?;
        Ok(TypedAddresses { addresses })
    }
}

#[cfg(test)]
mod tests {
    use super::is_address;

    #[test]
    fn an_address_is_a_host_and_a_port() {
        for (address, ok) in [
            ("192.168.1.20:7733", true),
            ("[fe80::1]:7733", true),
            ("spare-laptop.local:7733", true),
            ("spare:1", true),
            ("192.168.1.20", false),
            ("192.168.1.20:0", false),
            ("192.168.1.20:70000", false),
            (":7733", false),
            ("spare laptop:7733", false),
            ("http://192.168.1.20:7733", false),
            ("192.168.1.20:7733/", false),
        ] {
            assert_eq!(is_address(address), ok, "{address}");
        }
    }
}
