//! The report as files: Markdown that pastes into a blog post, one self-contained HTML file (inline CSS and
//! SVG charts, nothing fetched, readable on a projector and tidy when printed), and JSON for scripts.

use crate::report::{MergeRate, PrLine, ProjectReport, ReportFormat, ReportRequest, SprintReport};
use crate::{Desk, Document, Error};
use sprintdesk_domain::{GoalStatus, RetroKind};
use std::fmt::Write;

/// What the per-day columns count, said beside them in every format: "Left" is easily read as sign-outs.
pub(crate) const DAY_COLUMNS: &str = "Per day: People signed in at least once that day. Arrived: it was their first \
     day at the sprint. Left: it was their last day at the sprint as far as anyone knows yet (they did not come \
     on a later day), so on the last day it counts all who came; today's is not known until the sprint goes on \
     (\u{2014}). Neither counts sign-outs.";

/// A day's "Left" as the report says it: a dash for today while the sprint goes on.
fn left(day: &crate::report::ReportDay) -> String {
    if day.departures_unknown { "\u{2014}".into() } else { day.departures.to_string() }
}

impl Desk {
    /// The report as a file: Markdown, HTML or JSON.
    pub fn report(&mut self, request: ReportRequest) -> Result<Document, Error> {
        let report = self.sprint_report()?;
        Ok(document(&report, request.format))
    }
}

/// The report in `format`, named for saving.
pub fn document(report: &SprintReport, format: ReportFormat) -> Document {
    let stem = format!("{}-report", slug(&report.name));
    let (extension, media_type, text) = match format {
        ReportFormat::Md => ("md", "text/markdown", markdown(report)),
        ReportFormat::Html => ("html", "text/html", html(report)),
        ReportFormat::Json => {
            ("json", "application/json", serde_json::to_string_pretty(report).unwrap_or_default() + "\n")
        }
    };
    Document { file_name: format!("{stem}.{extension}"), media_type: media_type.into(), text }
}

/// `pycon-us-2026-sprints` from "PyCon US 2026 Sprints".
pub(crate) fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() { "sprint".into() } else { slug }
}

fn dates(report: &SprintReport) -> String {
    match (report.first_day, report.last_day) {
        (Some(first), Some(last)) if first == last => first.format("%-d %B %Y").to_string(),
        (Some(first), Some(last)) => format!("{} to {}", first.format("%-d %B"), last.format("%-d %B %Y")),
        _ => String::new(),
    }
}

fn goal_word(status: GoalStatus) -> &'static str {
    match status {
        GoalStatus::Planned => "not started",
        GoalStatus::InProgress => "in progress",
        GoalStatus::Done => "done",
        GoalStatus::Dropped => "dropped",
    }
}

/// A day's figure for a chart: none on a break day, nor on a day still to come (it read as "0", or as a
/// break, in a report made part way through).
fn day_value(day: &crate::report::ReportDay, n: u32) -> Result<u32, &'static str> {
    if day.is_break {
        Err("break")
    } else if day.to_come {
        Err("to come")
    } else {
        Ok(n)
    }
}

fn rate_words(rate: &MergeRate) -> String {
    let ratio = rate.ratio.map_or(String::new(), |r| format!(" ({} times the usual rate)", figure(r)));
    format!(
        "{} pull requests merged per sprint day in the repositories, by anyone (bots too, as the four weeks before \
         are counted), against {} per day over the four weeks before{ratio}",
        figure(rate.per_sprint_day),
        figure(rate.usual_per_day)
    )
}

/// A rate in words a reader can compare: whole above 10, one decimal above 1, two significant digits below
/// (0.25 and 0.036, where one decimal said "0.2 against 0.0").
fn figure(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        "0".into()
    } else if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        let decimals = (1.0 - x.log10().floor()) as usize;
        format!("{x:.decimals$}")
    }
}

fn people(n: u32) -> String {
    if n == 1 { "1 person".into() } else { format!("{n} people") }
}

fn are(n: u32) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

fn pr_label(pr: &PrLine) -> String {
    let number = pr.number.map_or(String::new(), |n| format!("#{n} "));
    let by = pr.author.as_ref().map_or(String::new(), |a| format!(" by {a}"));
    format!("{number}{}{by} ({})", pr.title, pr.state.as_str())
}

fn project_summary(project: &ProjectReport) -> String {
    format!(
        "{} claimed ({} with a pull request open, {} merged); {} opened and {} merged during the sprint by \
         attendees, as imported from the repository{}",
        count(project.issues_claimed, "issue"),
        project.issues_pr_open,
        project.issues_merged,
        count(project.prs_opened, "pull request"),
        project.prs_merged,
        by_others(project.prs_by_others),
    )
}

/// "; 2 more by others, such as bots, not counted", or nothing.
fn by_others(n: u32) -> String {
    match n {
        0 => String::new(),
        n => format!("; {n} more by others, such as bots, not counted"),
    }
}

/// "1 issue", "3 issues".
fn count(n: u32, thing: &str) -> String {
    if n == 1 { format!("1 {thing}") } else { format!("{n} {thing}s") }
}

fn markdown(report: &SprintReport) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", md_text(&report.name));
    let place = if report.venue.is_empty() { String::new() } else { format!(", {}", md_text(&report.venue)) };
    let _ = writeln!(md, "{}{place}\n", dates(report));
    let _ = writeln!(md, "## Who came\n");
    let first_timers = if report.first_timers > 0 {
        format!(
            ", {} of them {}",
            report.first_timers,
            if report.first_timers == 1 { "a first-timer" } else { "first-timers" }
        )
    } else {
        String::new()
    };
    let _ = writeln!(md, "**{}** took part{first_timers}.", people(report.participants));
    if !report.roles.is_empty() {
        let roles: Vec<String> = report.roles.iter().map(role_count).collect();
        let _ = writeln!(md, "By role: {}.", roles.join(", "));
    }
    let _ = writeln!(md, "\n{DAY_COLUMNS}\n");
    let _ = writeln!(md, "| Day | People | Arrived | Left |\n|---|---:|---:|---:|");
    for day in &report.days {
        let date = day.date.format("%a %-d %b");
        if day.is_break {
            let _ = writeln!(md, "| {date} | break | | |");
        } else if day.to_come {
            let _ = writeln!(md, "| {date} | to come | | |");
        } else {
            let _ = writeln!(md, "| {date} | {} | {} | {} |", day.people, day.arrivals, left(day));
        }
    }
    let t = &report.totals;
    let _ = writeln!(md, "\n## What got done\n");
    let _ = writeln!(
        md,
        "- {} claimed, {} merged\n- {} opened and {} merged during the sprint by attendees (imported from the repositories{})\n- {} with a merged pull request (a first contribution)",
        count(t.issues_claimed, "issue"),
        t.issues_merged,
        count(t.prs_opened, "pull request"),
        t.prs_merged,
        by_others(t.prs_by_others),
        count(t.first_contributions_merged, "first-time contributor"),
    );
    if let Some(rate) = &report.merge_rate {
        let _ = writeln!(md, "- {}", rate_words(rate));
    }
    for project in &report.projects {
        let table = project.table.as_ref().map_or(String::new(), |t| format!(" (table {})", md_text(t)));
        let _ = writeln!(md, "\n### {}{table}\n", md_text(&project.name));
        let per_day: Vec<String> = report
            .days
            .iter()
            .zip(&project.sprinters_per_day)
            .filter(|(day, _)| !day.is_break)
            // With its date: a sprint over a week long named two Saturdays alike.
            .map(|(day, n)| {
                let n = if day.to_come { "to come".to_owned() } else { n.to_string() };
                format!("{}: {n}", day.date.format("%a %-d %b"))
            })
            .collect();
        let _ = writeln!(md, "People at the table per day: {}.\n", per_day.join(", "));
        let _ = writeln!(md, "{}.", project_summary(project));
        if let Some(rate) = &project.merge_rate {
            let _ = writeln!(md, "{}.", rate_words(rate));
        }
        if !project.goals.is_empty() {
            let _ = writeln!(md, "\nGoals:\n");
            for goal in &project.goals {
                let _ = writeln!(md, "- {} — {}", md_text(&goal.title), goal_word(goal.status));
            }
        }
        if !project.first_time_contributors.is_empty() {
            let _ = writeln!(md, "\nFirst-time contributors:\n");
            for person in &project.first_time_contributors {
                let first = match (&person.first_merged, &person.merged_issue) {
                    (Some(pr), _) => {
                        format!(": first merged pull request [{}]({})", md_text(&pr_label(pr)), md_url(&pr.url))
                    }
                    (None, Some(issue)) => format!(": merged {}", md_text(issue)),
                    (None, None) => String::new(),
                };
                let _ = writeln!(md, "- {}{first}", md_text(&person.name));
            }
        }
        if !project.mentor_pairs.is_empty() || !project.pairs.is_empty() || project.unnamed_pairs > 0 {
            let mut lines: Vec<String> = project
                .mentor_pairs
                .iter()
                .map(|p| format!("{} mentored by {}", md_text(&p.mentee), md_text(&p.mentor)))
                .collect();
            lines.extend(project.pairs.iter().map(|p| format!("{} worked as a pair", md_text(&p.join(" and ")))));
            lines.extend(unnamed_pairs(project.unnamed_pairs, !lines.is_empty()));
            let _ = writeln!(md, "\nPairs: {}.", lines.join("; "));
        }
        if !project.prs.is_empty() {
            let _ = writeln!(md, "\nPull requests:\n");
            for pr in &project.prs {
                let first = if pr.first_contribution { " — first contribution" } else { "" };
                let _ = writeln!(md, "- [{}]({}){first}", md_text(&pr_label(pr)), md_url(&pr.url));
            }
        }
        if !project.status_log.is_empty() {
            let _ = writeln!(md, "\nDaily notes:\n");
            for line in &project.status_log {
                let mut parts = vec![];
                for (label, text) in [("done", &line.done), ("next", &line.next), ("blockers", &line.blockers)] {
                    if !text.trim().is_empty() {
                        parts.push(format!("{label}: {}", md_text(text.trim())));
                    }
                }
                let _ = writeln!(md, "- {}: {}{}", line.day.format("%a %-d %b"), parts.join("; "), spoke(line));
            }
        }
    }
    if !report.standups.is_empty() {
        let _ = writeln!(md, "\n## Stand-ups\n");
        for day in &report.standups {
            let _ = writeln!(md, "- {}", standup_line(day));
        }
    }
    if report.retrospective.iter().any(|q| q.answers > 0) {
        let _ = writeln!(md, "\n## How it went\n");
        for question in &report.retrospective {
            let _ = writeln!(md, "**{}** ({})\n", md_text(&question.question), count(question.answers, "answer"));
            match question.kind {
                RetroKind::Rating => {
                    if let Some(average) = question.average {
                        let spread: Vec<String> =
                            question.ratings.iter().enumerate().map(|(i, n)| format!("{}: {n}", i + 1)).collect();
                        let _ = writeln!(md, "Average {average:.1} of 5 ({}).\n", spread.join(", "));
                    }
                }
                RetroKind::Text => {
                    for text in &question.texts {
                        let _ = writeln!(md, "> {}\n", md_text(text).replace('\n', " "));
                    }
                }
            }
        }
    }
    if report.erased > 0 {
        let _ = writeln!(
            md,
            "\n_{} whose personal data was erased {} counted, not named._",
            people(report.erased),
            are(report.erased)
        );
    }
    md
}

/// "4 sprinters", "1 mentor".
fn role_count(count: &crate::report::RoleCount) -> String {
    let word = match count.role {
        sprintdesk_domain::Role::Sprinter => "sprinter",
        sprintdesk_domain::Role::TableLead => "table lead",
        sprintdesk_domain::Role::Mentor => "mentor",
        sprintdesk_domain::Role::Organizer => "organizer",
    };
    format!("{} {word}{}", count.people, if count.people == 1 { "" } else { "s" })
}

/// Text that reads as itself in Markdown: characters Markdown would act on are escaped.
fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(|c| if c.is_control() { ' ' } else { c }) {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '{' | '}') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A web address as a Markdown link's target: only http(s), with what would end or break the link encoded.
fn md_url(url: &str) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return "#".into();
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            ' ' => out.push_str("%20"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside HTML elements and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link only to a web address (never `javascript:`).
fn href(url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") { esc(url) } else { "#".into() }
}

const CSS: &str = "
:root { --ink: #1b2330; --muted: #5a6577; --line: #d9dee7; --bar: #2f5fb3; --soft: #eef2f8; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 2.2rem; margin: 0 0 4px; }
h2 { font-size: 1.5rem; margin: 40px 0 12px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.2rem; margin: 28px 0 8px; }
.sub { color: var(--muted); font-size: 1.1rem; margin: 0 0 24px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 16px 0; }
.figure { background: var(--soft); border-radius: 8px; padding: 12px 16px; }
.figure b { display: block; font-size: 2rem; line-height: 1.1; }
.figure span { color: var(--muted); font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
ul { margin: 4px 0 8px; padding-left: 22px; }
.project { break-inside: avoid-page; }
.muted { color: var(--muted); }
.blockers { color: #9b2c2c; }
blockquote { margin: 6px 0; padding: 4px 12px; border-left: 4px solid var(--line); }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
a { color: #1f4e9c; }
@page { margin: 16mm 14mm; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 11pt; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .figure { border: 1px solid var(--line); }
}
";

/// An inline bar chart of `values` (one bar per label), `title` as its accessible name.
/// A bar per value; a day without one says why in its place (`Err`: "break", "to come").
fn bar_chart(title: &str, labels: &[String], values: &[Result<u32, &str>], width: u32, height: u32) -> String {
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    let n = values.len().max(1) as u32;
    let slot = width / n;
    let bar = (slot * 7 / 10).max(4);
    let chart = height - 36;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\">",
        esc(title)
    );
    for (i, (label, value)) in labels.iter().zip(values).enumerate() {
        let x = i as u32 * slot + (slot - bar) / 2;
        let center = i as u32 * slot + slot / 2;
        match value {
            Ok(value) => {
                let h = (value * chart / max).max(u32::from(*value > 0) * 2);
                let y = 16 + chart - h;
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" rx=\"3\" fill=\"#2f5fb3\"/>\
                     <text x=\"{center}\" y=\"{}\" text-anchor=\"middle\">{value}</text>",
                    y.saturating_sub(4).max(12)
                );
            }
            Err(why) => {
                let _ = write!(
                    svg,
                    "<text x=\"{center}\" y=\"{}\" text-anchor=\"middle\" fill=\"#5a6577\">{}</text>",
                    16 + chart,
                    esc(why)
                );
            }
        }
        let _ = write!(svg, "<text x=\"{center}\" y=\"{}\" text-anchor=\"middle\">{}</text>", height - 4, esc(label));
    }
    svg.push_str("</svg>");
    svg
}

fn html(report: &SprintReport) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>{} — report</title><style>{CSS}</style></head><body><main>",
        esc(&report.name)
    );
    let place = if report.venue.is_empty() { String::new() } else { format!(" · {}", esc(&report.venue)) };
    let _ = write!(h, "<h1>{}</h1><p class=\"sub\">{}{place}</p>", esc(&report.name), esc(&dates(report)));
    let t = &report.totals;
    let _ = write!(h, "<div class=\"figures\">");
    for (value, label) in [
        (report.participants, "people took part"),
        (report.first_timers, "of them first-timers"),
        (t.issues_claimed, "issues claimed"),
        (t.issues_merged, "claimed issues merged"),
        (t.prs_opened, "pull requests opened (imported)"),
        (t.prs_merged, "pull requests merged (imported)"),
    ] {
        let _ = write!(h, "<div class=\"figure\"><b>{value}</b><span>{label}</span></div>");
    }
    let _ = write!(h, "</div>");
    if t.prs_by_others > 0 {
        let _ = write!(
            h,
            "<p>The pull requests counted are those of attendees; {} more by others, such as bots, \
             are listed with their projects.</p>",
            t.prs_by_others
        );
    }
    if let Some(rate) = &report.merge_rate {
        let _ = write!(h, "<p>{}.</p>", esc(&rate_words(rate)));
    }

    let _ = write!(h, "<h2>Who came</h2>");
    if !report.roles.is_empty() {
        let roles: Vec<String> = report.roles.iter().map(role_count).collect();
        let _ = write!(h, "<p>By role: {}.</p>", esc(&roles.join(", ")));
    }
    let labels: Vec<String> = report.days.iter().map(|d| d.date.format("%a %-d").to_string()).collect();
    let values: Vec<Result<u32, &str>> = report.days.iter().map(|d| day_value(d, d.people)).collect();
    h.push_str(&bar_chart("People per day", &labels, &values, 640, 200));
    let _ = write!(
        h,
        "<table><thead><tr><th>Day</th><th class=\"n\">People</th><th class=\"n\">Arrived</th><th class=\"n\">Left</th></tr></thead><tbody>"
    );
    for day in &report.days {
        let date = day.date.format("%A %-d %B");
        if day.is_break {
            let _ = write!(h, "<tr><td>{date}</td><td class=\"n muted\" colspan=\"3\">break day</td></tr>");
        } else if day.to_come {
            let _ = write!(h, "<tr><td>{date}</td><td class=\"n muted\" colspan=\"3\">to come</td></tr>");
        } else {
            let _ = write!(
                h,
                "<tr><td>{date}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                day.people,
                day.arrivals,
                left(day)
            );
        }
    }
    let _ = write!(h, "</tbody></table><p class=\"muted\">{}</p>", esc(DAY_COLUMNS));

    let _ = write!(h, "<h2>Projects</h2>");
    for project in &report.projects {
        let _ = write!(h, "<section class=\"project\"><h3>{}", esc(&project.name));
        if let Some(table) = &project.table {
            let _ = write!(h, " <span class=\"muted\">· table {}</span>", esc(table));
        }
        let _ = write!(h, "</h3>");
        if let Some(repo) = &project.repo {
            let _ = write!(h, "<p class=\"muted\"><a href=\"{}\">{}</a></p>", href(repo), esc(repo));
        }
        // Weekdays fit under a table's small chart; a sprint with two of one weekday gets day numbers, and
        // one with two of one day number (a month across two) day and month.
        let labels_as =
            |format: &str| -> Vec<String> { report.days.iter().map(|d| d.date.format(format).to_string()).collect() };
        let apart =
            |labels: &Vec<String>| labels.iter().collect::<std::collections::HashSet<_>>().len() == labels.len();
        let labels = ["%a", "%-d"].into_iter().map(labels_as).find(apart).unwrap_or_else(|| labels_as("%-d/%-m"));
        let open: Vec<(String, Result<u32, &str>)> = report
            .days
            .iter()
            .zip(labels)
            .zip(&project.sprinters_per_day)
            .map(|((d, label), n)| (label, day_value(d, *n)))
            .collect();
        let (labels, values): (Vec<String>, Vec<Result<u32, &str>>) = open.into_iter().unzip();
        h.push_str(&bar_chart(&format!("People at the table per day, {}", project.name), &labels, &values, 360, 120));
        let _ = write!(h, "<p>{}.</p>", esc(&project_summary(project)));
        if let Some(rate) = &project.merge_rate {
            let _ = write!(h, "<p>{}.</p>", esc(&rate_words(rate)));
        }
        if !project.goals.is_empty() {
            let _ = write!(h, "<p><b>Goals</b></p><ul>");
            for goal in &project.goals {
                let _ = write!(h, "<li>{} — <i>{}</i></li>", esc(&goal.title), goal_word(goal.status));
            }
            let _ = write!(h, "</ul>");
        }
        if !project.first_time_contributors.is_empty() {
            let _ = write!(h, "<p><b>First-time contributors</b></p><ul>");
            for person in &project.first_time_contributors {
                let first = match (&person.first_merged, &person.merged_issue) {
                    (Some(pr), _) => {
                        format!(": first merged pull request <a href=\"{}\">{}</a>", href(&pr.url), esc(&pr_label(pr)))
                    }
                    (None, Some(issue)) => format!(": merged {}", esc(issue)),
                    (None, None) => String::new(),
                };
                let _ = write!(h, "<li>{}{first}</li>", esc(&person.name));
            }
            let _ = write!(h, "</ul>");
        }
        if !project.mentor_pairs.is_empty() || !project.pairs.is_empty() || project.unnamed_pairs > 0 {
            let _ = write!(h, "<p><b>Pairs</b></p><ul>");
            for pair in &project.mentor_pairs {
                let _ = write!(h, "<li>{} mentored by {}</li>", esc(&pair.mentee), esc(&pair.mentor));
            }
            for pair in &project.pairs {
                let _ = write!(h, "<li>{} worked as a pair</li>", esc(&pair.join(" and ")));
            }
            let named = !project.mentor_pairs.is_empty() || !project.pairs.is_empty();
            if let Some(line) = unnamed_pairs(project.unnamed_pairs, named) {
                let _ = write!(h, "<li>{}</li>", esc(&line));
            }
            let _ = write!(h, "</ul>");
        }
        if !project.prs.is_empty() {
            let _ = write!(h, "<p><b>Pull requests during the sprint</b></p><ul>");
            for pr in &project.prs {
                let first = if pr.first_contribution { " — first contribution" } else { "" };
                let _ = write!(h, "<li><a href=\"{}\">{}</a>{first}</li>", href(&pr.url), esc(&pr_label(pr)));
            }
            let _ = write!(h, "</ul>");
        }
        if !project.status_log.is_empty() {
            let _ = write!(h, "<p><b>Daily notes</b></p><table><tbody>");
            for line in &project.status_log {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}{}{}{}</td></tr>",
                    line.day.format("%a %-d %b"),
                    labelled("Done", &line.done, ""),
                    labelled("Next", &line.next, ""),
                    labelled("Blockers", &line.blockers, "blockers"),
                    esc(&spoke(line)),
                );
            }
            let _ = write!(h, "</tbody></table>");
        }
        let _ = write!(h, "</section>");
    }

    if !report.standups.is_empty() {
        let _ = write!(h, "<h2>Stand-ups</h2><ul>");
        for day in &report.standups {
            let _ = write!(h, "<li>{}</li>", esc(&standup_line(day)));
        }
        let _ = write!(h, "</ul>");
    }
    if report.retrospective.iter().any(|q| q.answers > 0) {
        let _ = write!(h, "<h2>How it went</h2>");
        for question in &report.retrospective {
            let _ = write!(
                h,
                "<h3>{} <span class=\"muted\">· {}</span></h3>",
                esc(&question.question),
                count(question.answers, "answer")
            );
            match question.kind {
                RetroKind::Rating => {
                    if let Some(average) = question.average {
                        let _ = write!(h, "<p>Average <b>{average:.1}</b> of 5.</p>");
                        let labels: Vec<String> = (1..=5).map(|n| n.to_string()).collect();
                        let values: Vec<Result<u32, &str>> = question.ratings.iter().map(|n| Ok(*n)).collect();
                        h.push_str(&bar_chart(
                            &format!("Answers to {}", question.question),
                            &labels,
                            &values,
                            300,
                            120,
                        ));
                    }
                }
                RetroKind::Text => {
                    for text in &question.texts {
                        let _ = write!(h, "<blockquote>{}</blockquote>", esc(text));
                    }
                }
            }
        }
    }
    if report.erased > 0 {
        let _ = write!(
            h,
            "<p class=\"muted\">{} whose personal data was erased {} counted, not named.</p>",
            people(report.erased),
            are(report.erased)
        );
    }
    let _ = writeln!(h, "<p class=\"muted\">Made with Sprintdesk.</p></main></body></html>");
    h
}

fn labelled(label: &str, text: &str, class: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    format!("<div class=\"{class}\"><b>{label}:</b> {}</div>", esc(text.trim()))
}

/// " (stand-up: 1 min 50 s)" after a day's notes when the table spoke at that day's stand-up.
fn spoke(line: &crate::StatusLine) -> String {
    if line.standup_seconds == 0 { String::new() } else { format!(" (stand-up: {})", duration(line.standup_seconds)) }
}

fn standup_line(day: &crate::StandupDay) -> String {
    let blockers = match day.blockers {
        0 => "no blockers".to_owned(),
        1 => "1 blocker raised".to_owned(),
        n => format!("{n} blockers raised"),
    };
    let tables = if day.tables == 1 { "1 table".to_owned() } else { format!("{} tables", day.tables) };
    format!("{}: {tables} in {}, {blockers}", day.day.format("%a %-d %b"), duration(day.seconds))
}

fn duration(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// The pairs whose people were all erased, as a line of the report's list ("2 more pairs, their names
/// erased"), or nothing.
fn unnamed_pairs(count: u32, after_named: bool) -> Option<String> {
    let more = if after_named { " more" } else { "" };
    match count {
        0 => None,
        1 => Some(format!("1{more} pair, their names erased")),
        n => Some(format!("{n}{more} pairs, their names erased")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_rates_are_written_so_that_they_can_be_compared() {
        for (x, said) in [
            (0.0, "0"),
            (0.25, "0.25"),
            (0.0357, "0.036"),
            (0.004, "0.0040"),
            (1.0, "1.0"),
            (7.04, "7.0"),
            (12.4, "12"),
        ] {
            assert_eq!(figure(x), said, "{x}");
        }
        let rate = MergeRate { per_sprint_day: 0.25, usual_per_day: 0.0357, ratio: Some(7.0) };
        assert_eq!(
            rate_words(&rate),
            "0.25 pull requests merged per sprint day in the repositories, by anyone (bots too, as the four weeks \
             before are counted), against 0.036 per day over the four weeks before (7.0 times the usual rate)"
        );
    }

    #[test]
    fn names_become_file_names_and_text_stays_text() {
        assert_eq!(slug("PyCon US 2026 Sprints"), "pycon-us-2026-sprints");
        assert_eq!(slug("  ¡Sprint! "), "sprint");
        assert_eq!(slug("Łódź · Core"), "łódź-core");
        assert_eq!(slug("!!!"), "sprint");
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(md_text("a_b *c* [d](e) | f"), "a\\_b \\*c\\* \\[d\\](e) \\| f");
        assert_eq!(md_text("line\n# heading\r\n{{ site }}"), "line # heading  \\{\\{ site \\}\\}");
        assert_eq!(md_url("https://x.org/a (b)<c>"), "https://x.org/a%20%28b%29%3Cc%3E");
        assert_eq!(md_url("javascript:alert(1)"), "#");
        assert_eq!(href("javascript:alert(1)"), "#");
        assert_eq!(href("https://github.com/a/b?x=1&y=2"), "https://github.com/a/b?x=1&amp;y=2");
    }
}
