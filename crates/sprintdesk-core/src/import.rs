//! Reading attendee and issue lists exported from other tools. Pure: text in, rows or row errors out;
//! nothing is written here. The format is recognised from the header, never from the file name.
//!
//! Attendees: the pretix check-in list CSV, the Eventbrite attendee CSV, or a plain CSV with `name`,
//! `email`, `handle`, `roles` columns. Issues: what `gh issue list --json number,title,labels,url,state`
//! prints, or a CSV with `title` and `url` columns.

use crate::RowError;
use serde_json::Value;
use sprintdesk_domain::{Attendee, IssueState, Role, is_beginner_label};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttendeeFormat {
    Pretix,
    Eventbrite,
    Plain,
}

impl AttendeeFormat {
    pub fn label(self) -> &'static str {
        match self {
            AttendeeFormat::Pretix => "pretix check-in list",
            AttendeeFormat::Eventbrite => "Eventbrite attendees",
            AttendeeFormat::Plain => "plain CSV",
        }
    }
}

/// One good row of an attendee file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedAttendee {
    pub line: u64,
    pub name: String,
    pub email: Option<String>,
    pub handle: Option<String>,
    /// Only the plain format carries roles; `None` keeps what a known person has.
    pub roles: Option<Vec<Role>>,
    pub first_timer: Option<bool>,
    /// The ticket secret (pretix), barcode (Eventbrite) or badge column (plain).
    pub badge_code: Option<String>,
    /// The order the ticket was bought in (pretix, Eventbrite): one order may hold a family's tickets, or a
    /// person's ticket and an add-on.
    pub order: Option<String>,
}

/// A header, folded so "E-mail", "e-mail " and "EMAIL" compare equal where they should.
fn key(header: &str) -> String {
    header.trim_start_matches('\u{feff}').trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Columns(HashMap<String, usize>, Vec<String>);

impl Columns {
    fn new(headers: &csv::StringRecord) -> Self {
        let keys: Vec<String> = headers.iter().map(key).collect();
        Columns(keys.iter().enumerate().map(|(i, k)| (k.clone(), i)).collect(), keys)
    }

    fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| self.0.get(*name).copied())
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, names: &[&str]) -> Option<&'r str> {
        self.find(names).and_then(|i| record.get(i)).map(str::trim).filter(|v| !v.is_empty())
    }
}

/// A GitHub or GitLab handle from a ticket question ("GitHub username"): pretix and Eventbrite export each
/// question as a column named by its text. The column is one naming GitHub or GitLab and a username, handle
/// or login ("What is your GitHub username?"), else one naming GitHub or GitLab that is not a question and
/// not about a project; never a yes-or-no question ("Do you have a GitHub account?" once gave everyone the
/// handle "Yes", and "GitHub project you want to sprint on" the handle "Django"). An answer is what people
/// typed: `@name`, a profile's address, `'@name` (pretix writes a quote before a cell starting with `@`, so
/// that a spreadsheet does not run it), or words; what does not read as a handle is left out rather than
/// refusing the row.
fn asked_handle(columns: &Columns, record: &csv::StringRecord) -> Option<String> {
    let forge = |k: &str| k.contains("github") || k.contains("gitlab");
    let names_one = |k: &str| ["user", "handle", "login", "account name", "profile"].iter().any(|w| k.contains(w));
    // "Do you have a GitHub account?", "Are you on GitLab?": answered yes or no.
    let yes_or_no = |k: &str| {
        let question = k.strip_prefix("question:").unwrap_or(k).trim_start();
        let asks = ["do ", "does ", "are ", "is ", "have ", "has ", "will ", "would ", "can ", "did "];
        asks.iter().any(|w| question.starts_with(w))
    };
    // "GitHub project you want to sprint on", "Which GitLab repository…": about a project, not the person.
    let names_a_project = |k: &str| ["project", "repo", "organi", "which"].iter().any(|w| k.contains(w));
    let asked = |k: &&String| forge(k) && !yes_or_no(k);
    let at =
        columns.1.iter().position(|k| asked(&k) && names_one(k)).or_else(|| {
            columns.1.iter().position(|k| asked(&k) && !k.trim_end().ends_with('?') && !names_a_project(k))
        })?;
    let answer = record.get(at)?.trim().trim_start_matches('\'');
    let answer = match answer.split_once("github.com/").or_else(|| answer.split_once("gitlab.com/")) {
        Some((_, path)) => path.split(['/', '?', '#']).next().unwrap_or_default(),
        None => answer,
    };
    let handle = answer.trim().trim_start_matches('@');
    // Words people type for "I have none", and the forge's own pages.
    const NOT_A_HANDLE: &[&str] = &[
        "yes", "no", "none", "n/a", "na", "nope", "keine", "nein", "ja", "non", "oui", "orgs", "sponsors", "settings",
        "login", "explore", "about",
    ];
    let reads = handle.len() <= 64
        && handle.chars().any(|c| c.is_ascii_alphanumeric())
        && handle.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !NOT_A_HANDLE.contains(&handle.to_ascii_lowercase().as_str());
    reads.then(|| handle.to_owned())
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().delimiter(reader_delimiter(text)).flexible(false).from_reader(text.as_bytes())
}

/// The file's separator, from its header: `;` where it has more of those than commas (Excel in much of
/// Europe), else `,`.
fn reader_delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' }
}

/// Where each line of a file starts, as an editor or a spreadsheet numbers them: `\r\n` (Excel, Eventbrite,
/// pretix), `\n` and a lone `\r` each end one line. (The CSV reader's own line count is off by one for
/// `\r\n` files and stays at 1 for `\r`-only ones, and its record positions point at the end of the record
/// before, blank lines not skipped: an organizer fixing "line 4" would edit the wrong row.)
struct Lines<'t>(Vec<u64>, &'t [u8]);

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0u64];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 1;
                    starts.push(i as u64 + 1);
                }
                b'\r' | b'\n' => starts.push(i as u64 + 1),
                _ => {}
            }
            i += 1;
        }
        Lines(starts, bytes)
    }

    /// The bytes of line `line` (from 1), its line break included; none past the end.
    fn bytes(&self, line: u64) -> &[u8] {
        let Some(&start) = self.0.get(line.saturating_sub(1) as usize) else { return &[] };
        let end = self.0.get(line as usize).copied().unwrap_or(self.1.len() as u64);
        &self.1[start as usize..end as usize]
    }

    /// Whether line `line` (from 1) holds nothing but spaces, or is past the end.
    fn blank(&self, line: u64) -> bool {
        self.bytes(line).iter().all(|b| b.is_ascii_whitespace())
    }

    /// The line (from 1) the byte at `offset` is on.
    fn at(&self, offset: u64) -> u64 {
        self.0.partition_point(|start| *start <= offset) as u64
    }

    /// The line a record starts on, from the position the CSV reader gives it (past the line breaks and blank
    /// lines before the record).
    fn of(&self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else { return 0 };
        let mut start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        while self.1.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        self.at(start as u64)
    }
}

/// The data rows of a CSV file, blank rows skipped, unreadable ones as row errors.
fn records<'r>(
    reader: &'r mut csv::Reader<&[u8]>,
    lines: &'r Lines<'r>,
) -> impl Iterator<Item = Result<csv::StringRecord, RowError>> + 'r {
    reader
        .records()
        .map(|record| record.map_err(|error| csv_error(lines.of(error.position()), &error)))
        .filter(|record| record.as_ref().map_or(true, |r| !r.iter().all(|field| field.trim().is_empty())))
}

fn empty_file() -> Vec<RowError> {
    vec![RowError { place: "line 1".into(), message: "the file is empty".into() }]
}

/// An attendee file read: its format, its good rows, and every bad row in words.
#[derive(Debug)]
pub struct AttendeeRows {
    pub format: AttendeeFormat,
    pub rows: Vec<ImportedAttendee>,
    pub bad: Vec<RowError>,
    /// The file is broken beyond its bad rows (a quote never closed): no row may be left out of it.
    pub broken: bool,
    /// Rows whose ticket the file says was cancelled, refunded or is not attending: not people to import.
    pub not_coming: Vec<ImportedAttendee>,
    /// Rows taken as the person of an earlier row (an add-on, a row repeated): (the row's line, the earlier
    /// row's line, the name).
    pub repeated: Vec<(u64, u64, String)>,
    /// The events the file's rows are for, as its ticketing tool names them (pretix's event slug,
    /// Eventbrite's event name), each once, in the order first seen; none when the file does not say.
    pub events: Vec<String>,
}

/// The columns naming a row's event: pretix writes its event slug (and name) in exports made for several
/// events, Eventbrite its event's name. A plain CSV's columns are the organizer's own: none is read.
fn event_columns(format: AttendeeFormat) -> &'static [&'static str] {
    match format {
        AttendeeFormat::Pretix => &["event slug", "event"],
        AttendeeFormat::Eventbrite => &["event name", "event"],
        AttendeeFormat::Plain => &[],
    }
}

/// Reads an attendee file. Either every row is good, or every bad row is reported.
pub fn parse_attendees(text: &str) -> Result<(AttendeeFormat, Vec<ImportedAttendee>), Vec<RowError>> {
    let read = read_attendees(text)?;
    if !read.bad.is_empty() {
        return Err(read.bad);
    }
    Ok((read.format, read.rows))
}

/// Reads an attendee file's good rows and words its bad ones. Only a file that cannot be read as people at
/// all (no header of a known kind, no rows, no good row) is an error.
pub fn read_attendees(text: &str) -> Result<AttendeeRows, Vec<RowError>> {
    if text.trim().is_empty() {
        return Err(empty_file());
    }
    if text.trim_start().starts_with(['{', '[']) {
        return Err(vec![RowError {
            place: "line 1".into(),
            message: "this is JSON (from pretix's or Eventbrite's API?), not a list of people: export pretix's \
                      check-in list or Eventbrite's attendee report as CSV, or a sheet with a \"name\" column"
                .into(),
        }]);
    }
    let mut reader = reader(text);
    let headers = reader.headers().map_err(|e| vec![csv_error(1, &e)])?.clone();
    let columns = Columns::new(&headers);
    let format = if columns.has("order code")
        && (columns.has("secret") || columns.1.iter().any(|k| k.starts_with("attendee name")))
    {
        AttendeeFormat::Pretix
    } else if columns.has("order #") && columns.has("first name") {
        AttendeeFormat::Eventbrite
    } else if columns.has("name") {
        AttendeeFormat::Plain
    } else {
        // pretix names its columns in the language of the organizer's backend.
        let german = columns.has("bestellnummer") || columns.1.iter().any(|k| k.starts_with("name des teilnehmers"));
        let hint = if german {
            " (this looks like a pretix export in German: switch your pretix account's language to English and \
             export again)"
        } else {
            ""
        };
        return Err(vec![RowError {
            place: "line 1".into(),
            message: format!(
                "the header ({}) is not a pretix check-in list, an Eventbrite attendee export, or a plain CSV with a \"name\" column{hint}",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        }]);
    };

    let mut rows: Vec<ImportedAttendee> = Vec::new();
    let mut errors = Vec::new();
    // Each ticket code's first line, and the codes found again (with the line of the second): two rows of
    // one ticket are both left out, not settled by which came first.
    let mut badges: HashMap<String, u64> = HashMap::new();
    let mut again: HashMap<String, u64> = HashMap::new();
    let lines = Lines::new(text);
    let mut not_coming_rows: Vec<ImportedAttendee> = Vec::new();
    let mut events: Vec<String> = Vec::new();
    // Where each record starts, and whether the reader could not read it: a record it could not read that
    // runs over several lines (a quote never closed, or closed rows later) has swallowed the rows after it.
    let mut starts: Vec<(u64, bool)> = Vec::new();
    for record in records(&mut reader, &lines) {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                starts.push((line_of(&error.place), true));
                errors.push(error);
                continue;
            }
        };
        let line = lines.of(record.position());
        starts.push((line, false));
        if let Some(event) = columns.get(&record, event_columns(format))
            && !events.iter().any(|seen: &String| seen.eq_ignore_ascii_case(event))
        {
            events.push(event.to_owned());
        }
        if not_coming(format, &columns, &record) {
            // Counted; and, read as a person, looked for on the list. One that does not read (no name) is
            // someone no one could have been told apart by.
            let unread = || ImportedAttendee {
                line,
                name: String::new(),
                email: None,
                handle: None,
                roles: None,
                first_timer: None,
                badge_code: None,
                order: None,
            };
            not_coming_rows.push(read_attendee(format, &columns, &record, line).unwrap_or_else(|_| unread()));
            continue;
        }
        match read_attendee(format, &columns, &record, line) {
            Ok(row) => {
                if let Some(badge) = &row.badge_code {
                    let key = badge.to_ascii_lowercase();
                    if let Some(&first) = badges.get(&key) {
                        again.entry(key).or_insert(line);
                        errors.push(RowError {
                            place: format!("line {line}"),
                            message: format!("the ticket code {badge} is also on line {first}: one ticket, one person"),
                        });
                        continue;
                    }
                    badges.insert(key, line);
                }
                rows.push(row);
            }
            Err(mut problems) => {
                // A ticketing export's position with no name is mostly an add-on (a lunch): say which product,
                // so that the organizer can tell without opening the file (a walk had to).
                if let Some(product) = columns.get(&record, &["product", "ticket type"]) {
                    for problem in problems.iter_mut().filter(|p| p.as_str() == "the name is empty") {
                        *problem = format!(
                            "the name is empty (its product is \u{201c}{product}\u{201d}: an add-on, or a ticket \
                             sold without a name?)"
                        );
                    }
                }
                errors.push(RowError { place: format!("line {line}"), message: problems.join("; ") });
            }
        }
    }
    rows.retain(|row| {
        let Some(badge) = &row.badge_code else { return true };
        let Some(second) = again.get(&badge.to_ascii_lowercase()) else { return true };
        errors.push(RowError {
            place: format!("line {}", row.line),
            message: format!("the ticket code {badge} is also on line {second}: one ticket, one person"),
        });
        false
    });
    // Leaving such a row out would leave the rows inside it out unsaid. So would taking a row that reads, but
    // only because a quote left open in its last column ran to the end of the file: a line inside a row that
    // holds a whole row's separators is a row of its own.
    let last_line = lines.0.len() as u64 + 1;
    let separator = if reader_delimiter(text) == b';' { b';' } else { b',' };
    // (A row whose cells were all cleared, `,,,` or `"";""`, as Excel and Google Sheets write one, holds
    // nothing: the reader skips it as blank, and it is no row swallowed.)
    let looks_like_a_row = |line: u64| {
        let bytes = lines.bytes(line);
        let holds_something = bytes.iter().any(|b| *b != separator && *b != b'"' && !b.is_ascii_whitespace());
        headers.len() > 1 && holds_something && bytes.iter().filter(|b| **b == separator).count() + 1 >= headers.len()
    };
    let swallowing = starts.iter().enumerate().find(|(i, (line, unreadable))| {
        let next = starts.get(i + 1).map_or(last_line, |(next, _)| *next);
        let inside = line + 1..next;
        (*unreadable && inside.clone().any(|between| !lines.blank(between)))
            || (!*unreadable && inside.clone().any(looks_like_a_row))
    });
    if let Some((_, (line, false))) = swallowing {
        rows.retain(|row| row.line != *line);
    }
    let broken = swallowing.is_some();
    if let Some((_, (line, _))) = swallowing {
        errors.push(RowError {
            place: "the file".into(),
            message: format!(
                "has a quote mark (\") opened on line {line} and not closed where the row ends, so the rows \
                 after it were read as part of it: fix it before leaving any row out"
            ),
        });
    }
    let (rows, repeated) = one_row_per_person(rows);
    errors.sort_by_key(|row| line_of(&row.place));
    if rows.is_empty() && errors.is_empty() && !not_coming_rows.is_empty() {
        return Ok(AttendeeRows { format, rows, bad: errors, broken, not_coming: not_coming_rows, repeated, events });
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(vec![RowError { place: "line 2".into(), message: "the file has a header but no people".into() }]);
    }
    if rows.is_empty() {
        return Err(errors);
    }
    Ok(AttendeeRows { format, rows, bad: errors, broken, not_coming: not_coming_rows, repeated, events })
}

/// The rows of one person taken as one, the first: a person's ticket and an add-on bought with it (pretix
/// lists the add-on under the ticket holder's name and e-mail), or a row repeated with the same name and
/// e-mail or handle. What a later row adds (an e-mail, a handle) is kept. Rows with different tickets stay
/// apart (two people of one name on a company's order each need their own ticket at the door, and a person's
/// day tickets each their own, which keeps a re-import in another order stable), as do rows whose e-mails
/// differ. Each row is looked up by key, not compared with every row before it. Also answers the rows taken
/// so, each with the line of the row it was taken as and its name: an organizer counting rows was one short.
fn one_row_per_person(rows: Vec<ImportedAttendee>) -> (Vec<ImportedAttendee>, Vec<(u64, u64, String)>) {
    let mut kept: Vec<ImportedAttendee> = Vec::with_capacity(rows.len());
    let mut repeated = Vec::new();
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    let fold = |value: &Option<String>| value.as_deref().map(str::to_lowercase);
    let keys = |row: &ImportedAttendee, name: &str| -> Vec<String> {
        let mut keys = Vec::with_capacity(3);
        keys.extend(fold(&row.order).map(|order| format!("o:{order}\0{name}")));
        keys.extend(fold(&row.email).map(|email| format!("e:{email}\0{name}")));
        keys.extend(fold(&row.handle).map(|handle| format!("h:{handle}\0{name}")));
        keys
    };
    let agree = |a: &Option<String>, b: &Option<String>| match (fold(a), fold(b)) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    for row in rows {
        let name = Attendee { name: row.name.clone(), ..Attendee::default() }.name_key();
        let row_keys = keys(&row, &name);
        let earlier = row_keys.iter().filter_map(|key| by_key.get(key)).flatten().copied().find(|&i| {
            let first = &kept[i];
            agree(&first.badge_code, &row.badge_code) && agree(&first.email, &row.email)
        });
        match earlier {
            Some(i) => {
                let first = &mut kept[i];
                repeated.push((row.line, first.line, row.name.clone()));
                first.email = first.email.take().or(row.email);
                first.handle = first.handle.take().or(row.handle);
                first.badge_code = first.badge_code.take().or(row.badge_code);
                for key in keys(first, &name) {
                    let indexes = by_key.entry(key).or_default();
                    if !indexes.contains(&i) {
                        indexes.push(i);
                    }
                }
            }
            None => {
                for key in row_keys {
                    by_key.entry(key).or_default().push(kept.len());
                }
                kept.push(row);
            }
        }
    }
    (kept, repeated)
}

/// The line number of a row's place (`line 12`), for sorting rows in the file's order.
pub(crate) fn line_of(place: &str) -> u64 {
    place.strip_prefix("line ").and_then(|n| n.parse().ok()).unwrap_or(u64::MAX)
}

fn csv_error(line: u64, error: &csv::Error) -> RowError {
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} columns where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text (save the file as UTF-8)".into(),
        _ => format!("could not be read: {error}"),
    };
    RowError { place: format!("line {line}"), message }
}

/// One row as a person, or every problem with it, in the order of its columns' meaning (roles and first
/// timer, then name, email, handle), so that one round of fixing the file mends the whole row.
fn read_attendee(
    format: AttendeeFormat,
    columns: &Columns,
    record: &csv::StringRecord,
    line: u64,
) -> Result<ImportedAttendee, Vec<String>> {
    let mut problems = Vec::new();
    let get = |names: &[&str]| columns.get(record, names).map(str::to_owned);
    let (name, email, handle, roles, first_timer, badge_code) = match format {
        AttendeeFormat::Pretix => {
            let name = get(&["attendee name", "name"]).or_else(|| {
                // Events that ask for name parts export one column per part.
                let parts: Vec<&str> = columns
                    .1
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| k.starts_with("attendee name:"))
                    .filter_map(|(i, _)| record.get(i).map(str::trim).filter(|v| !v.is_empty()))
                    .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            });
            // pretix's order export has the buyer's "Email" and the ticket's "Attendee email" and "Ticket
            // secret"; the check-in list one "E-mail" (the attendee's, else the buyer's) and "Secret".
            let email = get(&["attendee email", "attendee e-mail"]).or_else(|| get(&["e-mail", "email"]));
            (name, email, asked_handle(columns, record), None, None, get(&["secret", "ticket secret"]))
        }
        AttendeeFormat::Eventbrite => {
            let name = [get(&["first name"]), get(&["last name"])].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let badge = get(&["barcode #", "barcode", "ticket #", "attendee #"]);
            (Some(name), get(&["email", "e-mail"]), asked_handle(columns, record), None, None, badge)
        }
        AttendeeFormat::Plain => {
            let roles = get(&["roles", "role"]).map(|text| {
                let mut roles = Vec::new();
                for r in text.split([';', '|', ',']).map(str::trim).filter(|r| !r.is_empty()) {
                    match Role::parse(r) {
                        Some(role) => roles.push(role),
                        None => problems
                            .push(format!("\"{r}\" is not a role (use sprinter, table lead, mentor or organizer)")),
                    }
                }
                roles
            });
            let first_timer = get(&["first_timer", "first timer", "first-timer", "first time"]).and_then(|text| {
                let parsed = parse_yes_no(&text);
                if parsed.is_none() {
                    problems.push(format!("first timer \"{text}\" should be yes or no"));
                }
                parsed
            });
            // A sign-up form's own words too ("Email Address", "GitHub username" in a Google Forms sheet).
            let handle =
                get(&["handle", "github", "gitlab", "github handle"]).or_else(|| asked_handle(columns, record));
            (
                get(&["name"]),
                get(&["email", "e-mail", "email address", "e-mail address"]),
                handle,
                roles,
                first_timer,
                get(&["badge", "badge code", "badge_code", "ticket"]),
            )
        }
    };
    // Excel shows a long ticket number as 1.84417E+12, and a file saved from it keeps it so: every such
    // ticket then looks alike ("the ticket code 1.84417E+12 is also on line 4").
    if let Some(code) = badge_code.as_deref().filter(|code| rounded_by_a_spreadsheet(code)) {
        problems.push(format!(
            "the ticket code {code} was rounded by a spreadsheet (Excel shows long numbers so, and saves them so): \
             import the export as it was downloaded, not saved again from Excel"
        ));
    }
    // The domain's own validation words the problems; we only add the line.
    let name = name.unwrap_or_default();
    if name.contains(['\n', '\r']) {
        problems.push("the name runs over several lines: is a quote mark (\") left open on this line?".to_owned());
    }
    let checked = Attendee { name, email, handle, badge_code, ..Attendee::default() }.normalized_or_problems();
    let checked = match checked {
        Ok(checked) if problems.is_empty() => checked,
        Ok(_) => return Err(problems),
        Err(more) => {
            problems.extend(more.into_iter().map(|problem| problem.message));
            return Err(problems);
        }
    };
    let order = order_of(format, columns, record);
    Ok(ImportedAttendee {
        line,
        name: checked.name,
        email: checked.email,
        handle: checked.handle,
        roles,
        first_timer,
        badge_code: checked.badge_code,
        order,
    })
}

/// Whether a ticket code reads as a number a spreadsheet wrote in scientific notation, as Excel writes it
/// (`1.84417E+12`, `1,84417E+12`): a code such as `12E45` may be a real one.
fn rounded_by_a_spreadsheet(code: &str) -> bool {
    let Some((mantissa, exponent)) = code.split_once(['e', 'E']) else { return false };
    let digits = |text: &str| !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
    let Some((whole, fraction)) = mantissa.split_once(['.', ',']) else { return false };
    whole.len() == 1 && digits(whole) && digits(fraction) && exponent.strip_prefix('+').is_some_and(digits)
}

/// The order a row's ticket was bought in (pretix, Eventbrite).
fn order_of(format: AttendeeFormat, columns: &Columns, record: &csv::StringRecord) -> Option<String> {
    match format {
        AttendeeFormat::Pretix => columns.get(record, &["order code"]).map(str::to_owned),
        AttendeeFormat::Eventbrite => columns.get(record, &["order #"]).map(str::to_owned),
        AttendeeFormat::Plain => None,
    }
}

/// Whether the file says the row's ticket is not coming: pretix's order export lists cancelled and expired
/// orders unless told not to ("Status"), and Eventbrite keeps a refunded or cancelled attendee as "Not
/// Attending" ("Attendee Status").
fn not_coming(format: AttendeeFormat, columns: &Columns, record: &csv::StringRecord) -> bool {
    let status = match format {
        AttendeeFormat::Pretix => columns.get(record, &["status", "order status"]),
        AttendeeFormat::Eventbrite => columns.get(record, &["attendee status"]),
        AttendeeFormat::Plain => None,
    };
    let Some(status) = status.map(str::to_lowercase) else { return false };
    ["cancel", "expired", "refund", "not attending", "deleted", "void", "transferred", "storn", "annul"]
        .iter()
        .any(|word| status.contains(word))
}

fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueFormat {
    GhJson,
    /// GitHub's REST API (`gh api repos/OWNER/REPO/issues`): `html_url`.
    GitHubApiJson,
    /// GitLab's (`glab issue list -O json`, the API): `iid` and `web_url`.
    GitLabJson,
    Csv,
}

impl IssueFormat {
    pub fn label(self) -> &'static str {
        match self {
            IssueFormat::GhJson => "gh issue list JSON",
            IssueFormat::GitHubApiJson => "GitHub API issue JSON",
            IssueFormat::GitLabJson => "GitLab issue JSON",
            IssueFormat::Csv => "issue CSV",
        }
    }
}

/// One good issue of an issue file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedIssue {
    /// `item 3` or `line 3`, for messages about this issue.
    pub place: String,
    pub url: String,
    pub number: Option<u32>,
    pub title: String,
    pub labels: Vec<String>,
    pub beginner_friendly: bool,
    pub state: IssueState,
    /// A `project` column (CSV), matched against project names.
    pub project: Option<String>,
}

impl ImportedIssue {
    /// `https://github.com/python/cpython`, from an issue URL on GitHub or GitLab.
    pub fn repository(&self) -> String {
        crate::pulls::repository_of(&self.url).unwrap_or_else(|| self.url.trim_end_matches('/').to_lowercase())
    }
}

pub fn parse_issues(text: &str) -> Result<(IssueFormat, Vec<ImportedIssue>), Vec<RowError>> {
    if text.trim().is_empty() {
        return Err(empty_file());
    }
    if text.trim_start().starts_with('[') {
        // Named as what it came from: a GitLab file was announced as "gh issue list JSON".
        let format = if text.contains("\"iid\"") && text.contains("\"web_url\"") {
            IssueFormat::GitLabJson
        } else if text.contains("\"html_url\"") {
            IssueFormat::GitHubApiJson
        } else {
            IssueFormat::GhJson
        };
        parse_gh_json(text).map(|issues| (format, issues))
    } else {
        parse_issue_csv(text).map(|issues| (IssueFormat::Csv, issues))
    }
}

/// What is wrong with a JSON export that does not read, in words: a file cut short (a download stopped,
/// a copy not finished) says so, rather than serde's "EOF while parsing a string at line 55 column 24".
pub(crate) fn json_problem(e: &serde_json::Error) -> Vec<RowError> {
    let message = if e.is_eof() {
        "the file ends early: it was cut short (a download or copy that stopped), so download or export it again"
            .to_owned()
    } else {
        format!("is not valid JSON: {e}")
    };
    vec![RowError { place: format!("line {}", e.line()), message }]
}

/// The items of a JSON export: one array, or, as `gh api --paginate` writes them, one array per page one
/// after another. `None` when a page is not an array; the problem in words when the text is not JSON.
pub(crate) fn json_pages(text: &str) -> Option<Result<Vec<Value>, Vec<RowError>>> {
    let mut items: Vec<Value> = Vec::new();
    for page in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        match page {
            Ok(Value::Array(page)) => items.extend(page),
            Ok(_) => return None,
            Err(e) => return Some(Err(json_problem(&e))),
        }
    }
    Some(Ok(items))
}

/// Issues as `gh issue list --json` prints them, as GitHub's REST API (`gh api --paginate`) gives them (the
/// page's address in `html_url`; `url` is the API's), or as GitLab's API and `glab issue list -O json` do
/// (`web_url`, the project's number in `iid`). GitHub's REST list holds the pull requests too: they are
/// the pull request import's, and left out here.
fn parse_gh_json(text: &str) -> Result<Vec<ImportedIssue>, Vec<RowError>> {
    let not_a_list = || {
        vec![RowError {
            place: "line 1".into(),
            message: "this is not a list of issues: export them with `gh issue list --state all --json \
                      number,title,labels,url,state`, `gh api repos/OWNER/REPO/issues?state=all --paginate` or \
                      `glab issue list -O json`"
                .into(),
        }]
    };
    let items = json_pages(text).ok_or_else(not_a_list)??;
    let mut issues = Vec::new();
    let mut errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let place = format!("item {}", index + 1);
        if item.get("pull_request").is_some_and(|pr| !pr.is_null()) {
            continue;
        }
        let labels: Vec<String> = item
            .get("labels")
            .and_then(Value::as_array)
            .map(|labels| {
                labels
                    .iter()
                    .filter_map(|l| l.get("name").and_then(Value::as_str).or_else(|| l.as_str()))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let text = |key: &str| item.get(key).and_then(Value::as_str);
        let fields = (
            text("html_url").or_else(|| text("web_url")).or_else(|| text("url")),
            text("title"),
            item.get("number").or_else(|| item.get("iid")).and_then(Value::as_u64),
            item.get("state").and_then(Value::as_str).unwrap_or("OPEN"),
        );
        match build_issue(place.clone(), fields.0, fields.1, fields.2, fields.3, labels, None) {
            Ok(issue) => issues.push(issue),
            Err(message) => errors.push(RowError { place, message }),
        }
    }
    finish_issues(issues, errors)
}

fn parse_issue_csv(text: &str) -> Result<Vec<ImportedIssue>, Vec<RowError>> {
    let mut reader = reader(text);
    let headers = reader.headers().map_err(|e| vec![csv_error(1, &e)])?.clone();
    let columns = Columns::new(&headers);
    if !(columns.has("title") && columns.has("url")) {
        return Err(vec![RowError {
            place: "line 1".into(),
            message: "an issue CSV needs \"title\" and \"url\" columns (and may have number, labels, state, project)"
                .into(),
        }]);
    }
    let mut issues = Vec::new();
    let mut errors = Vec::new();
    let lines = Lines::new(text);
    for record in records(&mut reader, &lines) {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        let place = format!("line {}", lines.of(record.position()));
        let get = |name: &str| columns.get(&record, &[name]);
        let number = match get("number").map(|n| n.trim_start_matches('#').parse::<u64>()) {
            None => None,
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => {
                errors.push(RowError {
                    place,
                    message: format!("the number \"{}\" is not a number", get("number").unwrap_or_default()),
                });
                continue;
            }
        };
        let labels = get("labels").map_or_else(Vec::new, |text| {
            text.split([';', '|', ',']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
        });
        let project = get("project").map(str::to_owned);
        match build_issue(
            place.clone(),
            get("url"),
            get("title"),
            number,
            get("state").unwrap_or("open"),
            labels,
            project,
        ) {
            Ok(issue) => issues.push(issue),
            Err(message) => errors.push(RowError { place, message }),
        }
    }
    finish_issues(issues, errors)
}

fn build_issue(
    place: String,
    url: Option<&str>,
    title: Option<&str>,
    number: Option<u64>,
    state: &str,
    labels: Vec<String>,
    project: Option<String>,
) -> Result<ImportedIssue, String> {
    let url = url.map(str::trim).filter(|u| !u.is_empty()).ok_or("the issue has no url")?;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("\"{url}\" is not a web address"));
    }
    let title = title.map(str::trim).filter(|t| !t.is_empty()).ok_or("the issue has no title")?;
    let number = match number {
        Some(n) => Some(u32::try_from(n).map_err(|_| format!("the number {n} is too large"))?),
        None => url.rsplit('/').next().and_then(|tail| tail.parse().ok()),
    };
    let state =
        IssueState::parse(state).ok_or_else(|| format!("the state \"{state}\" is not open, closed or merged"))?;
    let beginner_friendly = labels.iter().any(|label| is_beginner_label(label));
    Ok(ImportedIssue {
        place,
        url: url.to_owned(),
        number,
        title: title.to_owned(),
        labels,
        beginner_friendly,
        state,
        project,
    })
}

fn finish_issues(issues: Vec<ImportedIssue>, mut errors: Vec<RowError>) -> Result<Vec<ImportedIssue>, Vec<RowError>> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for issue in &issues {
        if let Some(first) = seen.insert(issue.url.as_str(), issue.place.as_str()) {
            errors.push(RowError {
                place: issue.place.clone(),
                message: format!("the same issue as {first} ({})", issue.url),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if issues.is_empty() {
        return Err(vec![RowError { place: "line 1".into(), message: "the file lists no issues".into() }]);
    }
    Ok(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_from_the_header() {
        let cases = [
            (
                "Order code,Attendee name,Product,Secret,E-mail\nABC12,Ana,Ticket,s3cr3t,ana@example.org\n",
                Some(AttendeeFormat::Pretix),
            ),
            (
                "\u{feff}Order code;Attendee name: Given name;Attendee name: Family name;Secret\nX1;Łukasz;Langa;abc\n",
                Some(AttendeeFormat::Pretix),
            ),
            (
                "Order #,Order Date,First Name,Last Name,Email,Barcode #\n1,2026-01-01,Ana,Núñez,ana@example.org,777\n",
                Some(AttendeeFormat::Eventbrite),
            ),
            ("name,email,handle,roles\nAna,,ana,mentor\n", Some(AttendeeFormat::Plain)),
            ("who,where\nAna,here\n", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_attendees(text).ok().map(|(format, _)| format), expected, "{text}");
        }
    }

    /// A ticket question asking for a GitHub username: what each answer gives.
    #[test]
    fn a_github_question_in_a_pretix_or_eventbrite_export_gives_the_handle() {
        let cases = [
            ("willingc", Some("willingc")),
            ("@willingc", Some("willingc")),
            ("'@willingc", Some("willingc")),
            ("https://github.com/willingc/", Some("willingc")),
            ("gitlab.com/ambv?tab=repositories", Some("ambv")),
            ("I don't have one", None),
            ("", None),
            ("none", None),
            ("No", None),
            ("-", None),
            ("https://github.com/orgs/python", None),
        ];
        // Asked as a question, in pretix's and Eventbrite's words.
        for header in ["What is your GitHub username?", "What's your GitHub username?", "GitLab handle (optional)?"] {
            let text = format!("Order code,Attendee name,Secret,{header}\nK1,Carol Willing,s1,willingc\n");
            let (_, rows) = parse_attendees(&text).unwrap();
            assert_eq!(rows[0].handle.as_deref(), Some("willingc"), "{header}");
        }
        // A question naming GitHub that is about a project, not the person: no handle at all.
        for header in ["GitHub project you want to sprint on", "Which GitHub repository?", "GitHub organisation"] {
            let text = format!("Order code,Attendee name,Secret,{header}\nK1,Ana Pereira,s1,Django\n");
            let (_, rows) = parse_attendees(&text).unwrap();
            assert_eq!(rows[0].handle, None, "{header}");
        }
        // A Google Forms sheet's columns.
        let form = "Timestamp,Email Address,Name,GitHub username\n2026/04/20 9:14:03 AM GMT+2,ines@example.pt,Inês Carvalho,inescarv\n";
        let (format, rows) = parse_attendees(form).unwrap();
        assert_eq!(format, AttendeeFormat::Plain);
        assert_eq!((rows[0].email.as_deref(), rows[0].handle.as_deref()), (Some("ines@example.pt"), Some("inescarv")));
        for (answer, handle) in cases {
            // A yes-or-no question about GitHub comes first in each: it is not the handle.
            let pretix = format!(
                "Order code,Attendee name,Secret,Question: Do you have a GitHub account?,Question: GitHub username\nK1,Carol Willing,s1,Yes,\"{answer}\"\n"
            );
            let eventbrite = format!(
                "Order #,First Name,Last Name,Email,Do you have a GitHub account?,Your GitHub handle\n1,Carol,Willing,c@example.org,Yes,\"{answer}\"\n"
            );
            for text in [pretix, eventbrite] {
                let (_, rows) = parse_attendees(&text).unwrap_or_else(|e| panic!("{answer:?}: {e:?}"));
                assert_eq!(rows[0].handle.as_deref(), handle, "{answer:?} in {text}");
            }
        }
    }

    /// The events a file is for, as pretix (its event slug, before its event name) and Eventbrite (its
    /// event's name) write them, each once whatever its case; a plain CSV's own "event" column is not read.
    #[test]
    fn the_events_a_file_is_for_are_read_from_its_ticketing_columns() {
        let cases: [(&str, &[&str]); 5] = [
            (
                "Event slug,Event,Order code,Attendee name,Secret\npycon,PyCon DE,K1,Ana,s1\nPyCon,PyCon DE,K2,Bo,s2\ndjango,DjangoCon,K3,Cy,s3\n",
                &["pycon", "django"],
            ),
            ("Event,Order code,Attendee name,Secret\nPyCon DE 2026,K1,Ana,s1\n", &["PyCon DE 2026"]),
            ("Order code,Attendee name,Secret\nK1,Ana,s1\n", &[]),
            (
                "Order #,First Name,Last Name,Email,Event Name\n1,Ana,Lima,a@example.org,PyLadies Sprint\n2,Bo,Li,b@example.org,\n",
                &["PyLadies Sprint"],
            ),
            ("name,email,event\nAna,a@example.org,pycon\n", &[]),
        ];
        for (text, events) in cases {
            assert_eq!(read_attendees(text).unwrap().events, events, "{text}");
        }
    }

    /// pretix's order export (its "Order positions" sheet, semicolons as Excel in Germany writes them, every
    /// order status ticked) and Eventbrite's attendee export: who is coming, and with which ticket.
    #[test]
    fn cancelled_tickets_are_not_people() {
        let pretix = "Event slug;Order code;Position ID;Status;Email;Product;Attendee name;Attendee email;Ticket secret\r\n\
            sprints;Q7RZT;1;Paid;jonas@example.de;Sprint-Ticket;Jonas Müller;jonas@example.de;t3k9wq\r\n\
            sprints;Q7RZT;2;Paid;jonas@example.de;Mittagessen (Add-on);;;r8bn4c\r\n\
            sprints;W2KLP;1;Paid;buero@firma.example;Sprint-Ticket;Anna Schmidt;anna.schmidt@firma.example;m5vd8h\r\n\
            sprints;W2KLP;2;Paid;buero@firma.example;Sprint-Ticket;Ben Weber;;x2pq7n\r\n\
            sprints;C4NCL;1;Canceled;gone@example.de;Sprint-Ticket;Clara Storniert;gone@example.de;c9tz3m\r\n\
            sprints;E5XPR;1;Expired;late@example.de;Sprint-Ticket;;;e1xp2r\r\n\
            sprints;P3NDG;1;Pending;pending@example.de;Sprint-Ticket;Paul Ausstehend;;p6rw2k\r\n";
        let read = read_attendees(pretix).unwrap();
        // Every row's event is one (the not-coming and bad rows' too): said once.
        assert_eq!(read.events, ["sprints"]);
        // A position with no name (here a lunch add-on; elsewhere a ticket an event did not ask names for) is
        // a row to fix or leave out, said: never dropped unsaid.
        let bad: Vec<&str> = read.bad.iter().map(|row| row.place.as_str()).collect();
        assert_eq!(bad, ["line 3"], "{:?}", read.bad);
        assert!(read.bad[0].message.contains("its product is \u{201c}Mittagessen (Add-on)\u{201d}"), "{:?}", read.bad);
        let people: Vec<(&str, Option<&str>, Option<&str>)> =
            read.rows.iter().map(|r| (r.name.as_str(), r.email.as_deref(), r.badge_code.as_deref())).collect();
        assert_eq!(
            people,
            [
                ("Jonas Müller", Some("jonas@example.de"), Some("t3k9wq")),
                ("Anna Schmidt", Some("anna.schmidt@firma.example"), Some("m5vd8h")),
                ("Ben Weber", Some("buero@firma.example"), Some("x2pq7n")),
                ("Paul Ausstehend", Some("pending@example.de"), Some("p6rw2k")),
            ]
        );
        let gone: Vec<&str> = read.not_coming.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(gone, ["Clara Storniert", ""]);
        // (status, coming)
        let cases = [
            ("Attending", true),
            ("Checked In", true),
            ("Not Attending", false),
            ("Deleted", false),
            ("Refunded", false),
            ("", true),
        ];
        for (status, coming) in cases {
            let text = format!(
                "Order #,First Name,Last Name,Email,Attendee #,Attendee Status\n1,Priya,Raghunathan,p@example.in,777,{status}\n"
            );
            let read = read_attendees(&text).unwrap();
            assert_eq!((read.rows.len(), read.not_coming.len()), if coming { (1, 0) } else { (0, 1) }, "{status:?}");
        }
    }

    #[test]
    fn a_file_saved_from_excel_or_an_api_says_what_to_do() {
        let excel = "Order #,First Name,Last Name,Email,Barcode #\n1,Ana,Lima,a@example.org,1.84417E+12\n2,Bo,Lee,b@example.org,1.84417E+12\n";
        let errors = parse_attendees(excel).unwrap_err();
        assert!(errors.iter().all(|e| e.message.contains("rounded by a spreadsheet")), "{errors:?}");
        for (code, rounded) in [
            ("1.84417E+12", true),
            ("1,84417E+12", true),
            ("2E5", false),
            ("12E45", false),
            ("EVENT-12", false),
            ("1.2.3e+4", false),
        ] {
            assert_eq!(rounded_by_a_spreadsheet(code), rounded, "{code}");
        }
        let api = r#"{"count": 1, "results": [{"code": "ABC12", "positions": []}]}"#;
        assert!(parse_attendees(api).unwrap_err()[0].message.contains("this is JSON"));
    }

    #[test]
    fn a_pretix_export_in_german_says_to_export_it_in_english() {
        let errors = parse_attendees("Bestellnummer,Name des Teilnehmers,Produkt\nK1,Ana,Ticket\n").unwrap_err();
        assert!(errors[0].message.contains("pretix export in German: switch"), "{:?}", errors[0]);
    }

    #[test]
    fn pretix_name_parts_are_joined_and_the_secret_is_the_badge() {
        let (_, rows) = parse_attendees(
            "Order code;Attendee name: Given name;Attendee name: Family name;Secret\nX1;Łukasz;Langa;abc\n",
        )
        .unwrap();
        assert_eq!((rows[0].name.as_str(), rows[0].badge_code.as_deref()), ("Łukasz Langa", Some("abc")));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = "name,email,handle,roles,first_timer,badge\n\
                    Ana,ana@example.org,ana,mentor,no,B1\n\
                    ,nobody@example.org,,,,\n\
                    Bo,not-an-email,,,,\n\
                    Cy,,c y,,,\n\
                    Di,,,wizard,,\n\
                    Ed,,,,maybe,\n\
                    Fay,,,,,B1\n\
                    Gus,too,many,columns,here,x,y\n\
                    ,not-an-email,c y,wizard;mentor;elf,maybe,\n\
                    Hal,hal@,,,,B2\n";
        let errors = parse_attendees(text).unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.place.as_str(), e.message.as_str())).collect();
        let expected_prefixes = [
            // Both rows of one ticket: which is right is the organizer's to say.
            ("line 2", "the ticket code B1 is also on line 8"),
            ("line 3", "the name is empty"),
            ("line 4", "\"not-an-email\" is not an email address"),
            ("line 5", "\"c y\" is not a GitHub/GitLab handle"),
            ("line 6", "\"wizard\" is not a role"),
            ("line 7", "first timer \"maybe\" should be yes or no"),
            ("line 8", "the ticket code B1 is also on line 2"),
            ("line 9", "has 7 columns where the header has 6"),
            // Every problem of a row, in one round: roles and first timer, then name, email, handle.
            (
                "line 10",
                "\"wizard\" is not a role (use sprinter, table lead, mentor or organizer); \
                 \"elf\" is not a role (use sprinter, table lead, mentor or organizer); \
                 first timer \"maybe\" should be yes or no; the name is empty; \
                 \"not-an-email\" is not an email address; \"c y\" is not a GitHub/GitLab handle",
            ),
            ("line 11", "\"hal@\" is not an email address"),
        ];
        assert_eq!(got.len(), expected_prefixes.len(), "{got:#?}");
        for ((place, message), (want_place, want)) in got.iter().zip(expected_prefixes) {
            assert_eq!(*place, want_place);
            assert!(message.starts_with(want), "{place}: {message}");
        }
    }

    /// A quote mark never closed swallows the rows after it into one bad row: the file is said to be broken,
    /// so that no one leaves "one row" out and loses the people inside it. A name read over several lines
    /// (a quote closed a few lines on) is a bad row, not a person named after the next rows.
    #[test]
    fn a_quote_left_open_is_named_and_no_row_can_be_left_out_of_it() {
        let open = "name,email\nAna,ana@example.org\nBo,\"bo@example.org\nCy,cy@example.org\nDi\",di@example.org\nEd,ed@example.org\n";
        let read = read_attendees(open).unwrap();
        assert!(read.broken, "{read:?}");
        assert!(
            read.bad.iter().any(|row| row.place == "the file" && row.message.contains("opened on line 3")),
            "{read:?}"
        );
        // A quote left open in the last column of a clean file: the rest of the file reads as one field of a
        // good row. The rows inside it are rows of their own: the file is broken, and that row is not taken.
        let last_column = "name,email,notes\nAna,ana@example.org,\"hi\nBo,bo@example.org,\nCy,cy@example.org,\n";
        let read = read_attendees(last_column);
        let bad = match read {
            Ok(read) => {
                assert!(read.broken && !read.rows.iter().any(|row| row.name == "Ana"), "{read:?}");
                read.bad
            }
            Err(bad) => bad,
        };
        assert!(bad.iter().any(|row| row.message.contains("opened on line 2")), "{bad:?}");
        // A comment over two lines (pretix keeps them) is not a row of its own.
        let comment = "name,email,notes\nAna,ana@example.org,\"arrives late\nleaves early\"\nBo,bo@example.org,\n";
        // Rows whose cells were cleared in a spreadsheet, inside the file and at its end, in either separator
        // and quoted or not: blank rows, skipped, not a quote left open.
        for cleared in [
            "name,email,notes\r\nAna,ana@example.org,\r\n,,\r\nBo,bo@example.org,\r\n,,\r\n,,\r\n",
            "name;email;notes\nAna;ana@example.org;\n\"\";\"\";\"\"\nBo;bo@example.org;\n;;\n",
        ] {
            let read = read_attendees(cleared).unwrap();
            assert!(!read.broken && read.bad.is_empty() && read.rows.len() == 2, "{cleared:?}: {read:?}");
        }
        let read = read_attendees(comment).unwrap();
        assert!(!read.broken && read.rows.len() == 2, "{read:?}");
        // A quote mark inside a field that is not in quotes is only a character: one bad row elsewhere is
        // left out alone.
        let stray = "name,email,notes\nAna \"Nana\" Lima,ana@example.org,\nBo,bo@example.org,needs a 27\" screen\nCy,not-an-email,\nDi,di@example.org,\n";
        let read = read_attendees(stray).unwrap();
        assert!(!read.broken, "{read:?}");
        assert_eq!((read.rows.len(), read.bad.len()), (3, 1), "{read:?}");
        let closed_late =
            "name,email\nAna,ana@example.org\n\"Bo,bo@example.org\nCy\",cy@example.org\nDi,di@example.org\n";
        // (A quote closed a line later: Cy's row was read into Bo's name. The row is bad, and the file broken.)
        let read = read_attendees(closed_late).unwrap();
        assert!(read.broken);
        let names: Vec<&str> = read.rows.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["Ana", "Di"]);
        assert!(read.bad[0].message.contains("runs over several lines"), "{:?}", read.bad);
    }

    #[test]
    fn line_numbers_are_the_editors_whatever_ends_the_lines() {
        // The same file as Excel (CRLF), Unix (LF) and old Mac (CR) write it, and with blank lines: the bad rows
        // are named on the lines an editor shows them on.
        let rows = ["name,badge", "Ana,B1", "", "Bo,B2", "Bo again,B1", "", "", ",B3", "Cy,B4"];
        for ending in ["\r\n", "\n", "\r"] {
            let text = rows.join(ending) + ending;
            let errors = parse_attendees(&text).unwrap_err();
            let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.place.as_str(), e.message.as_str())).collect();
            assert_eq!(
                got,
                vec![
                    ("line 2", "the ticket code B1 is also on line 5: one ticket, one person"),
                    ("line 5", "the ticket code B1 is also on line 2: one ticket, one person"),
                    ("line 8", "the name is empty"),
                ],
                "{ending:?}"
            );
        }
        let issues = ["title,url", "Good,https://example.org/i/1", "", "Bad,ftp://example.org/i/2"].join("\r\n");
        let errors = parse_issues(&issues).unwrap_err();
        assert_eq!(errors[0].place, "line 4", "{errors:?}");
    }

    #[test]
    fn gh_json_issues_and_beginner_labels() {
        let text = r#"[
          {"number": 101, "title": "Docs typo", "labels": [{"id": "x", "name": "good first issue"}], "url": "https://github.com/python/cpython/issues/101", "state": "OPEN"},
          {"number": 102, "title": "Hard bug", "labels": [], "url": "https://github.com/python/cpython/issues/102", "state": "CLOSED"}
        ]"#;
        let (format, issues) = parse_issues(text).unwrap();
        assert_eq!(format, IssueFormat::GhJson);
        assert!(issues[0].beginner_friendly && !issues[1].beginner_friendly);
        assert_eq!(issues[1].state, IssueState::Closed);
        assert_eq!(issues[0].repository(), "https://github.com/python/cpython");
    }

    /// The same two issues as GitHub's REST API gives them a page at a time (`gh api --paginate`, with a pull
    /// request in the list, as the issues endpoint has them), and as GitLab's API and `glab` give them.
    #[test]
    fn issues_from_githubs_rest_api_and_from_gitlab() {
        let github = r#"[
          {"url": "https://api.github.com/repos/python/cpython/issues/101", "html_url": "https://github.com/python/cpython/issues/101", "id": 3301, "number": 101, "title": "Docs typo", "labels": [{"id": 1, "name": "easy"}], "state": "open"},
          {"url": "https://api.github.com/repos/python/cpython/issues/141031", "html_url": "https://github.com/python/cpython/pull/141031", "id": 3302, "number": 141031, "title": "A pull request", "labels": [], "state": "open", "pull_request": {"url": "https://api.github.com/repos/python/cpython/pulls/141031"}}
        ]
        [
          {"url": "https://api.github.com/repos/python/cpython/issues/102", "html_url": "https://github.com/python/cpython/issues/102", "id": 3303, "number": 102, "title": "Hard bug", "labels": [], "state": "closed", "pull_request": null}
        ]"#;
        let gitlab = r#"[
          {"id": 90101, "iid": 101, "project_id": 7, "title": "Docs typo", "labels": ["easy"], "state": "opened", "web_url": "https://gitlab.com/pypy/pypy/-/issues/101"},
          {"id": 90102, "iid": 102, "project_id": 7, "title": "Hard bug", "labels": [], "state": "closed", "web_url": "https://gitlab.com/pypy/pypy/-/issues/102"}
        ]"#;
        for (text, repository, format) in [
            (github, "https://github.com/python/cpython", IssueFormat::GitHubApiJson),
            (gitlab, "https://gitlab.com/pypy/pypy", IssueFormat::GitLabJson),
        ] {
            let (read_as, issues) = parse_issues(text).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(read_as, format, "named as what it came from");
            let got: Vec<(Option<u32>, &str, IssueState)> =
                issues.iter().map(|i| (i.number, i.title.as_str(), i.state)).collect();
            let expected = [(Some(101), "Docs typo", IssueState::Open), (Some(102), "Hard bug", IssueState::Closed)];
            assert_eq!(got, expected, "{text}");
            assert!(issues.iter().all(|i| i.repository() == repository && !i.url.contains("api.")), "{issues:?}");
        }
        let errors = parse_issues(r#"[{"title": "x"}] {"message": "Not Found"}"#).unwrap_err();
        assert!(errors[0].message.contains("not a list of issues"), "{errors:?}");
    }

    #[test]
    fn bad_issues_are_named() {
        let text = r#"[{"number": 1, "title": "", "url": "https://x.org/a/b/issues/1"}, {"title": "t", "url": "ftp://x"}, {"title": "t", "url": "https://x.org/a/b/issues/3", "state": "WONTFIX"}]"#;
        let errors = parse_issues(text).unwrap_err();
        let got: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.place, e.message)).collect();
        assert_eq!(
            got,
            [
                "item 1: the issue has no title",
                "item 2: \"ftp://x\" is not a web address",
                "item 3: the state \"WONTFIX\" is not open, closed or merged",
            ]
        );
    }

    #[test]
    fn issue_csv_takes_numbers_from_urls_and_splits_labels() {
        let text = "title,url,labels\nFix it,https://gitlab.com/g/p/-/issues/42,\"easy; docs\"\n";
        let (format, issues) = parse_issues(text).unwrap();
        assert_eq!(format, IssueFormat::Csv);
        assert_eq!(issues[0].number, Some(42));
        assert_eq!(issues[0].labels, vec!["easy", "docs"]);
        assert!(issues[0].beginner_friendly);
        assert_eq!(issues[0].repository(), "https://gitlab.com/g/p");
    }
}
