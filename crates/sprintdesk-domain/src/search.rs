//! Attendee search as a kiosk needs it: type part of a name without accents, see yourself.
//!
//! Names and queries are folded the same way (case, accents, letters that do not decompose such as `ł`
//! or `ß`) and split into words at spaces and punctuation. Every word of the query must be the start of
//! some word of the person's name or handle, in any order: "eric araujo" finds "Éric Araujo", "dong" finds
//! "Dong-hee Na". An empty query finds nobody: a kiosk never lists everyone.

use crate::AttendeeId;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` to lowercase ASCII-ish letters: accents removed, `ł`→`l`, `ß`→`ss`, `ø`→`o`, …
///
/// Compatibility forms become plain letters (`ﬁ`→`fi`, `Ａ`→`a`), every combining mark goes, and the letters
/// people type without their stroke or as two letters are replaced after lowercasing, so capitals such as
/// `ẞ` fold like their small letter. `ς` folds to `σ`: capitals have no final sigma, so "ΣΟΦΟΣ" must meet
/// "σοφος".
/// The UI's `fold` (ui/src/lib/format.ts) must give the same answers: see `the_ui_fold_vectors_are_current`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for c in c.to_lowercase() {
            match c {
                'ł' => out.push('l'),
                'ß' => out.push_str("ss"),
                'ø' => out.push('o'),
                'đ' | 'ð' => out.push('d'),
                'ı' => out.push('i'),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'þ' => out.push_str("th"),
                'ħ' => out.push('h'),
                'ς' => out.push('σ'),
                _ => out.push(c),
            }
        }
    }
    out
}

/// The folded words of `text`, split at anything that is not a letter or digit.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

#[derive(Debug)]
struct Entry {
    id: AttendeeId,
    /// Folded words of the name and handle, plus hyphenated names joined ("donghee").
    words: Vec<String>,
    sort_key: String,
}

impl Entry {
    fn new(person: Searchable<'_>) -> Self {
        let mut words = words(person.name);
        for part in person.name.split_whitespace().filter(|part| part.contains(['-', '\''])) {
            words.push(self::words(part).concat());
        }
        if let Some(handle) = person.handle {
            words.extend(self::words(handle));
            words.push(fold(handle).chars().filter(|c| c.is_alphanumeric()).collect());
        }
        words.retain(|w| !w.is_empty());
        words.dedup();
        Entry { id: person.id.clone(), words, sort_key: fold(person.name) }
    }
}

/// One person to index.
#[derive(Debug, Clone, Copy)]
pub struct Searchable<'a> {
    pub id: &'a AttendeeId,
    pub name: &'a str,
    pub handle: Option<&'a str>,
}

/// An in-memory index over attendees' names and handles.
#[derive(Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    pub fn build<'a>(people: impl IntoIterator<Item = Searchable<'a>>) -> Self {
        Self { entries: people.into_iter().map(Entry::new).collect() }
    }

    /// Adds a person, or replaces what is indexed for them.
    pub fn upsert(&mut self, person: Searchable<'_>) {
        let entry = Entry::new(person);
        match self.entries.iter_mut().find(|e| e.id == entry.id) {
            Some(found) => *found = entry,
            None => self.entries.push(entry),
        }
    }

    /// Takes a person out (no longer listed: merged, erased or deleted).
    pub fn remove(&mut self, id: &AttendeeId) {
        self.entries.retain(|e| &e.id != id);
    }

    /// The ids indexed, each with its words, in id order: for comparing two indexes.
    pub fn contents(&self) -> Vec<(&AttendeeId, &[String])> {
        let mut all: Vec<(&AttendeeId, &[String])> = self.entries.iter().map(|e| (&e.id, e.words.as_slice())).collect();
        all.sort();
        all
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Up to `limit` people matching `query`, best first: whole-word matches before prefix matches, then
    /// by name.
    pub fn search(&self, query: &str, limit: usize) -> Vec<AttendeeId> {
        let terms = words(query);
        if terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut hits: Vec<(usize, &Entry)> = self
            .entries
            .iter()
            .filter_map(|entry| {
                let mut exact = 0;
                for term in &terms {
                    let mut found = false;
                    for word in &entry.words {
                        if word.starts_with(term.as_str()) {
                            found = true;
                            if word.len() == term.len() {
                                exact += 1;
                                break;
                            }
                        }
                    }
                    if !found {
                        return None;
                    }
                }
                Some((exact, entry))
            })
            .collect();
        hits.sort_by(|(a_exact, a), (b_exact, b)| {
            b_exact.cmp(a_exact).then_with(|| a.sort_key.cmp(&b.sort_key)).then_with(|| a.id.cmp(&b.id))
        });
        hits.into_iter().take(limit).map(|(_, entry)| entry.id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEOPLE: &[(&str, &str, Option<&str>)] = &[
        ("1", "Łukasz Langa", Some("ambv")),
        ("2", "Batuhan Taşkaya", Some("isidentical")),
        ("3", "Éric Araujo", Some("merwok")),
        ("4", "Dong-hee Na", Some("corona10")),
        ("5", "Erlend Egeberg Aasland", None),
        ("6", "Ana María Núñez", None),
        ("7", "Søren Kierkegaard", None),
        ("8", "Eric Snow", Some("ericsnowcurrently")),
        ("9", "Zoë O'Brien", None),
        ("10", "Jürgen Groß", None),
        ("11", "Đặng Thị Thu", None),
    ];

    fn index() -> SearchIndex {
        let ids: Vec<AttendeeId> = PEOPLE.iter().map(|(id, _, _)| AttendeeId::from(*id)).collect();
        SearchIndex::build(PEOPLE.iter().zip(&ids).map(|((_, name, handle), id)| Searchable {
            id,
            name,
            handle: *handle,
        }))
    }

    #[test]
    fn search_cases() {
        let cases: &[(&str, &[&str])] = &[
            ("lukasz", &["1"]),
            ("LUKASZ", &["1"]),
            ("łuk", &["1"]),
            ("taskaya", &["2"]),
            ("eric araujo", &["3"]),
            ("araujo eric", &["3"]),
            ("eric", &["3", "8"]),
            ("dong", &["4"]),
            ("donghee", &["4"]),
            ("hee", &["4"]),
            ("ambv", &["1"]),
            ("corona", &["4"]),
            ("nunez", &["6"]),
            ("maria", &["6"]),
            ("soren", &["7"]),
            ("zoe obrien", &["9"]),
            ("brien", &["9"]),
            ("gross", &["10"]),
            ("jurgen", &["10"]),
            ("dang thu", &["11"]),
            ("e", &["3", "8", "5"]),
            ("eric xyz", &[]),
            ("ukasz", &[]),
            ("", &[]),
            ("   ", &[]),
            ("-- ..", &[]),
        ];
        let index = index();
        for (query, expected) in cases {
            let got: Vec<String> = index.search(query, 10).into_iter().map(|id| id.0).collect();
            assert_eq!(got, *expected, "query {query:?}");
        }
    }

    #[test]
    fn whole_word_matches_rank_first_and_the_limit_holds() {
        let index = index();
        assert_eq!(index.search("eric", 1), vec![AttendeeId::from("3")]);
        assert!(index.search("a", 0).is_empty());
    }

    /// Inputs for ui/src/lib/fold-vectors.json, the file the UI's `fold` (ui/src/lib/format.ts) is tested
    /// against so that a name found here is found on screen too. Add a case here, never in the file.
    const FOLD_VECTOR_INPUTS: &[&str] = &[
        "",
        "Łukasz Langa",
        "ŁUKASZ",
        "Batuhan Taşkaya",
        "Éric Araujo",
        "ÉRIC ARAUJO",
        "e\u{301}ric araujo",
        "Åström",
        "A\u{30a}stro\u{308}m",
        "Dong-hee Na",
        "Søren Kierkegaard",
        "Bjørn Ødegård",
        "Jürgen Groß",
        "GROẞ",
        "Müller-Lüdenscheidt",
        "Zoë O'Brien",
        "Zoë O’Brien",
        "François Hébert",
        "Noël Lefèvre",
        "Ana María Núñez",
        "João Gonçalves da Conceição",
        "Đặng Thị Thu",
        "NGUYỄN ĐỨC",
        "Trần Hưng Đạo",
        "Đorđe Balašević",
        "Ġużeppi Ħabib",
        "ħ",
        "ĦAMRUN",
        "Þórður Guðmundsson",
        "ÞÓRÐUR ÐÓRA",
        "Ægir Æbeltoft",
        "Œdipe et cœur",
        "İstanbul",
        "i\u{307}stanbul",
        "Işık Irmak",
        "IŞIK ığdır",
        "Çağrı Öztürk",
        "Zażółć gęślą jaźń",
        "Łódź",
        "Antonín Dvořák",
        "Erdős Pál",
        "Ștefan Țiriac",
        "Şerban Ţuţea",
        "Jānis Bērziņš",
        "Ĉu ŝi ĝuas?",
        "Ŀlorenç Col·lell",
        "Ŋuvttoš",
        "Οδυσσέας Ελύτης",
        "ΟΔΥΣΣΕΑΣ ΕΛΥΤΗΣ",
        "Σ ς σ",
        "Пётр Чайковский",
        "ЁЛКИН",
        "山田太郎",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "김민준",
        "مُحَمَّد",
        "שָׁלוֹם",
        "हिन्दी",
        "ნინო",
        "ＡＢＣ　ｄｅｆ１２",
        "ﬁnance ﬂow ﬀ ﬃ ﬅ",
        "Ĳsselmeer",
        "ǄEMAL Ǉubljana",
        "ŉ",
        "ſtraße",
        "K Ω Å ℌ",
        "x² ①② Ⓐⓑ ™ ½ …",
        "Z\u{324}\u{354}\u{367}\u{311}a\u{310}l\u{31b}go",
        "\u{301}",
        "  leading and trailing  ",
        "tab\there",
        "line\nbreak",
        "no\u{a0}break",
        "thin\u{2009}space",
        "ideographic\u{3000}space",
        "zero\u{200b}width",
        "soft\u{ad}hyphen",
        "Anne\u{2011}Marie",
        "Jean-Luc Picard",
        "dr. who? #42 — «Élodie»",
        "mAcDoNaLd",
        "ÀÉÎÕÜ àéîõü",
        "Table 12",
        "٣ ٤",
        "🎉 Party 👍🏽",
        "ambv",
        "corona10",
    ];

    /// Writes the JSON the UI's tests read when `SPRINTDESK_BLESS=1`; otherwise fails if it is stale.
    #[test]
    fn the_ui_fold_vectors_are_current() {
        #[derive(serde::Serialize)]
        struct Vectors<'a> {
            generated_by: &'a str,
            cases: Vec<Case<'a>>,
        }
        #[derive(serde::Serialize)]
        struct Case<'a> {
            input: &'a str,
            folded: String,
        }

        let mut seen = std::collections::HashSet::new();
        for input in FOLD_VECTOR_INPUTS {
            assert!(seen.insert(input), "{input:?} is listed twice");
        }
        let vectors = Vectors {
            generated_by: "fold in crates/sprintdesk-domain/src/search.rs; do not edit: add cases there and run \
                           SPRINTDESK_BLESS=1 cargo test -p sprintdesk-domain",
            cases: FOLD_VECTOR_INPUTS.iter().map(|input| Case { input, folded: fold(input) }).collect(),
        };
        let want = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
        let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/fold-vectors.json"));
        let have = std::fs::read_to_string(path).unwrap_or_default();
        if have == want {
            return;
        }
        if std::env::var_os("SPRINTDESK_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(path, want).unwrap();
            return;
        }
        panic!(
            "ui/src/lib/fold-vectors.json is stale: it does not hold what `fold` makes of FOLD_VECTOR_INPUTS. \
             Run `SPRINTDESK_BLESS=1 cargo test -p sprintdesk-domain` and commit the file."
        );
    }

    #[test]
    fn folding() {
        for (text, folded) in [
            ("Łukasz", "lukasz"),
            ("Taşkaya", "taskaya"),
            ("Groß", "gross"),
            ("GROẞ", "gross"),
            ("ÆØ", "aeo"),
            ("ΣΟΦΟΣ", "σοφοσ"),
            ("Σοφός", "σοφοσ"),
        ] {
            assert_eq!(fold(text), folded);
        }
    }
}
