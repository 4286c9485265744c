use crate::AttendeeId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A person at the sprint, as imported from the ticketing system or registered at the kiosk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Attendee {
    pub id: AttendeeId,
    pub name: String,
    /// A GitHub or GitLab handle, without the `@`.
    pub handle: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    pub first_timer: bool,
    pub planned_days: Vec<NaiveDate>,
    /// The ticket secret or printed QR value a scanner types at the kiosk.
    pub badge_code: Option<String>,
    /// The code-of-conduct version this person accepted, if any.
    pub coc_version: Option<u32>,
    pub photo_consent: Option<bool>,
    /// Set when this record was a duplicate of another person; events follow the survivor.
    pub merged_into: Option<AttendeeId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Sprinter,
    TableLead,
    Mentor,
    Organizer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Sprinter, Role::TableLead, Role::Mentor, Role::Organizer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sprinter => "sprinter",
            Role::TableLead => "table_lead",
            Role::Mentor => "mentor",
            Role::Organizer => "organizer",
        }
    }

    /// Reads a role the way people write it in a CSV: "table lead", "Table-Lead", "lead", "mentor", …
    pub fn parse(text: &str) -> Option<Role> {
        let key: String = text.trim().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
        match key.as_str() {
            "sprinter" | "attendee" | "contributor" => Some(Role::Sprinter),
            "tablelead" | "lead" | "projectlead" | "maintainer" => Some(Role::TableLead),
            "mentor" => Some(Role::Mentor),
            "organizer" | "organiser" | "staff" => Some(Role::Organizer),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// Input that breaks a rule of the domain, said in the user's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// The longest name a person may have: a line on a badge, a kiosk's result and a board's card.
pub const NAME_MAX: usize = 200;

impl Attendee {
    /// Trims the fields and checks them: a name, an email that looks like one, a handle without spaces.
    /// The first problem found, when there are several: [`Attendee::normalized_or_problems`] gives them all.
    pub fn normalized(self) -> Result<Self, ValidationError> {
        self.normalized_or_problems().map_err(|mut problems| problems.swap_remove(0))
    }

    /// [`Attendee::normalized`], with every problem found (at least one when `Err`), in the order of the
    /// fields: name, email, handle.
    pub fn normalized_or_problems(mut self) -> Result<Self, Vec<ValidationError>> {
        self.name = clean_name(&self.name);
        self.handle = clean(self.handle).map(|h| h.trim_start_matches('@').to_owned());
        self.email = clean(self.email);
        self.badge_code = clean(self.badge_code);
        let mut problems = Vec::new();
        if self.name.is_empty() {
            problems.push(ValidationError::new("name", "the name is empty"));
        } else if !self.name.chars().any(char::is_alphanumeric) {
            problems.push(ValidationError::new("name", "the name has no letters"));
        } else if self.name.chars().count() > NAME_MAX {
            problems.push(ValidationError::new("name", format!("the name is longer than {NAME_MAX} characters")));
        }
        if let Some(email) = &self.email
            && !is_email_address(email)
        {
            problems.push(ValidationError::new("email", format!("\"{email}\" is not an email address")));
        }
        if let Some(handle) = &self.handle
            && (handle.is_empty() || !handle.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            problems.push(ValidationError::new(
                "handle",
                format!("\"{handle}\" is not a GitHub/GitLab handle (letters, digits, - _ . only)"),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        self.roles.sort();
        self.roles.dedup();
        if self.roles.is_empty() {
            self.roles.push(Role::Sprinter);
        }
        self.planned_days.sort();
        self.planned_days.dedup();
        Ok(self)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Can guide a first-time contributor.
    pub fn can_mentor(&self) -> bool {
        self.has_role(Role::Mentor) || self.has_role(Role::TableLead)
    }

    /// The one "same person" rule, used by imports (to update a known person rather than add a second) and
    /// by the organizer's merge suggestions. The same ticket is the same person; so is the same email or
    /// handle, unless the two hold different tickets (then they are only likely the same, when their names
    /// are too); the same name with accents, case, spacing, apostrophes and hyphens folded away is only a likely match
    /// ([`SameBecause::is_certain`]).
    pub fn same_person_as(&self, other: &Attendee) -> Option<SameBecause> {
        self.same_person_by(other, true)
    }

    /// [`Attendee::same_person_as`] without the name: only the evidence an import acts on.
    pub fn certainly_same_person_as(&self, other: &Attendee) -> Option<SameBecause> {
        self.same_person_by(other, false)
    }

    fn same_person_by(&self, other: &Attendee, by_name: bool) -> Option<SameBecause> {
        let same = |a: &Option<String>, b: &Option<String>, key: fn(&str) -> String| match (a, b) {
            (Some(a), Some(b)) => key(a) == key(b),
            _ => false,
        };
        if let (Some(mine), Some(theirs)) = (&self.badge_code, &other.badge_code) {
            // One badge in any case: a code typed by hand is looked up so at the door.
            if mine.eq_ignore_ascii_case(theirs) {
                return Some(SameBecause::Badge);
            }
            // Two tickets are two people as far as an import can tell (one e-mail may buy for a family).
            // The same name with the same e-mail or handle on both is worth asking about all the same: a
            // ticket bought twice, or a person registered again.
            // So is one forge handle on two tickets under any names ("Robert" and "Bob"): a handle is one
            // person's account.
            let name = name_key(&self.name);
            let same_handle = same(&self.handle, &other.handle, handle_key);
            let again = by_name
                && (same_handle
                    || (!name.is_empty()
                        && name == name_key(&other.name)
                        && same(&self.email, &other.email, email_key)));
            return again.then_some(SameBecause::Name);
        }
        // An address or a handle is one person's only while the names agree ([`names_agree`]): an import
        // acting on it alone made a colleague whose company bought their ticket (pretix fills in the buyer's
        // e-mail) into the person who came before them, with their sign-in and consent.
        let names_agree = by_name || names_agree(&self.name, &other.name);
        if same(&self.email, &other.email, email_key) && names_agree {
            return Some(SameBecause::Email);
        }
        if same(&self.handle, &other.handle, handle_key) && names_agree {
            return Some(SameBecause::Handle);
        }
        if !by_name {
            return None;
        }
        let (mine, theirs) = (name_key(&self.name), name_key(&other.name));
        (!mine.is_empty() && mine == theirs).then_some(SameBecause::Name)
    }

    /// The forge handle as [`Attendee::same_person_as`] compares it: no `@`, no case.
    pub fn handle_key(&self) -> Option<String> {
        self.handle.as_deref().map(handle_key)
    }

    /// The name as [`Attendee::same_person_as`] compares it: accents, case, spacing, apostrophes and hyphens
    /// folded away.
    pub fn name_key(&self) -> String {
        name_key(&self.name)
    }

    /// Keys such that two people who share none are never the same under [`Attendee::same_person_as`]: for
    /// finding candidates among thousands without comparing every pair.
    pub fn same_person_keys(&self) -> Vec<String> {
        let mut keys = Vec::with_capacity(4);
        keys.extend(self.badge_code.as_ref().map(|b| format!("b:{}", b.to_ascii_lowercase())));
        keys.extend(self.email.as_deref().map(|e| format!("e:{}", email_key(e))));
        keys.extend(self.handle.as_deref().map(|h| format!("h:{}", handle_key(h))));
        keys.push(format!("n:{}", name_key(&self.name)));
        keys
    }
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn handle_key(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_lowercase()
}

/// A name as the "same person" rule compares names: accents, case and spacing folded away, and the marks
/// that join the parts of a name too (an apostrophe is left out, a hyphen is a space), as people type them
/// or not: "Siobhán O'Connor" on a ticket and "Siobhan OConnor" typed at the door were never suggested as
/// one person, though a search for either found both.
fn name_key(name: &str) -> String {
    let folded: String = crate::search::fold(name)
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}' | '\u{02BC}'))
        .map(|c| if matches!(c, '-' | '\u{2010}' | '\u{2011}') { ' ' } else { c })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether two names are one person's as an address or handle alone may say: the same name folded, or the
/// same first name ("Anna Schmidt" and "Anna Weber" after a marriage, "Tomás Ferreira" and "Tomas Ferreira
/// da Silva"), or an initial of it ("A. Lima" and "Ana Lima"). Not a shared surname or particle: a family's
/// address is on "Ben Weber" and "Anna Weber", a company's on "Lucas de Oliveira" and "Maria de Souza".
pub fn names_agree(a: &str, b: &str) -> bool {
    let (a, b) = (name_key(a), name_key(b));
    if a == b {
        return true;
    }
    let first =
        |name: &str| name.split(|c: char| !c.is_alphanumeric()).find(|word| !word.is_empty()).map(str::to_owned);
    let (Some(mine), Some(theirs)) = (first(&a), first(&b)) else { return false };
    let initial = |short: &str, long: &str| short.chars().count() == 1 && long.starts_with(short);
    (mine == theirs && mine.chars().count() >= 2) || initial(&mine, &theirs) || initial(&theirs, &mine)
}

/// Why two attendee records are (probably) one person, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SameBecause {
    /// The same ticket secret or badge code.
    Badge,
    Email,
    Handle,
    /// The same name, ignoring accents, case, spacing, apostrophes and hyphens: only likely.
    Name,
}

impl SameBecause {
    /// Evidence enough for an import to treat a row as the known person.
    pub fn is_certain(self) -> bool {
        self != SameBecause::Name
    }
}

/// Combining marks kept in a row on one letter: Vietnamese, decomposed, stacks two; a name with dozens
/// ("Zalgo" text) spills over every line above and below it on the kiosk and the badge.
const MARKS_IN_A_ROW: usize = 3;

/// Whether `text` holds an e-mail address among its words ("Anna anna.k@example.org", "<ak@ex.org>"): a door
/// keeps no e-mail addresses, and a walk-in's name is no place for one.
pub fn holds_an_email(text: &str) -> bool {
    // (A word at a sentence's end may carry its full stop.)
    text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | '"' | '\''))
        .any(|word| is_email_address(word.trim_end_matches('.')))
}

/// Whether `text` is an e-mail address as an attendee's record takes one: someone at a dotted host.
fn is_email_address(text: &str) -> bool {
    text.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && !text.contains(char::is_whitespace)
}

/// A name as typed, with what shows nothing or shows something else taken out: control characters (a NUL),
/// the marks that reverse the text around them (an override made "\u{202e}ariereP anA" read as "Ana Pereira"
/// while matching no one on the list), zero-width spaces and joiners' look-alikes, more than
/// [`MARKS_IN_A_ROW`] combining marks on a letter; spaces of any kind become one. The joiners some scripts
/// need inside words (U+200C, U+200D) stay.
pub fn clean_name(name: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}')
            || matches!(c, '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{00ad}')
    };
    let combining = |c: char| matches!(c, '\u{0300}'..='\u{036f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}');
    let mut kept = String::with_capacity(name.len());
    let mut marks = 0;
    // A tab or a line break (two spreadsheet cells pasted) is a space between words, not nothing.
    let spaced = name.chars().map(|c| if c.is_whitespace() { ' ' } else { c });
    for c in spaced.filter(|c| !hidden(*c)) {
        marks = if combining(c) { marks + 1 } else { 0 };
        if marks <= MARKS_IN_A_ROW {
            kept.push(c);
        }
    }
    // The joiners (U+200C, U+200D) stay only inside a word of a script that needs them: between two
    // characters that are not spaces nor both ASCII. Elsewhere they show nothing ("Ana\u{200d} Lima" looked
    // like Ana Lima, and was no duplicate of her).
    let chars: Vec<char> = kept.chars().collect();
    let joins = |at: usize| {
        let (before, after) = (at.checked_sub(1).and_then(|i| chars.get(i)), chars.get(at + 1));
        before
            .zip(after)
            .is_some_and(|(b, a)| !(b.is_whitespace() || a.is_whitespace() || b.is_ascii() && a.is_ascii()))
    };
    let kept: String = chars
        .iter()
        .enumerate()
        .filter(|(at, c)| !matches!(c, '\u{200c}' | '\u{200d}') || joins(*at))
        .map(|(_, c)| *c)
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a name typed at the door keeps, and what it is refused for.
    #[test]
    fn a_name_keeps_what_shows_and_loses_what_hides_or_disguises() {
        let zalgo = format!("Ana{}", "\u{0301}".repeat(40));
        let cases: [(&str, Result<&str, &str>); 16] = [
            ("  Ana   Pereira ", Ok("Ana Pereira")),
            ("Ana\tPereira\r\nLima", Ok("Ana Pereira Lima")),
            ("\u{202e}ariereP anA", Ok("ariereP anA")), // shown as it is stored, no longer disguised
            ("Ana\u{0}Pereira", Ok("AnaPereira")),
            ("Ana\u{200b} Pereira\u{2066}", Ok("Ana Pereira")),
            ("Nguyễn Thị Hồng", Ok("Nguyễn Thị Hồng")),
            ("Nguye\u{0302}\u{0303}n", Ok("Nguye\u{0302}\u{0303}n")), // two marks, decomposed: kept
            (zalgo.as_str(), Ok("Ana\u{0301}\u{0301}\u{0301}")),
            ("می\u{200c}خواهم", Ok("می\u{200c}خواهم")), // a joiner Persian needs stays
            ("\u{200b}\u{200b}\u{feff}", Err("the name is empty")),
            ("\u{200d}\u{200c}", Err("the name is empty")),
            ("Ana\u{200d} Lima", Ok("Ana Lima")),
            ("An\u{200c}a Lima", Ok("Ana Lima")), // between two Latin letters: nothing to join
            ("क्\u{200d}ष", Ok("क्\u{200d}ष")),     // Devanagari's joiner stays
            ("ᠮᠣᠩᠭᠣᠯ\u{180e}ᠠ", Ok("ᠮᠣᠩᠭᠣᠯ\u{180e}ᠠ")), // Mongolian's vowel separator stays
            ("--- ...", Err("the name has no letters")),
        ];
        for (typed, expected) in cases {
            let got = attendee(typed, None, None).normalized().map(|a| a.name).map_err(|e| e.message);
            assert_eq!(got.as_ref().map(String::as_str).map_err(String::as_str), expected, "{typed:?}");
        }
    }

    #[test]
    fn an_email_among_a_names_words_is_found() {
        for (text, holds) in [
            ("Anna Kowalska anna.kowalska@gmail.test", true),
            ("Anna <anna@example.org>", true),
            ("(ak@uni.edu.pl)", true),
            ("mail: ak@example.org.", true),
            ("Anna Kowalska", false),
            ("Anna @kowalska", false), // a handle, not an address
            ("Anna@Home", false),      // no domain
            ("Ana Lima-Silva", false),
            ("Ünal Öz", false),
            ("a@b", false),
            ("x@.org", false),
        ] {
            assert_eq!(holds_an_email(text), holds, "{text:?}");
        }
    }

    fn attendee(name: &str, email: Option<&str>, handle: Option<&str>) -> Attendee {
        Attendee {
            name: name.into(),
            email: email.map(Into::into),
            handle: handle.map(Into::into),
            ..Attendee::default()
        }
    }

    #[test]
    fn normalization_cases() {
        /// (name, email, handle) in; (name, handle) or an error message out.
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Result<(&'a str, Option<&'a str>), &'a str>);
        let cases: &[Case] = &[
            ("  Łukasz   Langa ", None, Some("@ambv"), Ok(("Łukasz Langa", Some("ambv")))),
            ("Ada", Some(" ada@example.org "), None, Ok(("Ada", None))),
            ("   ", None, None, Err("the name is empty")),
            ("Ada", Some("ada.example.org"), None, Err("is not an email address")),
            ("Ada", Some("ada@localhost"), None, Err("is not an email address")),
            ("Ada", None, Some("ada lovelace"), Err("is not a GitHub/GitLab handle")),
            ("Ada", None, Some("  "), Ok(("Ada", None))),
        ];
        for (name, email, handle, expected) in cases {
            let result = attendee(name, *email, *handle).normalized();
            match (result, expected) {
                (Ok(a), Ok((name, handle))) => {
                    assert_eq!(a.name, *name);
                    assert_eq!(a.handle.as_deref(), *handle);
                    assert_eq!(a.roles, vec![Role::Sprinter], "default role");
                }
                (Err(e), Err(message)) => assert!(e.message.contains(message), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn every_problem_is_named_in_the_order_of_the_fields_and_the_first_is_normalizeds() {
        let long = "x".repeat(201);
        /// (name, email, handle) in; the fields with a problem out.
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [&'a str]);
        let cases: &[Case] = &[
            ("Ada", Some("ada@example.org"), Some("ada"), &[]),
            ("", Some("nope"), Some("a b"), &["name", "email", "handle"]),
            (&long, Some("nope"), None, &["name", "email"]),
            ("Ada", Some("nope"), Some("a b"), &["email", "handle"]),
            ("  ", None, Some("a b"), &["name", "handle"]),
            ("Ada", None, Some("a b"), &["handle"]),
        ];
        for (name, email, handle, fields) in cases {
            let all = attendee(name, *email, *handle).normalized_or_problems();
            let first = attendee(name, *email, *handle).normalized();
            match all {
                Ok(_) => assert!(fields.is_empty() && first.is_ok(), "{name:?}: {fields:?}"),
                Err(problems) => {
                    let got: Vec<&str> = problems.iter().map(|p| p.field).collect();
                    assert_eq!(&got, fields, "{name:?} {email:?} {handle:?}");
                    assert_eq!(first.err().as_ref(), problems.first(), "normalized says the first");
                }
            }
        }
    }

    #[test]
    fn names_that_agree() {
        // (a, b, one person's as an address alone may say)
        let cases = [
            ("Anna Schmidt", "Anna Weber", true),
            ("Tomás Ferreira", "Tomas Ferreira da Silva", true),
            ("A. Lima", "Ana Lima", true),
            ("李 明", "李 明", true),
            ("J. K.", "j k", true),
            ("Ben Weber", "Anna Weber", false),
            ("Lucas de Oliveira", "Maria de Souza", false),
            ("Anna Schmidt", "Ben Weber", false),
            ("Jonh Smith", "John Smith", false),
            ("A. Lee", "B. Lee", false),
            ("Siobhán O'Connor", "Siobhan OConnor", true),
            ("Siobhán O’Connor", "siobhan o'connor", true),
            ("Jean-Luc Picard", "Jean Luc Picard", true),
        ];
        for (a, b, agree) in cases {
            assert_eq!(names_agree(a, b), agree, "{a} / {b}");
            assert_eq!(names_agree(b, a), agree, "{b} / {a}");
        }
    }

    #[test]
    fn same_person_cases() {
        let person = |name: &str, email: Option<&str>, handle: Option<&str>, badge: Option<&str>| Attendee {
            badge_code: badge.map(Into::into),
            ..attendee(name, email, handle)
        };
        let ana = person("Ana Lima", Some("ana@example.org"), Some("analima"), Some("T1"));
        let cases: &[(Attendee, Option<SameBecause>)] = &[
            (person("Someone Else", None, None, Some("T1")), Some(SameBecause::Badge)),
            (person("Typed By Hand", None, None, Some("t1")), Some(SameBecause::Badge)),
            // Two tickets: only likely the same, when the name and the e-mail (or handle) are.
            (person("Ana Lima", Some("ana@example.org"), None, Some("T2")), Some(SameBecause::Name)),
            (person("ANA LIMA", None, Some("analima"), Some("T2")), Some(SameBecause::Name)),
            (person("Bo Lima", Some("ana@example.org"), None, Some("T2")), None),
            (person("Bo Lima", None, Some("@AnaLima"), Some("T2")), Some(SameBecause::Name)),
            (person("Ana Lima", Some("other@example.org"), None, Some("T2")), None),
            (person("A. Lima", Some(" ANA@example.org "), None, None), Some(SameBecause::Email)),
            (person("A. Lima", None, Some("@AnaLima"), None), Some(SameBecause::Handle)),
            (person("ána  LIMA", None, None, None), Some(SameBecause::Name)),
            (person("Ana-Lima", None, None, None), Some(SameBecause::Name)),
            (person("An'a Lima", None, None, None), Some(SameBecause::Name)),
            (person("Ana Li-ma", None, None, None), None),
            (person("Ana Lim", Some("other@example.org"), Some("other"), None), None),
        ];
        for (other, expected) in cases {
            assert_eq!(ana.same_person_as(other), *expected, "{other:?}");
            assert_eq!(other.same_person_as(&ana), *expected, "symmetric: {other:?}");
        }
        assert!(SameBecause::Email.is_certain() && !SameBecause::Name.is_certain());
        // The same address under another first name (a company's or a parent's address on a colleague's or a
        // child's ticket, a shared surname or particle too): worth asking about, never acted on alone.
        for other in [
            person("Ben Weber", Some("ana@example.org"), None, None),
            person("B. Costa", None, Some("analima"), None),
            person("Maria Lima", Some("ana@example.org"), None, None),
            person("Lucas de Lima", Some("ana@example.org"), None, None),
        ] {
            assert!(ana.same_person_as(&other).is_some_and(|because| because.is_certain()), "{other:?}");
            assert_eq!(ana.certainly_same_person_as(&other), None, "{other:?}");
            assert_eq!(other.certainly_same_person_as(&ana), None, "symmetric: {other:?}");
        }
        for (other, expected) in cases {
            let certain = expected.filter(|because| because.is_certain());
            assert_eq!(ana.certainly_same_person_as(other), certain, "certain only: {other:?}");
            if expected.is_some() {
                let keys = ana.same_person_keys();
                assert!(other.same_person_keys().iter().any(|k| keys.contains(k)), "shares a key: {other:?}");
            }
        }
        let nameless = person("", None, None, None);
        assert_eq!(nameless.same_person_as(&nameless.clone()), None, "an empty name matches nobody");
    }

    #[test]
    fn roles_are_read_the_way_people_write_them() {
        for (text, role) in [
            ("Table Lead", Some(Role::TableLead)),
            ("table-lead", Some(Role::TableLead)),
            ("MENTOR", Some(Role::Mentor)),
            ("organiser", Some(Role::Organizer)),
            ("sprinter", Some(Role::Sprinter)),
            ("wizard", None),
        ] {
            assert_eq!(Role::parse(text), role, "{text}");
        }
    }
}
