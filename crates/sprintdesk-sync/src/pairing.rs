//! Pairing a new device with a one-time join code.
//!
//! The organizer's device shows a code (10 characters, 50 bits, valid for [`JOIN_CODE_MINUTES`]); the new
//! device connects to the organizer's address and proves it knows the code without sending it: the
//! proof is an HMAC keyed by the code over both certificate fingerprints. The organizer answers with its
//! own proof, so the new device knows it reached the device that showed the code and not a machine in
//! between. A code works once.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

pub const JOIN_CODE_MINUTES: i64 = 10;

/// Crockford's base32: no I, L, O or U, so a code read aloud or typed is hard to get wrong.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh join code, shown as `ABCDE-FGHJK`.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let chars: String = (0..10).map(|_| ALPHABET[rng.random_range(0..32)] as char).collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// The code as typed (any case, with or without the dash, O for 0, I or L for 1) in its canonical form,
/// or `None` when it cannot be a join code.
pub fn normalize(typed: &str) -> Option<String> {
    let mut chars = String::new();
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        chars.push(c);
    }
    (chars.len() == 10).then(|| format!("{}-{}", &chars[..5], &chars[5..]))
}

/// Which side of a join a proof is from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Joining,
    Organizer,
}

/// The proof that one side of a join knows `code`, bound to both certificates and to the key the side
/// hands over (`key`: the joining device's record key, or the venue's key from the organizer).
pub fn proof(code: &str, side: Side, joining_fingerprint: &str, organizer_fingerprint: &str, key: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(code.as_bytes()).expect("HMAC takes any key length");
    let side = match side {
        Side::Joining => "joining",
        Side::Organizer => "organizer",
    };
    mac.update(format!("sprintdesk-join-2|{side}|{joining_fingerprint}|{organizer_fingerprint}|{key}").as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two proofs in constant time.
pub fn same_proof(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `text` as a QR code drawn with Unicode half blocks, for a terminal.
pub fn qr(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .build(),
        Err(_) => String::new(),
    }
}

/// `text` as a QR code in SVG, for a screen.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_are_read_forgivingly_and_nonsense_is_refused() {
        let cases = [
            ("ABCDE-FGHJK", Some("ABCDE-FGHJK")),
            ("abcde fghjk", Some("ABCDE-FGHJK")),
            ("abcdefghjk", Some("ABCDE-FGHJK")),
            ("0O1IL-23456", Some("00111-23456")),
            ("ABCDE-FGHJ", None),
            ("ABCDE-FGHJKM", None),
            ("ABCDE-FGHJU", None),
            ("ÄBCDE-FGHJK", None),
            ("", None),
        ];
        for (typed, expected) in cases {
            assert_eq!(normalize(typed).as_deref(), expected, "{typed:?}");
        }
        for _ in 0..50 {
            let code = new_code();
            assert_eq!(normalize(&code), Some(code.clone()));
        }
    }

    #[test]
    fn a_proof_is_bound_to_the_code_the_side_and_both_certificates() {
        let base = proof("AAAAA-BBBBB", Side::Joining, "j", "o", "k");
        assert!(same_proof(&base, &proof("AAAAA-BBBBB", Side::Joining, "j", "o", "k")));
        for other in [
            proof("AAAAA-BBBBC", Side::Joining, "j", "o", "k"),
            proof("AAAAA-BBBBB", Side::Organizer, "j", "o", "k"),
            proof("AAAAA-BBBBB", Side::Joining, "x", "o", "k"),
            proof("AAAAA-BBBBB", Side::Joining, "j", "x", "k"),
            proof("AAAAA-BBBBB", Side::Joining, "j", "o", "x"),
        ] {
            assert!(!same_proof(&base, &other));
        }
    }
}
