//! Printing badges: the core makes and logs them; this sends the PDF to the CUPS printer chosen in this
//! device's Settings with `lp`, or hands it back for the screen to open when none is chosen. The printer is
//! this device's own setting (a kiosk prints on the printer beside it); it is not replicated.

use crate::Host;
use crate::error::Error;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sprintdesk_core::{Badge, BadgeRequest, Reach};
use std::io::Write;
use std::process::{Command, Stdio};

/// The local setting naming this device's badge printer.
const PRINTER: &str = "badge_printer";

/// The printers CUPS knows here, and the one badges go to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Printers {
    pub available: Vec<String>,
    /// `None`: badges open as a PDF to print by hand.
    pub chosen: Option<String>,
    /// CUPS' tools are installed here (`lp`, `lpstat`).
    pub cups: bool,
}

#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PrinterChoice {
    /// A printer's name as CUPS lists it; `None` for none.
    pub printer: Option<String>,
}

impl Host {
    /// Makes a badge, prints it on this device's printer if one is chosen, and logs the print.
    /// At the door the PDF comes back only when there is no printer (the screen saves or opens it). `lp` runs while this
    /// device's desk waits; CUPS queues at once (a printer that is off does not hold it up).
    pub fn print_badge(&self, request: BadgeRequest, reach: Reach) -> Result<Badge, Error> {
        let mut desk = self.desk();
        let file = desk.make_badge(request, reach)?;
        let printer = desk.store().local_setting(PRINTER)?.filter(|p| !p.is_empty());
        if let Some(printer) = &printer {
            print_pdf(printer, &file.name, &file.pdf)?;
        }
        desk.log_badge_print(&file, printer.clone())?;
        tracing::info!(printer = printer.as_deref().unwrap_or("(none: PDF)"), "badge printed");
        // Sent to a printer from the door: the PDF (and so the code in its QR) does not come back to the screen.
        let pdf_base64 = if printer.is_some() && reach == Reach::Door {
            String::new()
        } else {
            base64::engine::general_purpose::STANDARD.encode(&file.pdf)
        };
        Ok(Badge {
            name: file.name,
            file_name: file.file_name,
            pdf_base64,
            printer,
            printed_before: file.printed_before,
        })
    }

    /// Whether this device sends badges to a printer (else the PDF goes back to the screen that asked).
    pub fn badge_printer_chosen(&self) -> Result<bool, Error> {
        Ok(self.desk().store().local_setting(PRINTER)?.is_some_and(|p| !p.is_empty()))
    }

    pub fn printers(&self) -> Result<Printers, Error> {
        let chosen = self.desk().store().local_setting(PRINTER)?.filter(|p| !p.is_empty());
        let listed = Command::new("lpstat").arg("-e").stderr(Stdio::null()).output();
        let (cups, available) = match listed {
            Ok(out) => (true, String::from_utf8_lossy(&out.stdout).lines().map(str::trim).map(str::to_owned).collect()),
            Err(_) => (false, vec![]),
        };
        Ok(Printers { available, chosen, cups })
    }

    pub fn set_printer(&self, choice: PrinterChoice) -> Result<Printers, Error> {
        let printer = choice.printer.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        if let Some(name) = &printer
            && (name.starts_with('-') || name.chars().any(|c| c.is_control() || c == '/' || c == '#'))
        {
            return Err(Error::BadArguments {
                command: "set_printer",
                reason: format!("{name:?} is not a printer name"),
            });
        }
        // An empty setting is "none".
        self.desk().store().set_local_setting(PRINTER, printer.as_deref().unwrap_or(""))?;
        self.printers()
    }
}

/// Sends `pdf` to `printer` with CUPS' `lp`, waiting for it to be queued.
fn print_pdf(printer: &str, title: &str, pdf: &[u8]) -> Result<(), Error> {
    let not_printed = |why: String| Error::NotPrinted(format!("the badge did not print on {printer}: {why}"));
    let mut child = Command::new("lp")
        .args(["-d", printer, "-t", &format!("Badge: {title}"), "--", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => not_printed("CUPS is not installed here (no `lp`)".into()),
            _ => not_printed(e.to_string()),
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(pdf).map_err(|e| not_printed(e.to_string()))?;
    }
    let out = child.wait_with_output().map_err(|e| not_printed(e.to_string()))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        return Err(not_printed(if said.is_empty() { format!("lp ended with {}", out.status) } else { said }));
    }
    Ok(())
}
