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
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ł' | 'Ł' => out.push('l'),
            'ß' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ı' => out.push('i'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'þ' | 'Þ' => out.push_str("th"),
            'ħ' | 'Ħ' => out.push('h'),
            _ => out.extend(c.to_lowercase()),
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
        let entries = people
            .into_iter()
            .map(|person| {
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
            })
            .collect();
        Self { entries }
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

    #[test]
    fn folding() {
        for (text, folded) in [("Łukasz", "lukasz"), ("Taşkaya", "taskaya"), ("Groß", "gross"), ("ÆØ", "aeo")] {
            assert_eq!(fold(text), folded);
        }
    }
}
