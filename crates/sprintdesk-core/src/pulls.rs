//! Pull requests in: GitHub's `gh pr list --json …`, its REST form (`gh api repos/O/R/pulls --paginate`,
//! pages one after another), and GitLab merge requests (`glab mr list -F json`, the API). Each is matched to
//! its project by repository, its author to an attendee by handle, and the issues it closes by the
//! conventions projects use. A merged pull request that closes a claimed issue moves the claim to merged,
//! an open one to "PR open": ordinary claim events that sync. A file with a bad item imports nothing.

use crate::snapshot::Snapshot;
use crate::{Desk, Error, ImportFile, ImportReport, RowError};
use serde_json::Value;
use sprintdesk_domain::{
    AttendeeId, ClaimAction, Issue, IssueId, IssueState, PrState, Project, PullRequest, PullRequestId, Timestamp,
};
use sprintdesk_store::Op;
use std::collections::{BTreeSet, HashMap};

/// The shapes of pull request file Sprintdesk reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrFormat {
    /// `gh pr list --state all --json number,title,url,state,author,createdAt,mergedAt,closedAt,labels,body`
    GhCli,
    /// `gh api repos/OWNER/REPO/pulls?state=all --paginate` (GitHub's REST API)
    GitHubRest,
    /// `glab mr list -F json`, or GitLab's merge requests API
    GitLab,
}

impl PrFormat {
    pub fn label(self) -> &'static str {
        match self {
            PrFormat::GhCli => "gh pr list JSON",
            PrFormat::GitHubRest => "GitHub REST pulls JSON",
            PrFormat::GitLab => "GitLab merge requests JSON",
        }
    }
}

/// One good item of a pull request file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedPr {
    /// `item 3`, for messages about it.
    pub place: String,
    pub url: String,
    /// `https://github.com/python/cpython`: where its project is found.
    pub repository: String,
    pub number: u32,
    pub title: String,
    pub state: PrState,
    pub author: Option<String>,
    pub first_contribution: bool,
    pub created_at: Timestamp,
    pub merged_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// What it says it closes.
    pub closes: Vec<IssueReference>,
}

/// An issue a pull request says it closes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueReference {
    /// `#123`, `gh-123`: in the pull request's own repository.
    Number(u32),
    /// `owner/repo#123`, or an issue's address: the repository (lower case, no trailing slash) and number.
    In(String, u32),
}

/// Reads a pull request file. Either every item is good, or every bad item is reported.
pub fn parse_prs(text: &str) -> Result<(PrFormat, Vec<ImportedPr>), Vec<RowError>> {
    if text.trim().is_empty() {
        return Err(vec![RowError { place: "line 1".into(), message: "the file is empty".into() }]);
    }
    // A spreadsheet or an issue CSV picked by mistake: said as what it is not, not as broken JSON.
    if !text.trim_start().starts_with('[') {
        return Err(not_a_list());
    }
    let items = crate::import::json_pages(text).ok_or_else(not_a_list)??;
    // An empty list is an export of a time with no pull requests: nothing to import, and nothing wrong.
    let Some(first) = items.first() else { return Ok((PrFormat::GhCli, Vec::new())) };
    let format = if first.get("iid").is_some() || first.get("web_url").is_some() {
        PrFormat::GitLab
    } else if first.get("html_url").is_some() || first.get("user").is_some() {
        PrFormat::GitHubRest
    } else {
        PrFormat::GhCli
    };
    let mut prs = Vec::new();
    let mut errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let place = format!("item {}", index + 1);
        match read_pr(format, item, place.clone()) {
            Ok(pr) => prs.push(pr),
            Err(message) => errors.push(RowError { place, message }),
        }
    }
    if errors.is_empty() { Ok((format, prs)) } else { Err(errors) }
}

fn not_a_list() -> Vec<RowError> {
    vec![RowError {
        place: "line 1".into(),
        message: "this is not a list of pull requests: export them with `gh pr list --state all --json \
                  number,title,url,state,author,createdAt,mergedAt,closedAt,labels,body`, `gh api \
                  repos/OWNER/REPO/pulls?state=all --paginate` or `glab mr list -F json`"
            .into(),
    }]
}

fn read_pr(format: PrFormat, item: &Value, place: String) -> Result<ImportedPr, String> {
    let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let (url_key, number_key, author, created, merged, closed, body) = match format {
        PrFormat::GhCli => {
            ("url", "number", item.pointer("/author/login"), "createdAt", "mergedAt", "closedAt", "body")
        }
        PrFormat::GitHubRest => {
            ("html_url", "number", item.pointer("/user/login"), "created_at", "merged_at", "closed_at", "body")
        }
        PrFormat::GitLab => {
            ("web_url", "iid", item.pointer("/author/username"), "created_at", "merged_at", "closed_at", "description")
        }
    };
    let url = text(url_key).ok_or_else(|| format!("the pull request has no {url_key}"))?;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("\"{url}\" is not a web address"));
    }
    let repository = match address(url) {
        Some((repository, Address::Pull)) => repository,
        // An issue list exported by mistake (`gh issue list` has the same fields) must not count as pull requests.
        Some((_, Address::Issue)) => {
            return Err(format!(
                "\"{url}\" is an issue, not a pull request: export pull requests (`gh pr list`, not `gh issue list`)"
            ));
        }
        None => return Err(format!("\"{url}\" is not a pull or merge request's address")),
    };
    let number = item
        .get(number_key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("the pull request has no {number_key}"))?;
    let title = text("title").ok_or("the pull request has no title")?.to_owned();
    let time = |key: &str| -> Result<Option<Timestamp>, String> {
        match text(key) {
            None => Ok(None),
            Some(value) => chrono::DateTime::parse_from_rfc3339(value)
                .map(|at| Some(Timestamp::from_utc(at.to_utc())))
                .map_err(|_| format!("{key} \"{value}\" is not a time like 2026-05-18T10:30:00Z")),
        }
    };
    let created_at = time(created)?.ok_or_else(|| format!("the pull request has no {created}"))?;
    let merged_at = time(merged)?;
    let closed_at = time(closed)?;
    let raw_state = text("state").unwrap_or("open").to_lowercase();
    let state = match (raw_state.as_str(), merged_at) {
        ("merged", _) | ("closed", Some(_)) => PrState::Merged,
        ("open" | "opened", _) => PrState::Open,
        ("closed" | "locked", None) => PrState::Closed,
        (other, _) => return Err(format!("the state \"{other}\" is not open, merged or closed")),
    };
    let first_contribution = match format {
        PrFormat::GitHubRest => {
            matches!(text("author_association"), Some("FIRST_TIME_CONTRIBUTOR" | "FIRST_TIMER"))
        }
        PrFormat::GitLab => item.get("first_contribution").and_then(Value::as_bool).unwrap_or(false),
        // `gh pr list` has no such field.
        PrFormat::GhCli => false,
    };
    let body = item.get(body).and_then(Value::as_str).unwrap_or_default();
    Ok(ImportedPr {
        place,
        url: url.to_owned(),
        repository,
        number,
        closes: closing_references(&title, body),
        title,
        state,
        author: author.and_then(Value::as_str).map(|a| a.trim().trim_start_matches('@').to_owned()),
        first_contribution,
        created_at,
        merged_at,
        closed_at,
    })
}

/// What a forge's address is the page of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Address {
    /// A pull request (GitHub, Gitea, Forgejo) or merge request (GitLab).
    Pull,
    Issue,
}

/// The repository (lower case) and the kind of page of a pull request's, merge request's or issue's
/// address: the last `/pull/N`, `/pulls/N`, `/merge_requests/N` or `/issues/N` in it (so that an owner named
/// "pull" is not taken for one), without its query, fragment or trailing slash.
fn address(url: &str) -> Option<(String, Address)> {
    let url = url.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    let markers = [
        ("/pull/", Address::Pull),
        ("/pulls/", Address::Pull),
        ("/merge_requests/", Address::Pull),
        ("/issues/", Address::Issue),
    ];
    let (at, kind) = markers
        .iter()
        .filter_map(|(marker, kind)| {
            let at = url.rfind(marker)?;
            url[at + marker.len()..].starts_with(|c: char| c.is_ascii_digit()).then_some((at, *kind))
        })
        .max_by_key(|(at, _)| *at)?;
    // GitLab's pages sit under `/-/`: the repository is what comes before it.
    Some((url[..at].trim_end_matches("/-").to_lowercase(), kind))
}

/// `https://github.com/python/cpython` from a pull request's, merge request's or issue's address.
pub(crate) fn repository_of(url: &str) -> Option<String> {
    address(url).map(|(repository, _)| repository)
}

/// The words with which projects say a pull request closes an issue (GitHub's and GitLab's keywords).
const CLOSING_WORDS: [&str; 12] = [
    "close",
    "closes",
    "closed",
    "closing",
    "fix",
    "fixes",
    "fixed",
    "fixing",
    "resolve",
    "resolves",
    "resolved",
    "resolving",
];

/// The issues a pull request says it closes: "Fixes #123", "closes owner/repo#45", "Resolves
/// https://…/issues/7" in its title or description, and CPython's title prefix "gh-123456:".
pub fn closing_references(title: &str, body: &str) -> Vec<IssueReference> {
    let mut found = Vec::new();
    if let Some(rest) = strip_gh(title.trim_start()) {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let (Ok(n), true) = (digits.parse(), rest[digits.len()..].starts_with(':')) {
            found.push(IssueReference::Number(n));
        }
    }
    for text in [title, body] {
        let words: Vec<&str> = text.split_whitespace().collect();
        for (at, word) in words.iter().enumerate() {
            // "(fixes #12)", "**Fixes** #12", "[closes #12]": the keyword in brackets or emphasis.
            let keyword =
                word.trim_start_matches(['(', '[', '*', '_']).trim_end_matches([':', '*', '_']).to_lowercase();
            if !CLOSING_WORDS.contains(&keyword.as_str()) {
                continue;
            }
            // "Fixes #1, #2 and #3" closes all three: a list after the keyword.
            let mut index = at + 1;
            while let Some(word) = words.get(index) {
                let token = word.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ')' | '(' | '`' | ']' | '['));
                match reference(token) {
                    Some(found_one) => found.push(found_one),
                    None => break,
                }
                index += 1;
                if words.get(index).is_some_and(|w| w.eq_ignore_ascii_case("and")) {
                    index += 1;
                } else if !word.ends_with(',') {
                    break;
                }
            }
        }
    }
    let mut unique = Vec::new();
    for reference in found {
        if !unique.contains(&reference) {
            unique.push(reference);
        }
    }
    unique
}

/// What follows a leading `gh-` (any case), if there is one.
fn strip_gh(text: &str) -> Option<&str> {
    text.get(..3).filter(|head| head.eq_ignore_ascii_case("gh-")).map(|_| &text[3..])
}

/// `#123`, `gh-123`, `owner/repo#123` or an issue's address.
fn reference(token: &str) -> Option<IssueReference> {
    let number = |text: &str| text.parse::<u32>().ok().filter(|n| *n > 0);
    if let Some(rest) = token.strip_prefix('#') {
        return number(rest).map(IssueReference::Number);
    }
    if let Some(rest) = strip_gh(token) {
        return number(rest).map(IssueReference::Number);
    }
    if token.starts_with("https://") || token.starts_with("http://") {
        let (repo, tail) = token.rsplit_once('/')?;
        let repo = repo.strip_suffix("/issues").or_else(|| repo.strip_suffix("/-/issues"))?;
        let repo = repo.strip_suffix("/-").unwrap_or(repo);
        return number(tail).map(|n| IssueReference::In(repo.to_lowercase(), n));
    }
    let (repo, tail) = token.split_once('#')?;
    let parts: Vec<&str> = repo.split('/').collect();
    if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty()) {
        return number(tail).map(|n| IssueReference::In(repo.to_lowercase(), n));
    }
    None
}

pub(crate) fn normalize_repo(url: &str) -> String {
    url.trim().trim_end_matches('/').trim_end_matches(".git").to_lowercase()
}

/// The issue `reference` points to, among the imported issues of `repository` (the pull request's).
fn find_issue<'a>(issues: &'a [Issue], repository: &str, reference: &IssueReference) -> Option<&'a Issue> {
    let (repo, number) = match reference {
        IssueReference::Number(n) => (repository.to_owned(), *n),
        IssueReference::In(repo, n) => {
            // `owner/repo#1` is on the pull request's own forge.
            let repo = if repo.contains("://") {
                repo.clone()
            } else {
                let forge = repository.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
                format!("{forge}/{repo}")
            };
            (repo, *n)
        }
    };
    issues.iter().find(|issue| {
        issue.number == Some(number)
            && repository_of(&issue.url).is_some_and(|issue_repo| normalize_repo(&issue_repo) == normalize_repo(&repo))
    })
}

/// The projects that have each repository (normalized): two can share one.
pub(crate) fn projects_by_repo(snapshot: &Snapshot) -> HashMap<String, Vec<&Project>> {
    let mut by_repo: HashMap<String, Vec<&Project>> = HashMap::new();
    for project in snapshot.projects.values() {
        if let Some(url) = &project.repo_url {
            by_repo.entry(normalize_repo(url)).or_default().push(project);
        }
    }
    by_repo
}

/// Which project an imported issue or pull request of `repository` goes to, given the projects that have
/// that repository (`candidates`) and the one the organizer chose, if any. The choice decides when the file
/// cannot contradict it: the chosen project has the repository, has none of its own (a docs table), or no
/// project has it. A choice the file contradicts (Wagtail chosen for issues of CPython's repository) is
/// refused in words rather than followed or silently overruled. With no choice, the one project that has
/// the repository.
pub(crate) fn project_for<'p>(
    chosen: Option<&'p Project>,
    candidates: &[&'p Project],
    repository: &str,
    what: &str,
) -> Result<&'p Project, String> {
    let names = |projects: &[&Project]| match projects {
        [one] => format!("{}'s", one.name),
        [first, second, ..] => format!("{} and {}'s", first.name, second.name),
        [] => String::new(),
    };
    match (chosen, candidates) {
        (Some(chosen), _) if candidates.iter().any(|c| c.id == chosen.id) => Ok(chosen),
        (Some(chosen), _) if chosen.repo_url.is_none() => Ok(chosen),
        (Some(chosen), []) => Ok(chosen),
        (Some(chosen), others) => Err(format!(
            "{repository} is {} repository, not {}'s: import these {what} as the file says, or for {}",
            names(others),
            chosen.name,
            others[0].name
        )),
        (None, [project]) => Ok(project),
        (None, []) => Err(format!(
            "no project has the repository {repository}; give a project that repository, or choose the project to \
             import them into (--project on the command line)"
        )),
        (None, [first, second, ..]) => Err(format!(
            "{} and {} both have the repository {repository}; choose which of them to import their {what} into \
             (--project on the command line)",
            first.name, second.name
        )),
    }
}

impl Desk {
    /// Imports pull requests (see the module's notes). Returns what was added, updated and left as it was.
    pub fn import_prs(&mut self, file: ImportFile) -> Result<ImportReport, Error> {
        let (format, rows) = parse_prs(&file.text).map_err(Error::Import)?;
        let now = self.now();
        let snapshot = self.snapshot()?;
        let forced = file.project.as_deref().map(|p| snapshot.find_project(p)).transpose()?;
        // Two projects with one repository cannot tell their pull requests apart: those need --project.
        let by_repo = projects_by_repo(&snapshot);
        // Each handle's holders. One held by two people (a door that typed someone's handle for a walk-in, or
        // a tampered one) is no one's: their pull requests would go to whichever came first.
        let mut holders: HashMap<String, Vec<AttendeeId>> = HashMap::new();
        for person in snapshot.attendees.values().filter(|a| !snapshot.is_erased(&a.id)) {
            if let Some(handle) = person.handle_key() {
                let ids = holders.entry(handle).or_default();
                let id = snapshot.canonical(&person.id);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let by_handle: HashMap<String, AttendeeId> =
            holders.iter().filter(|(_, ids)| ids.len() == 1).map(|(h, ids)| (h.clone(), ids[0].clone())).collect();
        let shared = |author: &str| holders.get(&author.to_lowercase()).filter(|ids| ids.len() > 1);
        let known: HashMap<&str, &PullRequest> = snapshot.pull_requests.iter().map(|p| (p.url.as_str(), p)).collect();
        // Authors no attendee holds the handle of, who may be people erased since: looked up once.
        let strangers: Vec<&str> = rows
            .iter()
            .filter_map(|row| row.author.as_deref())
            .filter(|author| !by_handle.contains_key(&author.to_lowercase()) && shared(author).is_none())
            .collect();
        let erased_handles = self.store().erased_with_handles(&strangers)?;
        // Once everyone's personal data is erased, no handle is kept, not even of people who were not there.
        let keep_handles = !snapshot.is_erased(&AttendeeId::from("*"));
        // Pages that overlap list a pull request twice: it is one pull request (the later item wins).
        let mut seen: HashMap<String, usize> = HashMap::new();
        let rows: Vec<ImportedPr> = {
            let mut unique: Vec<ImportedPr> = Vec::new();
            for row in rows {
                match seen.get(&row.url) {
                    Some(&at) => unique[at] = row,
                    None => {
                        seen.insert(row.url.clone(), unique.len());
                        unique.push(row);
                    }
                }
            }
            unique
        };
        let mut report = ImportReport { format: format.label().into(), ..ImportReport::default() };
        let mut ops = Vec::new();
        let mut unchanged = Vec::new();
        let mut errors = Vec::new();
        // What each closed issue's claim moves to: a merged pull request outranks an open one.
        let mut moves: HashMap<IssueId, ClaimAction> = HashMap::new();
        let mut imported: Vec<PullRequest> = Vec::new();
        for row in rows {
            let candidates = by_repo.get(&normalize_repo(&row.repository)).map_or(&[][..], Vec::as_slice);
            let project = match project_for(forced, candidates, &row.repository, "pull requests") {
                Ok(project) => project,
                Err(message) => {
                    errors.push(RowError { place: row.place.clone(), message });
                    continue;
                }
            };
            let old = known.get(row.url.as_str()).copied();
            if let Some(author) = &row.author
                && let Some(ids) = shared(author)
            {
                let mut names: Vec<String> = ids.iter().map(|id| snapshot.person(id).name).collect();
                names.sort_unstable();
                let said = format!("@{author}: {}", names.join(", "));
                if !report.shared_handles.contains(&said) {
                    report.shared_handles.push(said);
                }
            }
            // Matched once, matched for good: an author erased since keeps the link (and no handle is written).
            // One erased before this import is known by the keys their erasure kept: named by the pseudonym.
            let erased_author = match &row.author {
                Some(author)
                    if !by_handle.contains_key(&author.to_lowercase()) && old.is_none_or(|o| o.attendee.is_none()) =>
                {
                    erased_handles.get(author.as_str()).map(|id| snapshot.canonical(&AttendeeId(id.clone())))
                }
                _ => None,
            };
            let attendee = row
                .author
                .as_ref()
                .and_then(|a| by_handle.get(&a.to_lowercase()).cloned())
                .or_else(|| old.and_then(|o| o.attendee.clone()))
                .or(erased_author);
            let closes: Vec<IssueId> = row
                .closes
                .iter()
                .filter_map(|r| find_issue(&snapshot.issues, &row.repository, r))
                .filter(|issue| issue.project == project.id)
                .map(|issue| issue.id.clone())
                .collect();
            let pr = PullRequest {
                id: old.map_or_else(|| PullRequestId::in_project(&self.make_id("p"), &project.id), |o| o.id.clone()),
                project: project.id.clone(),
                url: row.url,
                number: Some(row.number),
                title: row.title,
                state: row.state,
                // A handle two people hold is kept by neither: written on the pull request, it would name one of
                // them (who may yet be erased) in the report.
                author: if attendee.is_some() || !keep_handles || row.author.as_deref().and_then(shared).is_some() {
                    None
                } else {
                    row.author
                },
                attendee,
                first_contribution: row.first_contribution,
                created_at: row.created_at,
                merged_at: row.merged_at,
                closed_at: row.closed_at,
                closes,
            };
            let changes = Op::put(&pr, old);
            report.count(old.is_some(), !changes.is_empty());
            if old.is_some() && changes.is_empty() {
                unchanged.push(pr.id.to_string());
            }
            ops.extend(changes);
            imported.push(pr);
        }
        if !errors.is_empty() {
            return Err(Error::Import(errors));
        }
        // Whose pull requests close each issue, as they stand after this import: a merged pull request by
        // someone else is no claim holder's merge.
        let mut authors: HashMap<&IssueId, Vec<(&str, &AttendeeId)>> = HashMap::new();
        let fresh: std::collections::HashSet<&str> = imported.iter().map(|pr| pr.url.as_str()).collect();
        for pr in snapshot.pull_requests.iter().filter(|pr| !fresh.contains(pr.url.as_str())).chain(&imported) {
            if let Some(author) = &pr.attendee {
                for issue in &pr.closes {
                    authors.entry(issue).or_default().push((pr.url.as_str(), author));
                }
            }
        }
        // An author not on the list whose pull request closes an issue someone claimed, who has no handle on
        // their record: most likely that person (a ticket that did not ask for a handle). Said, for the
        // organizer to add it and import again: else the report lists them among passers-by.
        for pr in imported.iter().filter(|pr| pr.attendee.is_none()) {
            let Some(author) = &pr.author else { continue };
            for issue in pr.closes.iter().filter_map(|id| snapshot.issues.iter().find(|i| &i.id == id)) {
                // One name a person, however many times they claimed it (again after lunch), one line each.
                let names: BTreeSet<&str> = snapshot
                    .claims(issue, now)
                    .holders
                    .iter()
                    .map(|h| snapshot.canonical(&h.attendee))
                    .filter(|id| !snapshot.is_erased(id))
                    .filter_map(|id| snapshot.attendees.get(&id).filter(|a| a.handle.is_none()))
                    .map(|a| a.name.as_str())
                    .collect();
                if names.is_empty() {
                    continue;
                }
                let label = issue.number.map_or_else(|| issue.title.clone(), |n| format!("#{n}"));
                let names: Vec<&str> = names.into_iter().collect();
                let line = format!("@{author} closes {label}, claimed by {}", names.join(", "));
                if !report.unknown_authors.contains(&line) {
                    report.unknown_authors.push(line);
                }
            }
        }
        // Issues someone else's merge closed: their holders are let go (a first-timer left at "PR open" could
        // take no other issue), not credited.
        let mut closed: Vec<&IssueId> = Vec::new();
        for pr in &imported {
            for issue_id in &pr.closes {
                let others = authors.get(issue_id).map_or(&[][..], Vec::as_slice);
                match claim_move(&snapshot, issue_id, pr, others, now) {
                    Some(Move::Claim(action)) if !matches!(moves.get(issue_id), Some(ClaimAction::Merged)) => {
                        moves.insert(issue_id.clone(), action);
                    }
                    Some(Move::CloseUncredited) if !closed.contains(&issue_id) => closed.push(issue_id),
                    _ => {}
                }
            }
        }
        for issue in closed
            .into_iter()
            .filter(|id| !moves.contains_key(*id))
            .filter_map(|id| snapshot.issues.iter().find(|i| &i.id == id))
            .filter(|issue| issue.state != IssueState::Closed)
        {
            report.claims_released += snapshot.claims(issue, now).open().count();
            ops.extend(Op::put(&Issue { state: IssueState::Closed, ..issue.clone() }, Some(issue)));
        }
        let mut moves: Vec<(IssueId, ClaimAction)> = moves.into_iter().collect();
        moves.sort_by(|a, b| a.0.cmp(&b.0));
        for (issue_id, action) in moves {
            if let Some(issue) = snapshot.issues.iter().find(|i| i.id == issue_id) {
                ops.push(Op::Claim(self.claim_event(&snapshot, issue, action)));
                report.claims_moved += 1;
            }
        }
        self.write_import("prs", file.file_name.as_deref(), ops, unchanged, &mut report)?;
        Ok(report)
    }
}

/// What a pull request does to the claims on an issue it closes: merged marks a claimed issue merged, open
/// marks it "PR open"; nothing when it is there already (so a re-import writes nothing). Claims count whether
/// they are still held or were let go at closing time: pull requests are often imported after the sprint.
/// Nor when it is someone else's while a holder's own pull request for the issue is known (`authors`: each
/// pull request that closes the issue by someone on the list, by its address): a walk found a first-timer
/// credited with a stranger's merge while his own pull request was closed unmerged.
/// What a pull request does to a claimed issue it closes (see [`claim_move`]).
enum Move {
    Claim(ClaimAction),
    /// Someone else's merge: the issue is closed, its holders let go, no one credited.
    CloseUncredited,
}

fn claim_move(
    snapshot: &Snapshot,
    issue_id: &IssueId,
    pr: &PullRequest,
    authors: &[(&str, &AttendeeId)],
    now: Timestamp,
) -> Option<Move> {
    let issue = snapshot.issues.iter().find(|i| &i.id == issue_id)?;
    let claims = snapshot.claims(issue, now);
    if claims.holders.is_empty() {
        return None;
    }
    let holds = |who: &AttendeeId| {
        let who = snapshot.canonical(who);
        claims.holders.iter().any(|h| snapshot.canonical(&h.attendee) == who)
    };
    let someone_elses = pr.attendee.as_ref().is_none_or(|author| !holds(author))
        && authors.iter().any(|(url, author)| *url != pr.url && holds(author));
    if someone_elses {
        return (pr.state == PrState::Merged && claims.state != IssueState::Merged).then_some(Move::CloseUncredited);
    }
    match pr.state {
        PrState::Merged if claims.state != IssueState::Merged => Some(Move::Claim(ClaimAction::Merged)),
        PrState::Open if claims.state == IssueState::Open => {
            Some(Move::Claim(ClaimAction::PrOpened { attendee: pr.attendee.clone() }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::IssueReference::{In, Number};
    use super::*;

    #[test]
    fn an_imported_row_goes_where_its_repository_and_the_choice_agree() {
        let project = |id: &str, repo: Option<&str>| Project {
            id: sprintdesk_domain::ProjectId::from(id),
            name: id.to_uppercase(),
            repo_url: repo.map(Into::into),
            ..Project::default()
        };
        let (a, b, c) = (project("a", Some("r")), project("b", Some("r")), project("c", Some("elsewhere")));
        let docs = project("docs", None);
        /// (chosen, projects with the row's repository) → the project, or words of the refusal.
        type Case<'a> = (Option<&'a Project>, Vec<&'a Project>, Result<&'a str, &'a str>);
        let cases: Vec<Case> = vec![
            (None, vec![&a], Ok("a")),
            (Some(&a), vec![&a], Ok("a")),
            (Some(&c), vec![&a], Err("r is A's repository, not C's")), // The file says otherwise: asked.
            (Some(&docs), vec![&a], Ok("docs")), // A table with no repository of its own: the choice.
            (Some(&c), vec![], Ok("c")),         // No project has it: the choice decides.
            (None, vec![], Err("no project has the repository r")),
            (Some(&b), vec![&a, &b], Ok("b")), // Two share it: the choice tells them apart.
            (None, vec![&a, &b], Err("A and B both have the repository r")),
            (Some(&c), vec![&a, &b], Err("r is A and B's repository, not C's")),
        ];
        for (n, (chosen, candidates, expected)) in cases.into_iter().enumerate() {
            let got = project_for(chosen, &candidates, "r", "issues").map(|p| p.id.0.as_str());
            match (got, expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "case {n}"),
                (Err(got), Err(want)) => assert!(got.starts_with(want), "case {n}: {got}"),
                (got, want) => panic!("case {n}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_issues_a_pull_request_closes_as_projects_write_them() {
        let cases: Vec<(&str, &str, Vec<IssueReference>)> = vec![
            ("Fix the parser", "Fixes #123", vec![Number(123)]),
            ("Fix the parser", "fixes: #123.", vec![Number(123)]),
            ("Fix the parser", "This closes #12, #13 and #14", vec![Number(12), Number(13), Number(14)]),
            ("Fix the parser", "Closes #12, and #13", vec![Number(12), Number(13)]),
            ("gh-123456: Speed up dicts", "", vec![Number(123456)]),
            ("GH-99: Speed up dicts", "Also resolves gh-100", vec![Number(99), Number(100)]),
            ("gh-123456 without colon", "", vec![]),
            ("Refs", "See #5 (not closing)", vec![]),
            ("Refs", "Resolves django/django#77", vec![In("django/django".into(), 77)]),
            (
                "Refs",
                "Closes https://github.com/python/cpython/issues/4242",
                vec![In("https://github.com/python/cpython".into(), 4242)],
            ),
            (
                "Refs",
                "Closes https://gitlab.com/pypy/pypy/-/issues/31",
                vec![In("https://gitlab.com/pypy/pypy".into(), 31)],
            ),
            ("Refs", "fixed #0 and fix #x", vec![]),
            ("Fix #7", "Fixes #7", vec![Number(7)]),
            ("Refs", "prefix-fixes #9", vec![]),
            ("🐛 Fix a crash", "Fixes 🎉 and fixes #4", vec![Number(4)]),
            ("gh🎉", "gh-🎉 #5", vec![]),
            ("Fix the loader (fixes #141020)", "", vec![Number(141020)]),
            ("Refs", "**Fixes** #8 and [closes #9]", vec![Number(8), Number(9)]),
            ("Refs", "(see #10)", vec![]),
        ];
        for (title, body, expected) in cases {
            assert_eq!(closing_references(title, body), expected, "{title:?} / {body:?}");
        }
    }

    #[test]
    fn an_issue_list_is_not_taken_for_pull_requests() {
        let item = |url: &str| {
            format!(
                r#"[{{"number": 7, "title": "T", "url": "{url}", "state": "OPEN", "author": {{"login": "ana"}}, "createdAt": "2026-07-13T10:00:00Z"}}]"#
            )
        };
        for (url, refused) in [
            ("https://github.com/python/cpython/pull/7", None),
            ("https://gitlab.com/pypy/pypy/-/merge_requests/7", None),
            (
                "https://github.com/python/cpython/issues/7",
                Some("is an issue, not a pull request: export pull requests"),
            ),
            ("https://gitlab.com/pypy/pypy/-/issues/7", Some("is an issue, not a pull request")),
            ("https://github.com/python/cpython/commit/abc", Some("is not a pull or merge request's address")),
            ("https://gitlab.example.org/grp/proj/merge_requests/7", None),
            ("https://codeberg.org/forgejo/forgejo/pulls/7", None),
            ("https://github.com/pull/repo/issues/7", Some("is an issue, not a pull request")),
        ] {
            let got = parse_prs(&item(url));
            match refused {
                None => assert!(got.is_ok(), "{url}: {got:?}"),
                Some(words) => {
                    let errors = got.unwrap_err();
                    assert!(errors[0].message.contains(words), "{url}: {errors:?}");
                }
            }
        }
    }

    #[test]
    fn a_file_that_is_no_json_list_is_said_to_be_no_pull_request_list() {
        for text in ["title,url\nFix,https://github.com/a/b/pull/1\n", "{\"number\": 1}", "not json"] {
            let errors = parse_prs(text).unwrap_err();
            assert!(errors[0].message.starts_with("this is not a list of pull requests"), "{text}: {errors:?}");
        }
        // (the file, what it is said to be) — a file cut short says so, in words.
        for (text, said) in [
            ("[{\"number\": 1,", "the file ends early"),
            ("[{\"title\": \"Fix the parser", "the file ends early"),
            ("[{\"number\": 1,,}]", "is not valid JSON"),
        ] {
            let broken = parse_prs(text).unwrap_err();
            assert!(broken[0].message.starts_with(said), "{text}: {broken:?}");
        }
        // An export of a month with no pull requests is no mistake: nothing to import.
        assert_eq!(parse_prs("[]\n").unwrap().1, Vec::new());
    }

    #[test]
    fn pull_requests_find_their_repository() {
        for (url, repo) in [
            ("https://github.com/python/cpython/pull/12", Some("https://github.com/python/cpython")),
            ("https://gitlab.com/pypy/pypy/-/merge_requests/5", Some("https://gitlab.com/pypy/pypy")),
            ("https://GitHub.com/Django/Django/pull/1/", Some("https://github.com/django/django")),
            ("https://github.com/python/cpython/pull/7?notification=1#top", Some("https://github.com/python/cpython")),
            (
                "https://gitlab.example.org/grp/sub/proj/merge_requests/3",
                Some("https://gitlab.example.org/grp/sub/proj"),
            ),
            ("https://codeberg.org/forgejo/forgejo/pulls/4", Some("https://codeberg.org/forgejo/forgejo")),
            ("https://gitlab.com/g/p/-/issues/42", Some("https://gitlab.com/g/p")),
            ("https://github.com/pull/repo/issues/3", Some("https://github.com/pull/repo")),
            ("https://github.com/python/cpython/pull/files", None),
            ("https://example.org/something", None),
        ] {
            assert_eq!(repository_of(url).as_deref(), repo, "{url}");
        }
    }
}
