//! What the command line prints: text and JSON to stdout, stopping quietly when the reader has gone
//! (`sprintdesk attendees list | head -1`), and the lines shared by several commands.

use crate::render;
use std::io::Write;
use std::path::Path;

/// `print!` to stdout that stops quietly when the reader has gone (`sprintdesk attendees list | head -1`).
macro_rules! out {
    ($($arg:tt)*) => {
        crate::print::write_out(format_args!($($arg)*))?
    };
}

/// `println!` to stdout, stopping quietly when the reader has gone.
macro_rules! outln {
    () => {
        crate::print::write_out(format_args!("\n"))?
    };
    ($($arg:tt)*) => {
        crate::print::write_out(format_args!("{}\n", format_args!($($arg)*)))?
    };
}
pub(crate) use {out, outln};

pub(crate) fn write_out(text: std::fmt::Arguments) -> std::io::Result<()> {
    std::io::stdout().lock().write_fmt(text)
}

pub(crate) fn print_import(json: bool, file: &Path, report: &sprintdesk_core::ImportReport) -> anyhow::Result<()> {
    if json {
        return print_json(report);
    }
    let events = report.events.iter().map(|event| format!("\u{201c}{event}\u{201d}")).collect::<Vec<_>>();
    let format = match events.len() {
        0 => report.format.clone(),
        1 => format!("{}, event {}", report.format, events[0]),
        _ => format!("{}, events {}", report.format, events.join(", ")),
    };
    outln!(
        "Imported {} ({}): {} added, {} updated, {} unchanged",
        file.display(),
        format,
        report.added,
        report.updated,
        report.unchanged
    );
    if report.claims_moved > 0 {
        outln!(
            "{} claim(s) moved to \"PR open\" or merged by the pull requests that close their issues",
            report.claims_moved
        );
    }
    if report.claims_released > 0 {
        outln!("{} claim(s) released: the file says their issues are closed", report.claims_released);
    }
    if !report.replaced.is_empty() {
        outln!("The file replaced what this device held (a correction made here since is undone; edit it again):");
        for line in &report.replaced {
            outln!("  {line}");
        }
    }
    if report.not_coming > 0 {
        outln!(
            "Not imported: {} {} the file says cancelled, refunded or not attending",
            report.not_coming,
            if report.not_coming == 1 { "ticket" } else { "tickets" }
        );
        if !report.not_coming_listed.is_empty() {
            outln!("Already on the list, and kept there (delete them if they are not coming):");
            for name in &report.not_coming_listed {
                outln!("  {name}");
            }
        }
    }
    if !report.repeated.is_empty() {
        outln!(
            "{} {} the same person as an earlier row (an add-on, or a row repeated), imported once:",
            report.repeated.len(),
            if report.repeated.len() == 1 { "row was" } else { "rows were" }
        );
        for line in report.repeated.iter().take(SHOWN) {
            outln!("  {line}");
        }
        if report.repeated.len() > SHOWN {
            outln!("  …and {} more", report.repeated.len() - SHOWN);
        }
    }
    if !report.erased.is_empty() {
        outln!(
            "Not imported: {} {} about people erased at their request (an e-mail or badge code they had): {}. \
             Someone who asks to come back is added by hand (`sprintdesk attendees add`) or registers at the door",
            report.erased.len(),
            rows(report.erased.len()),
            report.erased.join(", ")
        );
    }
    if !report.shared_handles.is_empty() {
        outln!(
            "One handle, two people: their pull requests are counted for neither until one handle is corrected or \
             the two are merged (then import again):"
        );
        for line in &report.shared_handles {
            outln!("  {line}");
        }
    }
    if !report.unknown_authors.is_empty() {
        outln!(
            "Not on the list, but closing an issue claimed by someone with no handle: if they are one person, add \
             the handle to their record and import the file again:"
        );
        for line in &report.unknown_authors {
            outln!("  {line}");
        }
    }
    if !report.likely_duplicates.is_empty() {
        outln!(
            "Listed twice? {} (two tickets in one name or with one handle, or registered again): merge them \
             before the doors open, \
             or the kiosk shows both (`sprintdesk attendees duplicates`)",
            match report.likely_duplicates.len() {
                n if n > SHOWN => format!("{} and {} more", report.likely_duplicates[..SHOWN].join(", "), n - SHOWN),
                _ => report.likely_duplicates.join(", "),
            }
        );
    }
    if !report.left_out.is_empty() {
        outln!(
            "Left out, as asked ({} {}): fix them and import the file again",
            report.left_out.len(),
            rows(report.left_out.len())
        );
        for row in &report.left_out {
            outln!("  {}: {}", row.place, row.message);
        }
    }
    if let Some(id) = &report.undo {
        outln!("To take this import back: sprintdesk import undo {id}");
    }
    Ok(())
}

/// An import in words: its file (or kind and format), when, and what it did.
pub(crate) fn import_words(import: &sprintdesk_core::ImportMade) -> String {
    let kind = if import.kind == "prs" { "pull requests" } else { import.kind.as_str() };
    let what = match &import.file {
        Some(file) => format!("{file}, {kind} {}", import.format),
        None => format!("{kind}, {}", import.format),
    };
    format!("{what}, {}: {} added, {} updated", import.at, import.added, import.updated)
}

pub(crate) fn print_imports(json: bool, imports: &[sprintdesk_core::ImportMade]) -> anyhow::Result<()> {
    if json {
        return print_json(&imports);
    }
    if imports.is_empty() {
        outln!("No imports made on this device.");
    }
    for import in imports {
        let state = match (import.undone, import.erased) {
            (true, true) => "  (taken back, those it removed erased)",
            (true, false) => "  (taken back)",
            _ => "",
        };
        outln!("{}  {}{state}", import.id, import_words(import));
    }
    Ok(())
}

pub(crate) fn print_undone(
    json: bool,
    import: &sprintdesk_core::ImportMade,
    undone: &sprintdesk_core::ImportUndone,
) -> anyhow::Result<()> {
    if json {
        return print_json(undone);
    }
    let (one, many) = match import.kind.as_str() {
        "issues" => ("issue", "issues"),
        "prs" => ("pull request", "pull requests"),
        _ => ("person", "people"),
    };
    let moved_back = match undone.claims_moved_back {
        0 => String::new(),
        1 => ", 1 claim moved back a step".into(),
        n => format!(", {n} claims moved back a step"),
    };
    let erased = |n: usize| format!("{n} {} erased from every device and its history", if n == 1 { one } else { many });
    if import.undone {
        // Taken back before: this time only the people its undo removed were erased.
        let file = import.file.as_deref().unwrap_or(&import.format);
        outln!("Of the people the import of {file} ({}) added: {}", import.at, erased(undone.erased));
        if !undone.removed_names.is_empty() {
            outln!("Erased: {}", undone.removed_names.join(", "));
        }
    } else {
        let erased = if undone.erased > 0 { format!(", {}", erased(undone.erased)) } else { String::new() };
        outln!(
            "Took back the import of {}: {} {} removed, {} set back as before it{moved_back}{erased}",
            import_words(import),
            undone.removed,
            if undone.removed == 1 { one } else { many },
            undone.restored
        );
        if !undone.removed_names.is_empty() && undone.erased_names == undone.removed_names {
            outln!("Removed and erased: {}", undone.removed_names.join(", "));
        } else {
            if !undone.removed_names.is_empty() {
                outln!("Removed: {}", undone.removed_names.join(", "));
            }
            if !undone.erased_names.is_empty() {
                outln!("Erased: {}", undone.erased_names.join(", "));
            }
        }
    }
    if !undone.kept.is_empty() {
        outln!("Kept:");
        for line in &undone.kept {
            outln!("  {line}");
        }
    }
    Ok(())
}

/// The most lines of a list an import's words show.
const SHOWN: usize = 10;

fn rows(n: usize) -> &'static str {
    if n == 1 { "row" } else { "rows" }
}

pub(crate) fn print_issue(json: bool, verb: &str, issue: &sprintdesk_core::IssueBoard) -> anyhow::Result<()> {
    if json {
        return print_json(issue);
    }
    outln!("{verb} {}", render::issue_line(issue));
    Ok(())
}

pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
