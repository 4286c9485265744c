//! The `sprintdesk` binary, run as a separate process on a temporary database, with the time fixed by
//! `SPRINTDESK_NOW` so that "today" is a sprint day.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The `sprintdesk` binary, built fresh once per test run: `cargo test` only rebuilds a package's
/// binaries for that package's own tests, and a stale binary would test old code.
pub fn binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("SPRINTDESK_BIN") {
                return path.into();
            }
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--quiet", "-p", "sprintdesk-server"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building sprintdesk failed");
            let exe = std::env::current_exe().expect("the test knows where it is");
            let dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>");
            dir.join(format!("sprintdesk{}", std::env::consts::EXE_SUFFIX))
        })
        .clone()
}

pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name).display().to_string()
}

/// A user at a terminal with their own database and device.
pub struct User {
    pub(crate) dir: tempfile::TempDir,
    now: String,
}

impl User {
    pub fn new(now: &str) -> Self {
        Self { dir: tempfile::tempdir().unwrap(), now: now.into() }
    }

    pub fn at(&mut self, now: &str) -> &mut Self {
        self.now = now.into();
        self
    }

    /// `sprintdesk ARGS` on this user's database, at this user's time.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary());
        command
            .args(args)
            .env("SPRINTDESK_DB", self.dir.path().join("sprint.db"))
            .env("SPRINTDESK_STATE_DIR", self.dir.path().join("state"))
            .env("SPRINTDESK_NOW", &self.now)
            .env("SPRINTDESK_LOG", "warn");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("sprintdesk runs")
    }

    /// Runs a command that must succeed; returns what it printed.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "sprintdesk {args:?} failed ({}):\n{stderr}\n{stdout}", out.status);
        stdout
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).expect("--json prints JSON")
    }

    /// Runs a command that must fail; returns its exit code and what it said on stderr.
    pub fn fails(&self, args: &[&str]) -> (i32, String) {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "sprintdesk {args:?} should have failed but printed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    }

    pub fn attendee_id(&self, query: &str) -> String {
        let found = self.json(&["attendees", "search", query]);
        found[0]["id"].as_str().unwrap_or_else(|| panic!("nobody found for {query}")).to_owned()
    }
}

/// 10:30 in Long Beach on the first sprint day.
pub const DAY_ONE_MORNING: &str = "2026-05-18T10:30:00-07:00";

pub fn sprint_with_people() -> User {
    let user = User::new(DAY_ONE_MORNING);
    user.ok(&[
        "init",
        "--name",
        "PyCon US 2026 Sprints",
        "--start",
        "2026-05-18",
        "--days",
        "4",
        "--tz",
        "America/Los_Angeles",
    ]);
    let out = user.ok(&["import", "attendees", &fixture("pretix-checkin-list.csv")]);
    assert!(out.contains("pretix check-in list") && out.contains("6 added"), "{out}");
    user
}

#[test]
fn a_pretix_export_imports_and_its_people_are_found_by_accent_free_typing() {
    let user = sprint_with_people();
    let cases: &[(&str, &[&str])] = &[
        ("lukasz", &["Łukasz Langa"]),
        ("taskaya", &["Batuhan Taşkaya"]),
        ("eric araujo", &["Éric Araujo"]),
        ("dong", &["Dong-hee Na"]),
        ("NUNEZ", &["Ana María Núñez"]),
        ("soren kier", &["Søren Kierkegaard"]),
        ("nobody-like-this", &[]),
    ];
    for (query, names) in cases {
        let found = user.json(&["attendees", "search", query]);
        let got: Vec<&str> = found.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(got, *names, "search {query}");
        for card in found.as_array().unwrap() {
            assert!(card.get("email").is_none(), "search results never carry emails: {card}");
            assert!(card.get("table").is_none(), "nor where the person sits: {card}");
        }
    }
    let text = user.ok(&["attendees", "search", "lukasz"]);
    assert!(text.contains("Łukasz Langa"), "{text}");
}

#[test]
fn a_badge_code_in_another_case_is_the_same_badge() {
    // A volunteer types a badge by hand, in lower case; and one adds " case-77 " for someone new while
    // CASE-77 is Ana's. One badge, one person, whatever the case.
    let user = sprint_with_people();
    user.ok(&["attendees", "add", "--name", "Ana Case", "--badge", "CASE-77"]);
    let (code, stderr) = user.fails(&["attendees", "add", "--name", "Bo Case", "--badge", " case-77 "]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the badge code case-77 is already Ana Case's (as CASE-77)"), "{stderr}");
    assert!(user.json(&["attendees", "search", "Bo Case"]).as_array().unwrap().is_empty(), "nobody added");
    let out = user.ok(&["signin", "--badge", "case-77", "--accept-coc"]);
    assert!(out.contains("Signed in Ana Case"), "{out}");
    // An import with one ticket twice in two cases is refused too.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("twice.csv");
    std::fs::write(&csv, "name,badge\nCy One,TICKET-9\nDee Two,ticket-9\n").unwrap();
    let (code, stderr) = user.fails(&["import", "attendees", &csv.display().to_string()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the ticket code ticket-9 is also on line 2"), "{stderr}");
    // A re-import with Ana's ticket in lower case is Ana (a ticket names one person), not a second holder.
    std::fs::write(&csv, "name,badge\nAna Case,case-77\n").unwrap();
    let people = user.json(&["attendees", "list"]).as_array().unwrap().len();
    user.ok(&["import", "attendees", &csv.display().to_string()]);
    assert_eq!(user.json(&["attendees", "list"]).as_array().unwrap().len(), people, "no one new");
}

/// What an organizer is handed as "the export" is often not a UTF-8 CSV: pretix's default is an .xlsx
/// workbook, and Excel's plain "CSV" is Windows-1252. Each is refused in words that say what to export
/// instead, and nobody is added.
#[test]
fn a_workbook_or_a_file_in_another_encoding_is_refused_in_words() {
    let user = sprint_with_people();
    let people = user.json(&["attendees", "list"]).as_array().unwrap().len();
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str); 2] = [
        (
            "export.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml".to_vec(),
            "is a spreadsheet workbook (.xlsx or .ods), not CSV",
        ),
        (
            "excel.csv",
            b"name;email\r\nJ\xfcrgen;j@example.org\r\n".to_vec(),
            "is not UTF-8 text; export it again as UTF-8 CSV",
        ),
    ];
    for (name, bytes, words) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let (code, stderr) = user.fails(&["import", "attendees", &file.display().to_string()]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains(words), "{name}: {stderr}");
    }
    assert_eq!(user.json(&["attendees", "list"]).as_array().unwrap().len(), people, "no one added");
}

#[test]
fn a_badge_signs_in_after_the_code_of_conduct_is_accepted() {
    let user = sprint_with_people();
    let secret = "9h7vqy2tpvfz3xkd6m8r4wcj"; // Łukasz's ticket secret in the pretix export

    let (code, stderr) = user.fails(&["signin", "--badge", secret]);
    assert_eq!(code, 1);
    assert!(stderr.contains("code of conduct"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert_eq!(user.json(&["presence"])["here_now"], 0, "a refused sign-in changes nothing");

    let out = user.ok(&["signin", "--badge", secret, "--accept-coc", "--photo", "no"]);
    assert!(out.contains("Signed in Łukasz Langa for 2026-05-18"), "{out}");
    let again = user.ok(&["signin", "--badge", secret]);
    assert!(again.contains("already signed in"), "a second sign-in the same day is not a second person: {again}");

    let presence = user.json(&["presence"]);
    assert_eq!((presence["here_now"].as_u64(), presence["today_count"].as_u64()), (Some(1), Some(1)));
    let person = user.json(&["attendees", "show", &user.attendee_id("lukasz")]);
    assert_eq!((person["coc_version"].as_u64(), person["photo_consent"].as_bool()), (Some(1), Some(false)));

    let (code, stderr) = user.fails(&["signin", "--badge", "no-such-ticket"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no one has the badge code no-such-ticket"), "{stderr}");

    user.ok(&["signout", "--badge", secret]);
    assert_eq!(user.json(&["presence"])["here_now"], 0);
    let (_, stderr) = user.fails(&["signout", "--badge", secret]);
    assert!(stderr.contains("is not signed in"), "{stderr}");
}

#[test]
fn a_bad_csv_changes_nothing_and_names_every_bad_line() {
    let user = sprint_with_people();
    let before = user.json(&["attendees", "list"]);
    let (code, stderr) = user.fails(&["import", "attendees", &fixture("bad-attendees.csv")]);
    assert_eq!(code, 1);
    for expected in [
        "nothing was imported: 7 rows must be fixed first",
        "line 2: the ticket code BAD-001 is also on line 8",
        "line 3: the name is empty",
        "line 4: \"alan-at-example.org\" is not an email address",
        "line 5: \"ada lovelace\" is not a GitHub/GitLab handle",
        "line 6: \"wizard\" is not a role",
        "line 7: first timer \"sometimes\" should be yes or no",
        "line 8: the ticket code BAD-001 is also on line 2",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    assert_eq!(user.json(&["attendees", "list"]), before, "nothing changed");
    assert!(user.json(&["attendees", "search", "grace"]).as_array().unwrap().is_empty(), "not even the good rows");

    let bad = fixture("bad-attendees.csv");
    let (_, json_error) = user.fails(&["--json", "import", "attendees", &bad]);
    let error: Value = serde_json::from_str(json_error.trim()).expect("--json errors are one JSON line");
    assert_eq!(error["code"], "import_rejected");
    assert_eq!(error["rows"].as_array().map(Vec::len), Some(7));
}

#[test]
fn re_importing_an_updated_export_adds_and_updates_without_duplicates() {
    let user = sprint_with_people();
    let out = user.ok(&["import", "attendees", &fixture("pretix-checkin-list-updated.csv")]);
    assert!(out.contains("1 added, 1 updated, 5 unchanged"), "{out}");
    let people = user.json(&["attendees", "list"]);
    assert_eq!(people.as_array().unwrap().len(), 7);
    let batuhan = user.json(&["attendees", "show", &user.attendee_id("taskaya")]);
    assert_eq!(batuhan["email"], "batuhan.taskaya@example.org");
    let again = user.ok(&["import", "attendees", &fixture("pretix-checkin-list-updated.csv")]);
    assert!(again.contains("0 added, 0 updated, 7 unchanged"), "{again}");
    // Two people on one order share the buyer's email; their tickets keep them apart.
    assert_eq!(user.json(&["attendees", "search", "dong"])[0]["name"], "Dong-hee Na");
    assert_eq!(user.json(&["attendees", "search", "eric"])[0]["name"], "Éric Araujo");
}

#[test]
fn other_ticketing_exports_import_too() {
    let user = sprint_with_people();
    let out = user.ok(&["import", "attendees", &fixture("eventbrite-attendees.csv")]);
    assert!(out.contains("Eventbrite attendees") && out.contains("3 added"), "{out}");
    let out = user.ok(&["import", "attendees", &fixture("plain-attendees.csv")]);
    assert!(out.contains("plain CSV") && out.contains("4 added"), "{out}");
    assert_eq!(user.json(&["attendees", "search", "dang thu"])[0]["name"], "Đặng Thị Thu");
    assert_eq!(user.json(&["attendees", "search", "gross"])[0]["name"], "Jürgen Groß");
    user.ok(&["signin", "--badge", "203948571201001", "--accept-coc"]);
    let carol = user.json(&["attendees", "show", "@willingc"]);
    assert_eq!(carol["roles"], serde_json::json!(["table_lead", "mentor"]));
}

#[test]
fn claims_follow_the_first_timer_rules_and_show_on_the_board() {
    let user = sprint_with_people();
    user.ok(&["import", "attendees", &fixture("plain-attendees.csv")]);
    user.ok(&[
        "project",
        "add",
        "--name",
        "CPython",
        "--repo",
        "https://github.com/python/cpython",
        "--table",
        "T1",
        "--lead",
        "@willingc",
    ]);
    user.ok(&["project", "add", "--name", "Django", "--table", "T3"]);
    let out = user.ok(&["import", "issues", &fixture("gh-issues-cpython.json")]);
    assert!(out.contains("gh issue list JSON") && out.contains("4 added"), "{out}");
    let out = user.ok(&["import", "issues", &fixture("issues.csv")]);
    assert!(out.contains("2 added"), "{out}");
    for who in ["@willingc", "@mariatta", "@kmensah", "Priya Raghunathan", "Łukasz Langa"] {
        user.ok(&["signin", who, "--project", "CPython", "--accept-coc"]);
    }

    // (issue, by, mentor, expected error or success text)
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, Result<&'a str, &'a str>);
    let cases: &[Case] = &[
        ("#141051", "@kmensah", Some("@mariatta"), Err("first-time contributor: pick an issue labelled for beginners")),
        ("#141020", "@kmensah", None, Err("first-time contributor: name a mentor")),
        ("#141020", "@kmensah", Some("Łukasz Langa"), Err("Łukasz Langa is not a mentor or table lead")),
        ("#141020", "@kmensah", Some("@mariatta"), Ok("Kwame Mensah (claimed, mentor Mariatta Wijaya)")),
        ("#141033", "@kmensah", Some("@mariatta"), Err("already holds an issue: one at a time")),
        ("#141020", "Łukasz Langa", None, Err("Kwame Mensah already holds this issue")),
        ("#140999", "Łukasz Langa", None, Err("this issue is closed")),
        ("#141051", "Éric Araujo", None, Err("Éric Araujo is not signed in today")),
        ("#999", "Łukasz Langa", None, Err("there is no issue #999")),
        ("#141051", "Łukasz Langa", None, Ok("Łukasz Langa (claimed)")),
        ("Django#19214", "@willingc", None, Ok("Carol Willing (claimed)")),
    ];
    for (issue, by, mentor, expected) in cases {
        let mut args = vec!["claim", *issue, "--by", *by];
        if let Some(mentor) = mentor {
            args.extend(["--mentor", *mentor]);
        }
        match expected {
            Ok(text) => {
                let out = user.ok(&args);
                assert!(out.contains(text), "{args:?}: {out}");
            }
            Err(text) => {
                let (code, stderr) = user.fails(&args);
                assert_eq!(code, 1, "{args:?}");
                assert!(stderr.contains(text), "{args:?}: {stderr}");
            }
        }
    }
    user.ok(&["pr", "#141051", "--by", "Łukasz Langa"]);
    user.ok(&["merged", "#141051"]);
    let board = user.json(&["board"]);
    let cpython =
        &board["projects"].as_array().unwrap().iter().find(|p| p["project"]["name"] == "CPython").unwrap().clone();
    let states: Vec<(u64, &str)> = cpython["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["number"].as_u64().unwrap(), c["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, vec![(141020, "open"), (141051, "merged")]);
    assert_eq!(cpython["present"].as_array().unwrap().len(), 5);
    assert_eq!(cpython["leads"][0]["name"], "Carol Willing");
    user.ok(&["status", "add", "--project", "T1", "--done", "Set up", "--next", "Reviews", "--blockers", "Slow CI"]);
    let goal = user.json(&["goal", "add", "--project", "CPython", "--title", "Triage docs issues", "--beginner"]);
    user.ok(&["goal", "status", goal["id"].as_str().unwrap(), "in-progress"]);
    let (_, stderr) = user.fails(&["goal", "status", goal["id"].as_str().unwrap(), "sort-of"]);
    assert!(stderr.contains("\"sort-of\" is not a goal status"), "{stderr}");
    // By its title, or its id's first part, as people type it (only the whole id, which no screen shows, did).
    let short = goal["id"].as_str().unwrap().split('@').next().unwrap().to_owned();
    for (given, status) in [("triage DOCS issues", "done"), (short.as_str(), "in-progress")] {
        let set = user.json(&["goal", "status", given, status]);
        assert_eq!(
            (set["id"].as_str(), set["status"].as_str()),
            (goal["id"].as_str(), Some(&*status.replace('-', "_")))
        );
    }
    let (_, stderr) = user.fails(&["goal", "status", "Write the docs", "done"]);
    assert!(stderr.contains("there is no goal Write the docs: give its title or its id"), "{stderr}");
    user.ok(&["project", "help-wanted", "CPython", "on", "--note", "someone who knows Windows"]);
    let board = user.json(&["board"]);
    let cpython = board["projects"].as_array().unwrap().iter().find(|p| p["project"]["name"] == "CPython").unwrap();
    assert_eq!(cpython["status_today"]["blockers"], "Slow CI");
    // A part given alone changes that part: the others stay as they were.
    user.ok(&["status", "add", "--project", "T1", "--next", "Docs sprint"]);
    let board = user.json(&["board"]);
    let status = &board["projects"].as_array().unwrap().iter().find(|p| p["project"]["name"] == "CPython").unwrap()["status_today"];
    assert_eq!(
        (&status["done"], &status["next"], &status["blockers"]),
        (&serde_json::json!("Set up"), &serde_json::json!("Docs sprint"), &serde_json::json!("Slow CI"))
    );
    let (code, stderr) = user.fails(&["status", "add", "--project", "T1"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("say what to record: --done, --next or --blockers"), "{stderr}");
    let board = user.json(&["board"]);
    let cpython = board["projects"].as_array().unwrap().iter().find(|p| p["project"]["name"] == "CPython").unwrap();
    assert_eq!(cpython["goals"][0]["status"], "in_progress");
    assert_eq!(cpython["help_wanted"], true);
    let text = user.ok(&["board"]);
    assert!(text.contains("HELP WANTED") && text.contains("Blockers: Slow CI"), "{text}");
    assert!(text.contains("   Help wanted: someone who knows Windows\n"), "the note is said: {text}");
    assert!(
        text.contains("CPython (table T1)") && text.contains("Kwame Mensah (claimed, mentor Mariatta Wijaya)"),
        "{text}"
    );
}

#[test]
fn closing_time_signs_everyone_out_and_releases_claims() {
    let mut user = sprint_with_people();
    user.ok(&["project", "add", "--name", "CPython", "--repo", "https://github.com/python/cpython"]);
    user.ok(&["import", "issues", &fixture("gh-issues-cpython.json")]);
    user.ok(&["signin", "Éric Araujo", "--accept-coc"]);
    user.ok(&["claim", "#141051", "--by", "Éric Araujo"]);
    user.at("2026-05-18T18:00:00-07:00");
    let presence = user.json(&["presence"]);
    assert_eq!((presence["here_now"].as_u64(), presence["today"].as_str()), (Some(0), None));
    let (_, stderr) = user.fails(&["signin", "Éric Araujo"]);
    assert!(stderr.contains("the venue closed at 18:00 today"), "{stderr}");
    user.at("2026-05-19T09:00:00-07:00");
    let issues = user.json(&["issues", "list"]);
    let issue = issues.as_array().unwrap().iter().find(|i| i["number"] == 141051).unwrap();
    assert_eq!(issue["holders"].as_array().unwrap().len(), 0, "released at closing time: {issue}");
    user.ok(&["signin", "Éric Araujo"]);
    let days = user.json(&["presence"])["per_day"].clone();
    assert_eq!(days[0]["people"], 1);
    assert_eq!(days[1]["people"], 1, "arriving on a later day is a new sign-in");
}

#[test]
fn failures_exit_non_zero_with_one_line_on_stderr() {
    let user = User::new(DAY_ONE_MORNING);
    let (_, stderr) = user.fails(&["attendees", "list"]);
    assert!(stderr.contains("there is no sprint database at"), "{stderr}");
    assert!(!user.dir.path().join("sprint.db").exists(), "a read made no database");
    // (arguments, exit code, what stderr says)
    let cases: &[(&[&str], i32, &str)] = &[
        (&["board"], 1, "there is no sprint database at"),
        (&["init", "--name", "X", "--start", "2026-05-18", "--days", "0"], 1, "at least one day"),
        // One sprint-length rule, whichever way the sprint is made (the app's first start says the same).
        (&["init", "--name", "X", "--start", "2026-05-18", "--days", "32"], 1, "a sprint lasts 1 to 31 days"),
        (&["init", "--name", "X", "--start", "2026-05-18", "--days", "2", "--tz", "Mars/Base"], 1, "not a time zone"),
        (
            &["init", "--name", "X", "--start", "2026-05-18", "--days", "2", "--break-day", "2026-06-01"],
            1,
            "not one of the sprint's days",
        ),
        (
            &["--db", "/nonexistent/folder/sprint.db", "init", "--name", "X", "--start", "2026-05-18", "--days", "2"],
            3,
            "the folder /nonexistent/folder does not exist",
        ),
        (&["frobnicate"], 2, "unrecognized subcommand"),
    ];
    for (args, code, message) in cases {
        let (got, stderr) = user.fails(args);
        assert_eq!(got, *code, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    user.ok(&["init", "--name", "X", "--start", "2026-05-18", "--days", "2"]);
    let (code, stderr) = user.fails(&["import", "attendees", "/nonexistent/file.csv"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("could not read /nonexistent/file.csv"), "{stderr}");
    let (code, stderr) = user.fails(&["init", "--name", "Y", "--start", "2026-05-18", "--days", "2"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("already holds the sprint \"X\""), "{stderr}");
    let (_, stderr) = user.fails(&["signin", "Nobody At All"]);
    assert!(stderr.contains("no attendee is called"), "{stderr}");
}

#[test]
fn a_repository_typed_into_the_tables_field_is_refused_and_nothing_is_added() {
    let user = User::new(DAY_ONE_MORNING);
    user.ok(&["init", "--name", "X", "--start", "2026-05-18", "--days", "2"]);
    user.ok(&["project", "add", "--name", "CPython", "--repo", "https://github.com/python/cpython", "--table", "T1"]);
    let before = user.json(&["project", "list"]);
    // (arguments after `project add --name Django`, what stderr says)
    let cases: &[(&[&str], &str)] = &[
        (&["--table", "https://github.com/django/django"], "looks like a web or e-mail address"),
        (&["--table", "github.com/django/django"], "looks like a web or e-mail address"),
        (&["--table", "the long table at the back by the window"], "keep it to 24"),
        (&["--repo", "T2"], "must be a web address starting with https://"),
        (&["--table", "t1"], "table t1 is already CPython's"),
    ];
    for (args, message) in cases {
        let args = [&["project", "add", "--name", "Django"][..], args].concat();
        let (code, stderr) = user.fails(&args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(user.json(&["project", "list"]), before, "{args:?} changed nothing");
    }
    // Typed as a browser's address bar shows it, without https://: read as the address it is.
    user.ok(&["project", "add", "--name", "Django", "--repo", "github.com/django/django/", "--table", "T2"]);
    let django = user.json(&["project", "list"]).as_array().unwrap().iter().find(|p| p["name"] == "Django").cloned();
    assert_eq!(django.unwrap()["repo_url"], "https://github.com/django/django");
}

#[test]
fn output_cut_short_by_its_reader_ends_quietly() {
    let user = sprint_with_people();
    // `sprintdesk attendees list | head -0`: the reader has gone before anything is written.
    for args in [&["attendees", "list"][..], &["--json", "board"], &["call", "attendees"]] {
        let mut child = user
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} says nothing: {stderr}");
    }
}

#[test]
fn a_person_on_two_tickets_is_imported_twice_and_offered_as_a_likely_duplicate() {
    // The same name and e-mail on two tickets (bought twice, or registered again): an import cannot tell
    // them from two people (one e-mail may buy for a family), so both are kept; the organizer is asked.
    let user = sprint_with_people();
    let csv = user.dir.path().join("twice.csv");
    std::fs::write(
        &csv,
        "name,email,badge\nŁukasz Nowakowski,lukasz@example.pl,TICKET-1\nLukasz Nowakowski,LUKASZ@example.pl,TICKET-2\n\
         Ewa Nowakowska,lukasz@example.pl,TICKET-3\n",
    )
    .unwrap();
    let out = user.ok(&["import", "attendees", csv.to_str().unwrap()]);
    assert!(out.contains("3 added"), "{out}");
    let duplicates = user.json(&["call", "duplicates"]);
    let pairs: Vec<[&str; 2]> = duplicates
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| [pair["a"]["name"].as_str().unwrap(), pair["b"]["name"].as_str().unwrap()])
        .filter(|names| names.iter().any(|n| n.contains("Nowak")))
        .collect();
    assert_eq!(pairs.len(), 1, "only the two Łukasz records, not Ewa who shares the e-mail: {duplicates}");
    assert!(pairs[0].contains(&"Łukasz Nowakowski") && pairs[0].contains(&"Lukasz Nowakowski"), "{pairs:?}");
}

/// pretix's check-in list, as exported by default (no ticket secrets), fills the E-mail column with the
/// buyer's address where attendees were not asked for theirs: a company's office or a parent buys for
/// others, and one address stands on several people's tickets, week after week.
#[test]
fn a_buyers_e_mail_on_other_peoples_tickets_makes_no_one_someone_else() {
    let user = sprint_with_people();
    let header =
        "\"Order code\",\"Attendee name\",\"Product\",\"Price\",\"E-mail\",\"What is your GitHub username?\"\r\n";
    let file = |name: &str, rows: &[&str]| {
        let path = user.dir.path().join(name);
        std::fs::write(&path, format!("{header}{}", rows.iter().map(|row| format!("{row}\r\n")).collect::<String>()))
            .unwrap();
        path.display().to_string()
    };
    let names = |user: &User| -> Vec<String> {
        let mut names: Vec<String> = user
            .json(&["attendees", "list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    };
    let before = names(&user);
    // Week one: the office bought Anna's ticket. She comes and signs in.
    let week_one = file("week-one.csv", &[r#""W1ANN","Anna Schmidt","Sprint ticket","0.00","events@acme.example","""#]);
    let out = user.ok(&["import", "attendees", &week_one]);
    assert!(out.contains("1 added"), "{out}");
    user.ok(&["signin", "Anna Schmidt", "--accept-coc", "--photo", "no"]);
    // Week two: Anna's order was cancelled and the office bought Ben's. Ben is someone new; Anna stays Anna,
    // signed in, with her own consent.
    let week_two = file("week-two.csv", &[r#""W2BEN","Ben Weber","Sprint ticket","0.00","events@acme.example","""#]);
    let out = user.ok(&["import", "attendees", &week_two]);
    assert!(out.contains("1 added") && !out.contains("Anna Schmidt: name"), "{out}");
    let anna = user.json(&["attendees", "search", "Anna Schmidt"]);
    assert_eq!(anna.as_array().unwrap().len(), 1, "{anna}");
    let here = user.json(&["call", "presence"]).to_string();
    assert!(here.contains("Anna Schmidt") && !here.contains("Ben Weber"), "{here}");
    // A family on one order, the mother's address on both tickets, and a T-shirt bought with a ticket (an
    // add-on: pretix lists it under its holder's name), exported again a day later.
    let family = file(
        "family.csv",
        &[
            r#""FAM01","María José García","Sprint ticket","0.00","mj.garcia@example.es","mjgarcia""#,
            r#""FAM01","Mateo García","Sprint ticket","0.00","mj.garcia@example.es","""#,
            r#""TSH01","Tomás Ferreira","Sprint ticket","0.00","tomas@example.pt","""#,
            r#""TSH01","Tomás Ferreira","Sprint T-shirt – L","15.00","tomas@example.pt","""#,
        ],
    );
    let out = user.ok(&["import", "attendees", &family]);
    assert!(out.contains("3 added"), "the mother, her son and Tomás once: {out}");
    let out = user.ok(&["import", "attendees", &family]);
    assert!(out.contains("0 added") && out.contains("3 unchanged"), "the same file again changes nothing: {out}");
    let mut expected = before;
    expected
        .extend(["Anna Schmidt", "Ben Weber", "María José García", "Mateo García", "Tomás Ferreira"].map(String::from));
    expected.sort();
    assert_eq!(names(&user), expected);
    // A name corrected in pretix is still the person it was.
    let corrected =
        file("corrected.csv", &[r#""TSH01","Tomas Ferreira da Silva","Sprint ticket","0.00","tomas@example.pt","""#]);
    let out = user.ok(&["import", "attendees", &corrected]);
    assert!(out.contains("1 updated") && out.contains("Tomás Ferreira: name"), "{out}");
}

#[test]
fn the_organizers_command_line_moves_someone_to_another_table_by_name_with_the_table_they_are_at() {
    // `signin NAME --project OTHER` was refused with the door's words and no way to give the table by name.
    let user = sprint_with_people();
    user.ok(&["project", "add", "--name", "CPython", "--table", "T1"]);
    user.ok(&["project", "add", "--name", "Django", "--table", "T3"]);
    user.ok(&["project", "add", "--name", "PyPy", "--table", "T4"]);
    user.ok(&["signin", "Łukasz Langa", "--project", "T1", "--accept-coc"]);
    let (code, said) = user.fails(&["signin", "Łukasz Langa", "--project", "T3"]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("--from TABLE"), "{said}");
    let out = user.ok(&["signin", "Łukasz Langa", "--project", "T3", "--from", "T1"]);
    assert!(out.contains("Łukasz Langa") && out.contains("Django"), "{out}");
    // The wrong table is the door's refusal, with its lock. (The first table of his stay is his too.)
    let (_, said) = user.fails(&["signin", "Łukasz Langa", "--project", "T1", "--from", "T4"]);
    assert!(said.contains("That is not where Łukasz Langa signed in"), "{said}");
}

#[test]
fn names_that_differ_by_an_apostrophe_or_a_hyphen_are_suggested_as_one_person() {
    // Found on a first day: the ticket's "Siobhán O'Connor" and a walk-in "Siobhan OConnor" (another address)
    // were never suggested, though the kiosk's search found both for either.
    let user = sprint_with_people();
    user.ok(&["attendees", "add", "--name", "Siobhán O'Connor", "--email", "siobhan@example.ie"]);
    user.ok(&["attendees", "add", "--name", "Siobhan OConnor", "--email", "s.oconnor@example.com"]);
    user.ok(&["attendees", "add", "--name", "Jean-Luc Picard"]);
    user.ok(&["attendees", "add", "--name", "Jean Luc Picard"]);
    let pairs = user.json(&["call", "duplicates"]);
    let named: Vec<(String, String, String)> = pairs
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = |side: &str| p[side]["name"].as_str().unwrap().to_owned();
            (name("a"), name("b"), p["because"].as_str().unwrap().to_owned())
        })
        .collect();
    for (a, b) in [("Siobhán O'Connor", "Siobhan OConnor"), ("Jean-Luc Picard", "Jean Luc Picard")] {
        assert!(
            named.iter().any(|(x, y, because)| because == "name"
                && [x, y].contains(&&a.to_owned())
                && [x, y].contains(&&b.to_owned())),
            "{a} / {b} in {named:?}"
        );
    }
}

#[test]
fn any_command_of_the_api_runs_from_the_command_line_with_the_same_answers() {
    let user = sprint_with_people();
    user.ok(&["attendees", "add", "--name", "Lukasz  LANGA"]);
    let duplicates = user.json(&["call", "duplicates"]);
    let pair = &duplicates.as_array().unwrap()[0];
    assert_eq!(pair["because"], "name", "{duplicates}");
    let names = [pair["a"]["name"].as_str().unwrap(), pair["b"]["name"].as_str().unwrap()];
    assert_eq!(names, ["Łukasz Langa", "Lukasz LANGA"], "the ticket holder first, as the one to keep");
    assert!(user.ok(&["attendees", "duplicates"]).contains("the same name"));
    let found = user.json(&["call", "search", r#"{"query": "lukasz", "limit": 1}"#]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    // Refusals keep their code and words.
    let (code, stderr) = user.fails(&["--json", "call", "undo", r#"{"token": "u-1"}"#]);
    assert_eq!(code, 1);
    assert!(stderr.contains(r#""code":"nothing_to_undo""#), "{stderr}");
    let (_, stderr) = user.fails(&["call", "no_such_command"]);
    assert!(stderr.contains("there is no command called no_such_command"), "{stderr}");
    let (_, stderr) = user.fails(&["call", "search", "{not json"]);
    assert!(stderr.contains("the arguments are not JSON"), "{stderr}");
}

#[test]
fn another_programs_database_is_refused_and_left_as_it_was() {
    let user = User::new(DAY_ONE_MORNING);
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("accounts.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE invoices (total INTEGER); INSERT INTO invoices VALUES (42);")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    let db = foreign.display().to_string();
    for args in [
        &["--db", &db, "attendees", "list"][..],
        &["--db", &db, "init", "--name", "X", "--start", "2026-05-18", "--days", "2"],
    ] {
        let (code, stderr) = user.fails(args);
        assert_eq!(code, 3, "{stderr}");
        assert!(stderr.contains("is not a Sprintdesk database (it holds other tables: invoices)"), "{stderr}");
    }
    assert_eq!(std::fs::read(&foreign).unwrap(), before, "not a byte changed");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no file was made beside it");
}

#[test]
fn a_damaged_database_says_what_to_do() {
    // Pages of a sprint's file overwritten (a failing disk): `serve` and sign-ins went on, and the attendee
    // list said "database disk image is malformed" with no word of what to do.
    let user = User::new(DAY_ONE_MORNING);
    user.ok(&["init", "--name", "Damaged", "--start", "2026-05-18", "--days", "2", "--tz", "UTC"]);
    let csv = user.dir.path().join("people.csv");
    let rows: String = (0..600).map(|n| format!("Person Number {n},p{n}@example.org,h{n},,no,B-{n}\n")).collect();
    std::fs::write(&csv, format!("name,email,handle,roles,first_timer,badge\n{rows}")).unwrap();
    user.ok(&["import", "attendees", csv.to_str().unwrap()]);
    let db = user.dir.path().join("sprint.db");
    rusqlite::Connection::open(&db).unwrap().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    // A page in every eight past the first tenth of the file.
    for page in (bytes.len() / 10 / 4096..bytes.len() / 4096).step_by(8) {
        bytes[page * 4096..(page + 1) * 4096].fill(0x5a);
    }
    std::fs::write(&db, &bytes).unwrap();
    let (code, stderr) = user.fails(&["attendees", "list"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("the file is damaged"), "{stderr}");
    assert!(stderr.contains("join the venue from a new database") && stderr.contains("keep it"), "{stderr}");
}

#[test]
fn a_name_that_is_not_whole_is_refused_with_the_people_it_may_mean() {
    // `signin Łukasz` at the hub: nobody is called just that, and guessing could sign in the wrong person.
    let user = sprint_with_people();
    user.ok(&["attendees", "add", "--name", "Łukasz Nowak", "--handle", "lnowak"]);
    let cases: &[(&str, Option<&str>)] = &[
        ("Łukasz", Some("did you mean Łukasz Langa or Łukasz Nowak (@lnowak)? Give the full name")),
        ("eric", Some("did you mean Éric Araujo? Give the full name")),
        ("soren k", Some("did you mean Søren Kierkegaard? Give the full name")),
        ("nobody-like-this", None),
    ];
    for (typed, hint) in cases {
        let (code, stderr) = user.fails(&["signin", typed, "--accept-coc"]);
        assert_eq!(code, 1, "{typed}: {stderr}");
        assert!(
            stderr.contains(&format!("no attendee is called, has the id or has the handle \"{typed}\"")),
            "{stderr}"
        );
        match hint {
            Some(hint) => assert!(stderr.contains(hint), "{typed}: {stderr}"),
            None => assert!(!stderr.contains("did you mean"), "{typed}: {stderr}"),
        }
    }
    assert_eq!(user.json(&["board"])["here_now"], 0, "nobody was signed in by a guess");

    // An erased person and a merged duplicate are never named; past four, "someone else".
    user.ok(&["attendees", "add", "--name", "Łukasz Erased", "--handle", "lerased"]);
    user.ok(&["attendees", "add", "--name", "Łukasz Twice"]);
    let twice = user.json(&["attendees", "search", "Łukasz Twice"])[0]["id"].as_str().unwrap().to_owned();
    user.ok(&["attendees", "merge", &twice, "@lnowak"]);
    user.ok(&["erase", "@lerased"]);
    let (_, stderr) = user.fails(&["signin", "Łukasz", "--accept-coc"]);
    assert!(stderr.contains("did you mean Łukasz Langa or Łukasz Nowak (@lnowak)?"), "{stderr}");
    assert!(!stderr.contains("Erased") && !stderr.contains("lerased") && !stderr.contains("Twice"), "{stderr}");
    for n in 1..=4 {
        user.ok(&["attendees", "add", "--name", &format!("Łukasz Many{n}")]);
    }
    let (_, stderr) = user.fails(&["signin", "Łukasz", "--accept-coc"]);
    assert_eq!(stderr.matches("Łukasz ").count(), 4, "four named: {stderr}");
    assert!(stderr.contains(" or someone else? Give the full name"), "{stderr}");
}

#[test]
fn a_device_that_cannot_be_reached_exits_3_as_the_readme_says() {
    // The README's table: 1 is a refusal (the user's to put right), 3 the machine, the file or another
    // device. Syncing with an address nobody answers on is the last.
    let user = sprint_with_people();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap().to_string();
    drop(closed);
    for args in [&["sync", address.as_str()][..], &["--json", "sync", address.as_str()]] {
        let (code, stderr) = user.fails(args);
        assert_eq!(code, 3, "{args:?}: {stderr}");
        assert!(stderr.contains(&format!("could not reach {address}: nothing answers there")), "{stderr}");
    }
}

#[test]
fn a_read_only_database_is_read_and_a_write_to_it_is_refused_in_words() {
    use std::os::unix::fs::PermissionsExt;
    let user = sprint_with_people();
    let db = user.dir.path().join("sprint.db");
    assert!(!user.dir.path().join("sprint.db-wal").exists(), "the last command checkpointed its WAL");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let people = user.json(&["attendees", "list"]);
    assert_eq!(people.as_array().unwrap().len(), 6, "{people}");
    assert!(user.ok(&["attendees", "search", "lukasz"]).contains("Łukasz"));
    let (code, stderr) = user.fails(&["attendees", "add", "--name", "Bo Smith"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("is read-only (you may read it, not write it); nothing was changed"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "not a byte changed");
}

#[test]
fn a_read_leaves_a_database_of_an_older_release_as_it_was() {
    let user = sprint_with_people();
    let db = user.dir.path().join("sprint.db");
    let version = |db: &std::path::Path| -> usize {
        rusqlite::Connection::open(db).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
    };
    let current = version(&db);
    // The file as the previous release left it (update this when a migration is added).
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(include_str!("fixtures/previous-release.sql")).unwrap();
    conn.pragma_update(None, "user_version", current - 3).unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    // Reads, through the command line and the API, work and leave it as it was: that release can still open it.
    assert_eq!(user.json(&["attendees", "list"]).as_array().unwrap().len(), 6);
    assert!(user.ok(&["attendees", "search", "lukasz"]).contains("Łukasz"));
    assert!(user.json(&["call", "presence"])["here_now"].is_number());
    user.ok(&["import", "list"]);
    user.ok(&["attendees", "merged", "Łukasz Langa"]);
    assert_eq!(std::fs::read(&db).unwrap(), before, "not a byte of the database changed");
    assert_eq!(version(&db), current - 3);
    // A write brings it up to date.
    user.ok(&["attendees", "add", "--name", "Bo Smith"]);
    assert_eq!(version(&db), current);
    assert_eq!(user.json(&["attendees", "list"]).as_array().unwrap().len(), 7);
}

#[test]
fn another_databases_write_ahead_log_beside_ours_is_refused_and_nothing_is_lost() {
    let user = sprint_with_people();
    let db = user.dir.path().join("sprint.db");
    let wal = user.dir.path().join("sprint.db-wal");
    // Another database's log, left beside ours (a copy made while another program had its file open).
    let other = user.dir.path().join("other.db");
    let writer = rusqlite::Connection::open(&other).unwrap();
    writer
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
             CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('not a sprint');",
        )
        .unwrap();
    std::fs::copy(user.dir.path().join("other.db-wal"), &wal).unwrap();
    drop(writer);
    let (db_before, wal_before) = (std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap());
    for args in [&["attendees", "list"][..], &["attendees", "add", "--name", "Bo Smith"]] {
        let (code, stderr) = user.fails(args);
        assert_eq!(code, 3, "{stderr}");
        assert!(stderr.contains("sprint.db-wal beside") && stderr.contains("is not its write-ahead log"), "{stderr}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), db_before, "the sprint was not touched");
    assert_eq!(std::fs::read(&wal).unwrap(), wal_before, "nor the other log");
    // Moved away, as the message says: every person is there.
    std::fs::rename(&wal, user.dir.path().join("moved-away.wal")).unwrap();
    assert_eq!(user.json(&["attendees", "list"]).as_array().unwrap().len(), 6);
}

#[test]
fn the_demo_is_a_believable_sprint() {
    let user = User::new("2026-11-21T11:00:00Z");
    let out = user.ok(&["demo"]);
    assert!(out.contains("150 attendees, 8 projects"), "{out}");
    let board = user.json(&["board"]);
    let projects = board["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 8);
    assert!(board["here_now"].as_u64().unwrap() > 40, "people are in the room: {}", board["here_now"]);
    let claims: Vec<&Value> = projects.iter().flat_map(|p| p["claims"].as_array().unwrap()).collect();
    assert_eq!(claims.iter().filter(|c| c["contested"] == true).count(), 1, "one contested claim");
    for state in ["open", "pr_open", "merged"] {
        assert!(claims.iter().any(|c| c["state"] == state), "some claim is {state}");
    }
    assert!(projects.iter().any(|p| p["help_wanted"] == true));
    assert!(projects.iter().all(|p| !p["goals"].as_array().unwrap().is_empty()));
    let presence = user.json(&["presence"]);
    let per_day: Vec<u64> =
        presence["per_day"].as_array().unwrap().iter().map(|d| d["people"].as_u64().unwrap()).collect();
    assert!(per_day[0] > 50 && per_day[1] > 50 && per_day[2] == 0, "{per_day:?}");
    assert!(user.ok(&["board"]).contains("CONTESTED"));
    assert!(!user.json(&["attendees", "search", "lukasz"]).as_array().unwrap().is_empty());
    let (_, stderr) = user.fails(&["demo"]);
    assert!(stderr.contains("already holds the sprint"), "the demo never overwrites a sprint: {stderr}");
}

/// Whatever the hour it runs, the demo writes nothing a device of its own venue refuses: run at 15:00 it
/// once logged "refused change records stamped in the future" (62 of them), its clock having gone back for
/// the afternoon's notes after the claims had run ahead.
#[test]
fn the_demo_at_any_hour_writes_nothing_its_venue_refuses() {
    for hour in ["00", "09", "11", "15", "18", "23"] {
        let user = User::new(&format!("2026-11-21T{hour}:00:00Z"));
        let out = user.run(&["demo"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "at {hour}:00: {stderr}");
        assert!(!stderr.contains("refused") && !stderr.contains("WARN"), "at {hour}:00 the demo said:\n{stderr}");
        let board = user.json(&["board"]);
        let contested = board["projects"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["claims"].as_array().unwrap())
            .filter(|c| c["contested"] == true)
            .count();
        assert_eq!(contested, 1, "at {hour}:00: the contested claim");
    }
}

/// A sprint with three projects (GitHub and GitLab repositories), their issues, four people signed in, and
/// claims on issues of each project.
fn sprint_with_claims() -> User {
    let user = sprint_with_people();
    user.ok(&["import", "attendees", &fixture("plain-attendees.csv")]);
    for (name, repo, table) in [
        ("CPython", "https://github.com/python/cpython", "T1"),
        ("Django", "https://github.com/django/django", "T3"),
        ("PyPy", "https://foss.heptapod.net/pypy/pypy", "T4"),
    ] {
        user.ok(&["project", "add", "--name", name, "--repo", repo, "--table", table]);
    }
    user.ok(&["import", "issues", &fixture("gh-issues-cpython.json")]);
    user.ok(&["import", "issues", &fixture("issues.csv")]);
    let pypy = user.dir.path().join("pypy-issues.csv");
    std::fs::write(
        &pypy,
        "number,title,url,labels\n3977,JIT warmup is slow for small loops,https://foss.heptapod.net/pypy/pypy/-/issues/3977,jit\n",
    )
    .unwrap();
    user.ok(&["import", "issues", pypy.to_str().unwrap(), "--project", "PyPy"]);
    for who in ["@willingc", "@mariatta", "@kmensah", "Éric Araujo"] {
        user.ok(&["signin", who, "--accept-coc"]);
    }
    user.ok(&["claim", "#141020", "--by", "@kmensah", "--mentor", "@mariatta"]);
    user.ok(&["claim", "#141033", "--by", "@willingc"]);
    user.ok(&["claim", "Django#19214", "--by", "@mariatta"]);
    user.ok(&["claim", "PyPy#3977", "--by", "Éric Araujo"]);
    user
}

fn issue_states(user: &User) -> Vec<(u64, String)> {
    let mut states: Vec<(u64, String)> = user
        .json(&["issues", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["number"].as_u64().unwrap(), i["state"].as_str().unwrap().to_owned()))
        .collect();
    states.sort();
    states
}

#[test]
fn pull_requests_import_from_gh_githubs_api_and_gitlab_and_move_the_claims_they_close() {
    let user = sprint_with_claims();
    // (file, format said, added, claims moved)
    let files = [
        ("gh-prs-cpython.json", "gh pr list JSON", "5 added", "2 claim(s) moved"),
        ("gh-api-pulls-django.json", "GitHub REST pulls JSON", "2 added", "1 claim(s) moved"),
        ("glab-mrs-pypy.json", "GitLab merge requests JSON", "2 added", "1 claim(s) moved"),
    ];
    for (file, format, added, moved) in files {
        let out = user.ok(&["import", "prs", &fixture(file)]);
        assert!(out.contains(format) && out.contains(added) && out.contains(moved), "{file}: {out}");
    }
    let states = issue_states(&user);
    let expected: Vec<(u64, String)> = [
        (3977, "merged"),  // GitLab: "Closes #3977", merged
        (19214, "merged"), // REST: "Fixed #19214 -- …", merged
        (19230, "open"),   // an open PR, but nobody claimed it
        (140999, "closed"),
        (141020, "merged"),  // gh: "gh-141020:" and "Fixes #141020", merged
        (141033, "pr_open"), // gh: "gh-141033:", open
        (141051, "open"),    // merged, but after the sprint by someone who had not claimed it: unclaimed
    ]
    .iter()
    .map(|(n, s)| (*n, (*s).to_owned()))
    .collect();
    assert_eq!(states, expected);

    // Importing again writes nothing and moves nothing.
    let again = user.ok(&["import", "prs", &fixture("gh-prs-cpython.json")]);
    assert!(again.contains("0 added, 0 updated, 5 unchanged") && !again.contains("moved"), "{again}");
    assert_eq!(issue_states(&user), expected);

    // A file with bad items imports nothing and names each.
    let (code, stderr) = user.fails(&["import", "prs", &fixture("bad-prs.json")]);
    assert_eq!(code, 1);
    for said in [
        "nothing was imported",
        "item 2: the pull request has no url",
        "item 3: createdAt \"yesterday\" is not a time",
        "item 4: the state \"sort_of\" is not open, merged or closed",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }
    assert!(!stderr.contains("item 1"), "{stderr}");
    // An issue list picked by mistake (`gh issue list` gives the same fields) is not taken for pull requests.
    let (code, stderr) = user.fails(&["import", "prs", &fixture("gh-issues-cpython.json")]);
    assert_eq!(code, 1);
    assert!(stderr.contains("is an issue, not a pull request") && stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(issue_states(&user), expected);
    // Pages that overlap list a pull request twice: it is imported once.
    let overlapping = user.dir.path().join("overlapping.json");
    let page = std::fs::read_to_string(fixture("glab-mrs-pypy.json")).unwrap();
    std::fs::write(&overlapping, format!("{page}{page}")).unwrap();
    let out = user.ok(&["import", "prs", overlapping.to_str().unwrap()]);
    assert!(out.contains("0 added, 0 updated, 2 unchanged"), "{out}");
    // Two projects with one repository: which one a pull request is for cannot be told, and is asked.
    user.ok(&["project", "add", "--name", "PyPy docs", "--repo", "https://foss.heptapod.net/pypy/pypy"]);
    let (_, stderr) = user.fails(&["import", "prs", &fixture("glab-mrs-pypy.json")]);
    assert!(
        stderr.contains("PyPy") && stderr.contains("both have the repository") && stderr.contains("--project"),
        "{stderr}"
    );
    let out = user.ok(&["import", "prs", &fixture("glab-mrs-pypy.json"), "--project", "PyPy"]);
    assert!(out.contains("2 unchanged"), "{out}");
    // A repository no project has is named, with what to do.
    let elsewhere = user.dir.path().join("elsewhere.json");
    std::fs::write(
        &elsewhere,
        std::fs::read_to_string(fixture("gh-prs-cpython.json")).unwrap().replace("python/cpython", "psf/black"),
    )
    .unwrap();
    let (_, stderr) = user.fails(&["import", "prs", elsewhere.to_str().unwrap()]);
    assert!(stderr.contains("no project has the repository https://github.com/psf/black"), "{stderr}");
}

/// A locked kiosk's command line said "a changed answer to photos is an organizer's to record" at every
/// sign-in with --photo, the answer recorded or not. A "no" is now recorded as the door records it (from
/// anyone), and nothing wrong is said.
#[test]
fn a_locked_kiosks_command_line_records_a_no_to_photos_and_says_nothing_wrong() {
    let user = sprint_with_people();
    user.ok(&["attendees", "add", "--name", "Pat Photo"]);
    user.ok(&["attendees", "add", "--name", "Nia New"]);
    user.ok(&["signin", "Pat Photo", "--accept-coc", "--photo", "yes"]);
    user.ok(&["signout", "Pat Photo"]);
    user.ok(&["call", "set_mode", r#"{"mode": "kiosk", "pin": "2468"}"#]);
    for (who, answer) in [("Nia New", "yes"), ("Pat Photo", "no")] {
        let out = user.run(&["signin", who, "--accept-coc", "--photo", answer]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("note:"), "{who}: {stderr}");
    }
    user.ok(&["call", "set_mode", r#"{"mode": "organizer", "pin": "2468"}"#]);
    let consent =
        |who: &str| user.json(&["call", "attendee", &format!(r#"{{"attendee": "{who}"}}"#)])["photo_consent"].clone();
    assert_eq!((consent("Nia New"), consent("Pat Photo")), (json!(true), json!(false)));
}

/// `sprintdesk erase` said the person's data was gone "from this device and its history", and nothing of
/// the notes that name them ("pairing with Zofia"), which the report shows as written; the app's erase
/// dialog lists them. The command line now does too.
#[test]
fn erasing_on_the_command_line_lists_the_notes_that_still_name_the_person() {
    let user = sprint_with_people();
    user.ok(&["project", "add", "--name", "CPython", "--table", "T1"]);
    user.ok(&["attendees", "add", "--name", "Zofia Wrobel", "--handle", "zofwrob"]);
    user.ok(&["attendees", "add", "--name", "Rahel Abebe"]);
    user.ok(&["status", "add", "--project", "CPython", "--next", "Rahel pairing with Zofia on the parser"]);
    let said = user.ok(&["erase", "Zofia Wrobel"]);
    assert!(said.contains("Erasing does not change words other people typed, and this names them"), "{said}");
    assert!(said.contains("(next): Rahel pairing with Zofia on the parser"), "{said}");
    let said = user.ok(&["erase", "Rahel Abebe"]);
    assert!(said.contains("this names them"), "{said}");
    user.ok(&["attendees", "add", "--name", "Nobody Mentioned"]);
    assert!(!user.ok(&["erase", "Nobody Mentioned"]).contains("Erasing does not change"));
}

/// An organizer merged a new walk-in into an erased person's record (its id, from an old export): the merge
/// went through ("Merged into Erased person") and erased the walk-in's name, e-mail and handle on every
/// device, for good, without a word. Either way round, a merge with an erased record is refused now.
#[test]
fn a_record_is_not_merged_into_an_erased_person_nor_an_erased_one_into_anyone() {
    let user = sprint_with_people();
    user.ok(&["attendees", "add", "--name", "Zofia Wrobel", "--email", "zofia@example.org"]);
    let zofia = user.json(&["call", "attendee", r#"{"attendee": "Zofia Wrobel"}"#])["id"].as_str().unwrap().to_owned();
    user.ok(&["erase", &zofia]);
    user.ok(&["attendees", "add", "--name", "Zofia W.", "--email", "zofia.new@example.org", "--handle", "zofiaw2"]);
    let before = user.ok(&["digest"]);
    for (duplicate, survivor, said) in [
        ("@zofiaw2", zofia.as_str(), "merging Zofia W. into it would erase Zofia W.'s details too"),
        (zofia.as_str(), "@zofiaw2", "it cannot be merged into anyone"),
    ] {
        let out = user.run(&["attendees", "merge", duplicate, survivor]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("erased at their request") && stderr.contains(said), "{stderr}");
    }
    assert_eq!(user.ok(&["digest"]), before, "nothing changed");
    let kept = user.json(&["call", "attendee", r#"{"attendee": "@zofiaw2"}"#]);
    assert_eq!((kept["email"].as_str(), kept["merged_into"].as_str()), (Some("zofia.new@example.org"), None));
}

#[test]
fn an_erased_person_is_kept_out_of_the_next_import_and_no_one_who_shares_their_address() {
    // The command line alone: the organizer never served or paired, so the device had made no venue yet,
    // and the erasure kept nothing to know her by: the same export brought her back.
    let user = User::new(DAY_ONE_MORNING);
    user.ok(&["init", "--name", "Order sprint", "--start", "2026-05-18", "--days", "2"]);
    let file = user.dir.path().join("orders.csv");
    let header = "Order code,Attendee name,Product,Secret,E-mail\n";
    // One company bought two tickets: both rows carry its address.
    let first =
        "O1,Zofia Quast,Ticket,s-zofia,sprints@acme.example\nO2,Ana Pereira,Ticket,s-ana,sprints@acme.example\n";
    std::fs::write(&file, format!("{header}{first}")).unwrap();
    let path = file.display().to_string();
    user.ok(&["import", "attendees", &path]);
    user.ok(&["erase", "Zofia Quast"]);
    // The next export: Zofia's ticket still on it, and a third ticket on the company's address.
    std::fs::write(&file, format!("{header}{first}O3,Bruno Neumann,Ticket,s-bruno,sprints@acme.example\n")).unwrap();
    let report = user.json(&["import", "attendees", &path]);
    assert_eq!(report["erased"], json!(["line 2"]), "{report}");
    assert_eq!((report["added"].as_u64(), report["unchanged"].as_u64()), (Some(1), Some(1)), "{report}");
    let names: Vec<String> = user
        .json(&["call", "attendees"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"Bruno Neumann".to_owned()) && !names.iter().any(|n| n.contains("Zofia")), "{names:?}");
    // A plain list: her row twice, and the company's address on someone new. Her repeated row goes with hers,
    // unnamed (it said "imported once" beside "not imported").
    let plain = user.dir.path().join("plain.csv");
    let rows = "name,email\nZofia Quast,sprints@acme.example\nCarla Neu,sprints@acme.example\nZofia Quast,sprints@acme.example\n";
    std::fs::write(&plain, rows).unwrap();
    let report = user.json(&["import", "attendees", plain.to_str().unwrap()]);
    assert_eq!((&report["erased"], &report["repeated"]), (&json!(["line 2", "line 4"]), &json!([])), "{report}");
    assert_eq!(report["added"], 1, "{report}");
    // The address alone, on one row: Ana held it too when Zofia was erased, so it says nothing of Zofia.
    std::fs::write(&plain, "name,email\nDora Neu,sprints@acme.example\n").unwrap();
    let report = user.json(&["import", "attendees", plain.to_str().unwrap()]);
    assert_eq!((&report["erased"], &report["added"]), (&json!([]), &json!(1)), "{report}");
}

#[test]
fn a_report_or_export_is_never_written_over_a_file_already_there() {
    // Last night's report, or a file of another kind given by mistake, was replaced without a word.
    let user = sprint_with_people();
    let dir = user.dir.path();
    let kept = dir.join("kept.csv");
    std::fs::write(&kept, "PRECIOUS\n").unwrap();
    let place = kept.to_str().unwrap();
    let cases: [&[&str]; 4] = [
        &["report", "--out", place],
        &["report", "--format", "html", "--out", place],
        &["export", "attendance", "--out", place],
        &["attendees", "export-person", "Łukasz Langa", "--out", place],
    ];
    for args in cases {
        let (code, stderr) = user.fails(args);
        assert_eq!(code, 1, "{args:?}: the user's to mend, not the machine's: {stderr}");
        assert!(stderr.contains("is there already (a file, a folder), and is kept as it was"), "{args:?}: {stderr}");
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "PRECIOUS\n", "{args:?}");
    }
    // A folder, named with its slash, is said to be one: "Is a directory", as a machine fault, it was.
    let folder = format!("{}/", dir.join("reports").display());
    std::fs::create_dir(&folder).unwrap();
    let (code, stderr) = user.fails(&["report", "--out", &folder]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("that is a folder, kept as it was. Give --out the name of a new file in it"), "{stderr}");
    // A new name is written.
    let fresh = dir.join("fresh.csv");
    user.ok(&["export", "attendance", "--out", fresh.to_str().unwrap()]);
    assert!(!std::fs::read_to_string(&fresh).unwrap().is_empty());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o077, 0, "an export is its owner's to read");
    // A file that cannot be written is the machine's fault, said as JSON under --json like any other error.
    let (code, stderr) = user.fails(&["--json", "export", "attendance", "--out", "/proc/sprintdesk-export.csv"]);
    let said: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!((code, said["code"].as_str()), (3, Some("storage")), "{stderr}");
    assert!(said["message"].as_str().unwrap().contains("could not write /proc/sprintdesk-export.csv"), "{stderr}");
}

/// `sprintdesk badge`: the PDF's QR code reads back as the person's badge code (a pretix secret here, a new
/// code for someone added by hand), the file is never replaced, and with a printer chosen the PDF goes to
/// CUPS' `lp` for that printer (a stand-in `lp` on the PATH records what it was given).
#[test]
fn a_badge_prints_on_the_chosen_printer_and_its_qr_code_reads_back_as_the_badge_code() {
    use std::os::unix::fs::PermissionsExt;
    let user = sprint_with_people();
    let dir = user.dir.path();
    let pdf = dir.join("lukasz.pdf");
    let out = user.ok(&["badge", "Łukasz Langa", "--out", pdf.to_str().unwrap()]);
    assert!(out.contains("No badge printer is chosen"), "{out}");
    assert_eq!(qr_code_of(&pdf), "9h7vqy2tpvfz3xkd6m8r4wcj", "the pretix secret is the badge code");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("Łukasz Langa") && text.contains("PyCon US 2026 Sprints"), "{text}");
    let (_, stderr) = user.fails(&["badge", "Łukasz Langa", "--out", pdf.to_str().unwrap()]);
    assert!(stderr.contains("could not write") && stderr.contains("is there already"), "{stderr}");

    user.ok(&["attendees", "add", "--name", "Zoë Walk-In"]);
    let zoe = dir.join("zoe.pdf");
    user.ok(&["badge", "Zoë Walk-In", "--out", zoe.to_str().unwrap()]);
    let shown = user.json(&["attendees", "show", "Zoë Walk-In"]);
    let code = shown["badge_code"].as_str().expect("a code was given").to_owned();
    assert_eq!(qr_code_of(&zoe), code);

    // A printer chosen: the badge goes to `lp -d NAME`, the PDF on its standard input.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let seen = dir.join("lp-seen");
    std::fs::write(bin.join("lp"), format!("#!/bin/sh\necho \"$@\" > {0}.args\ncat > {0}.pdf\n", seen.display()))
        .unwrap();
    std::fs::set_permissions(bin.join("lp"), std::fs::Permissions::from_mode(0o755)).unwrap();
    user.ok(&["call", "set_printer", r#"{"printer": "Front_Desk"}"#]);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let printed = user
        .command(&["badge", "Zoë Walk-In", "--out", dir.join("again.pdf").to_str().unwrap()])
        .env("PATH", path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&printed.stdout);
    assert!(printed.status.success(), "{said}{}", String::from_utf8_lossy(&printed.stderr));
    assert!(said.contains("Sent to the printer Front_Desk") && said.contains("printed 1 time(s) before"), "{said}");
    let args = std::fs::read_to_string(dir.join("lp-seen.args")).unwrap();
    assert!(args.starts_with("-d Front_Desk -t Badge: Zoë Walk-In -- -"), "{args}");
    assert_eq!(std::fs::read(dir.join("lp-seen.pdf")).unwrap(), std::fs::read(dir.join("again.pdf")).unwrap());
    let log = user.json(&["call", "badge_prints"]);
    assert_eq!(log.as_array().unwrap().len(), 3, "{log}");
    assert_eq!(log.as_array().unwrap().iter().filter(|p| p["printer"] == "Front_Desk").count(), 1, "{log}");
}

/// Runs a Debian tool the test script installs (poppler-utils, zbar-tools); says which package if missing.
fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        let package = if name == "zbarimg" { "zbar-tools" } else { "poppler-utils" };
        panic!("{name} could not run ({e}): install Debian's {package} (scripts/test does)")
    });
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the QR code on a PDF's first page says, read as a person's phone would: rendered, then decoded.
fn qr_code_of(pdf: &Path) -> String {
    let png = pdf.with_extension("");
    tool("pdftoppm", &["-r", "200", "-png", "-singlefile", pdf.to_str().unwrap(), png.to_str().unwrap()]);
    tool("zbarimg", &["--quiet", "--raw", png.with_extension("png").to_str().unwrap()]).trim().to_owned()
}

/// Who is who when names, orders, tickets and addresses meet, as an attack on the rules above found them:
/// each file imported, then imported again (and in another order), with nobody lost, merged or doubled.
#[test]
fn namesakes_day_tickets_family_addresses_and_short_names_stay_who_they_are() {
    let user = sprint_with_people();
    let write = |name: &str, text: &str| {
        let path = user.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let count = |name: &str| user.json(&["attendees", "search", name]).as_array().unwrap().len();
    let header = "Order code,Attendee name,Product,E-mail,Secret\n";
    // Two people of one name on a company's order, and a person's two day tickets on another: each ticket
    // signs in at the door, and the same export sorted otherwise changes nothing.
    let rows = [
        "W2KLP,Wei Zhang,Sprint ticket,wei.a@corp.example,weisecret1",
        "W2KLP,Wei Zhang,Sprint ticket,wei.b@corp.example,weisecret2",
        "Q7RZT,Jonas Müller,Monday,jonas@example.de,mondaysecret",
        "Q7RZT,Jonas Müller,Tuesday,jonas@example.de,tuesdaysecret",
    ];
    let out = user.ok(&["import", "attendees", &write("tickets.csv", &format!("{header}{}\n", rows.join("\n")))]);
    assert!(out.contains("4 added"), "{out}");
    for secret in ["weisecret1", "weisecret2", "tuesdaysecret"] {
        user.ok(&["signin", "--badge", secret, "--accept-coc"]);
    }
    let reversed: Vec<&str> = rows.iter().rev().copied().collect();
    let out = user.ok(&["import", "attendees", &write("sorted.csv", &format!("{header}{}\n", reversed.join("\n")))]);
    assert!(out.contains("0 added") && out.contains("4 unchanged"), "{out}");
    // Tickets an event asked no names for are rows to fix or leave out, never dropped unsaid.
    let unnamed = write(
        "unnamed.csv",
        &format!(
            "{header}ORD1,Corp Guest,Sprint ticket,office@corp.example,s1\nORD1,,Sprint ticket,office@corp.example,s2\n"
        ),
    );
    let (code, said) = user.fails(&["import", "attendees", &unnamed]);
    assert!(code == 1 && said.contains("line 3"), "{said}");
    // A family's or a company's address on a later list under another first name is someone new; the one
    // who came keeps their name, sign-in and "no photos".
    let plain = |rows: &str| format!("name,email\n{rows}");
    for (before, after) in [("Ben Weber", "Anna Weber"), ("Lucas de Oliveira", "Maria de Souza")] {
        let address = format!("{}@family.example", before.split(' ').next().unwrap().to_lowercase());
        user.ok(&["import", "attendees", &write("first.csv", &plain(&format!("{before},{address}\n")))]);
        user.ok(&["signin", before, "--accept-coc", "--photo", "no"]);
        let out = user.ok(&["import", "attendees", &write("later.csv", &plain(&format!("{after},{address}\n")))]);
        assert!(out.contains("1 added") && !out.contains(&format!("{before}: name")), "{out}");
        assert_eq!((count(before), count(after)), (1, 1), "{before} / {after}");
    }
    // Names of one letter a word are the same names when imported again.
    let short = write("short.csv", &plain("李 明,liming@example.cn\nJ. K.,jk@example.org\n"));
    user.ok(&["import", "attendees", &short]);
    let out = user.ok(&["import", "attendees", &short]);
    assert!(out.contains("0 added") && out.contains("2 unchanged"), "{out}");
}

/// Eventbrite keeps a refunded or cancelled attendee in its export as "Not Attending": such a person was
/// imported, and one who cancelled after the first import stayed on the list without a word.
#[test]
fn a_ticket_the_export_says_is_cancelled_is_not_imported_and_one_on_the_list_is_named() {
    let user = sprint_with_people();
    let header = "Order #,Order Date,First Name,Last Name,Email,Quantity,Ticket Type,Attendee #,Attendee Status,What's your GitHub username?\r\n";
    let file = |name: &str, priya: &str, chloe: &str| {
        let path = user.dir.path().join(name);
        let rows = [
            format!("11211987213,4/29/26 22:54,Priya,Raghunathan,priya@example.in,1,Sprint,18441700883,{priya},priyar"),
            format!(
                "11211987213,4/29/26 22:54,Arjun,Raghunathan,arjun.r@example.in,1,Sprint,18441700884,{priya},arjunr"
            ),
            format!("11212000457,4/30/26 09:12,Chloé,Dubois,chloe@example.fr,1,Sprint,18441822001,{chloe},cdubois"),
        ];
        std::fs::write(&path, format!("{header}{}\r\n", rows.join("\r\n"))).unwrap();
        path.display().to_string()
    };
    let out = user.ok(&["import", "attendees", &file("first.csv", "Attending", "Not Attending")]);
    assert!(out.contains("2 added") && out.contains("Not imported: 1 ticket the file says cancelled"), "{out}");
    assert!(user.json(&["attendees", "search", "Chloé"]).as_array().unwrap().is_empty());
    let out = user.ok(&["import", "attendees", &file("later.csv", "Not Attending", "Not Attending")]);
    assert!(out.contains("0 added") && out.contains("Not imported: 3 tickets"), "{out}");
    let listed = out.split("kept there").nth(1).unwrap_or_default();
    assert!(
        listed.contains("Priya Raghunathan") && listed.contains("Arjun Raghunathan") && !listed.contains("Chlo"),
        "{out}"
    );
    let report = user.json(&["import", "attendees", &file("later.csv", "Not Attending", "Not Attending")]);
    assert_eq!(
        (report["not_coming"].as_u64(), report["not_coming_listed"].as_array().map(Vec::len)),
        (Some(3), Some(2))
    );
}

/// A person registered twice (on the list, and again at the door as a walk-in) told each record something
/// about photos. Merged, the person keeps every "no": the photographer's list had said yes, or "not asked"
/// (so the kiosk asked again and anyone could answer yes), for someone who had said no.
#[test]
fn a_merge_keeps_a_no_to_photos_given_under_either_record() {
    let user = sprint_with_people();
    // (on the list, at the door, what the photographer's list says after the merge)
    let cases = [
        (Some("yes"), Some("no"), "no"),
        (None, Some("no"), "no"),
        (Some("no"), Some("yes"), "no"),
        (Some("no"), None, "no"),
        (None, Some("yes"), "yes"),
        (Some("yes"), None, "yes"),
        (None, None, "not asked"),
    ];
    for (i, (listed, door, expected)) in cases.iter().enumerate() {
        let add = |handle: String| {
            let name = format!("Merge Case {i}");
            user.json(&["attendees", "add", "--name", &name, "--handle", &handle])["id"].as_str().unwrap().to_owned()
        };
        let (kept, twice) = (add(format!("case{i}a")), add(format!("case{i}b")));
        for (id, answer) in [(&kept, listed), (&twice, door)] {
            let mut args = vec!["signin", id.as_str(), "--accept-coc"];
            if let Some(answer) = answer {
                args.extend(["--photo", answer]);
            }
            user.ok(&args);
        }
        user.ok(&["attendees", "merge", &twice, &kept]);
        let list = user.ok(&["export", "photo-consent"]);
        let line = list.lines().find(|line| line.contains(&format!("case{i}a"))).unwrap_or_else(|| panic!("{list}"));
        assert!(line.ends_with(&format!(",{expected}")), "{listed:?} then {door:?}: {line}");
        assert!(!list.contains(&format!("case{i}b")), "the duplicate is not listed apart: {list}");
    }
}

/// Two people of one name merged by mistake were one for good: the duplicate left every list, nothing
/// brought it back, and erasing the one kept later erased the other too. A merge is now taken back: the
/// duplicate is a person of their own again, with their own sign-ins, and is not erased with the other.
#[test]
fn a_merge_made_by_mistake_is_taken_back_and_each_keeps_their_own_sign_ins() {
    let user = sprint_with_people();
    let first = user.json(&["attendees", "add", "--name", "María García", "--handle", "mgarcia1"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = user.json(&["attendees", "add", "--name", "María García", "--handle", "mgarcia2"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    user.ok(&["signin", "@mgarcia2", "--accept-coc", "--photo", "no"]);
    user.ok(&["attendees", "merge", &second, &first]);
    let merged = user.json(&["attendees", "merged", "@mgarcia1"]);
    assert_eq!(merged.as_array().map(Vec::len), Some(1), "{merged}");
    assert_eq!(merged[0]["id"], second.as_str());
    assert_eq!(
        user.json(&["presence"])["tables"][0]["people"][0]["id"],
        first.as_str(),
        "the sign-in followed the merge"
    );

    let out = user.ok(&["attendees", "separate", &second]);
    assert!(out.contains("a person of their own again"), "{out}");
    assert_eq!(user.json(&["attendees", "merged", "@mgarcia1"]), json!([]));
    assert_eq!(user.json(&["attendees", "show", "@mgarcia2"])["id"], second.as_str(), "listed and found again");
    assert_eq!(user.json(&["presence"])["tables"][0]["people"][0]["id"], second.as_str(), "her sign-in is hers again");
    user.ok(&["erase", "@mgarcia1"]);
    assert_eq!(user.json(&["attendees", "show", &second])["name"], "María García", "not erased with the other");

    // Separating what was never merged, or someone unknown, is refused in words and changes nothing.
    let (code, said) = user.fails(&["attendees", "separate", &second]);
    assert!(code == 1 && said.contains("is not merged into anyone"), "{said}");
    let (code, said) = user.fails(&["attendees", "separate", "a-nobody"]);
    assert!(code == 1 && said.contains("no attendee has the id"), "{said}");
}

/// An organizer who forgot the PIN of a laptop locked as a kiosk had no way back: five wrong PINs locked the
/// PIN for longer each time, the CLI answered only the door's commands, and an organizer's laptop could no
/// longer pair or revoke a device. `sprintdesk forgot-pin`, on that computer's own shell (which can edit the
/// file anyway), forgets the PIN and unlocks it; the next lock sets a new one.
#[test]
fn a_forgotten_kiosk_pin_is_forgotten_from_the_computers_own_shell() {
    let user = sprint_with_people();
    let mode = |mode: &str, pin: &str| json!({"mode": mode, "pin": pin}).to_string();
    user.ok(&["call", "set_mode", &mode("kiosk", "2468")]);
    for _ in 0..5 {
        user.fails(&["call", "set_mode", &mode("organizer", "1111")]);
    }
    let (_, said) = user.fails(&["call", "set_mode", &mode("organizer", "2468")]);
    assert!(said.contains("too many wrong PINs"), "even the right PIN waits: {said}");
    let (_, said) = user.fails(&["attendees", "list"]);
    assert!(said.contains("locked kiosk"), "{said}");

    let out = user.ok(&["forgot-pin"]);
    assert!(out.contains("Forgot this device's organizer PIN: it is unlocked"), "{out}");
    assert!(!user.json(&["attendees", "list"]).as_array().unwrap().is_empty(), "the organizer's commands again");
    let setup = user.json(&["call", "setup"]);
    assert_eq!((&setup["mode"], &setup["pin_set"]), (&json!("organizer"), &json!(false)), "{setup}");
    // Locking it again sets a new PIN; the old one is gone, and nothing waits for the wrong tries before.
    user.ok(&["call", "set_mode", &mode("kiosk", "1357")]);
    user.fails(&["call", "set_mode", &mode("organizer", "2468")]);
    user.ok(&["call", "set_mode", &mode("organizer", "1357")]);
    assert!(user.ok(&["forgot-pin"]).contains("Forgot"), "a PIN set, not locked: forgotten too");
    assert!(user.ok(&["forgot-pin"]).contains("nothing to forget"));
}

/// The organizer corrected a name and an e-mail at the desk, then imported the same export again for the
/// late registrations: the file won, as documented, and put both back without a word ("0 added, 2
/// updated"). The import now says whose details it replaced, and which.
#[test]
fn a_re_import_says_whose_details_it_replaced() {
    let user = sprint_with_people();
    let langa = user.json(&["call", "attendee", r#"{"attendee": "Łukasz Langa"}"#]);
    let mut edit = json!({"id": langa["id"], "name": "Łukasz Langa-Nowak", "handle": langa["handle"],
        "email": "ambv@example.org", "roles": langa["roles"], "first_timer": langa["first_timer"],
        "badge_code": langa["badge_code"]});
    user.ok(&["call", "edit_attendee", &edit.to_string()]);
    let out = user.ok(&["import", "attendees", &fixture("pretix-checkin-list.csv")]);
    assert!(out.contains("The file replaced what this device held"), "{out}");
    assert!(out.contains("  Łukasz Langa-Nowak: name, e-mail"), "{out}");
    // Imported again with nothing changed here since: nothing replaced, nothing said.
    let again = user.ok(&["import", "attendees", &fixture("pretix-checkin-list.csv")]);
    assert!(!again.contains("replaced"), "{again}");
    // A field the file fills where this device held nothing replaces nothing.
    edit["name"] = json!("Łukasz Langa");
    edit["email"] = Value::Null;
    user.ok(&["call", "edit_attendee", &edit.to_string()]);
    let filled = user.json(&["import", "attendees", &fixture("pretix-checkin-list.csv")]);
    assert_eq!(filled["replaced"], json!([]), "{filled}");
}

/// The code of conduct's version makes everyone who accepted it accept again. The evening before, no one
/// has: the placeholder is replaced with the sprint's own text as it is, not as "version 2". Once anyone has
/// accepted, a changed text needs a higher version.
#[test]
fn a_code_of_conduct_no_one_has_accepted_changes_without_a_new_version() {
    let user = sprint_with_people();
    let save = |text: &str, version: u32| {
        let mut sprint = user.json(&["call", "sprint"]);
        sprint["code_of_conduct"] = json!({"text": text, "version": version});
        user.command(&["call", "update_sprint", &sprint.to_string()]).output().unwrap()
    };
    let out = save("Our own code of conduct.", 1);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    user.ok(&["signin", "Łukasz Langa", "--accept-coc"]);
    let out = save("Our own code of conduct, amended.", 1);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("needs a new version number"), "{said}");
    assert_eq!(user.json(&["call", "sprint"])["code_of_conduct"]["text"], "Our own code of conduct.");
    assert!(save("Our own code of conduct, amended.", 2).status.success());
}

#[test]
fn rows_of_one_person_are_counted_as_rows_and_named() {
    // 4 rows: one bad (no name), and Zoë's row again further down with her e-mail in capitals and the accents
    // dropped. It said "the other 2 rows" and then "2 added", and never why a row was missing from the count.
    let user = sprint_with_people();
    let file = user.dir.path().join("list.csv");
    let text = "name,email\nZoë Müller,zoe@example.org\nKai Berg,kai@example.org\n,nobody@example.org\nZoe Muller,ZOE@example.org\n";
    std::fs::write(&file, text).unwrap();
    let path = file.display().to_string();
    let (_, said) = user.fails(&["import", "attendees", &path]);
    assert!(said.contains("1 row must be fixed first, or left out to import the other 3 rows"), "{said}");
    let out = user.ok(&["import", "attendees", &path, "--leave-out-bad-rows"]);
    assert!(out.contains("2 added, 0 updated, 0 unchanged"), "{out}");
    assert!(out.contains("1 row was the same person as an earlier row"), "{out}");
    assert!(out.contains("  line 5 (Zoe Muller): as line 2"), "{out}");
    let again = user.json(&["import", "attendees", &path, "--leave-out-bad-rows"]);
    assert_eq!(again["repeated"], json!(["line 5 (Zoe Muller): as line 2"]), "{again}");
    assert_eq!(again["unchanged"], 2, "{again}");
}

/// The evening before, a pretix export with a few nameless tickets (no attendee name asked, no invoice
/// name) and a ticket exported twice: the organizer sees every bad row and imports nothing, or chooses to
/// import the others and mend those later. A re-import of the mended file doubles no one.
#[test]
fn an_import_can_leave_its_bad_rows_out_when_the_organizer_chooses() {
    let user = sprint_with_people();
    let before = user.json(&["call", "attendees"]).as_array().unwrap().len();
    let file = user.dir.path().join("export.csv");
    let header = "Order code,Attendee name,Product,Secret,E-mail\n";
    let good = "Q1,Ada Okafor,Ticket,q-one,ada@example.org\nQ2,Bruno Díaz,Ticket,q-two,bruno@example.org\n";
    std::fs::write(
        &file,
        format!("{header}{good}Q3,,Ticket,q-three,q3@example.org\nQ4,Ada Okafor,Ticket,q-one,ada@example.org\n"),
    )
    .unwrap();
    let path = file.display().to_string();

    let (code, said) = user.fails(&["import", "attendees", &path]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("3 rows must be fixed first, or left out to import the other 1 row"), "{said}");
    assert!(said.contains("line 4: the name is empty"), "{said}");
    // Both rows of one ticket: which is Ada's is the organizer's to say, not the file's order.
    assert!(said.contains("line 2: the ticket code q-one is also on line 5"), "{said}");
    assert!(said.contains("line 5: the ticket code q-one is also on line 2"), "{said}");
    assert!(said.contains("--leave-out-bad-rows"), "{said}");
    assert_eq!(user.json(&["call", "attendees"]).as_array().unwrap().len(), before, "nothing imported");

    let out = user.ok(&["import", "attendees", &path, "--leave-out-bad-rows"]);
    assert!(out.contains("1 added, 0 updated, 0 unchanged"), "{out}");
    assert!(out.contains("Left out, as asked (3 rows)"), "{out}");
    assert!(out.contains("  line 4: the name is empty"), "{out}");
    assert_eq!(user.json(&["call", "attendees"]).as_array().unwrap().len(), before + 1);
    assert_eq!(user.attendee_id("Bruno Diaz"), user.attendee_id("Bruno Díaz"));

    // Mended: the nameless ticket has its name, the doubled row is gone. Nobody is doubled.
    std::fs::write(&file, format!("{header}{good}Q3,Chidi Eze,Ticket,q-three,q3@example.org\n")).unwrap();
    let mended = user.json(&["import", "attendees", &path]);
    assert_eq!((mended["added"].as_u64(), mended["unchanged"].as_u64()), (Some(2), Some(1)), "{mended}");
    assert_eq!(mended["left_out"], json!([]));
    assert_eq!(user.json(&["call", "attendees"]).as_array().unwrap().len(), before + 3);

    // A quote mark never closed swallows the rows after it into one: nothing may be left out of that file.
    std::fs::write(&file, format!("{header}Q7,\"Eve Open,Ticket,q-seven,\nQ8,Finn Swallowed,Ticket,q-eight,\n{good}"))
        .unwrap();
    let (_, said) = user.fails(&["import", "attendees", &path, "--leave-out-bad-rows"]);
    assert!(said.contains("a quote mark (\") opened on line 2") && !said.contains("or left out"), "{said}");
    assert_eq!(user.json(&["call", "attendees"]).as_array().unwrap().len(), before + 3);

    // A file with no good row imports nothing, whatever is asked, and offers nothing to leave out.
    std::fs::write(&file, format!("{header}Q9,,Ticket,q-nine,\n")).unwrap();
    let (_, said) = user.fails(&["import", "attendees", &path, "--leave-out-bad-rows"]);
    assert!(said.contains("1 row must be fixed first") && !said.contains("left out"), "{said}");
    assert_eq!(user.json(&["call", "attendees"]).as_array().unwrap().len(), before + 3);
}

#[test]
fn a_new_sprint_without_a_zone_takes_the_shells_and_says_which() {
    // `TZ=America/Chicago sprintdesk init …` made a sprint in UTC (the system's zone), and said nothing:
    // every day's hours were then read five hours off, and changing the zone later moves every sign-in.
    for (tz, zone) in [("America/Chicago", "America/Chicago"), (":Europe/Amsterdam", "Europe/Amsterdam")] {
        let user = User::new("2026-05-18T10:30:00-05:00");
        let out =
            user.command(&["init", "--name", "Zoned", "--start", "2026-05-18", "--days", "2"]).env("TZ", tz).output();
        let said = String::from_utf8_lossy(&out.unwrap().stdout).into_owned();
        assert!(said.contains(&format!("times in {zone})")), "{said}");
        assert_eq!(user.json(&["sprint"])["time_zone"], zone);
    }
    // A `TZ` that names no zone (a POSIX rule) leaves the system's, and says it.
    let user = User::new("2026-05-18T10:30:00-05:00");
    let out =
        user.command(&["init", "--name", "Zoned", "--start", "2026-05-18", "--days", "2"]).env("TZ", "XYZ3").output();
    let said = String::from_utf8_lossy(&out.unwrap().stdout).into_owned();
    assert!(said.contains("times in "), "{said}");
}

#[test]
fn two_imports_of_one_file_at_once_add_everyone_once() {
    // Two processes on one file (the app and a script, or two scripts): each import read the attendees,
    // found none of the file's people, and added them all: 6,000 people for 3,000, every badge twice. An
    // import now holds the file's write lock from what it reads to what it writes. A third process writes
    // all along, as a venue's sync does (it had defeated a first fix that ran a command again).
    let user = User::new(DAY_ONE_MORNING);
    user.ok(&["init", "--name", "Twice", "--start", "2026-05-18", "--days", "2", "--tz", "UTC"]);
    let csv = user.dir.path().join("people.csv");
    let rows: String = (0..3000).map(|n| format!("Person Number {n},p{n}@example.org,h{n},,no,B-{n}\n")).collect();
    std::fs::write(&csv, format!("name,email,handle,roles,first_timer,badge\n{rows}")).unwrap();
    let file = csv.to_str().unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (done, command) = (done.clone(), user.command(&["project", "add", "--name"]));
        let (program, envs): (std::ffi::OsString, Vec<_>) = (
            command.get_program().to_owned(),
            command.get_envs().map(|(k, v)| (k.to_owned(), v.map(ToOwned::to_owned))).collect(),
        );
        std::thread::spawn(move || {
            let mut n = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let mut add = Command::new(&program);
                for (key, value) in &envs {
                    if let Some(value) = value {
                        add.env(key, value);
                    }
                }
                add.args(["project", "add", "--name", &format!("Table {n}")]).output().unwrap();
                n += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        })
    };
    let imports: Vec<_> = (0..2)
        .map(|_| user.command(&["import", "attendees", file]).stdout(std::process::Stdio::piped()).spawn().unwrap())
        .collect();
    let said: Vec<String> = imports
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .collect();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(user.json(&["attendees", "list"]).as_array().unwrap().len(), 3000, "{said:?}");
    assert_eq!(said.iter().filter(|s| s.contains("3000 added")).count(), 1, "{said:?}");
}

#[test]
fn an_attendance_time_on_another_date_than_its_day_carries_the_date() {
    // The sprint was made in the wrong zone and put right after people came: Ana's sign-in for the 26th,
    // 01:30 in Amsterdam, reads 20:30 on the 25th in New York, and the export said "2026-10-26,20:30",
    // which read as the evening of the 26th (a stay that ended before it began, for others).
    let mut user = User::new("2026-10-26T01:30:00+01:00");
    let hours = ["--opens", "00:00", "--closes", "23:59"];
    user.ok(&[
        &["init", "--name", "Zones", "--start", "2026-10-24", "--days", "3", "--tz", "Europe/Amsterdam"][..],
        &hours,
    ]
    .concat());
    user.ok(&["attendees", "add", "--name", "Ana Early"]);
    user.ok(&["signin", "Ana Early", "--accept-coc", "--photo", "no"]);
    user.at("2026-10-26T03:00:00+01:00");
    let mut sprint = user.json(&["sprint"]);
    sprint["time_zone"] = json!("America/New_York");
    user.ok(&["call", "update_sprint", &sprint.to_string()]);
    let csv = user.ok(&["export", "attendance"]);
    let ana = csv.lines().find(|l| l.starts_with("Ana Early,")).expect(&csv);
    assert!(ana.contains(",2026-10-26,2026-10-25 20:30,"), "{ana}");
}

/// The people on the list, by name, each with their e-mail and handle: what an organizer sees of them.
fn people_seen(user: &User) -> Vec<(String, Value, Value)> {
    let mut people: Vec<(String, Value, Value)> = user
        .json(&["attendees", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap().to_owned(), a["email"].clone(), a["handle"].clone()))
        .collect();
    people.sort_by(|a, b| a.0.cmp(&b.0));
    people
}

/// Last year's export imported by mistake put its people on every kiosk and replaced this year's e-mails,
/// and nothing took it back but deleting them one by one and retyping what it replaced. An import is now
/// undone in one command; what happened at the venue since stays. Each case: what happens after the wrong
/// import, what the undo keeps, and what the list then holds beyond the list before the import.
#[test]
fn the_wrong_attendee_file_is_taken_back_keeping_what_happened_since() {
    // Łukasz's ticket with last year's e-mail, and two people who are not coming this year.
    let wrong = "name,email,handle,badge\n\
                 Łukasz Langa,lukasz.2025@example.org,,9h7vqy2tpvfz3xkd6m8r4wcj\n\
                 Olaf Lastyear,olaf@example.org,olaf,T-25-2\n\
                 Pia Lastyear,pia@example.org,pia,T-25-3\n";
    type After = fn(&User, &str);
    let cases: [(&str, After, &[&str], &[&str]); 7] = [
        ("nothing since", |_, _| {}, &[], &[]),
        (
            "Pia signed in",
            |user, _| {
                user.ok(&["signin", "@pia", "--accept-coc"]);
            },
            &["Pia Lastyear: signed in or out since the import, kept"],
            &["Pia Lastyear"],
        ),
        (
            "Olaf's handle corrected",
            |user, _| {
                user.ok(&["attendees", "edit", "@olaf", "--handle", "olaf-l"]);
            },
            &["Olaf Lastyear: changed since the import, kept"],
            &["Olaf Lastyear"],
        ),
        (
            "a walk-in of Pia's merged into her",
            |user, _| {
                user.ok(&["attendees", "add", "--name", "Pia L."]);
                user.ok(&["attendees", "merge", "Pia L.", "@pia"]);
            },
            &["Pia Lastyear: changed since the import, kept"],
            &["Pia Lastyear"],
        ),
        (
            "Łukasz's e-mail corrected by hand",
            |user, _| {
                user.ok(&["attendees", "edit", "Łukasz Langa", "--email", "lukasz@langa.pl"]);
            },
            &["Łukasz Langa: e-mail changed since the import, kept"],
            &[],
        ),
        (
            "a second import, itself taken back first",
            |user, dir| {
                let second = format!("{dir}/second.csv");
                std::fs::write(
                    &second,
                    "name,email,badge\nOlaf Lastyear,olaf@work.example.org,T-25-2\nQuinn New,,T-26-9\n",
                )
                .unwrap();
                user.ok(&["import", "attendees", &second]);
                user.ok(&["import", "undo"]);
            },
            &[],
            &[],
        ),
        (
            "this year's file imported after it, listing Pia unchanged",
            |user, dir| {
                let right = format!("{dir}/this-year.csv");
                std::fs::write(&right, "name,email,handle,badge\nPia Lastyear,pia@example.org,pia,T-25-3\n").unwrap();
                user.ok(&["import", "attendees", &right]);
            },
            &["Pia Lastyear: on the list of the import of this-year.csv, kept"],
            &["Pia Lastyear"],
        ),
    ];
    for (case, after, kept, stays) in cases {
        let user = sprint_with_people();
        let dir = user.dir.path().to_str().unwrap().to_owned();
        let before = people_seen(&user);
        let file = format!("{dir}/last-year.csv");
        std::fs::write(&file, wrong).unwrap();
        let out = user.ok(&["import", "attendees", &file]);
        assert!(out.contains("To take this import back: sprintdesk import undo import-"), "{case}: {out}");
        let id = latest_import(&user);
        after(&user, &dir);
        let undone = user.json(&["import", "undo", &id]);
        let said: Vec<&str> = undone["kept"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(said, kept, "{case}");
        let now = people_seen(&user);
        let extra: Vec<&str> =
            now.iter().filter(|p| !before.iter().any(|b| b.0 == p.0)).map(|p| p.0.as_str()).collect();
        assert_eq!(extra, stays, "{case}: {now:?}");
        let lukasz =
            |people: &[(String, Value, Value)]| people.iter().find(|p| p.0 == "Łukasz Langa").unwrap().1.clone();
        let expected = if case.contains("by hand") { "lukasz@langa.pl".into() } else { lukasz(&before) };
        assert_eq!(lukasz(&now), expected, "{case}: the e-mail the import replaced");
        // Undone once: a second time changes nothing and says so.
        let (code, stderr) = user.fails(&["import", "undo", &id]);
        assert_eq!(code, 1, "{case}");
        assert!(stderr.contains("that import was taken back already"), "{case}: {stderr}");
        assert_eq!(people_seen(&user), now, "{case}");
    }
}

/// Erasing an import's people asks for the organizer PIN, and wrong PINs count as anywhere: the count was
/// kept inside the import's write turn and rolled back with the refusal, so PINs could be tried forever.
#[test]
fn wrong_pins_for_erasing_an_import_lock_the_pin_and_take_nothing_back() {
    let user = sprint_with_people();
    for mode in ["kiosk", "organizer"] {
        user.ok(&["call", "set_mode", &json!({"mode": mode, "pin": "2468"}).to_string()]);
    }
    let file = user.dir.path().join("other-event.csv");
    std::fs::write(&file, "name,email\nWilhelmina Strangefellow,w.strangefellow@other-event.example\n").unwrap();
    user.ok(&["import", "attendees", file.to_str().unwrap()]);
    let mut said = Vec::new();
    for _ in 0..6 {
        let (code, stderr) = user.fails(&["import", "undo", "--erase", "--pin", "1111"]);
        said.push((code, stderr));
    }
    assert!(said[0].1.contains("that is not the organizer PIN"), "{said:?}");
    assert!(said[5].1.contains("can be tried again in"), "locked after five: {said:?}");
    let (_, stderr) = user.fails(&["import", "undo", "--erase", "--pin", "2468"]);
    assert!(stderr.contains("can be tried again in"), "not even the right PIN while locked: {stderr}");
    assert_eq!(user.json(&["attendees", "search", "Strangefellow"]).as_array().unwrap().len(), 1);
    assert_eq!(user.json(&["import", "list"])[0]["undone"], false, "nothing taken back");
}

/// Two wrong files both listing Wilhelmina, taken back oldest first: the first undo kept her for the second
/// file's list, and the second took back only the people it had added itself, so she stayed on the list,
/// e-mail and all, with both imports shown as taken back and erased.
#[test]
fn two_wrong_files_listing_one_stranger_taken_back_oldest_first_leave_nothing_of_her() {
    for erase in [true, false] {
        let user = sprint_with_people();
        let dir = user.dir.path();
        let wilhelmina = "Wilhelmina Strangefellow,w.strangefellow@other-event.example";
        std::fs::write(dir.join("a.csv"), format!("name,email\n{wilhelmina}\nAnton Onlyfirst,anton@other.example\n"))
            .unwrap();
        std::fs::write(dir.join("b.csv"), format!("name,email\n{wilhelmina}\nBerta Onlysecond,berta@other.example\n"))
            .unwrap();
        user.ok(&["import", "attendees", dir.join("a.csv").to_str().unwrap()]);
        user.ok(&["import", "attendees", dir.join("b.csv").to_str().unwrap()]);
        let list = user.json(&["import", "list"]);
        let (b, a) = (list[0]["id"].as_str().unwrap().to_owned(), list[1]["id"].as_str().unwrap().to_owned());
        let flag: &[&str] = if erase { &["--erase"] } else { &[] };
        let first = user.json(&[&["import", "undo", &a][..], flag].concat());
        assert_eq!(
            first["kept"],
            json!(["Wilhelmina Strangefellow: on the list of the import of b.csv, kept"]),
            "{first}"
        );
        let second = user.json(&[&["import", "undo", &b][..], flag].concat());
        let mut removed: Vec<&str> =
            second["removed_names"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        removed.sort_unstable();
        assert_eq!(removed, ["Berta Onlysecond", "Wilhelmina Strangefellow"], "erase {erase}: {second}");
        assert_eq!(second["erased"], json!(if erase { 2 } else { 0 }), "{second}");
        assert_eq!(user.json(&["attendees", "search", "Strangefellow"]), json!([]), "erase {erase}");
        let mut files = Vec::new();
        for name in ["sprint.db", "sprint.db-wal"] {
            files.extend(std::fs::read(dir.join(name)).unwrap_or_default());
        }
        let held = files.windows(10).any(|w| w == b"w.strangef");
        assert_eq!(held, !erase, "erase {erase}: her e-mail in the files");
    }
}

/// Three wrong files listing Wilhelmina, or two where the second gives her a handle: each undo keeps her
/// while an import that stands lists her, and the last one takes her back, erased if any undo asked to. The
/// third file's undo once removed and erased her while the second still stood.
#[test]
fn a_person_on_several_wrong_files_goes_with_the_last_import_that_lists_her() {
    let wilhelmina = "Wilhelmina Strangefellow,w.strangefellow@other-event.example";
    /// An undo: the file, `--erase`, whether she is still listed after it.
    type Undo = (char, bool, bool);
    let cases: [(&str, &[&str], &[Undo]); 2] = [
        // (the files' extra lines after her; undos in order: file, --erase, she is still listed after it)
        (
            "three files, the first erased, the third before the second",
            &[
                "\nAnton Onlyfirst,anton@other.example",
                "\nBerta Onlysecond,berta@other.example",
                "\nCarl Onlythird,carl@other.example",
            ],
            &[('a', true, true), ('c', false, true), ('b', false, false)],
        ),
        (
            "the second gives her a handle",
            &["\nAnton Onlyfirst,anton@other.example", ",wstrange\nBerta Onlysecond,berta@other.example,"],
            &[('a', true, true), ('b', false, false)],
        ),
    ];
    for (case, files, undos) in cases {
        let user = sprint_with_people();
        let dir = user.dir.path();
        for (n, extra) in files.iter().enumerate() {
            let header = if extra.starts_with(',') { "name,email,handle" } else { "name,email" };
            let name = dir.join(format!("{}.csv", (b'a' + n as u8) as char));
            std::fs::write(&name, format!("{header}\n{wilhelmina}{extra}\n")).unwrap();
            user.ok(&["import", "attendees", name.to_str().unwrap()]);
        }
        let list = user.json(&["import", "list"]);
        let id_of = |file: char| {
            let file = format!("{file}.csv");
            list.as_array().unwrap().iter().find(|i| i["file"] == file.as_str()).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        for (file, erase, listed) in undos {
            let id = id_of(*file);
            let flag: &[&str] = if *erase { &["--erase"] } else { &[] };
            let said = user.ok(&[&["import", "undo", &id][..], flag].concat());
            let found = user.json(&["attendees", "search", "Strangefellow"]).as_array().unwrap().len();
            assert_eq!(found == 1, *listed, "{case}: after undoing {file}.csv: {said}");
        }
        let mut held = Vec::new();
        for name in ["sprint.db", "sprint.db-wal"] {
            held.extend(std::fs::read(dir.join(name)).unwrap_or_default());
        }
        assert!(!held.windows(10).any(|w| w == b"w.strangef"), "{case}: erased, her e-mail is not in the files");
    }
}

/// One name on two tickets (with the same e-mail or handle) is two people to an import, but most likely one at
/// the door: the report says so, and a file without such pairs says nothing.
#[test]
fn an_import_asks_about_one_name_on_two_tickets() {
    let user = sprint_with_people();
    let file = user.dir.path().join("tickets.csv");
    let cases: [(&str, &[&str]); 4] = [
        (
            "name,email,badge\nInes Horvath,ines@example.org,TT-1\nInes Horvath,ines@example.org,TT-2\n",
            &["Ines Horvath"],
        ),
        ("name,email,badge\nJon Single,jon@example.org,TT-3\n", &[]),
        // Two people of one name with their own addresses: not asked (the duplicates page lists them, by name only).
        ("name,email,badge\nKim Lee,kim.a@example.org,TT-4\nKim Lee,kim.b@example.org,TT-5\n", &[]),
        // A company's address on two people's rows: two names, no question (it listed 66 pairs for 12).
        ("name,email\nAda One,office@firm.example\nBea Two,office@firm.example\nCem Three,office@firm.example\n", &[]),
    ];
    for (text, asked) in cases {
        std::fs::write(&file, text).unwrap();
        let report = user.json(&["import", "attendees", file.to_str().unwrap()]);
        assert_eq!(report["likely_duplicates"], json!(asked), "{text}: {report}");
    }
    // One handle on two tickets under two names (Robert and Bob): one account, so most likely one person.
    std::fs::write(&file, "name,email,handle,badge\nRobert Okonkwo,r@example.org,rokonkwo,TT-6\nBob Okonkwo,b@example.org,rokonkwo,TT-7\n").unwrap();
    let report = user.json(&["import", "attendees", file.to_str().unwrap()]);
    let asked = report["likely_duplicates"].as_array().unwrap();
    assert_eq!(asked.len(), 1, "{report}");
    let said = asked[0].as_str().unwrap();
    assert!(
        said.contains("Robert Okonkwo")
            && said.contains("Bob Okonkwo")
            && said.contains("(both @rokonkwo: correct one handle if they are two people)"),
        "{said}"
    );
    let duplicates = user.ok(&["attendees", "duplicates"]);
    assert!(duplicates.contains("Robert Okonkwo") && duplicates.contains("Bob Okonkwo"), "{duplicates}");
}

/// Another event's export chosen by mistake puts strangers on every device: a file whose event (pretix's
/// event slug, Eventbrite's event name) is not that of the lists imported before, or that lists several, is
/// asked about and imports nothing until the organizer says it is this sprint's list. Each case is a run of
/// imports on a fresh sprint: (file's events, flags, asked?).
#[test]
fn a_file_for_another_event_is_asked_about_before_anything_is_imported() {
    let pretix = |events: &[&str], first: usize| {
        let mut text = String::from(
            "Event slug;Order code;Position ID;Status;Email;Product;Attendee name;Attendee email;Ticket secret\n",
        );
        for (n, event) in events.iter().enumerate() {
            let n = first + n;
            text.push_str(&format!(
                "{event};O{n};1;p;buyer{n}@example.org;Sprint ticket;Person Number{n};p{n}@example.org;secret{n:04}\n"
            ));
        }
        text
    };
    type Step<'a> = (&'a [&'a str], &'a [&'a str], bool);
    let cases: [(&str, Vec<Step>); 7] = [
        ("the same event again", vec![(&["pyconde-2026"], &[], false), (&["PyConDE-2026"], &[], false)]),
        ("another event", vec![(&["pyconde-2026"], &[], false), (&["djangocon-2025"], &[], true)]),
        (
            "another event, said to be this sprint's, then again",
            vec![
                (&["pyconde-2026"], &[], false),
                (&["djangocon-2025"], &["--another-event"], false),
                (&["djangocon-2025"], &[], false),
            ],
        ),
        ("a first file for several events", vec![(&["pyconde-2026", "djangocon-2025"], &[], true)]),
        (
            "a first file for several events, said to be this sprint's, then again",
            vec![
                (&["pyconde-2026", "djangocon-2025"], &["--another-event"], false),
                (&["djangocon-2025"], &[], false),
                (&["djangocon-2025", "pyconde-2026"], &[], false),
            ],
        ),
        // The wrong list taken back is not a list to compare with.
        (
            "after the wrong one was taken back",
            vec![(&["djangocon-2025"], &[], false), (&["undo"], &[], false), (&["pyconde-2026"], &[], false)],
        ),
        // A file that does not say (a pretix check-in list, a plain CSV) is not asked about.
        ("a file naming no event", vec![(&["pyconde-2026"], &[], false), (&[], &[], false)]),
    ];
    for (case, steps) in cases {
        let user = User::new(DAY_ONE_MORNING);
        user.ok(&["init", "--name", "Sprints", "--start", "2026-05-18", "--days", "2", "--tz", "Europe/Berlin"]);
        let file = user.dir.path().join("export.csv");
        for (step, (events, flags, asked)) in steps.iter().enumerate() {
            if events.first() == Some(&"undo") {
                user.ok(&["import", "undo", &latest_import(&user)]);
                continue;
            }
            let text = if events.is_empty() {
                format!("name,email\nPlain Person{step},plain{step}@example.org\n")
            } else {
                pretix(events, step * 10)
            };
            std::fs::write(&file, &text).unwrap();
            let before = user.json(&["attendees", "list"]).as_array().unwrap().len();
            let args = [&["import", "attendees", file.to_str().unwrap()][..], flags].concat();
            if *asked {
                let (code, said) = user.fails(&args);
                assert_eq!(code, 1, "{case}, step {step}: {said}");
                for event in *events {
                    assert!(said.contains(event), "{case}, step {step}: names {event}: {said}");
                }
                assert!(said.contains("this sprint's list") && said.contains("--another-event"), "{case}: {said}");
                let after = user.json(&["attendees", "list"]).as_array().unwrap().len();
                assert_eq!(after, before, "{case}, step {step}: nothing imported");
            } else {
                let report = user.json(&args);
                assert_eq!(report["added"], json!(events.len().max(1)), "{case}, step {step}: {report}");
                let named: Vec<&str> = events.to_vec();
                assert_eq!(report["events"], json!(named), "{case}, step {step}");
            }
        }
    }
}

/// A merged pull request that closes a claimed issue moves the claim to merged unless it is someone else's
/// while the holder's own pull request for the issue is known. A walk found a first-timer credited with a
/// stranger's merge ("first contribution") while his own pull request had been closed unmerged. Kwame holds
/// #141020; each case is a fresh sprint and one file: (pull requests as (author, state), the issue's state).
#[test]
fn a_merged_pull_request_moves_a_claim_only_when_it_can_be_the_holders() {
    let pr = |n: u32, login: &str, state: &str| {
        let merged = if state == "MERGED" { json!("2026-05-19T12:00:00Z") } else { Value::Null };
        json!({"author": {"login": login}, "body": "Fixes #141020", "createdAt": "2026-05-18T21:40:02Z",
               "closedAt": if state == "OPEN" { Value::Null } else { json!("2026-05-19T12:00:00Z") },
               "mergedAt": merged, "number": n, "state": state, "title": format!("Change {n}"),
               "url": format!("https://github.com/python/cpython/pull/{n}")})
    };
    let cases: [(&[(&str, &str)], &str); 7] = [
        (&[("kmensah", "MERGED")], "merged"),
        // Someone else's merge, while his own was closed: not his. The issue is closed, and his claim let go
        // (left at "PR open", a first-timer could take no other issue).
        (&[("core-dev-x", "MERGED"), ("kmensah", "CLOSED")], "closed"),
        (&[("kmensah", "CLOSED"), ("core-dev-x", "MERGED")], "closed"),
        // Someone on the list who holds no claim on it, his own not known: the issue is done (they may have
        // paired).
        (&[("willingc", "MERGED")], "merged"),
        (&[("willingc", "MERGED"), ("kmensah", "CLOSED")], "closed"),
        // An unknown author and no pull request of his known: it may be his under another handle.
        (&[("someone-unknown", "MERGED")], "merged"),
        (&[("core-dev-x", "MERGED"), ("kmensah", "MERGED")], "merged"),
    ];
    for (prs, state) in cases {
        let user = sprint_with_claims();
        let file = user.dir.path().join("prs.json");
        let items: Vec<Value> =
            prs.iter().enumerate().map(|(i, (login, s))| pr(150_000 + i as u32, login, s)).collect();
        std::fs::write(&file, Value::Array(items).to_string()).unwrap();
        user.ok(&["import", "prs", file.to_str().unwrap()]);
        let issue = issue_states(&user).into_iter().find(|(n, _)| *n == 141020).unwrap();
        assert_eq!(issue.1, state, "{prs:?}");
        if state == "closed" {
            // Let go: Kwame, a first-timer, may take another beginner issue.
            let holders = user.json(&["issues", "list"]);
            let held = holders.as_array().unwrap().iter().find(|i| i["number"] == 141020).unwrap()["holders"].clone();
            assert!(
                held.as_array()
                    .unwrap()
                    .iter()
                    .all(|h| h["state"]["state"] != "pr_open" && h["state"]["state"] != "active"),
                "{held}"
            );
        }
    }
}

/// Signing out at the door by table: someone who moved table names the first or the one they moved to; the
/// morning's table, before they signed out for lunch and came back at another, is a wrong table. Each case
/// is one person: (where they signed in, in order, with "out" for a sign-out; the table named; taken?).
#[test]
fn the_door_takes_the_tables_of_this_stay_only() {
    let user = sprint_with_people();
    for (name, table) in [("CPython", "T1"), ("Django", "T2"), ("PyPy", "T3")] {
        user.ok(&["project", "add", "--name", name, "--table", table]);
    }
    let cases: [(&[&str], &str, bool); 6] = [
        (&["T1"], "T1", true),
        (&["T1"], "T2", false),
        (&["T1", "T2"], "T1", true),
        (&["T1", "T2"], "T2", true),
        (&["T1", "T2"], "T3", false),
        (&["T1", "out", "T2"], "T1", false),
    ];
    for (n, (stays, named, taken)) in cases.into_iter().enumerate() {
        let person = format!("Door Case{}", (b'A' + n as u8) as char);
        let id = user.json(&["attendees", "add", "--name", &person])["id"].as_str().unwrap().to_owned();
        let mut at: Option<&str> = None;
        for step in stays {
            if *step == "out" {
                user.ok(&["signout", &id]);
                at = None;
            } else {
                let from: &[&str] = at.as_ref().map_or(&[], |t| std::slice::from_ref(t));
                let moved = if from.is_empty() { vec![] } else { vec!["--from", from[0]] };
                user.ok(&[&["signin", &id, "--project", step, "--accept-coc"][..], &moved].concat());
                at = Some(step);
            }
        }
        let args = json!({"attendee": id, "table": named}).to_string();
        let out = user.command(&["call", "sign_out_at_door", &args]).output().unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.success(), taken, "{stays:?}, naming {named}: {said}");
        if !taken {
            assert!(said.contains(&format!("That is not where {person} signed in")), "{said}");
        }
    }
}

/// Éric's ticket asked for no handle. A merge request by "earaujo" closing the issue he claimed was counted
/// among passers-by, and nothing said so: the import now names such authors beside the claim, and once the
/// handle is on his record the same file makes the merge request his.
#[test]
fn a_pull_request_by_someone_not_on_the_list_closing_a_claimed_issue_is_named() {
    let user = sprint_with_claims();
    // Two of his: one merged, one closed (said once).
    let one = |iid: u32, state: &str| {
        json!({"id": 99000 + iid, "iid": iid, "project_id": 2, "title": format!("Warm up small loops faster {iid}"),
            "description": "Closes #3977", "state": state, "created_at": "2026-05-19T16:00:00.000Z",
            "merged_at": if state == "merged" { json!("2026-05-20T09:30:00.000Z") } else { Value::Null },
            "closed_at": if state == "closed" { json!("2026-05-20T09:30:00.000Z") } else { Value::Null }, "draft": false,
            "author": {"id": 5511, "username": "earaujo", "name": "Éric Araujo", "state": "active",
                       "web_url": "https://foss.heptapod.net/earaujo"},
            "labels": [], "web_url": format!("https://foss.heptapod.net/pypy/pypy/-/merge_requests/{iid}")})
    };
    let mr = json!([one(1300, "merged"), one(1301, "closed")]);
    let file = user.dir.path().join("mrs.json");
    std::fs::write(&file, mr.to_string()).unwrap();
    let report = user.json(&["import", "prs", file.to_str().unwrap()]);
    assert_eq!(report["unknown_authors"], json!(["@earaujo closes #3977, claimed by Éric Araujo"]), "{report}");
    user.ok(&["attendees", "edit", "Éric Araujo", "--handle", "earaujo"]);
    let report = user.json(&["import", "prs", file.to_str().unwrap()]);
    assert_eq!((report["unknown_authors"].clone(), report["updated"].clone()), (json!([]), json!(2)), "{report}");
}

/// The id of this device's latest import, taken back or not.
fn latest_import(user: &User) -> String {
    user.json(&["import", "list"])[0]["id"].as_str().unwrap().to_owned()
}

/// Issues imported into the wrong project are taken back too, except those claimed since; a state the
/// import changed is set back.
#[test]
fn issues_imported_by_mistake_are_taken_back_except_those_claimed_since() {
    let user = sprint_with_claims();
    let before = issue_states(&user);
    let file = user.dir.path().join("wrong-issues.csv");
    std::fs::write(
        &file,
        "number,title,url,labels,state\n\
         141020,Improve the error for a missing colon,https://github.com/python/cpython/issues/141020,,closed\n\
         9001,Not ours at all,https://github.com/python/cpython/issues/9001,,open\n\
         9002,Not ours either,https://github.com/python/cpython/issues/9002,,open\n",
    )
    .unwrap();
    let out = user.ok(&["import", "issues", file.to_str().unwrap(), "--project", "CPython"]);
    assert!(out.contains("2 added, 1 updated"), "{out}");
    user.ok(&["claim", "#9002", "--by", "@willingc"]);
    let out = user.ok(&["import", "undo"]);
    assert!(user.ok(&["issues", "list"]).contains("9002"), "the claimed issue stays on the board");
    assert!(out.contains("1 issue removed, 1 set back"), "{out}");
    assert!(out.contains("#9002 Not ours either: claimed or worked on since the import, kept"), "{out}");
    let mut expected = before.clone();
    expected.push((9002, "open".into()));
    expected.sort();
    let mut now = issue_states(&user);
    now.sort();
    assert_eq!(now, expected);
}

/// Pull requests imported from the wrong file (another sprint's, another repository's fork) counted in the
/// report and moved claims to "PR open" or merged, and could not be taken back.
#[test]
fn pull_requests_imported_by_mistake_are_taken_back_with_the_claims_they_moved() {
    let user = sprint_with_claims();
    let before = issue_states(&user);
    let out = user.ok(&["import", "prs", &fixture("gh-prs-cpython.json")]);
    assert!(out.contains("5 added") && out.contains("2 claim(s) moved"), "{out}");
    assert!(out.contains("To take this import back: sprintdesk import undo "), "{out}");
    // The lead marks #141033 merged since: that step builds on the import's "PR open", which stays.
    user.ok(&["merged", "#141033"]);
    let out = user.ok(&["import", "undo"]);
    assert!(out.contains("5 pull requests removed, 0 set back as before it, 1 claim moved back a step"), "{out}");
    assert!(out.contains("gh-prs-cpython.json, pull requests gh pr list JSON"), "{out}");
    assert!(
        out.contains(
            "#141033 Add missing test for argparse mutually exclusive groups: worked on since the import, its claim's \
             step kept"
        ),
        "{out}"
    );
    let mut expected: Vec<(u64, String)> =
        before.iter().map(|(n, s)| (*n, if *n == 141033 { "merged".into() } else { s.clone() })).collect();
    expected.sort();
    assert_eq!(issue_states(&user), expected);
    let prs = user.ok(&["export", "prs"]);
    assert_eq!(prs.trim().lines().count(), 1, "only the header is left: {prs}");
    assert!(user.ok(&["import", "list"]).contains("(taken back)"));
    let (code, stderr) = user.fails(&["import", "undo"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("was taken back already"), "{stderr}");
    // The right file imported next adds them again, and moves #141020's claim again.
    let out = user.ok(&["import", "prs", &fixture("gh-prs-cpython.json")]);
    assert!(out.contains("5 added") && out.contains("1 claim(s) moved"), "{out}");
    assert_eq!(issue_states(&user).iter().find(|(n, _)| *n == 141020).unwrap().1, "merged");
    // A pull request can be deleted and restored by hand too.
    let id = user.json(&["call", "export", r#"{"kind": "sprint"}"#])["text"].as_str().map(|text| {
        let whole: Value = serde_json::from_str(text).unwrap();
        whole["pull_requests"][0]["id"].as_str().unwrap().to_owned()
    });
    let id = id.unwrap();
    user.ok(&["delete", "pr", &id]);
    assert_eq!(user.ok(&["export", "prs"]).trim().lines().count(), 1 + 4);
    user.ok(&["restore", "pr", &id]);
    assert_eq!(user.ok(&["export", "prs"]).trim().lines().count(), 1 + 5);
}

/// A correction from the command line changes only what it names; a bad value changes nothing.
#[test]
fn attendees_edit_changes_only_what_it_is_given() {
    let user = sprint_with_people();
    let id = user.attendee_id("Éric Araujo");
    let show = || user.json(&["attendees", "show", &id]);
    let before = show();
    // (arguments, the details that change, and to what)
    type Changes<'a> = &'a [(&'a str, Value)];
    let cases: [(&[&str], Changes); 5] = [
        (&["--email", "eric@araujo.example"], &[("email", json!("eric@araujo.example"))]),
        (&["--handle", "merwok"], &[("handle", json!("merwok"))]),
        (&["--handle", ""], &[("handle", Value::Null)]),
        (
            &["--role", "mentor", "--role", "table-lead", "--first-timer", "yes"],
            &[("roles", json!(["table_lead", "mentor"])), ("first_timer", json!(true))],
        ),
        (&["--name", "Éric  Araujo-Bouchard"], &[("name", json!("Éric Araujo-Bouchard"))]),
    ];
    let mut expected = before.clone();
    for (args, changes) in cases {
        let mut all = vec!["attendees", "edit", id.as_str()];
        all.extend_from_slice(args);
        assert!(user.ok(&all).starts_with("Updated "), "{args:?}");
        for (field, value) in changes {
            expected[*field] = value.clone();
        }
        assert_eq!(show(), expected, "{args:?}");
    }
    for (args, said) in [
        (&["--email", "not-an-address"][..], "is not an email address"),
        (&["--role", "boss"][..], "is not a role"),
        (&["--badge", "9h7vqy2tpvfz3xkd6m8r4wcj"][..], "already Łukasz Langa's"),
    ] {
        let mut all = vec!["attendees", "edit", id.as_str()];
        all.extend_from_slice(args);
        let (code, stderr) = user.fails(&all);
        assert_eq!(code, 1, "{args:?}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert_eq!(show(), expected, "{args:?} changed nothing");
    }
    let (_, stderr) = user.fails(&["attendees", "edit", "Nobody Here", "--email", "x@example.org"]);
    assert!(stderr.contains("Nobody Here"), "{stderr}");
}

/// Two wrong files, taken back oldest first, leave the list as it was (the second's undo had set fields back
/// to the first's values, and kept a person only the first had added, as if the first still stood). And
/// `import undo` run twice does not go on to take back the import before.
#[test]
fn wrong_imports_taken_back_in_any_order_leave_the_list_as_it_was() {
    let user = sprint_with_people();
    let dir = user.dir.path();
    let before = people_seen(&user);
    let (first, second) = (dir.join("first.csv"), dir.join("second.csv"));
    std::fs::write(
        &first,
        "name,email,badge\nŁukasz Langa,l@wrong.example,9h7vqy2tpvfz3xkd6m8r4wcj\nNew Wrong,nw@wrong.example,W-1\n",
    )
    .unwrap();
    std::fs::write(
        &second,
        "name,email,badge\nŁukasz Langa,l@other.example,9h7vqy2tpvfz3xkd6m8r4wcj\nNew Wrong,nw@other.example,W-1\n",
    )
    .unwrap();
    user.ok(&["import", "attendees", first.to_str().unwrap()]);
    let first_id = latest_import(&user);
    user.ok(&["import", "attendees", second.to_str().unwrap()]);
    let out = user.ok(&["import", "undo", &first_id]);
    assert!(out.contains("Took back the import of first.csv"), "{out}");
    let out = user.ok(&["import", "undo"]);
    assert!(out.contains("Took back the import of second.csv") && out.contains("Removed: New Wrong"), "{out}");
    assert_eq!(people_seen(&user), before);
    // Run again, it names the latest and stops: it does not take back the pretix import before them.
    let (code, stderr) = user.fails(&["import", "undo"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("the latest import (second.csv, attendees plain CSV,")
            && stderr.contains("was taken back already"),
        "{stderr}"
    );
    assert_eq!(people_seen(&user), before);
    let (_, stderr) = user.fails(&["import", "undo", " "]);
    assert!(stderr.contains("say which import to take back"), "{stderr}");
}

/// A badge code the import gave someone already on the list, printed and scanned at the door since, stays
/// theirs when the import is taken back: the badge around their neck works.
#[test]
fn a_badge_code_an_import_gave_and_the_door_used_since_stays() {
    let user = sprint_with_people();
    user.ok(&["attendees", "add", "--name", "Kim Lee", "--email", "kim@example.org"]);
    let file = user.dir.path().join("codes.csv");
    std::fs::write(&file, "name,email,badge\nKim Lee,kim@example.org,K-2026-7\n").unwrap();
    user.ok(&["import", "attendees", file.to_str().unwrap()]);
    user.ok(&["signin", "--badge", "K-2026-7", "--accept-coc"]);
    let out = user.ok(&["import", "undo"]);
    assert!(out.contains("Kim Lee: badge code (a badge printed or a sign-in since the import), kept"), "{out}");
    assert_eq!(user.json(&["attendees", "show", "Kim Lee"])["badge_code"], "K-2026-7");
}

/// A claim made on a laptop whose clock runs ten minutes fast, and its holder signing out at a door with a
/// right clock that has heard of the claim (so it stamps the sign-out after it, in its own future): the
/// claim stayed held, by someone who had gone home, until the clocks caught up.
#[test]
fn a_sign_out_releases_a_claim_a_fast_clock_stamped() {
    let mut user = sprint_with_claims();
    let held = |user: &User| {
        user.json(&["issues", "list"])
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["number"] == 141051 && i["holders"].as_array().is_some_and(|h| !h.is_empty()))
    };
    // 10:30 at the door; the lead's laptop says 10:40.
    user.at("2026-05-18T10:40:00-07:00").ok(&["claim", "#141051", "--by", "@willingc"]);
    assert!(held(user.at(DAY_ONE_MORNING)));
    user.at("2026-05-18T10:31:00-07:00").ok(&["signout", "@willingc"]);
    assert!(!held(user.at("2026-05-18T10:32:00-07:00")), "she has gone home: the claim is released");
}

/// A person an import added and who signed in since is kept when it is taken back; a later import's undo
/// then takes back only what that import did: it had deleted her, taking the first import for never made.
#[test]
fn a_person_kept_by_one_undo_stays_through_the_next() {
    let user = sprint_with_people();
    let dir = user.dir.path();
    let (first, second) = (dir.join("first.csv"), dir.join("second.csv"));
    std::fs::write(&first, "name,email,badge\nAna Lima,ana@example.org,A-1\n").unwrap();
    std::fs::write(&second, "name,email,badge\nAna Lima,ana.lima@work.example,A-1\n").unwrap();
    user.ok(&["import", "attendees", first.to_str().unwrap()]);
    let first_id = latest_import(&user);
    user.ok(&["signin", "Ana Lima", "--accept-coc"]);
    user.ok(&["import", "attendees", second.to_str().unwrap()]);
    let out = user.ok(&["import", "undo", &first_id]);
    assert!(out.contains("Ana Lima: signed in or out since the import, kept"), "{out}");
    let out = user.ok(&["import", "undo"]);
    assert!(out.contains("0 people removed, 1 set back"), "{out}");
    assert_eq!(user.json(&["attendees", "show", "Ana Lima"])["email"], "ana@example.org");
}
