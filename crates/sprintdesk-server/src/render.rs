//! Plain-text views for a terminal. JSON output is the core's views serialized; this is for people.

use sprintdesk_core::domain::{Attendee, ClaimState, GoalStatus, IssueState, Sprint};
use sprintdesk_core::{AttendeeCard, Board, IssueBoard, PresenceReport, ProjectRef, VenueNow};
use std::fmt::Write;

pub fn table_name(project: &ProjectRef) -> String {
    match &project.table_label {
        Some(label) => format!("{} (table {label})", project.name),
        None => project.name.clone(),
    }
}

fn names<'a>(people: impl IntoIterator<Item = &'a str>) -> String {
    people.into_iter().collect::<Vec<_>>().join(", ")
}

pub fn sprint(sprint: &Sprint) -> String {
    let mut out = format!("{}\nTime zone: {}\n", sprint.name, sprint.time_zone);
    for day in &sprint.days {
        let hours = if day.is_break {
            "break day (closed)".to_owned()
        } else {
            format!("{}–{}", day.opens.format("%H:%M"), day.closes.format("%H:%M"))
        };
        let _ = writeln!(out, "  {} {}  {hours}", day.date.format("%a"), day.date);
    }
    let venue = &sprint.venue;
    for (label, text) in [
        ("Address", &venue.address),
        ("Wi-Fi", &venue.wifi),
        ("Food", &venue.food),
        ("House rules", &venue.house_rules),
    ] {
        if !text.is_empty() {
            let _ = writeln!(out, "{label}: {text}");
        }
    }
    let _ =
        writeln!(out, "Code of conduct (version {}): {}", sprint.code_of_conduct.version, sprint.code_of_conduct.text);
    out
}

pub fn cards(found: &[AttendeeCard]) -> String {
    if found.is_empty() {
        return "No one found. Try fewer letters, or part of the first or last name.\n".into();
    }
    let mut out = String::new();
    for card in found {
        let handle = card.handle.as_ref().map(|h| format!(" @{h}")).unwrap_or_default();
        let here = if card.here_now { "  — here" } else { "" };
        let new = if card.first_timer { "  (first-time contributor)" } else { "" };
        let _ = writeln!(out, "{:<14} {}{handle}{new}{here}", card.id.as_str(), card.name);
    }
    out
}

pub fn attendees(people: &[Attendee]) -> String {
    let mut out = String::new();
    for person in people {
        let roles: Vec<String> = person.roles.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "{:<14} {:<32} {:<28} {}",
            person.id.as_str(),
            person.name,
            person.email.as_deref().unwrap_or("-"),
            roles.join(", ")
        );
    }
    let _ = writeln!(out, "{} attendees", people.len());
    out
}

pub fn attendee(person: &Attendee) -> String {
    let roles: Vec<String> = person.roles.iter().map(ToString::to_string).collect();
    let mut out = format!("{} ({})\n", person.name, person.id);
    let rows = [
        ("Handle", person.handle.clone().map(|h| format!("@{h}"))),
        ("Email", person.email.clone()),
        ("Roles", Some(roles.join(", "))),
        ("First-time contributor", Some(if person.first_timer { "yes" } else { "no" }.into())),
        ("Badge", person.badge_code.clone()),
        (
            "Code of conduct",
            Some(person.coc_version.map_or("not accepted yet".into(), |v| format!("accepted version {v}"))),
        ),
        ("Photo consent", person.photo_consent.map(|p| if p { "yes" } else { "no" }.into())),
        ("Merged into", person.merged_into.as_ref().map(ToString::to_string)),
    ];
    for (label, value) in rows {
        if let Some(value) = value {
            let _ = writeln!(out, "  {label}: {value}");
        }
    }
    out
}

pub fn presence(report: &PresenceReport) -> String {
    let mut out = String::new();
    let (date, came) = (report.date, people(report.today_count));
    let _ = match &report.venue {
        VenueNow::Open => writeln!(out, "Today, {date}: {} here now, {came} came today", report.here_now),
        VenueNow::Closed { closed, .. } => {
            writeln!(out, "Today, {date}: the venue closed at {closed}; {came} came today")
        }
        VenueNow::Break { .. } => writeln!(out, "Today, {date}, is a break day: the venue is closed."),
        VenueNow::Before { starts } => writeln!(out, "The venue opens on {starts}: nobody can sign in until then."),
        VenueNow::Over => writeln!(out, "The sprint is over: `sprintdesk report` writes its report."),
    };
    for table in &report.tables {
        let label = table.project.as_ref().map_or("No table chosen".to_owned(), table_name);
        let _ = writeln!(
            out,
            "\n{label} — {}\n  {}",
            table.people.len(),
            names(table.people.iter().map(|p| p.name.as_str()))
        );
    }
    out.push_str("\nPer day:\n");
    for day in &report.per_day {
        let count = if day.is_break { "break day".to_owned() } else { people(day.people) };
        let _ = writeln!(out, "  {} {}  {count}", day.date.format("%a"), day.date);
    }
    out
}

fn claim_state(state: ClaimState) -> &'static str {
    match state {
        ClaimState::Active => "claimed",
        ClaimState::PrOpen => "PR open",
        ClaimState::Merged => "merged",
        ClaimState::Released(_) => "released",
    }
}

pub fn issue_line(issue: &IssueBoard) -> String {
    let number = issue.number.map(|n| format!("#{n}")).unwrap_or_else(|| issue.id.to_string());
    let beginner = if issue.beginner_friendly { " [beginner]" } else { "" };
    let state = match issue.state {
        IssueState::Open => String::new(),
        other => format!(" [{}]", other.as_str().replace('_', " ")),
    };
    let mut line = format!("{number:<8} {}{beginner}{state}", issue.title);
    if issue.contested {
        let _ = write!(
            line,
            "\n         CONTESTED: {} — pair them or resolve",
            names(issue.holders.iter().map(|h| h.person.name.as_str()))
        );
    } else {
        for holder in &issue.holders {
            let mentor = holder.mentor.as_ref().map(|m| format!(", mentor {}", m.name)).unwrap_or_default();
            let _ = write!(line, "\n         → {} ({}{mentor})", holder.person.name, claim_state(holder.state));
        }
    }
    line
}

pub fn board(board: &Board) -> String {
    let mut out = format!("{}\n", board.sprint);
    match board.today {
        Some(today) => {
            let _ = writeln!(out, "{today}: {} here now, {} came today", board.here_now, board.today_count);
        }
        None if board.today_count > 0 => {
            let _ = writeln!(out, "The venue is closed now; {} came today.", board.today_count);
        }
        None => out.push_str("The venue is closed now.\n"),
    }
    for project in &board.projects {
        let help = if project.help_wanted { "   ** HELP WANTED **" } else { "" };
        let _ = writeln!(out, "\n━━ {}{help}", table_name(&project.project));
        if !project.help_note.trim().is_empty() {
            let _ = writeln!(out, "   Help wanted: {}", project.help_note.trim());
        }
        if !project.leads.is_empty() {
            let _ = writeln!(out, "   Leads: {}", names(project.leads.iter().map(|p| p.name.as_str())));
        }
        let _ = writeln!(
            out,
            "   Here ({}): {}",
            project.here,
            if !board.names {
                "(names are shown on the room's screens)".into()
            } else if project.present.is_empty() {
                "nobody yet".into()
            } else {
                names(project.present.iter().map(|p| p.name.as_str()))
            }
        );
        if !project.goals.is_empty() {
            out.push_str("   Goals:\n");
            for goal in &project.goals {
                let mark = match goal.status {
                    GoalStatus::Planned => "[ ]",
                    GoalStatus::InProgress => "[~]",
                    GoalStatus::Done => "[x]",
                    GoalStatus::Dropped => "[-]",
                };
                let beginner = if goal.beginner_friendly { " (beginners welcome)" } else { "" };
                let _ = writeln!(out, "     {mark} {}{beginner}", goal.title);
            }
        }
        let _ = writeln!(out, "   Issues: {} open, {} for beginners", project.open_issues, project.beginner_issues);
        for issue in &project.claims {
            for (i, line) in issue_line(issue).lines().enumerate() {
                let _ = writeln!(out, "{}{line}", if i == 0 { "     " } else { "  " });
            }
        }
        if let Some(status) = &project.status_today {
            for (label, text) in [("Done", &status.done), ("Next", &status.next), ("Blockers", &status.blockers)] {
                if !text.is_empty() {
                    let _ = writeln!(out, "   {label}: {text}");
                }
            }
        }
    }
    out
}

/// "1 person", "2 people".
fn people(n: usize) -> String {
    if n == 1 { "1 person".into() } else { format!("{n} people") }
}
