//! A printable name badge as a one-page PDF, for people who arrive without one (walk-ins, lost badges).
//!
//! The badge is 4 × 3 inches: the sprint's name small at the top, the person's name large (shrunk to fit the
//! width, set on two lines when even the smallest readable size is too wide, and on more above the QR code
//! when two would be smaller than 14 pt: the longest name, 200 characters, prints whole), their handle and project
//! below it, and in the bottom-right corner a QR code of the badge code with the code printed under it.
//!
//! The text is set in DejaVu Sans Condensed (bundled by the `dejavu` crate, never read from the system),
//! embedded as a subset in a Type0/CIDFontType2 font with Identity-H encoding, widths and a ToUnicode map, so
//! that names in Latin, Greek or Cyrillic script print, and a PDF reader gives the same string back. Each
//! distinct character gets its own CID, mapped to its glyph by a CIDToGIDMap: a character the font lacks
//! (Chinese, Japanese or Korean, for example) prints as the font's empty box, yet still copies out of the PDF
//! as itself. Arabic letters are set in their joined forms (lam-alef as its ligature) and every line in the
//! order it is seen, right-to-left runs reversed (`badge_script.rs`); scripts that need more shaping than
//! that (Indic) print letter by letter, and those the font lacks as empty boxes.
//!
//! Everything here is pure: the same badge gives the same bytes (no dates, no random ids).

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use qrcode::QrCode;
use sha2::{Digest, Sha256};
use ttf_parser::{Face, GlyphId};
use unicode_normalization::UnicodeNormalization;

use crate::badge_script::{shape, visual};

/// What a printed badge shows.
#[derive(Clone, Copy, Debug)]
pub struct BadgeFace<'a> {
    /// The sprint's name, printed small at the top.
    pub sprint: &'a str,
    /// The person's name, printed large.
    pub name: &'a str,
    /// Their handle (GitHub or similar); printed with a leading "@".
    pub handle: Option<&'a str>,
    /// The project they sprint on.
    pub project: Option<&'a str>,
    /// The badge code ("SD-4F7K2Q"): the QR code encodes exactly this.
    pub code: &'a str,
}

/// Page width: 4 inches, in points.
const PAGE_WIDTH: f32 = 288.0;
/// Page height: 3 inches, in points.
const PAGE_HEIGHT: f32 = 216.0;
/// White space kept round the text.
const MARGIN: f32 = 14.0;
/// The width text may take across the badge.
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

const SPRINT_SIZE: (f32, f32) = (10.0, 7.0);
const SPRINT_BASELINE: f32 = PAGE_HEIGHT - MARGIN - 8.0;
const RULE_Y: f32 = SPRINT_BASELINE - 8.0;

/// Where the name's first line starts (its ascent reaches up to here).
const NAME_TOP: f32 = RULE_Y - 6.0;
/// The name's largest size on one line.
pub(crate) const NAME_MAX_SIZE: f32 = 34.0;
/// The smallest size a one-line name is shrunk to before it is set on two lines.
pub(crate) const NAME_MIN_SIZE: f32 = 18.0;
/// The largest size of a name on two lines (two lines must leave room for the rest).
pub(crate) const NAME_TWO_LINE_MAX_SIZE: f32 = 26.0;
/// Baseline to baseline, as a multiple of the name's size.
const NAME_LINE_PITCH: f32 = 1.12;

/// The QR code's square, quiet zone included, in the bottom-right corner.
const QR_SIDE: f32 = 88.0;
const QR_X: f32 = PAGE_WIDTH - 8.0 - QR_SIDE;
const QR_Y: f32 = 24.0;
/// Light modules kept round the code, as the QR standard asks.
const QR_QUIET_MODULES: usize = 4;
const CODE_SIZE: (f32, f32) = (11.0, 6.0);
const CODE_BASELINE: f32 = MARGIN - 1.0;

/// Handle and project sit left of the QR code, below the name.
const COLUMN_WIDTH: f32 = QR_X - MARGIN - 4.0;
const HANDLE_SIZE: (f32, f32) = (15.0, 9.0);
const PROJECT_SIZE: (f32, f32) = (13.0, 8.0);

/// No field prints more characters than this: the longest name the venue takes, whole (it bounds the work;
/// a longer field, which no name is, is cut and ends in "…").
const MAX_FIELD_CHARS: usize = 200;

/// The badge as a one-page PDF: 4 × 3 inches (288 × 216 pt, landscape), black on white, fonts embedded,
/// ready to print at actual size on badge stock.
///
/// It cannot fail: text the font cannot show prints as empty boxes, over-long text is shrunk or cut with
/// "…", and a code too long for a QR code prints as text only.
pub fn badge_pdf(face: &BadgeFace<'_>) -> Vec<u8> {
    let mut regular = EmbeddedFont::regular();
    let mut bold = EmbeddedFont::bold();
    let mut page = PageText { content: Content::new() };

    // Arabic letters in their joined forms (the widths measured are those printed); each line is put in the
    // order it is seen just before it is drawn.
    let shaped = |text: &str| shape(&clean(text)).into_owned();
    let sprint = shaped(face.sprint);
    let name = shaped(face.name);
    let handle = face
        .handle
        .map(shaped)
        .filter(|handle| !handle.is_empty())
        .map(|handle| if handle.starts_with('@') { handle } else { format!("@{handle}") });
    let project = face.project.map(shaped).filter(|project| !project.is_empty());
    let code_text = clean(face.code);

    page.content.set_fill_gray(0.0).set_stroke_gray(0.0);

    // The sprint, small, over a thin rule.
    if !sprint.is_empty() {
        let (line, size) = fit_line(&sprint, |c| regular.advance_em(c), TEXT_WIDTH, SPRINT_SIZE);
        page.show(&mut regular, REGULAR, size, MARGIN, SPRINT_BASELINE, &line);
    }
    page.content.set_line_width(0.6).move_to(MARGIN, RULE_Y).line_to(PAGE_WIDTH - MARGIN, RULE_Y).stroke();

    // The name, as large as fits.
    let layout = layout_name(&name, |c| bold.advance_em(c), TEXT_WIDTH);
    let mut baseline = NAME_TOP - bold.ascent_em * layout.size;
    for line in &layout.lines {
        page.show(&mut bold, BOLD, layout.size, MARGIN, baseline, line);
        baseline -= NAME_LINE_PITCH * layout.size;
    }
    let name_bottom = if layout.lines.is_empty() {
        NAME_TOP
    } else {
        baseline + NAME_LINE_PITCH * layout.size - bold.descent_em * layout.size
    };

    // Handle and project, left of the QR code.
    let mut next_top = name_bottom - 6.0;
    for (text, sizes) in [(handle, HANDLE_SIZE), (project, PROJECT_SIZE)] {
        if let Some(text) = text {
            let (line, size) = fit_line(&text, |c| regular.advance_em(c), COLUMN_WIDTH, sizes);
            let baseline = next_top - regular.ascent_em * size;
            page.show(&mut regular, REGULAR, size, MARGIN, baseline, &line);
            next_top = baseline - regular.descent_em * size - 2.0;
        }
    }

    // The QR code, and the code under it.
    if let Ok(qr) = QrCode::new(face.code.as_bytes()) {
        draw_qr(&mut page.content, &qr, QR_X, QR_Y, QR_SIDE);
    }
    if !code_text.is_empty() {
        let (line, size) = fit_line(&code_text, |c| bold.advance_em(c), QR_SIDE - 8.0, CODE_SIZE);
        let width = line.chars().map(|c| bold.advance_em(c)).sum::<f32>() * size;
        page.show(&mut bold, BOLD, size, QR_X + (QR_SIDE - width) / 2.0, CODE_BASELINE, &line);
    }

    write_pdf(page.content, &regular, &bold, &clean(face.name))
}

/// The resource names of the two fonts in the page's content.
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// How the person's name is set: one or two lines, all at one size (in points).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NameLayout {
    pub size: f32,
    pub lines: Vec<String>,
}

/// Sets `name` (already cleaned: single spaces, no ends) within `max_width` points, given each character's
/// advance in ems. One line, as large as [`NAME_MAX_SIZE`], shrunk as far as [`NAME_MIN_SIZE`]; past that,
/// two lines split at the space or hyphen that balances them best (or between any two characters if there is
/// none), as large as [`NAME_TWO_LINE_MAX_SIZE`] and as small as it takes: the name never runs off the page.
pub(crate) fn layout_name(name: &str, advance_em: impl Fn(char) -> f32, max_width: f32) -> NameLayout {
    let chars: Vec<char> = name.chars().collect();
    if chars.is_empty() {
        return NameLayout { size: NAME_MAX_SIZE, lines: Vec::new() };
    }
    // prefix[i] is the width of chars[..i].
    let mut prefix = Vec::with_capacity(chars.len() + 1);
    prefix.push(0.0_f32);
    for &c in &chars {
        prefix.push(prefix[prefix.len() - 1] + advance_em(c));
    }
    let width = |from: usize, to: usize| prefix[to] - prefix[from];
    let whole = width(0, chars.len());
    if whole * NAME_MIN_SIZE <= max_width {
        let size = if whole > 0.0 { (max_width / whole).min(NAME_MAX_SIZE) } else { NAME_MAX_SIZE };
        return NameLayout { size, lines: vec![name.to_owned()] };
    }

    // (end of the first line, start of the second) for each place the name may break.
    let mut breaks: Vec<(usize, usize)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let next_is_word = chars.get(i + 1).is_some_and(|next| !next.is_whitespace());
        if c.is_whitespace() && i > 0 && next_is_word {
            breaks.push((i, i + 1));
        } else if c == '-' && i > 0 && next_is_word {
            breaks.push((i + 1, i + 1));
        }
    }
    if breaks.is_empty() {
        breaks = (1..chars.len()).map(|i| (i, i)).collect();
    }
    let widest = |&(end, start): &(usize, usize)| width(0, end).max(width(start, chars.len()));
    let best = breaks.iter().copied().min_by(|a, b| widest(a).total_cmp(&widest(b)));
    let Some((end, start)) = best else {
        // A single character wider than the page: shrink it.
        return NameLayout { size: max_width / whole, lines: vec![name.to_owned()] };
    };
    let widest = widest(&(end, start));
    let size = if widest > 0.0 { (max_width / widest).min(NAME_TWO_LINE_MAX_SIZE) } else { NAME_TWO_LINE_MAX_SIZE };
    if size < NAME_MANY_LINES_BELOW
        && let Some(many) = many_lines(&chars, &advance_em, max_width)
    {
        return many;
    }
    let first: String = chars[..end].iter().collect();
    let second: String = chars[start..].iter().collect();
    NameLayout { size, lines: vec![first, second] }
}

/// Below this size on two lines, a long name is set on more lines instead (a 200-character name was 6 pt).
const NAME_MANY_LINES_BELOW: f32 = 14.0;
/// The height the name's lines may take: from [`NAME_TOP`] down to the top of the QR code.
const NAME_BLOCK_HEIGHT: f32 = NAME_TOP - (QR_Y + QR_SIDE) - 4.0;

/// A very long name on as many lines as fit above the QR code, filled word by word (a word longer than a
/// line is split where it must), at the largest size of half-point steps whose lines fit.
fn many_lines(chars: &[char], advance_em: &impl Fn(char) -> f32, max_width: f32) -> Option<NameLayout> {
    let mut size = NAME_MANY_LINES_BELOW;
    while size >= 6.0 {
        let room = max_width / size;
        let lines = wrap(chars, advance_em, room);
        if lines.len() as f32 * NAME_LINE_PITCH * size <= NAME_BLOCK_HEIGHT {
            return Some(NameLayout { size, lines });
        }
        size -= 0.5;
    }
    None
}

/// `chars` in lines of at most `room` ems, broken at spaces (and inside a word only when it alone is wider).
fn wrap(chars: &[char], advance_em: &impl Fn(char) -> f32, room: f32) -> Vec<String> {
    let text: String = chars.iter().collect();
    let mut lines: Vec<String> = Vec::new();
    let (mut line, mut used) = (String::new(), 0.0_f32);
    for word in text.split(' ') {
        let width: f32 = word.chars().map(advance_em).sum();
        let space = advance_em(' ');
        if !line.is_empty() && used + space + width <= room {
            line.push(' ');
            line.push_str(word);
            used += space + width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        for c in word.chars() {
            let advance = advance_em(c);
            if used + advance > room && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += advance;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One line of `text` within `max_width` points, between `sizes.0` and `sizes.1` points; if it is too wide
/// even at the smaller size, it is cut and ends in "…". Returns the line and its size.
fn fit_line(text: &str, advance_em: impl Fn(char) -> f32, max_width: f32, sizes: (f32, f32)) -> (String, f32) {
    let (max_size, min_size) = sizes;
    let whole: f32 = text.chars().map(&advance_em).sum();
    if whole * max_size <= max_width {
        return (text.to_owned(), max_size);
    }
    if whole * min_size <= max_width {
        return (text.to_owned(), max_width / whole);
    }
    let room = max_width / min_size - advance_em('…');
    let mut used = 0.0;
    let mut kept = String::new();
    for c in text.chars() {
        used += advance_em(c);
        if used > room {
            break;
        }
        kept.push(c);
    }
    let mut line = kept.trim_end().to_owned();
    line.push('…');
    (line, min_size)
}

/// `text` as a badge prints it: NFC, one space between words, no control or invisible formatting
/// characters, at most [`MAX_FIELD_CHARS`] characters.
fn clean(text: &str) -> String {
    let nfc: String = text.nfc().filter(|&c| !is_invisible(c)).collect();
    let words = nfc.split(|c: char| c.is_whitespace() || c.is_control()).filter(|word| !word.is_empty());
    let mut out = String::new();
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().nth(MAX_FIELD_CHARS).is_none() {
        return out;
    }
    let cut = out.char_indices().nth(MAX_FIELD_CHARS - 1).map_or(out.len(), |(at, _)| at);
    format!("{}…", out[..cut].trim_end())
}

/// Formatting characters that print nothing (soft hyphen, zero-width space, bidi controls). The zero-width
/// joiner and non-joiner stay until the letters are shaped: they decide how letters join.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Draws `qr` in the square at (`x`, `y`) of side `side`, quiet zone included, as filled black rectangles
/// (one per run of dark modules in a row).
fn draw_qr(content: &mut Content, qr: &QrCode, x: f32, y: f32, side: f32) {
    let width = qr.width();
    if width == 0 {
        return;
    }
    let module = side / (width + 2 * QR_QUIET_MODULES) as f32;
    let colors = qr.to_colors();
    for (row, cells) in colors.chunks(width).enumerate() {
        let top = y + side - (QR_QUIET_MODULES + row) as f32 * module;
        let mut run_start = None;
        for (col, color) in cells.iter().chain(std::iter::once(&qrcode::Color::Light)).enumerate() {
            match (color, run_start) {
                (qrcode::Color::Dark, None) => run_start = Some(col),
                (qrcode::Color::Light, Some(start)) => {
                    let left = x + (QR_QUIET_MODULES + start) as f32 * module;
                    content.rect(left, top - module, (col - start) as f32 * module, module);
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    content.fill_nonzero();
}

/// The page's content stream, and the text shown on it.
struct PageText {
    content: Content,
}

impl PageText {
    /// Shows `text` (one line, in logical order) in `font` at `size` points with its baseline starting at
    /// (`x`, `y`), in the order it is seen.
    fn show(&mut self, font: &mut EmbeddedFont, resource: Name<'_>, size: f32, x: f32, y: f32, text: &str) {
        let encoded = font.encode(&visual(text));
        self.content.begin_text();
        self.content.set_font(resource, size);
        self.content.next_line(x, y);
        self.content.show(Str(&encoded));
        self.content.end_text();
    }
}

/// One of the bundled fonts, and the characters the badge uses from it.
struct EmbeddedFont {
    data: &'static [u8],
    face: Face<'static>,
    postscript_name: &'static str,
    weight: u16,
    units_per_em: f32,
    ascent_em: f32,
    descent_em: f32,
    /// The CID of each character used: 1, 2, … in order of first use (CID 0 is `.notdef`).
    cids: BTreeMap<char, u16>,
    /// The characters used, in CID order (CID `i + 1` is `used[i]`).
    used: Vec<char>,
}

impl EmbeddedFont {
    /// DejaVu Sans Condensed: the handle, project and sprint.
    fn regular() -> Self {
        Self::new(dejavu::sans_condensed::regular(), "DejaVuSansCondensed", 400)
    }

    /// DejaVu Sans Condensed Bold: the name and code.
    fn bold() -> Self {
        Self::new(dejavu::sans_condensed::bold(), "DejaVuSansCondensed-Bold", 700)
    }

    fn new(data: &'static [u8], postscript_name: &'static str, weight: u16) -> Self {
        // The fonts are bundled at build time: a font that does not parse is a broken build, not bad input.
        let face = Face::parse(data, 0).expect("the bundled DejaVu font parses");
        let units_per_em = f32::from(face.units_per_em().max(1));
        Self {
            data,
            postscript_name,
            weight,
            units_per_em,
            ascent_em: f32::from(face.ascender()) / units_per_em,
            descent_em: -f32::from(face.descender()) / units_per_em,
            face,
            cids: BTreeMap::new(),
            used: Vec::new(),
        }
    }

    /// The glyph that shows `c`, or `.notdef` (glyph 0) if the font has none.
    fn glyph(&self, c: char) -> GlyphId {
        self.face.glyph_index(c).unwrap_or(GlyphId(0))
    }

    /// How far `c` advances, in ems.
    fn advance_em(&self, c: char) -> f32 {
        f32::from(self.face.glyph_hor_advance(self.glyph(c)).unwrap_or(0)) / self.units_per_em
    }

    /// `text` as two-byte CIDs, giving each new character its CID.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let next = u16::try_from(self.used.len() + 1).ok();
            let cid = match (self.cids.get(&c), next) {
                (Some(&cid), _) => cid,
                (None, Some(cid)) => {
                    self.cids.insert(c, cid);
                    self.used.push(c);
                    cid
                }
                // More distinct characters than CIDs: cannot happen with fields cut to MAX_FIELD_CHARS.
                (None, None) => 0,
            };
            bytes.extend_from_slice(&cid.to_be_bytes());
        }
        bytes
    }

    /// `value` in ems scaled to PDF glyph space (1000 to the em).
    fn to_pdf_units(&self, value: f32) -> f32 {
        (value / self.units_per_em * 1000.0).round()
    }

    /// Writes the font's objects: the Type0 font at `refs.type0` and what it needs.
    fn write(&self, pdf: &mut Pdf, refs: FontRefs) {
        let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
        let old_glyphs: Vec<u16> = self.used.iter().map(|&c| self.glyph(c).0).collect();

        // The subset keeps .notdef and the glyphs used; CIDs map to the subset's glyph ids. Should
        // subsetting fail, the whole font goes in and CIDs map to its own glyph ids.
        let mut remapper = subsetter::GlyphRemapper::new();
        let new_glyphs: Vec<u16> = old_glyphs.iter().map(|&glyph| remapper.remap(glyph)).collect();
        let (program, glyphs) = match subsetter::subset(self.data, 0, &remapper) {
            Ok(program) => (program, new_glyphs),
            Err(_) => (self.data.to_vec(), old_glyphs),
        };

        let tag = subset_tag(self.postscript_name, &self.used);
        let base_font = format!("{tag}+{}", self.postscript_name);
        let base_font = Name(base_font.as_bytes());

        pdf.type0_font(refs.type0)
            .base_font(base_font)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(refs.cid_font)
            .to_unicode(refs.to_unicode);

        let notdef_width = self.to_pdf_units(f32::from(self.face.glyph_hor_advance(GlyphId(0)).unwrap_or(0)));
        let mut cid_font = pdf.cid_font(refs.cid_font);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base_font)
            .system_info(system_info)
            .font_descriptor(refs.descriptor)
            .default_width(notdef_width)
            .cid_to_gid_map_stream(refs.cid_to_gid);
        if !self.used.is_empty() {
            let widths = self.used.iter().map(|&c| (self.advance_em(c) * 1000.0).round());
            cid_font.widths().consecutive(1, widths);
        }
        cid_font.finish();

        let bbox = self.face.global_bounding_box();
        let cap_height = self.face.capital_height().unwrap_or(self.face.ascender());
        let mut flags = FontFlags::SYMBOLIC;
        flags.set(FontFlags::FORCE_BOLD, self.weight >= 700);
        pdf.font_descriptor(refs.descriptor)
            .name(base_font)
            .flags(flags)
            .bbox(Rect::new(
                self.to_pdf_units(f32::from(bbox.x_min)),
                self.to_pdf_units(f32::from(bbox.y_min)),
                self.to_pdf_units(f32::from(bbox.x_max)),
                self.to_pdf_units(f32::from(bbox.y_max)),
            ))
            .italic_angle(0.0)
            .ascent(self.to_pdf_units(f32::from(self.face.ascender())))
            .descent(self.to_pdf_units(f32::from(self.face.descender())))
            .cap_height(self.to_pdf_units(f32::from(cap_height)))
            .stem_v(10.0 + 0.244 * f32::from(self.weight.saturating_sub(50)))
            .weight(self.weight)
            .font_file2(refs.program);

        let length1 = i32::try_from(program.len()).unwrap_or(i32::MAX);
        pdf.stream(refs.program, &deflate(&program)).filter(Filter::FlateDecode).pair(Name(b"Length1"), length1);

        let mut cid_to_gid = Vec::with_capacity(2 * (glyphs.len() + 1));
        cid_to_gid.extend_from_slice(&0_u16.to_be_bytes());
        for glyph in &glyphs {
            cid_to_gid.extend_from_slice(&glyph.to_be_bytes());
        }
        pdf.stream(refs.cid_to_gid, &deflate(&cid_to_gid)).filter(Filter::FlateDecode);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (cid, &c) in (1_u16..).zip(&self.used) {
            cmap.pair(cid, c);
        }
        pdf.stream(refs.to_unicode, &deflate(&cmap.finish())).filter(Filter::FlateDecode);
    }
}

/// The objects of one embedded font.
#[derive(Clone, Copy)]
struct FontRefs {
    type0: Ref,
    cid_font: Ref,
    descriptor: Ref,
    program: Ref,
    cid_to_gid: Ref,
    to_unicode: Ref,
}

impl FontRefs {
    fn allocate(next: &mut Ref) -> Self {
        Self {
            type0: next.bump(),
            cid_font: next.bump(),
            descriptor: next.bump(),
            program: next.bump(),
            cid_to_gid: next.bump(),
            to_unicode: next.bump(),
        }
    }
}

/// The six capital letters that name a font subset, drawn from what it holds (so the same badge gives the
/// same name).
fn subset_tag(postscript_name: &str, used: &[char]) -> String {
    let mut hash = Sha256::new();
    hash.update(postscript_name.as_bytes());
    for c in used {
        hash.update(u32::from(*c).to_be_bytes());
    }
    hash.finalize().iter().take(6).map(|byte| char::from(b'A' + byte % 26)).collect()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// The document round the page's content.
fn write_pdf(content: Content, regular: &EmbeddedFont, bold: &EmbeddedFont, name: &str) -> Vec<u8> {
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let pages = next.bump();
    let page = next.bump();
    let contents = next.bump();
    let info = next.bump();
    let regular_refs = FontRefs::allocate(&mut next);
    let bold_refs = FontRefs::allocate(&mut next);

    let mut pdf = Pdf::new();
    {
        let mut catalog = pdf.catalog(catalog);
        catalog.pages(pages);
        // Print at actual size: a badge scaled to fit a sheet no longer fits its holder.
        catalog.viewer_preferences().pair(Name(b"PrintScaling"), Name(b"None"));
    }
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut page = pdf.page(page);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(pages);
        page.contents(contents);
        let mut resources = page.resources();
        resources.fonts().pair(REGULAR, regular_refs.type0).pair(BOLD, bold_refs.type0);
    }
    pdf.stream(contents, &deflate(&content.finish())).filter(Filter::FlateDecode);
    let title = if name.is_empty() { "Badge".to_owned() } else { format!("Badge: {name}") };
    pdf.document_info(info).title(TextStr(&title)).producer(TextStr("Sprintdesk"));
    regular.write(&mut pdf, regular_refs);
    bold.write(&mut pdf, bold_refs);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn lukasz() -> BadgeFace<'static> {
        BadgeFace {
            sprint: "PyCon Sprints 2026",
            name: "Łukasz Wiśniewski",
            handle: Some("lukasz-w"),
            project: Some("CPython"),
            code: "SD-4F7K2Q",
        }
    }

    /// Runs a tool from a Debian package and returns its standard output; panics, naming the package, if
    /// the tool is not installed, and with its error output if it fails.
    fn run(tool: &str, package: &str, args: &[&str]) -> String {
        let output = match Command::new(tool).args(args).output() {
            Ok(output) => output,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                panic!("`{tool}` is not installed: install the Debian package `{package}` (apt-get install {package})")
            }
            Err(error) => panic!("could not run `{tool}`: {error}"),
        };
        assert!(
            output.status.success(),
            "`{tool} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("tool output is UTF-8")
    }

    fn write_badge(dir: &Path, face: &BadgeFace<'_>) -> String {
        let path = dir.join("badge.pdf");
        std::fs::write(&path, badge_pdf(face)).expect("write the PDF");
        path.to_str().expect("temp path is UTF-8").to_owned()
    }

    fn pdftotext(pdf: &str, extra: &[&str]) -> String {
        let mut args = extra.to_vec();
        args.extend([pdf, "-"]);
        run("pdftotext", "poppler-utils", &args)
    }

    fn bold_advance(c: char) -> f32 {
        EmbeddedFont::bold().advance_em(c)
    }

    #[test]
    fn badge_text_extracts_and_qr_decodes_to_the_code() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pdf = write_badge(dir.path(), &lukasz());

        let text = pdftotext(&pdf, &[]);
        for expected in ["PyCon Sprints 2026", "Łukasz Wiśniewski", "@lukasz-w", "CPython", "SD-4F7K2Q"] {
            assert!(text.contains(expected), "{expected:?} not in the extracted text {text:?}");
        }

        let png_prefix = dir.path().join("badge");
        let png_prefix = png_prefix.to_str().expect("temp path is UTF-8");
        run("pdftoppm", "poppler-utils", &["-r", "200", "-png", "-singlefile", &pdf, png_prefix]);
        let png = format!("{png_prefix}.png");
        let decoded = run("zbarimg", "zbar-tools", &["--quiet", "--raw", &png]);
        assert_eq!(decoded.trim_end_matches('\n'), "SD-4F7K2Q");

        // To look at the badge: SPRINTDESK_BADGE_PNG=/tmp/badge-check.png cargo test … badge_pdf
        if let Some(keep) = std::env::var_os("SPRINTDESK_BADGE_PNG") {
            std::fs::copy(&png, keep).expect("copy the rendered badge");
        }
    }

    #[test]
    fn a_very_long_name_stays_on_the_page() {
        let long = "Maria Guadalupe Fernández de la Concepción Rodríguez-Santamaría";

        // The layout: two lines, each within the text width.
        let layout = layout_name(long, bold_advance, TEXT_WIDTH);
        assert_eq!(layout.lines.len(), 2, "{layout:?}");
        assert_eq!(layout.lines.join(" "), long);
        for line in &layout.lines {
            let width: f32 = line.chars().map(bold_advance).sum::<f32>() * layout.size;
            assert!(width <= TEXT_WIDTH + 0.01, "{line:?} is {width} pt wide at {} pt", layout.size);
        }
        // Two lines at the largest size that fits: smaller than a one-line name may be, still legible.
        assert!(layout.size >= 14.0, "{layout:?}");

        // The PDF: every word's box inside the page.
        let dir = tempfile::tempdir().expect("temp dir");
        let pdf = write_badge(dir.path(), &BadgeFace { name: long, ..lukasz() });
        assert!(words_inside_and_clear_of_the_qr_code(&pdf) >= 10);
        let text = pdftotext(&pdf, &[]);
        for word in long.split(' ') {
            assert!(text.contains(word), "{word:?} not in {text:?}");
        }

        // The longest name the door takes (200 characters) prints whole, on as many lines as fit above the
        // QR code at a size that reads: it was cut at 120, mid-word, with no mark, on two lines of 6 pt.
        let longest =
            format!("{long} {}", "Villaseñor de Castellanos ".repeat(6)).chars().take(200).collect::<String>();
        let longest = longest.trim_end();
        let layout = layout_name(longest, bold_advance, TEXT_WIDTH);
        assert!(layout.size >= 10.0 && layout.lines.len() > 2, "{layout:?}");
        let pdf = write_badge(dir.path(), &BadgeFace { name: longest, ..lukasz() });
        assert!(words_inside_and_clear_of_the_qr_code(&pdf) > longest.split(' ').count());
        let text = pdftotext(&pdf, &[]).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&format!("{longest} @lukasz-w")), "all of it printed: {text:?}");
        // Past that, a field ends in "…".
        assert_eq!(clean(longest), longest);
        let over = "x".repeat(250);
        assert_eq!(clean(&over).chars().count(), MAX_FIELD_CHARS);
        assert!(clean(&over).ends_with('…'));
    }

    /// Checks every word of the badge is inside the page, and only the code under the QR code reaches into
    /// its square; returns how many words there are.
    fn words_inside_and_clear_of_the_qr_code(pdf: &str) -> usize {
        let html = pdftotext(pdf, &["-bbox"]);
        let mut words = 0;
        for word in html.lines().filter(|line| line.trim_start().starts_with("<word ")) {
            words += 1;
            let attribute = |key: &str| -> f32 {
                let start = word.find(&format!("{key}=\"")).expect("bbox attribute") + key.len() + 2;
                let end = start + word[start..].find('"').expect("closing quote");
                word[start..end].parse().expect("a number")
            };
            assert!(attribute("xMin") >= 0.0 && attribute("yMin") >= 0.0, "{word}");
            assert!(attribute("xMax") <= PAGE_WIDTH && attribute("yMax") <= PAGE_HEIGHT, "{word}");
            // Nothing but the code under it reaches into the QR code's square (pdftotext's y runs down).
            let beside_qr = attribute("xMax") <= QR_X;
            let above_qr = attribute("yMax") <= PAGE_HEIGHT - (QR_Y + QR_SIDE);
            assert!(beside_qr || above_qr || word.contains(">SD-4F7K2Q<"), "{word} overlaps the QR code");
        }
        words
    }

    #[test]
    fn name_layout_shrinks_then_wraps() {
        let short = layout_name("Ольга", bold_advance, TEXT_WIDTH);
        assert_eq!(short, NameLayout { size: NAME_MAX_SIZE, lines: vec!["Ольга".into()] });

        let medium = layout_name("Zeynep Taşkaya-Öztürk", bold_advance, TEXT_WIDTH);
        assert_eq!(medium.lines.len(), 1);
        assert!(medium.size < NAME_MAX_SIZE && medium.size >= NAME_MIN_SIZE, "{medium:?}");

        // No space or hyphen to break at: split between letters, still within the width.
        let word = "Ä".repeat(40);
        let unbroken = layout_name(&word, bold_advance, TEXT_WIDTH);
        assert_eq!(unbroken.lines.concat(), word);
        for line in &unbroken.lines {
            assert!(line.chars().map(bold_advance).sum::<f32>() * unbroken.size <= TEXT_WIDTH + 0.01);
        }

        assert!(layout_name("", bold_advance, TEXT_WIDTH).lines.is_empty());
    }

    #[test]
    fn the_pdf_is_whole_and_deterministic() {
        let bytes = badge_pdf(&lukasz());
        assert!(bytes.starts_with(b"%PDF"));
        assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
        assert_eq!(bytes, badge_pdf(&lukasz()));
        // The fonts go in as subsets: the whole DejaVu faces would be over a megabyte.
        assert!(bytes.len() < 40_000, "the badge is {} bytes", bytes.len());
        assert_ne!(bytes, badge_pdf(&BadgeFace { code: "SD-0000000", ..lukasz() }));
    }

    #[test]
    fn names_the_font_lacks_still_make_a_valid_pdf_and_extract() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["李小龍", "Éric Araujo", "Zeynep Taşkaya", "Ольга"] {
            let pdf = write_badge(dir.path(), &BadgeFace { name, handle: None, project: None, ..lukasz() });
            let text = pdftotext(&pdf, &[]);
            assert!(text.contains(name), "{name:?} not in {text:?}");
        }
    }

    #[test]
    fn handles_are_prefixed_and_text_is_cleaned() {
        let dir = tempfile::tempdir().expect("temp dir");
        let face = BadgeFace {
            name: "  Éric\u{200B}\tAraujo \n",
            handle: Some("@ericvsmith"),
            project: Some(""),
            code: "SD-AAAA",
            ..lukasz()
        };
        let text = pdftotext(&write_badge(dir.path(), &face), &[]);
        assert!(text.contains("Éric Araujo"), "{text:?}");
        assert!(text.contains("@ericvsmith") && !text.contains("@@"), "{text:?}");

        assert_eq!(clean("E\u{301}ric  Araujo"), "Éric Araujo");
        let (line, size) = fit_line(&"x".repeat(500), bold_advance, COLUMN_WIDTH, HANDLE_SIZE);
        assert!(line.ends_with('…') && size == HANDLE_SIZE.1);
        assert!(line.chars().map(bold_advance).sum::<f32>() * size <= COLUMN_WIDTH);
    }
}
