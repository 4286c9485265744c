//! Text in scripts that join or run right to left, made printable by a PDF writer that sets one glyph per
//! character, left to right: Arabic letters take the form their neighbours ask for (initial, medial, final
//! or isolated, from Unicode's Arabic Presentation Forms, which the bundled DejaVu font has), lam and alef
//! become their ligature, and a line is put in the order it is seen in (Unicode's bidirectional algorithm),
//! so "שרה Levi" prints as a Hebrew reader reads it, not reversed.

use std::borrow::Cow;

/// How an Arabic letter joins its neighbours.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Joining {
    /// Joins on both sides (beh, seen, lam, …): four forms.
    Dual,
    /// Joins only to the letter before it (alef, dal, reh, waw, …): two forms.
    Right,
    /// The tatweel: joins both sides, one form.
    Causing,
}

/// An Arabic letter's joining and its presentation forms: the first (isolated), then final, initial and
/// medial for a dual-joining letter, final for a right-joining one.
fn arabic(c: char) -> Option<(Joining, u32)> {
    use Joining::{Causing, Dual, Right};
    let (joining, first) = match c {
        '\u{0622}' => (Right, 0xFE81),
        '\u{0623}' => (Right, 0xFE83),
        '\u{0624}' => (Right, 0xFE85),
        '\u{0625}' => (Right, 0xFE87),
        '\u{0626}' => (Dual, 0xFE89),
        '\u{0627}' => (Right, 0xFE8D),
        '\u{0628}' => (Dual, 0xFE8F),
        '\u{0629}' => (Right, 0xFE93),
        '\u{062A}' => (Dual, 0xFE95),
        '\u{062B}' => (Dual, 0xFE99),
        '\u{062C}' => (Dual, 0xFE9D),
        '\u{062D}' => (Dual, 0xFEA1),
        '\u{062E}' => (Dual, 0xFEA5),
        '\u{062F}' => (Right, 0xFEA9),
        '\u{0630}' => (Right, 0xFEAB),
        '\u{0631}' => (Right, 0xFEAD),
        '\u{0632}' => (Right, 0xFEAF),
        '\u{0633}' => (Dual, 0xFEB1),
        '\u{0634}' => (Dual, 0xFEB5),
        '\u{0635}' => (Dual, 0xFEB9),
        '\u{0636}' => (Dual, 0xFEBD),
        '\u{0637}' => (Dual, 0xFEC1),
        '\u{0638}' => (Dual, 0xFEC5),
        '\u{0639}' => (Dual, 0xFEC9),
        '\u{063A}' => (Dual, 0xFECD),
        '\u{0640}' => return Some((Causing, 0x0640)),
        '\u{0641}' => (Dual, 0xFED1),
        '\u{0642}' => (Dual, 0xFED5),
        '\u{0643}' => (Dual, 0xFED9),
        '\u{0644}' => (Dual, 0xFEDD),
        '\u{0645}' => (Dual, 0xFEE1),
        '\u{0646}' => (Dual, 0xFEE5),
        '\u{0647}' => (Dual, 0xFEE9),
        '\u{0648}' => (Right, 0xFEED),
        '\u{0649}' => (Right, 0xFEEF),
        '\u{064A}' => (Dual, 0xFEF1),
        // Persian and Urdu letters, from Presentation Forms-A (the font lacks Urdu's heh goal and yeh barree).
        '\u{0679}' => (Dual, 0xFB66),
        '\u{067E}' => (Dual, 0xFB56),
        '\u{0686}' => (Dual, 0xFB7A),
        '\u{0688}' => (Right, 0xFB88),
        '\u{0691}' => (Right, 0xFB8C),
        '\u{0698}' => (Right, 0xFB8A),
        '\u{06A9}' => (Dual, 0xFB8E),
        '\u{06AF}' => (Dual, 0xFB92),
        '\u{06BE}' => (Dual, 0xFBAA),
        '\u{06CC}' => (Dual, 0xFBFC),
        _ => return None,
    };
    Some((joining, first))
}

/// Marks that sit on a letter and do not break its joining (harakat, shadda, superscript alef).
fn is_transparent(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Lam followed by one of these alefs is written as one ligature: its isolated form (the final is next).
fn lam_alef(alef: char) -> Option<u32> {
    match alef {
        '\u{0622}' => Some(0xFEF5),
        '\u{0623}' => Some(0xFEF7),
        '\u{0625}' => Some(0xFEF9),
        '\u{0627}' => Some(0xFEFB),
        _ => None,
    }
}

/// The zero-width non-joiner and joiner: they decide how letters join (Persian "حسین‌زاده" is two joined
/// runs), and print nothing once they have.
fn is_joiner_control(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// `text` (in logical order) with its Arabic letters in the forms their neighbours ask for, and the joining
/// controls taken out once they have done their work.
pub(crate) fn shape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| arabic(c).is_some()) {
        if text.chars().any(is_joiner_control) {
            return Cow::Owned(text.chars().filter(|c| !is_joiner_control(*c)).collect());
        }
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    // The neighbour a letter joins to: the nearest character that is not a transparent mark.
    let before = |i: usize| chars[..i].iter().rev().find(|c| !is_transparent(**c)).copied();
    let after = |i: usize| chars[i + 1..].iter().copied().enumerate().find(|(_, c)| !is_transparent(*c));
    let joins_forward = |c: Option<char>| matches!(c.and_then(arabic), Some((Joining::Dual | Joining::Causing, _)));
    let takes_join = |c: Option<char>| c.and_then(arabic).is_some();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let Some((joining, first)) = arabic(c) else {
            out.push(c);
            i += 1;
            continue;
        };
        let joined_before = joins_forward(before(i));
        let next = after(i);
        // Lam and alef: one ligature, isolated or final.
        if c == '\u{0644}'
            && let Some((offset, alef)) = next
            && let Some(ligature) = lam_alef(alef)
        {
            let at = i + 1 + offset;
            out.push(char::from_u32(ligature + u32::from(joined_before)).unwrap_or(c));
            out.extend(chars[i + 1..at].iter()); // Marks between them sit on the ligature, after it.
            i = at + 1;
            continue;
        }
        let joins_after = joining == Joining::Dual && takes_join(next.map(|(_, c)| c));
        // Forms in order: isolated, final, initial, medial.
        let form = match joining {
            Joining::Causing => 0,
            Joining::Right => u32::from(joined_before),
            Joining::Dual => u32::from(joined_before) + 2 * u32::from(joins_after),
        };
        out.push(char::from_u32(first + form).unwrap_or(c));
        i += 1;
    }
    out.retain(|c| !is_joiner_control(c));
    Cow::Owned(out)
}

/// One line of text as it is seen, left to right: right-to-left runs reversed, as the bidirectional
/// algorithm orders them, the line's direction taken from its first strong letter.
pub(crate) fn visual(line: &str) -> Cow<'_, str> {
    if !line.chars().any(is_right_to_left) {
        return Cow::Borrowed(line);
    }
    let info = unicode_bidi::BidiInfo::new(line, None);
    let Some(paragraph) = info.paragraphs.first() else { return Cow::Borrowed(line) };
    // Run by run in the order they are seen; a right-to-left run reversed, its brackets mirrored ("(Ali)"
    // inside an Arabic line opens on the right).
    let (levels, runs) = info.visual_runs(paragraph, paragraph.range.clone());
    let mut out = String::with_capacity(line.len());
    for run in runs {
        let text = &line[run.clone()];
        if levels[run.start].is_rtl() {
            out.extend(text.chars().rev().map(mirrored));
        } else {
            out.push_str(text);
        }
    }
    Cow::Owned(out)
}

/// A bracket as it is drawn in a right-to-left run: its mirror image.
fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        other => other,
    }
}

/// Letters of the scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko and their forms).
fn is_right_to_left(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_letters_take_their_joined_forms_and_lam_alef_its_ligature() {
        let cases = [
            // م initial, ح medial, م medial, د final.
            ("محمد", "\u{FEE3}\u{FEA4}\u{FEE4}\u{FEAA}"),
            // س initial, then lam-alef final (joined to the seen), then م alone (alef joins nothing after it).
            ("سلام", "\u{FEB3}\u{FEFC}\u{FEE1}"),
            ("لا", "\u{FEFB}"),
            // A mark on a letter does not break its joining: ب with a fatha, then ت.
            ("بَت", "\u{FE91}\u{064E}\u{FE96}"),
            // Persian: پ initial, then ری (reh final, yeh isolated: reh joins nothing after it).
            ("پری", "\u{FB58}\u{FEAE}\u{FBFC}"),
            ("Ana Lima", "Ana Lima"),
            ("שרה", "שרה"),
            // A mark on the lam of lam-alef sits on the ligature, after it.
            ("لَا", "\u{FEFB}\u{064E}"),
            // The non-joiner parts two joined runs and prints nothing: ن final, then ز alone.
            ("نن\u{200C}ز", "\u{FEE7}\u{FEE6}\u{FEAF}"),
            ("Ana\u{200D}Lima", "AnaLima"),
            // Urdu: ب initial, ھ and ٹ medial, و final.
            ("بھٹو", "\u{FE91}\u{FBAD}\u{FB69}\u{FEEE}"),
        ];
        for (logical, shaped) in cases {
            assert_eq!(shape(logical), shaped, "{logical}");
        }
    }

    #[test]
    fn a_line_is_put_in_the_order_it_is_seen() {
        let cases = [
            ("Ana Lima", "Ana Lima"),
            ("שרה", "הרש"),
            // A right-to-left line with a Latin name in it: the Hebrew first, at the right.
            ("שרה Levi", "Levi הרש"),
            // A left-to-right line with a Hebrew name in it.
            ("Levi שרה", "Levi הרש"),
            ("\u{FEE3}\u{FEA4}\u{FEE4}\u{FEAA} Ali", "Ali \u{FEAA}\u{FEE4}\u{FEA4}\u{FEE3}"),
            // Brackets in a right-to-left line are mirrored as they are reversed: "(Ali)" after the name.
            ("שרה (Ali)", "(Ali) הרש"),
            ("שרה (2)", "(2) הרש"),
        ];
        for (logical, seen) in cases {
            assert_eq!(visual(logical), seen, "{logical}");
        }
    }
}
