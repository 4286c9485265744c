//! The wire protocol: length-prefixed frames, each a protocol version byte, an encoding byte and one
//! message: JSON, compressed with zstd when that is smaller (every batch of change records is).
//!
//! A peer reads the length first and refuses a frame over [`MAX_MESSAGE_BYTES`] before allocating for it,
//! and decompresses into at most that many bytes; a frame with another version, or whose body is not exactly
//! one known message, is refused too. Any refusal ends the connection: nothing of a bad frame reaches the
//! store. With `SPRINTDESK_LOG=sprintdesk_sync::message=trace` every frame sent and read is logged as its JSON.

use serde::{Deserialize, Serialize};
use sprintdesk_domain::{DeviceId, DeviceRole, Grant, Timestamp};
use sprintdesk_store::{Change, RevocationProof, VersionVector};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// 2: change records may be retirements ([`sprintdesk_store::Entity::Retirement`]), which version 1
/// devices cannot read. 3: records carry their author's proofs, joins exchange keys, and the venue's key
/// vouches for who is in (see [`sprintdesk_store::trust`]). 4: join codes name roles, records name their
/// project and author. 5: a device says in its hello that it passes on only its own records. 6: records may
/// be stand-ups and badge prints, and claim events may keep a claim overnight, which version 5 cannot read.
/// 7: frames say how their message is encoded, and batches are compressed. 8: claim events may retract
/// another (a lead's undo), which version 7 cannot read. 9: a pull request's author may arrive cleared (erased
/// with everyone's), which version 8 refuses as malformed, failing every batch that holds one. 10: an
/// erasure may carry the keys of how the person was known (`keys`, cleared with everyone's), which version 9
/// refuses ("an erasure is final"), failing every batch after any erasure. 11: a pull request may be deleted
/// (an import taken back), which version 10 refuses ("pull_request has no field \"deleted\"").
pub const PROTOCOL_VERSION: u8 = 12;

/// The largest frame a peer accepts, and the most a compressed frame may decompress to. Batches are built
/// well under it.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The most JSON values (numbers, strings, keys, arrays, objects) one message may hold. Each is a few
/// dozen bytes once read, so a frame of `[0,0,0,…]` would take sixteen times its size in memory: counted
/// before anything is decoded, and refused over this. An honest batch of [`crate::session::BATCH_RECORDS`]
/// records holds some 30,000.
pub const MAX_MESSAGE_VALUES: usize = 250_000;

/// What a value read costs in memory at most, for weighing a message before it is queued: a
/// `serde_json::Value` or serde's buffered `Content` (32 bytes) and its share of a map's or vector's room.
pub const BYTES_PER_VALUE: usize = 64;

/// How many JSON values `json` holds, at least one per value and never fewer than there are: every `[`,
/// `{`, `,` and `:` outside strings starts one more. Read 64 bytes at a time, each byte's kind found for
/// eight at once in a word: a receiver counts every batch before decoding it (some 150 MB of JSON in a
/// bootstrap of a million records), and byte by byte that was a sixth of its reading task's work.
pub fn count_values(json: &[u8]) -> usize {
    let mut count = 1;
    let mut scan = Scan::default();
    let mut blocks = json.chunks_exact(64);
    for block in &mut blocks {
        let (quotes, backslashes, structural) = kinds(block);
        if backslashes == 0 && !scan.escaped {
            // No escape: the quotes alone say which bytes are in a string (from an opening quote up to
            // the byte before its closing one, as a running exclusive or of the quotes' bits).
            let mut inside = quotes;
            for shift in [1, 2, 4, 8, 16, 32] {
                inside ^= inside << shift;
            }
            if scan.in_string {
                inside = !inside;
            }
            count += (structural & !inside).count_ones() as usize;
            scan.in_string = inside >> 63 == 1;
        } else {
            count += scan.bytes(block);
        }
    }
    count + scan.bytes(blocks.remainder())
}

/// Where a scan of JSON is between two bytes: in a string, and just after a backslash in one.
#[derive(Default)]
struct Scan {
    in_string: bool,
    escaped: bool,
}

impl Scan {
    /// The values that `bytes` start, one byte at a time.
    fn bytes(&mut self, bytes: &[u8]) -> usize {
        let mut count = 0;
        for &byte in bytes {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.in_string = false;
                }
            } else {
                match byte {
                    b'"' => self.in_string = true,
                    b'[' | b'{' | b',' | b':' => count += 1,
                    _ => {}
                }
            }
        }
        count
    }
}

/// Of 64 bytes, which are quotes, which backslashes, and which `[`, `{`, `,` or `:`, a bit each (the
/// first byte's the lowest).
fn kinds(block: &[u8]) -> (u64, u64, u64) {
    let (mut quotes, mut backslashes, mut structural) = (0, 0, 0);
    for (at, eight) in block.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(eight.try_into().expect("blocks are cut in eights"));
        let shift = 8 * at;
        quotes |= bits(equal_bytes(word, b'"')) << shift;
        backslashes |= bits(equal_bytes(word, b'\\')) << shift;
        // `[` and `{` differ only in 0x20.
        let opens = equal_bytes(word | 0x2020_2020_2020_2020, b'{');
        structural |= bits(opens | equal_bytes(word, b',') | equal_bytes(word, b':')) << shift;
    }
    (quotes, backslashes, structural)
}

/// The bytes of `word` equal to `byte`, as the high bit of each (exact: no borrow crosses bytes).
fn equal_bytes(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let differ = word ^ (0x0101_0101_0101_0101 * u64::from(byte));
    !(((differ & LOW_SEVEN) + LOW_SEVEN) | differ) & !LOW_SEVEN
}

/// The high bits of a word's eight bytes gathered into its eight lowest bits, the first byte's lowest.
fn bits(high_bits: u64) -> u64 {
    ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// How a frame's message is encoded, the byte after the version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Encoding {
    Json = 0,
    /// JSON compressed with zstd (one frame, its size in the header).
    ZstdJson = 1,
}

/// A message's JSON shorter than this goes as it is: compressing it would save nothing.
const COMPRESS_FROM: usize = 512;

/// zstd's level for batches: its fastest level already takes the JSON's repetition (a bootstrap of a
/// million records is 10.9 bytes a record at level 1, 11.0 at level 3), and the serving device spends 7%
/// less of its CPU than at 3.
const ZSTD_LEVEL: i32 = 1;

thread_local! {
    /// zstd's state for compressing, made once per thread rather than once per frame (a bootstrap of a
    /// million records sends a thousand frames of a thousand records).
    static COMPRESSOR: std::cell::RefCell<zstd::bulk::Compressor<'static>> = std::cell::RefCell::new(
        zstd::bulk::Compressor::new(ZSTD_LEVEL).expect("zstd takes its own levels"),
    );
    /// zstd's state for decompressing, likewise.
    static DECOMPRESSOR: std::cell::RefCell<zstd::bulk::Decompressor<'static>> = std::cell::RefCell::new(
        zstd::bulk::Decompressor::new().expect("zstd makes a decompressor"),
    );
}

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
        /// The venue's grant for the sender: an organizer's device whose entry has not reached the other side
        /// yet (paired since, or back under a new id after `take-back-venue`) is let in on it, the grant being
        /// checked against the venue's key and the connection's certificate.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grant: Option<Grant>,
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
    /// Where the sender reaches other devices of the venue (`host:port`), so that the devices keep in touch
    /// when the one they all joined through is away: without announcements on the LAN each knew only it.
    Peers { peers: Vec<(DeviceId, String)> },
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
    /// The connection is refused, in words for a person. A device refused as revoked is sent the
    /// organizer's record that revoked it, with what proves it ([`RevocationProof`]): it then stops taking
    /// writes the venue would drop. (A peer's words alone cannot make it stop.)
    Denied {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revocation: Option<Box<RevocationProof>>,
    },
    /// A one-shot sync is finished.
    Bye {},
}

/// What a device says of another that speaks protocol version `found`: which of the two to update.
fn version_words(found: u8) -> String {
    let (which, update) =
        if found < PROTOCOL_VERSION { ("an older", "the other device") } else { ("a newer", "this one") };
    format!(
        "the other device runs {which} Sprintdesk (protocol version {found}; this one speaks {PROTOCOL_VERSION}): \
         update {update}"
    )
}

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("a message of {size} bytes is over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("{}", version_words(*found))]
    Version { found: u8 },
    #[error("a malformed message: {0}")]
    Malformed(String),
    #[error("the connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("a first message of {size} bytes while others that large are being read: try again in a moment")]
    Busy { size: usize },
}

/// The most JSON one batch of records is given (a quarter of [`MAX_MESSAGE_BYTES`]), and the most values
/// (half of [`MAX_MESSAGE_VALUES`]): [`encode_batch`] sends fewer records than a batch was planned with
/// rather than go over them. A batch planned by count alone could be over what any receiver reads once its
/// records were large, which each may be (a lead's retrospective answers, 128 KiB a record): a paired lead
/// whose owner wrote a few hundred of them had stopped every device's sync with the organizer, for good.
pub const BATCH_JSON_BYTES: usize = MAX_MESSAGE_BYTES / 4;
pub const BATCH_VALUES: usize = MAX_MESSAGE_VALUES / 2;

/// [`Message::Changes`] borrowed, serialized exactly as the variant is.
#[derive(Serialize)]
struct ChangesOut<'a, V> {
    #[serde(rename = "type")]
    tag: &'static str,
    changes: &'a [Change<V>],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    grants: &'a [(DeviceId, Grant)],
}

/// The body of a frame of `changes` (and `grants`), and how many of the changes, from the first, it holds:
/// all of them, or as many as keep the batch within [`BATCH_JSON_BYTES`] and [`BATCH_VALUES`] (at least
/// one: a single record is never over them, [`sprintdesk_store::trust::RECORD_MAX_BYTES`]).
/// The records' values are written as they are held: read, or as the JSON text they were stored as.
pub fn encode_batch<V: Serialize>(changes: &[Change<V>], grants: &[(DeviceId, Grant)]) -> (Vec<u8>, usize) {
    let mut kept = changes.len();
    loop {
        let json = serde_json::to_vec(&ChangesOut { tag: "changes", changes: &changes[..kept], grants })
            .expect("messages serialize to JSON");
        // A value takes at least two bytes (`0,`): a batch of fewer bytes than twice the values allowed
        // cannot hold too many, and is not counted.
        let over =
            json.len() > BATCH_JSON_BYTES || (json.len() > 2 * BATCH_VALUES && count_values(&json) > BATCH_VALUES);
        match over.then(|| shorter_on_a_proof(changes, kept)).flatten() {
            Some(upto) => kept = upto,
            None => {
                trace_frame("sent", &json);
                return (body_of(json), kept);
            }
        }
    }
}

/// Where to cut the first `kept` of `changes` shorter, as a receiver takes them (only up to a record that
/// carries its device's proof): after the last proof in their first half, or after the first proof of all
/// when the first half has none (over the budget then, but a device signs after every
/// [`sprintdesk_store::trust::PROOF_BYTES`] of values); `None` when they cannot be cut shorter.
fn shorter_on_a_proof<V>(changes: &[Change<V>], kept: usize) -> Option<usize> {
    let after = |at: usize| at + 1;
    changes[..kept / 2]
        .iter()
        .rposition(|c| c.proof.is_some())
        .or_else(|| changes[..kept].iter().position(|c| c.proof.is_some()))
        .map(after)
        .filter(|&upto| upto < kept)
}

/// The body of a frame: the version byte, the encoding byte and the message.
pub fn encode(message: &Message) -> Vec<u8> {
    let json = serde_json::to_vec(message).expect("messages serialize to JSON");
    trace_frame("sent", &json);
    body_of(json)
}

/// A frame's body around a message's JSON: compressed unless it is short.
fn body_of(json: Vec<u8>) -> Vec<u8> {
    let mut body = Vec::with_capacity(json.len().min(64 * 1024) + 2);
    body.push(PROTOCOL_VERSION);
    if json.len() >= COMPRESS_FROM {
        body.push(Encoding::ZstdJson as u8);
        let compressed = COMPRESSOR.with_borrow_mut(|compressor| compressor.compress(&json));
        body.extend_from_slice(&compressed.expect("compressing into memory cannot fail"));
    } else {
        body.push(Encoding::Json as u8);
        body.extend_from_slice(&json);
    }
    body
}

/// Reads a frame body back into a message.
pub fn decode(body: &[u8]) -> Result<Message, ProtocolError> {
    decode_json(&frame_json(body)?)
}

/// Reads a frame's JSON (see [`frame_json`]) into a message.
fn decode_json(json: &[u8]) -> Result<Message, ProtocolError> {
    trace_frame("read", json);
    // A batch (the sender writes its tag first) is read straight into its fields; anything else, and a
    // batch that does not read so, as the enum, which says what is wrong.
    if json.starts_with(CHANGES_START)
        && let Ok(ChangesMessage { changes, grants, .. }) = serde_json::from_slice(json)
    {
        return Ok(Message::Changes { changes, grants });
    }
    serde_json::from_slice(json).map_err(|e| ProtocolError::Malformed(e.to_string()))
}

/// How a `changes` message's JSON begins.
const CHANGES_START: &[u8] = br#"{"type":"changes","#;

/// [`Message::Changes`] as a struct of its own: serde reads a tagged enum by first copying the whole
/// message into a buffer of its own and then reading that, which was a third of a joining device's work
/// in a bootstrap. The same fields and rules as the variant.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangesMessage {
    #[serde(rename = "type")]
    _type: ChangesTag,
    changes: Vec<Change>,
    #[serde(default)]
    grants: Vec<(DeviceId, Grant)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChangesTag {
    Changes,
}

/// A frame body's message as the JSON it carries, decompressed: for reading a frame while debugging.
pub fn frame_json(body: &[u8]) -> Result<Vec<u8>, ProtocolError> {
    frame_json_within(body, MAX_MESSAGE_BYTES)
}

/// [`frame_json`], refusing a frame over `limit` bytes, on the wire or decompressed, before it is
/// decompressed.
fn frame_json_within(body: &[u8], limit: usize) -> Result<Vec<u8>, ProtocolError> {
    if body.len() > limit {
        return Err(ProtocolError::TooLarge { size: body.len(), limit });
    }
    let (&version, rest) = body.split_first().ok_or_else(|| ProtocolError::Malformed("an empty frame".into()))?;
    if version != PROTOCOL_VERSION {
        return Err(ProtocolError::Version { found: version });
    }
    let (&encoding, payload) =
        rest.split_first().ok_or_else(|| ProtocolError::Malformed("a frame with no message".into()))?;
    match encoding {
        e if e == Encoding::Json as u8 => Ok(payload.to_vec()),
        e if e == Encoding::ZstdJson as u8 => {
            // The frame says what it decompresses to (the encoder always writes it): that much is allocated,
            // and a frame that would go past the limit is refused before anything is.
            let unreadable =
                |why: String| ProtocolError::Malformed(format!("a compressed frame that does not decompress: {why}"));
            let size = match zstd::zstd_safe::get_frame_content_size(payload) {
                Ok(Some(size)) if size <= limit as u64 => size as usize,
                Ok(Some(size)) => return Err(unreadable(format!("it says {size} bytes, over the limit"))),
                Ok(None) | Err(_) => return Err(unreadable("it does not say its size".into())),
            };
            DECOMPRESSOR
                .with_borrow_mut(|decompressor| decompressor.decompress(payload, size))
                .map_err(|e| unreadable(e.to_string()))
        }
        other => Err(ProtocolError::Malformed(format!("a frame in an unknown encoding ({other})"))),
    }
}

fn trace_frame(direction: &str, json: &[u8]) {
    if tracing::enabled!(tracing::Level::TRACE) {
        tracing::trace!(direction, frame = %String::from_utf8_lossy(json), "sync frame");
    }
}

/// Writes one message as a frame. Returns the bytes written.
pub async fn write_message<W: AsyncWrite + Unpin>(writer: &mut W, message: &Message) -> Result<usize, ProtocolError> {
    write_body(writer, encode(message)).await
}

/// Writes a frame of `body` ([`encode`], [`encode_batch`]). Returns the bytes written.
pub async fn write_body<W: AsyncWrite + Unpin>(writer: &mut W, body: Vec<u8>) -> Result<usize, ProtocolError> {
    let too_large = || ProtocolError::TooLarge { size: body.len(), limit: MAX_MESSAGE_BYTES };
    if body.len() > MAX_MESSAGE_BYTES {
        return Err(too_large());
    }
    let length = u32::try_from(body.len()).map_err(|_| too_large())?;
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(&body);
    writer.write_all(&frame).await?;
    writer.flush().await?;
    Ok(frame.len())
}

/// Reads one frame. `Ok(None)` when the peer closed the connection between frames.
pub async fn read_message<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Option<(Message, usize)>, ProtocolError> {
    Ok(read_frame(reader).await?.map(|frame| (frame.message, frame.wire_bytes)))
}

/// A frame read: its message, the bytes it took on the wire, and what it may take in memory (its JSON,
/// decompressed, and [`BYTES_PER_VALUE`] per value it holds).
#[derive(Debug)]
pub struct Frame {
    pub message: Message,
    pub wire_bytes: usize,
    pub weight: usize,
}

/// [`read_message`], saying how large the message's JSON was too.
pub async fn read_frame<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Option<Frame>, ProtocolError> {
    read_frame_within(reader, MAX_MESSAGE_BYTES).await
}

/// [`read_frame`], refusing a frame over `limit` bytes (on the wire or decompressed) before reading or
/// decompressing it.
pub async fn read_frame_within<R: AsyncRead + Unpin>(
    reader: &mut R,
    limit: usize,
) -> Result<Option<Frame>, ProtocolError> {
    read_frame_budgeted(reader, limit, None).await
}

/// A first message up to this size is read from any connection; a larger one only within
/// [`FIRST_MESSAGE_BUDGET`]. A `hello` of a venue of thirty devices is a few kilobytes.
pub const SMALL_FIRST_MESSAGE: usize = 64 * 1024;

/// The bytes of first messages over [`SMALL_FIRST_MESSAGE`] being read at once, from every peer not yet
/// admitted, together. A stranger holding hundreds of connections, each sending all but the last byte of a
/// megabyte `hello`, had the device hold a megabyte for each (a gigabyte from some seventy addresses).
pub const FIRST_MESSAGE_BUDGET: usize = 32 * 1024 * 1024;

static FIRST_MESSAGES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(FIRST_MESSAGE_BUDGET);

/// [`read_frame_within`] for a peer not yet admitted: a frame over [`SMALL_FIRST_MESSAGE`] is read only while
/// the process's [`FIRST_MESSAGE_BUDGET`] has room for it, and refused at once ([`ProtocolError::Busy`])
/// otherwise, so that what strangers make a device hold is bounded however many connections they open.
pub async fn read_first_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    limit: usize,
) -> Result<Option<Frame>, ProtocolError> {
    read_frame_budgeted(reader, limit, Some(&FIRST_MESSAGES)).await
}

async fn read_frame_budgeted<R: AsyncRead + Unpin>(
    reader: &mut R,
    limit: usize,
    budget: Option<&'static tokio::sync::Semaphore>,
) -> Result<Option<Frame>, ProtocolError> {
    let mut length = [0u8; 4];
    match reader.read_exact(&mut length).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let size = u32::from_be_bytes(length) as usize;
    if size > limit {
        return Err(ProtocolError::TooLarge { size, limit });
    }
    // Held while the body arrives and is read (`size` fits in a u32: it came as one).
    let _held = match budget {
        Some(budget) if size > SMALL_FIRST_MESSAGE => {
            Some(budget.try_acquire_many(size as u32).map_err(|_| ProtocolError::Busy { size })?)
        }
        _ => None,
    };
    let mut body = vec![0u8; size];
    reader.read_exact(&mut body).await?;
    let json = frame_json_within(&body, limit)?;
    drop(body);
    let values = count_values(&json);
    if values > MAX_MESSAGE_VALUES {
        return Err(ProtocolError::Malformed(format!(
            "a message of {values} values, over the limit of {MAX_MESSAGE_VALUES}"
        )));
    }
    let weight = json.len() + values * BYTES_PER_VALUE;
    Ok(Some(Frame { message: decode_json(&json)?, wire_bytes: size + 4, weight }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versioned(json: &[u8]) -> Vec<u8> {
        [&[PROTOCOL_VERSION, Encoding::Json as u8][..], json].concat()
    }

    fn compressed(json: &[u8]) -> Vec<u8> {
        [&[PROTOCOL_VERSION, Encoding::ZstdJson as u8][..], &zstd::bulk::compress(json, 3).unwrap()].concat()
    }

    /// Every value a `serde_json::Value` holds, keys included.
    fn values_in(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Array(items) => 1 + items.iter().map(values_in).sum::<usize>(),
            serde_json::Value::Object(map) => 1 + map.values().map(|v| 1 + values_in(v)).sum::<usize>(),
            _ => 1,
        }
    }

    #[test]
    fn values_are_counted_never_fewer_than_there_are_and_not_in_strings() {
        for (json, exactly) in [
            ("0", Some(1)),
            ("[]", Some(2)), // At most one more than there are: an empty array or object.
            ("[0,0,0]", Some(3 + 1)),
            (r#"{"a":1,"b":[true,null]}"#, Some(1 + 2 + 2 + 2)),
            (r#"["a,b:c[d{e", "\\", "x\"[,"]"#, Some(3 + 1)),
            (r#"{"type":"changes","changes":[{"origin":"d","seq":1,"value":{"device":"d","at":3}}]}"#, None),
        ] {
            let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
            let counted = count_values(json.as_bytes());
            assert!(counted >= values_in(&parsed), "{json}: {counted} < {}", values_in(&parsed));
            if let Some(exactly) = exactly {
                assert_eq!(counted, exactly, "{json}");
            }
        }
    }

    #[test]
    fn a_frame_of_more_values_than_a_message_may_hold_is_refused_before_it_is_decoded() {
        let mut json = br#"{"type":"have","vector":{},"value":["#.to_vec();
        for _ in 0..MAX_MESSAGE_VALUES {
            json.extend_from_slice(b"0,");
        }
        json.extend_from_slice(b"0]}");
        let mut body = vec![PROTOCOL_VERSION, Encoding::ZstdJson as u8];
        body.extend(zstd::bulk::compress(&json, 3).unwrap());
        let mut frame = (body.len() as u32).to_be_bytes().to_vec();
        frame.extend(body);
        let error = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(read_frame(&mut frame.as_slice()))
            .unwrap_err();
        assert!(error.to_string().contains("over the limit of 250000"), "{error}");
    }

    #[test]
    fn bad_frames_are_refused_with_a_reason() {
        let good = encode(&Message::Bye {});
        let mut other_version = good.clone();
        other_version[0] = PROTOCOL_VERSION + 1;
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty", vec![], "empty frame"),
            ("other version", other_version, "version 13"),
            (
                "a version 11 device",
                [&[11u8][..], &good[2..]].concat(),
                "runs an older Sprintdesk (protocol version 11; this one speaks 12): update the other device",
            ),
            ("no message", vec![PROTOCOL_VERSION], "no message"),
            ("unknown encoding", [&[PROTOCOL_VERSION, 9][..], b"{}"].concat(), "unknown encoding (9)"),
            ("not zstd", [&[PROTOCOL_VERSION, 1][..], b"{\"type\":\"bye\"}"].concat(), "does not decompress"),
            ("compressed garbage", compressed(b"{nope"), "malformed"),
            ("a bomb", compressed(&vec![b' '; MAX_MESSAGE_BYTES + 1]), "does not decompress"),
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
        assert_eq!(decode(&compressed(b"{\"type\":\"bye\"}")).unwrap(), Message::Bye {});
    }

    /// A batch of large records is cut to what a receiver reads, by bytes and by values, and the part
    /// sent reads back as the same records; a batch of ordinary records goes whole, byte for byte as
    /// `encode` writes it.
    #[test]
    fn a_batch_of_large_records_is_cut_to_what_a_receiver_reads() {
        // Each record proven, as a device signs after every `PROOF_BYTES` of values.
        let record = |seq: u64, value: serde_json::Value| Change {
            origin: "lead".into(),
            seq,
            hlc: sprintdesk_store::Hlc::from_parts(1_784_000_000_000, seq as u16),
            entity: sprintdesk_store::Entity::RetroAnswer,
            entity_id: format!("r-{seq}@lead"),
            field: "replies".into(),
            value,
            proof: Some(format!("proof-{seq}")),
            cleared: None,
            salt: None,
        };
        let texts = serde_json::json!(vec![serde_json::json!({"question": "q", "text": "x".repeat(1990)}); 60]);
        let zeros = serde_json::json!(vec![0; 60_000]);
        let small = serde_json::json!("Attendee Number 42");
        // (what, the records' value, how many, all of them fit)
        let cases = [("texts", &texts, 100, false), ("zeros", &zeros, 10, false), ("small", &small, 1000, true)];
        for (what, value, count, whole) in cases {
            let changes: Vec<Change> = (1..=count).map(|seq| record(seq, value.clone())).collect();
            let (body, kept) = encode_batch(&changes, &[]);
            assert!(kept >= 1 && (kept == changes.len()) == whole, "{what}: {kept} kept");
            let json = frame_json(&body).unwrap();
            assert!(json.len() <= BATCH_JSON_BYTES, "{what}: {} bytes", json.len());
            assert!(count_values(&json) <= BATCH_VALUES, "{what}: {} values", count_values(&json));
            let sent = Message::Changes { changes: changes[..kept].to_vec(), grants: vec![] };
            assert_eq!(decode(&body).unwrap(), sent, "{what}");
            if whole {
                assert_eq!(frame_json(&encode(&sent)).unwrap(), json, "{what}");
            }
        }
        // One record is sent alone, whatever its size.
        let huge = vec![record(1, serde_json::json!("y".repeat(BATCH_JSON_BYTES)))];
        assert_eq!(encode_batch(&huge, &[]).1, 1);
        // A batch cut short ends on a proof, as a receiver takes records only up to one: with a proof every
        // tenth record, on the last one that fits; with none in the first half, on the first of all.
        let every_tenth: Vec<Change> = (1..=100)
            .map(|seq| Change { proof: (seq % 10 == 0).then(|| format!("proof-{seq}")), ..record(seq, texts.clone()) })
            .collect();
        let (_, kept) = encode_batch(&every_tenth, &[]);
        assert!(kept < 100 && every_tenth[kept - 1].proof.is_some(), "{kept} kept");
        let late_proof: Vec<Change> = (1..=60)
            .map(|seq| Change { proof: (seq == 40).then(|| "proof".to_owned()), ..record(seq, texts.clone()) })
            .collect();
        assert_eq!(encode_batch(&late_proof, &[]).1, 40);
        let unproven: Vec<Change> = (1..=60).map(|seq| Change { proof: None, ..record(seq, texts.clone()) }).collect();
        assert_eq!(encode_batch(&unproven, &[]).1, 60, "nothing a receiver would take is cut");
    }

    #[test]
    fn batches_are_compressed_and_read_back_as_json() {
        let changes: Vec<Change> = (1..=1000)
            .map(|seq| Change {
                origin: "organizer".into(),
                seq,
                hlc: sprintdesk_store::Hlc::from_parts(1_784_000_000_000, seq as u16),
                entity: sprintdesk_store::Entity::Attendee,
                entity_id: format!("att-{}", seq / 10),
                field: "name".into(),
                value: serde_json::json!(format!("Attendee Number {seq}")),
                proof: None,
                cleared: None,
                salt: None,
            })
            .collect();
        let message = Message::Changes { changes, grants: vec![] };
        let body = encode(&message);
        assert_eq!(body[1], Encoding::ZstdJson as u8);
        let json = frame_json(&body).unwrap();
        assert!(body.len() * 5 < json.len(), "{} bytes for {} bytes of JSON", body.len(), json.len());
        assert_eq!(serde_json::from_slice::<Message>(&json).unwrap(), message, "the frame dumps as its JSON");
        assert!(json.starts_with(CHANGES_START), "a batch is read by the short way");
        assert_eq!(decode(&body).unwrap(), message);
        // What the enum refuses, the short way refuses too.
        for bad in [
            &br#"{"type":"changes","changes":[],"extra":1}"#[..],
            br#"{"type":"changes","changes":[{"origin":"a"}]}"#,
            br#"{"type":"changes","type":"changes","changes":[]}"#,
            br#"{"type":"changes","grants":[]}"#,
        ] {
            assert!(serde_json::from_slice::<Message>(bad).is_err());
            assert!(decode(&versioned(bad)).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(encode(&Message::Bye {})[1], Encoding::Json as u8, "a short message goes as it is");
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

        /// Counting 64 bytes at a time counts what a byte-by-byte scan does, on any bytes: mostly JSON's own
        /// (quotes, backslashes, brackets, separators) so strings and escapes start and end anywhere in a
        /// block, and across blocks.
        #[test]
        fn values_are_counted_in_blocks_as_byte_by_byte(
            json in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::sample::select(b"\"\\[{,:]} a0".to_vec()),
                    1 => proptest::prelude::any::<u8>(),
                ],
                0..400,
            )
        ) {
            proptest::prop_assert_eq!(count_values(&json), 1 + Scan::default().bytes(&json));
        }
    }

    #[test]
    fn a_batch_sent_as_stored_is_the_batch_sent_as_read() {
        let values = [
            serde_json::json!({ "id": "e1", "kind": "sign_in", "at": 1_752_390_000_000_i64, "by": null }),
            serde_json::json!("Zoë \"Z\" O'Brien\n\u{1F600}"),
            serde_json::json!(-12.5),
            serde_json::json!(null),
            serde_json::json!([true, {"b": [], "a": {}}]),
        ];
        let read: Vec<Change> = values
            .iter()
            .enumerate()
            .map(|(n, value)| Change {
                origin: DeviceId("d".into()),
                seq: n as u64 + 1,
                hlc: sprintdesk_store::Hlc(7),
                entity: sprintdesk_store::Entity::Attendee,
                entity_id: "a1".into(),
                field: "name".into(),
                value: value.clone(),
                proof: (n == 4).then(|| "ab".repeat(64)),
                cleared: None,
                salt: (n == 1).then(|| "cd".repeat(32)),
            })
            .collect();
        // As a device stores a value: its JSON text.
        let stored: Vec<sprintdesk_store::StoredChange> = read
            .iter()
            .map(|change| {
                let text = serde_json::value::to_raw_value(&change.value).unwrap();
                change.clone().with_value(text)
            })
            .collect();
        let (as_read, as_stored) = (encode_batch(&read, &[]), encode_batch(&stored, &[]));
        assert_eq!(as_read.1, as_stored.1);
        assert_eq!(frame_json(&as_read.0).unwrap(), frame_json(&as_stored.0).unwrap());
        assert_eq!(decode(&as_stored.0).unwrap(), Message::Changes { changes: read, grants: vec![] });
    }

    #[test]
    fn values_are_counted_in_blocks_as_byte_by_byte_in_a_batch() {
        let change = |n: u64| Change {
            origin: DeviceId("d".into()),
            seq: n,
            hlc: sprintdesk_store::Hlc(n),
            entity: sprintdesk_store::Entity::Attendee,
            entity_id: format!("a{n}"),
            field: "name".into(),
            value: serde_json::json!({ "name": format!("Ana \\\"{n}\\\" [x], {{y}}: \\\\"), "n": [n, "\u{e9}"] }),
            proof: None,
            cleared: None,
            salt: None,
        };
        let json =
            serde_json::to_vec(&Message::Changes { changes: (0..500).map(change).collect(), grants: vec![] }).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(count_values(&json), 1 + Scan::default().bytes(&json));
        assert!(count_values(&json) >= values_in(&parsed));
        // An escape split between two blocks, at every place in a block: the quote after the backslash
        // stays in its string, and so does all that follows up to the next quote.
        for pad in 0..130 {
            let json = format!(r#"{}["\"[{}", 1, 2]"#, " ".repeat(pad), ",:".repeat(40));
            let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(count_values(json.as_bytes()), 4, "{pad}: {json}");
            assert_eq!(values_in(&parsed), 4);
        }
    }

    #[tokio::test]
    async fn an_oversized_length_is_refused_before_reading_the_body() {
        let mut frame: &[u8] = &[0xff, 0xff, 0xff, 0xff, 1, b'{'];
        let error = read_message(&mut frame).await.unwrap_err();
        assert!(matches!(error, ProtocolError::TooLarge { size, .. } if size == u32::MAX as usize));
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
                grant: None,
            },
            Message::Have { vector: VersionVector::default() },
            Message::Peers { peers: vec![("b".into(), "192.0.2.7:7800".into())] },
            Message::Refused { origin: "b".into(), seq: 4, ahead_ms: 86_400_000 },
            Message::Join {
                device: "k".into(),
                name: "Kiosk 1".into(),
                role: Some(DeviceRole::Kiosk),
                key: "cd".into(),
                proof: "ab".into(),
            },
            Message::Denied { reason: "no".into(), revocation: None },
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
