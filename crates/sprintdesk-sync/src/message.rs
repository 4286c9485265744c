//! The wire protocol: length-prefixed frames, each a protocol version byte and one JSON message.
//!
//! A peer reads the length first and refuses a frame over [`MAX_MESSAGE_BYTES`] before allocating for it;
//! a frame with another version, or whose body is not exactly one known message, is refused too. Any
//! refusal ends the connection: nothing of a bad frame reaches the store.

use serde::{Deserialize, Serialize};
use sprintdesk_domain::{DeviceId, DeviceRole, Grant, Timestamp};
use sprintdesk_store::{Change, VersionVector};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// 2: change records may be retirements ([`sprintdesk_store::Entity::Retirement`]), which version 1
/// devices cannot read. 3: records carry their author's proofs, joins exchange keys, and the venue's key
/// vouches for who is in (see [`sprintdesk_store::trust`]). 4: join codes name roles, records name their
/// project and author. 5: a device says in its hello that it passes on only its own records. 6: records may
/// be stand-ups and badge prints, and claim events may keep a claim overnight, which version 5 cannot read.
pub const PROTOCOL_VERSION: u8 = 6;

/// The largest frame a peer accepts. Batches are built well under it.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Message {
    /// The first message of a paired device on a connection: who it is, what it holds, its clock.
    /// `listen` is the port it accepts connections on, if it does, so the other side can call back.
    Hello {
        device: DeviceId,
        vector: VersionVector,
        now: Timestamp,
        #[serde(default)]
        listen: Option<u16>,
        /// The sender passes on only its own records (a kiosk, a board, or a device that erased everyone's
        /// personal data on its own clock): take only those from it, and do not wait for the rest.
        #[serde(default)]
        own_only: bool,
    },
    /// Change records the other side lacks, in sequence order per origin, with the venue's grant for each
    /// of their authors (self-certifying: it checks against the venue's key), so that a receiver can prove
    /// records whose author's grant it has not received yet.
    Changes {
        changes: Vec<Change>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        grants: Vec<(DeviceId, Grant)>,
    },
    /// What the sender now holds, after applying a batch.
    Have { vector: VersionVector },
    /// The sender would not apply `origin`'s records from `seq` on: they are stamped `ahead_ms` in its
    /// future.
    Refused { origin: DeviceId, seq: u64, ahead_ms: i64 },
    /// The sender would not take `origin`'s records from `seq` on: nothing proved that its device wrote
    /// them (see [`sprintdesk_store::trust`]). They are not sent again in this session.
    Untrusted { origin: DeviceId, seq: u64 },
    /// A new device asks to join with a join code; `proof` shows it knows the code (see [`crate::pairing`]).
    /// `key` is the public key it will sign its records with. `role` is what the device's user says it
    /// is, checked against what the organizer chose when making the code (`None`: whatever the code says).
    Join {
        device: DeviceId,
        name: String,
        #[serde(default)]
        role: Option<DeviceRole>,
        key: String,
        proof: String,
    },
    /// The organizer's device accepted a join; `proof` shows it knows the code too, and binds `venue`, the
    /// venue's public key the new device pins. An organizer's device also gets the venue's secret key.
    Welcome { device: DeviceId, venue: String, venue_secret: Option<String>, proof: String },
    /// The connection is refused, in words for a person.
    Denied { reason: String },
    /// A one-shot sync is finished.
    Bye {},
}

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("a message of {size} bytes is over the {MAX_MESSAGE_BYTES}-byte limit")]
    TooLarge { size: usize },
    #[error("the peer speaks protocol version {found}; this device speaks {PROTOCOL_VERSION}: update Sprintdesk")]
    Version { found: u8 },
    #[error("a malformed message: {0}")]
    Malformed(String),
    #[error("the connection failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The body of a frame: the version byte and the JSON message.
pub fn encode(message: &Message) -> Vec<u8> {
    let mut body = Vec::with_capacity(256);
    body.push(PROTOCOL_VERSION);
    serde_json::to_writer(&mut body, message).expect("messages serialize to JSON");
    body
}

/// Reads a frame body back into a message.
pub fn decode(body: &[u8]) -> Result<Message, ProtocolError> {
    if body.len() > MAX_MESSAGE_BYTES {
        return Err(ProtocolError::TooLarge { size: body.len() });
    }
    let (&version, json) = body.split_first().ok_or_else(|| ProtocolError::Malformed("an empty frame".into()))?;
    if version != PROTOCOL_VERSION {
        return Err(ProtocolError::Version { found: version });
    }
    serde_json::from_slice(json).map_err(|e| ProtocolError::Malformed(e.to_string()))
}

/// Writes one message as a frame. Returns the bytes written.
pub async fn write_message<W: AsyncWrite + Unpin>(writer: &mut W, message: &Message) -> Result<usize, ProtocolError> {
    let body = encode(message);
    if body.len() > MAX_MESSAGE_BYTES {
        return Err(ProtocolError::TooLarge { size: body.len() });
    }
    let length = u32::try_from(body.len()).map_err(|_| ProtocolError::TooLarge { size: body.len() })?;
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(&body);
    writer.write_all(&frame).await?;
    writer.flush().await?;
    Ok(frame.len())
}

/// Reads one frame. `Ok(None)` when the peer closed the connection between frames.
pub async fn read_message<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Option<(Message, usize)>, ProtocolError> {
    let mut length = [0u8; 4];
    match reader.read_exact(&mut length).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let size = u32::from_be_bytes(length) as usize;
    if size > MAX_MESSAGE_BYTES {
        return Err(ProtocolError::TooLarge { size });
    }
    let mut body = vec![0u8; size];
    reader.read_exact(&mut body).await?;
    Ok(Some((decode(&body)?, size + 4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versioned(json: &[u8]) -> Vec<u8> {
        [&[PROTOCOL_VERSION][..], json].concat()
    }

    #[test]
    fn bad_frames_are_refused_with_a_reason() {
        let good = encode(&Message::Bye {});
        let mut other_version = good.clone();
        other_version[0] = 9;
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty", vec![], "empty frame"),
            ("other version", other_version, "version 9"),
            ("a version 5 device", [&[5u8][..], &good[1..]].concat(), "version 5; this device speaks 6"),
            ("not json", versioned(b"{nope"), "malformed"),
            ("unknown type", versioned(b"{\"type\":\"format_disk\"}"), "malformed"),
            ("unknown field", versioned(b"{\"type\":\"bye\",\"extra\":1}"), "malformed"),
            ("wrong shape", versioned(b"{\"type\":\"have\",\"vector\":[1,2]}"), "malformed"),
            ("negative seq", versioned(b"{\"type\":\"have\",\"vector\":{\"a\":-1}}"), "malformed"),
        ];
        for (name, body, expected) in cases {
            let error = decode(&body).unwrap_err().to_string();
            assert!(error.contains(expected), "{name}: {error}");
        }
        assert_eq!(decode(&good).unwrap(), Message::Bye {});
    }

    proptest::proptest! {
        /// The fuzz target's property, run on every test run: any bytes decode or fail, never panic.
        #[test]
        fn any_bytes_decode_or_fail_cleanly(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            if let Ok(message) = decode(&body) {
                proptest::prop_assert_eq!(decode(&encode(&message)).unwrap(), message);
            }
            let _ = decode(&versioned(&body));
        }
    }

    #[tokio::test]
    async fn an_oversized_length_is_refused_before_reading_the_body() {
        let mut frame: &[u8] = &[0xff, 0xff, 0xff, 0xff, 1, b'{'];
        let error = read_message(&mut frame).await.unwrap_err();
        assert!(matches!(error, ProtocolError::TooLarge { size } if size == u32::MAX as usize));
    }

    #[tokio::test]
    async fn messages_round_trip_through_frames() {
        let messages = vec![
            Message::Hello {
                device: "a".into(),
                vector: [("a".into(), 3)].into_iter().collect(),
                now: Timestamp(7),
                listen: Some(4),
                own_only: true,
            },
            Message::Have { vector: VersionVector::default() },
            Message::Refused { origin: "b".into(), seq: 4, ahead_ms: 86_400_000 },
            Message::Join {
                device: "k".into(),
                name: "Kiosk 1".into(),
                role: Some(DeviceRole::Kiosk),
                key: "cd".into(),
                proof: "ab".into(),
            },
            Message::Denied { reason: "no".into() },
            Message::Bye {},
        ];
        let mut wire = Vec::new();
        for message in &messages {
            write_message(&mut wire, message).await.unwrap();
        }
        let mut reader: &[u8] = &wire;
        for message in &messages {
            assert_eq!(&read_message(&mut reader).await.unwrap().unwrap().0, message);
        }
        assert!(read_message(&mut reader).await.unwrap().is_none());
    }
}
