//! What a sync session says about itself: how it ended ([`SyncError`]), how the other end was
//! authenticated, whether it stays live, and its [`Report`], with the words durations are said in. Shared
//! by the session, the replica and the peer; it uses none of them.

use crate::message::ProtocolError;
use crate::tls::TlsSetupError;
use sprintdesk_domain::{DeviceId, DeviceRole};
use sprintdesk_store::{Refused, Reissue, StoreError};

pub use sprintdesk_domain::{SKEW_WARNING_MS, span_words as minutes};
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
    #[error("the other device refused: {0}")]
    Denied(String),
    #[error("the other device is not paired with this venue")]
    NotPaired,
    #[error("the other device has been revoked")]
    Revoked,
    #[error("the other device broke the protocol: {0}")]
    Unexpected(String),
    #[error("the other device closed the connection (what arrived is kept: sync again when it is back)")]
    Closed,
    /// Closed before its first message: how a release before 2026-12-05 refuses a device of another protocol
    /// version (since then, it answers with a denial in a frame of its own version first).
    #[error(
        "the other device closed the connection without answering: if the two run different versions of \
         Sprintdesk, update the older one; if not, sync again in a minute"
    )]
    ClosedUnanswered,
    #[error("the other device stopped answering (what arrived is kept: sync again when it is back)")]
    Silent,
    #[error("the device at that address did not prove it showed that join code")]
    Impostor,
    /// The join was accepted, but this device does not hold the venue's entry for the organizer yet, so it
    /// could not sync again.
    #[error("joined, but the venue's allow-list did not arrive: {0}")]
    JoinIncomplete(String),
    /// This device refused a joining device (the error of the side that was asked).
    #[error("{}", .0.reason())]
    JoinRefused(JoinRefusal),
}

/// How the other end was authenticated.
#[derive(Clone, Debug)]
pub enum Authority {
    /// Over TLS: the fingerprint of the certificate it presented, checked against the allow-list.
    Certificate(String),
    /// In-process tests: the other end is taken at its word.
    Trusted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// End once both sides hold the same records.
    OneShot,
    /// Stay connected and push every new change at once.
    Live,
}

/// What a session did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub peer: DeviceId,
    pub sent: u64,
    pub received: u64,
    pub bytes_out: u64,
    pub bytes_in: u64,
    /// The peer's clock minus ours, as seen at the start.
    pub offset_ms: i64,
    /// Origins whose records the peer refused as stamped in its future, with how far ahead.
    pub refused_by_peer: Vec<(DeviceId, i64)>,
    /// Records this device refused from the peer.
    pub refused_here: Vec<Refused>,
    /// What this device issued again, its clock having been put right (the peer's clock agreed).
    pub reissued: Option<Reissue>,
    /// Records from the peer refused by the rules of trust (outside their author's role, or not signed by
    /// it), with why: the first few.
    pub forbidden: Vec<(DeviceId, u64, String)>,
    /// Records from the peer left out for want of their author's proof.
    pub unproven: u64,
    /// Origins whose records the peer would not take, nothing having proved their author, from which record.
    pub untrusted_by_peer: Vec<(DeviceId, u64)>,
    /// Whether both sides held the same records when it ended.
    pub complete: bool,
    /// The other end joined the venue in this session (this device let it in with its code).
    pub joined: bool,
}

/// Why a join was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinRefusal {
    /// The proof matches no unspent join code.
    Code,
    /// A device with that id is on the allow-list already: joining never replaces one.
    IdTaken,
    /// That id was revoked.
    Revoked,
    /// The joining device's id or name is not one Sprintdesk makes.
    BadId,
    /// The organizer made the code for a device of another role than the joining device asked for (the
    /// code's role, then the one asked for): the organizer decides what a device is, not the device.
    WrongRole(DeviceRole, DeviceRole),
    /// Its address sent too many wrong join codes lately: no code is looked at from there for a while.
    LockedOut,
}

/// A role as people name it.
fn role_words(role: DeviceRole) -> &'static str {
    match role {
        DeviceRole::Organizer => "an organizer's device",
        DeviceRole::TableLead => "a table lead's laptop",
        DeviceRole::Kiosk => "a kiosk",
        DeviceRole::Board => "a projector board",
    }
}

impl JoinRefusal {
    /// What the joining device is told.
    pub fn reason(self) -> String {
        let text = match self {
            JoinRefusal::Code => {
                "that join code is wrong, used or expired, or that is not the organizer's computer that showed it; ask \
                 an organizer for a new one and type the address their screen shows with it (if it was just shown \
                 and typed right, another device may have used it first: tell the organizer, whose screen says \
                 which)"
            }
            JoinRefusal::IdTaken => {
                "a device with this device's id is already on the venue's allow-list; join from a new, empty database"
            }
            JoinRefusal::Revoked => "this device was revoked; join again from a new, empty database",
            JoinRefusal::BadId => {
                "that device's id or name is not one a device can have: a name of at most 60 letters, digits, \
                 spaces and punctuation, with nothing that hides or turns text around"
            }
            JoinRefusal::LockedOut => {
                "too many wrong join codes came from this computer's network address lately, so no code is looked \
                 at from there for a while (up to ten minutes); wait, then try again with a code an organizer shows you"
            }
            JoinRefusal::WrongRole(code, asked) => {
                let (code, asked) = (role_words(code), role_words(asked));
                return format!(
                    "that join code is for {code}, not {asked}: join as what the organizer chose, or ask for a \
                     code for {asked}"
                );
            }
        };
        text.to_owned()
    }
}
