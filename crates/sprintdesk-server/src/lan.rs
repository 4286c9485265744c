//! The LAN commands: `serve`, `pair`, `join`, `peers`, `sync`. They run the sync crate's peer on this
//! device's database; everything they print comes from the store and the sync reports.

use crate::cli::Serve;
use crate::print::{out, outln, print_json};
use anyhow::Context;
use sprintdesk_api::commands as cmd;
use sprintdesk_api::sync::peer::{self, PeerOptions};
use sprintdesk_api::sync::session::minutes;
use sprintdesk_api::sync::{Replica, SyncError, pairing};
use sprintdesk_api::{Host, PairRequest, host_name};
use sprintdesk_core::domain::{DeviceRole, Timestamp};
use sprintdesk_core::{Clock, Error, Ids, Setup};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("could not start the network runtime")
}

pub fn parse_role(text: &str) -> anyhow::Result<DeviceRole> {
    DeviceRole::parse(text).ok_or_else(|| {
        Error::Invalid(sprintdesk_core::domain::ValidationError::new(
            "role",
            format!("\"{text}\" is not a device role (organizer, table-lead, kiosk, board)"),
        ))
        .into()
    })
}

pub fn serve(db: &Path, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>, options: Serve, json: bool) -> anyhow::Result<()> {
    let role = parse_role(&options.role)?;
    let host = Host::open(db, &sprintdesk_api::state_dir()?, clock, ids)?;
    let claim = host.claim_peer()?;
    let host = Arc::new(host.enrolled(options.name.as_deref().unwrap_or(&host_name()), role)?);
    if host.enforce_retention()? {
        eprintln!("The sprint's retention period has ended: everyone's personal data was erased on this device.");
    }
    let Setup { sprint, device, .. } = host.setup()?;
    let ui = options.ui.clone().or_else(default_ui).filter(|dir| dir.join("index.html").is_file());
    let runtime = runtime()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&options.listen)
            .await
            .map_err(|e| anyhow::anyhow!("could not listen on {}: {e}", options.listen))?;
        let address = listener.local_addr()?;
        let web = match &options.http {
            Some(http) => Some(
                tokio::net::TcpListener::bind(http)
                    .await
                    .map_err(|e| anyhow::anyhow!("could not listen for the browser UI on {http}: {e}"))?,
            ),
            None => None,
        };
        let web_address = web.as_ref().and_then(|w| w.local_addr().ok());
        if json {
            print_json(&serde_json::json!({
                "device": device, "listening": address.to_string(), "sprint": sprint,
                "http": web_address.map(|a| a.to_string()), "ui": ui.is_some(),
            }))?;
        } else {
            outln!(
                "Serving {} as device {device} on {address}",
                sprint.as_deref().map_or("no sprint yet".to_owned(), |s| format!("\"{s}\""))
            );
            if let Some(web) = web_address {
                match &ui {
                    Some(_) => outln!("Open http://{web}/ in a browser (kiosk: http://{web}/#/kiosk)."),
                    None => outln!("API on http://{web}/api/ (the UI is not built: run `npm run build` in ui/)."),
                }
            }
            outln!("New devices join with a code from `sprintdesk pair`. Stop with Ctrl-C.");
        }
        use std::io::Write;
        std::io::stdout().flush().ok();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        if let (Some(web), Some(web_address)) = (web, web_address) {
            let app = crate::http::router(host.clone(), web_address, ui);
            tokio::spawn(crate::http::serve(web, app, stopped.clone()));
        }
        let options = PeerOptions { connect: options.connect, discovery: !options.no_discovery };
        host.serve_peer(claim, listener, options, stopped).await?;
        Ok(())
    })
}

/// The built UI next to the binary's checkout (`ui/dist`), for `scripts/run` and development.
fn default_ui() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SPRINTDESK_UI") {
        return Some(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors().map(|dir| dir.join("ui").join("dist")).find(|dir| dir.join("index.html").is_file())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return interrupt.await.unwrap_or(()),
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await.ok();
}

pub fn pair(host: &Host, request: PairRequest, json: bool) -> anyhow::Result<()> {
    let code = host.run::<cmd::pair>(request)?;
    if json {
        return print_json(&serde_json::json!({
            "code": code.code, "address": code.address, "expires_at": code.expires_at,
            "role": code.role, "project": code.project,
        }));
    }
    let what = match (code.role, &code.project) {
        (DeviceRole::TableLead, Some(project)) => format!("a table lead's laptop for {project}"),
        (DeviceRole::Organizer, _) => "another organizer's device (it gets the venue's key)".into(),
        (DeviceRole::Board, _) => "a projector board".into(),
        _ => "a kiosk".into(),
    };
    outln!("Join code for {what}: {}   (valid for {} minutes, once)", code.code, pairing::JOIN_CODE_MINUTES);
    match &code.address {
        Some(address) => {
            outln!("On the new device:  sprintdesk join {} {address}", code.code);
            out!("{}", pairing::qr(&format!("sprintdesk:join?code={}&addr={address}", code.code)));
            outln!();
        }
        None => outln!("Start `sprintdesk serve` on this device so the new one can reach it."),
    }
    Ok(())
}

pub fn join(host: &Host, args: (String, String, Option<String>, Option<String>), json: bool) -> anyhow::Result<()> {
    let (code, address, name, role) = args;
    let role = role.as_deref().map(parse_role).transpose()?;
    let name = name.unwrap_or_else(host_name);
    let joined = runtime()?.block_on(with_progress(host.replica(), json, host.join(&code, &address, &name, role)))?;
    let sprint = joined.sprint.unwrap_or_default();
    if json {
        return print_json(&serde_json::json!({
            "joined": joined.organizer, "sprint": sprint, "received": joined.received, "device": host.setup()?.device,
            "role": joined.role, "project": joined.project, "fingerprint": joined.fingerprint,
        }));
    }
    let what = match (&joined.role, &joined.project) {
        (DeviceRole::TableLead, Some(project)) => format!("the table lead's laptop for {project}"),
        (role, _) => role.as_str().replace('_', " "),
    };
    outln!(
        "Joined the venue of {} as {name}, {what}: \"{sprint}\", {} changes received.",
        joined.organizer,
        joined.received
    );
    outln!(
        "Its fingerprint is {}: the organizer's Devices page shows the same beside \"{name}\" (a different one there \
         means someone else used the code first).",
        joined.fingerprint
    );
    outln!("Run `sprintdesk serve` to stay in sync.");
    Ok(())
}

/// Runs `work` (a join or a sync) while saying on standard error how many records have arrived, once the
/// first batch is in and then every quarter second (every 2 s when standard error is not a terminal), so
/// that a large venue's first sync does not look stuck. Nothing is said with `--json`.
async fn with_progress<T>(replica: &Arc<Replica>, json: bool, work: impl std::future::Future<Output = T>) -> T {
    use std::io::{IsTerminal, Write};
    use std::time::{Duration, Instant};
    if json {
        return work.await;
    }
    let terminal = std::io::stderr().is_terminal();
    let every = if terminal { Duration::from_millis(250) } else { Duration::from_secs(2) };
    let mut incoming = replica.incoming();
    incoming.mark_unchanged();
    // The last line said, so that the count at the end is not said twice.
    let said: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let saying = {
        let said = said.clone();
        tokio::spawn(async move {
            let mut last: Option<Instant> = None;
            while incoming.changed().await.is_ok() {
                let now = incoming.borrow_and_update().clone();
                if now.received == 0 || now.done || last.is_some_and(|at| at.elapsed() < every) {
                    continue;
                }
                last = Some(Instant::now());
                let line = progress_line(now.received, now.expected);
                let mut err = std::io::stderr().lock();
                let _ = if terminal { write!(err, "\r{line}\x1b[K") } else { writeln!(err, "{line}") };
                let _ = err.flush();
                *said.lock().unwrap_or_else(|e| e.into_inner()) = Some(line);
            }
        })
    };
    let result = work.await;
    saying.abort();
    let last_said = said.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(last_said) = last_said {
        if terminal {
            eprint!("\r\x1b[K");
        } else {
            // The last line said is up to 2 s old ("6 of 325"): the count at the end follows it, unless
            // that is what was said last.
            let end = replica.incoming().borrow().clone();
            let end = progress_line(end.received, end.expected);
            if end != last_said {
                eprintln!("{end}");
            }
        }
    }
    result
}

/// "Receiving records: 412,000 of 1,000,014 (41%)".
fn progress_line(received: u64, expected: u64) -> String {
    let percent = (received * 100).checked_div(expected.max(received)).unwrap_or(100);
    format!("Receiving records: {} of {} ({percent}%)", grouped(received), grouped(expected.max(received)))
}

/// 1000014 as "1,000,014".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

pub fn sync(host: &Host, address: &str, json: bool) -> anyhow::Result<()> {
    let replica = host.replica();
    let report = runtime()?
        .block_on(with_progress(replica, json, peer::sync_once(replica, address)))
        .map_err(sprintdesk_api::Error::from)?;
    let held_back: Vec<String> = report
        .refused_here
        .iter()
        .map(|r| format!("{}'s changes are stamped {} in this device's future", r.origin, minutes(r.ahead_ms)))
        .chain(report.refused_by_peer.iter().map(|(origin, ahead)| {
            format!("{} refused {origin}'s changes, stamped {} in its future", report.peer, minutes(*ahead))
        }))
        .collect();
    // Records refused by the rules of trust: they will not be taken later either.
    let refused: Vec<String> = report
        .forbidden
        .iter()
        .map(|(origin, seq, why)| format!("{origin}#{seq}: {why}"))
        .chain(report.untrusted_by_peer.iter().map(|(origin, seq)| {
            format!("{} refused {origin}'s records from #{seq}: nothing proved {origin} wrote them", report.peer)
        }))
        .collect();
    let reissued = report.reissued.as_ref().map(|r| {
        format!(
            "this device's clock had run {} ahead and has been put right: the {} changes made meanwhile were issued again with the right time",
            minutes(r.ahead_ms),
            r.reissued
        )
    });
    if json {
        print_json(&serde_json::json!({
            "peer": report.peer, "sent": report.sent, "received": report.received, "complete": report.complete,
            "clock_offset_ms": report.offset_ms, "held_back": held_back, "reissued": reissued, "refused": refused,
            "digest": replica.store().digest()?,
        }))?;
    } else {
        // "In step" only when nothing was held back or refused: the error below says what is not.
        let whole = refused.is_empty() && held_back.is_empty() && report.complete && report.unproven == 0;
        let opening = if whole { "In step with" } else { "Synced in part with" };
        outln!("{opening} {}: sent {} changes, received {}.", report.peer, report.sent, report.received);
        if let Some(reissued) = &reissued {
            outln!("Note: {reissued}.");
        }
        if report.offset_ms.abs() > sprintdesk_api::sync::session::SKEW_WARNING_MS {
            outln!("Warning: its clock is {} s off from this device's.", report.offset_ms / 1000);
        }
    }
    if !refused.is_empty() {
        anyhow::bail!(sprintdesk_api::Error::from(SyncError::Denied(format!(
            "some records were refused, as every device refuses them: {}",
            refused.join("; ")
        ))));
    }
    if !held_back.is_empty() {
        anyhow::bail!(sprintdesk_api::Error::from(SyncError::Denied(format!(
            "some changes were held back until the clocks agree: {}; fix the clock of the device that is ahead",
            held_back.join("; ")
        ))));
    }
    Ok(())
}

pub fn peers(host: &Host, now: Timestamp, json: bool) -> anyhow::Result<()> {
    let devices = host.run::<cmd::devices>(())?;
    let peers = host.replica().store().peers().map_err(Error::from)?;
    let rows: Vec<serde_json::Value> = peers
        .iter()
        .map(|p| {
            let device = devices.iter().find(|d| d.id == p.device.as_str());
            serde_json::json!({
                "device": p.device, "name": device.map(|d| d.name.clone()), "role": device.map(|d| d.role),
                "revoked": device.is_some_and(|d| d.revoked), "address": p.address, "last_seen": p.last_seen,
                "clock_offset_ms": p.offset_ms, "they_lack": p.they_lack, "we_lack": p.we_lack, "problem": p.problem,
            })
        })
        .collect();
    if json {
        return print_json(&rows);
    }
    if peers.is_empty() {
        outln!("No other device seen yet. Pair one with `sprintdesk pair`, or `sprintdesk sync HOST:PORT`.");
        return Ok(());
    }
    for p in &peers {
        let device = devices.iter().find(|d| d.id == p.device.as_str());
        let name = device.map_or("(not on the allow-list)".to_owned(), |d| d.name.clone());
        let seen = p.last_seen.map_or("never".to_owned(), |t| ago(now, t));
        let offset = p.offset_ms.map_or("?".to_owned(), |ms| format!("{:+.1} s", ms as f64 / 1000.0));
        // What each lacks is known as of the last exchange: with a device that has not answered since, the
        // records written on either side meanwhile are not in it.
        let stale = p.problem.is_some() || p.last_seen.is_none_or(|t| now.0 - t.0 > 60_000);
        outln!(
            "{:<14} {:<20} {:<22} seen {:<10} clock {:<10} lacks {} / we lack {}{}{}",
            p.device.as_str(),
            name,
            p.address.as_deref().unwrap_or("-"),
            seen,
            offset,
            p.they_lack,
            p.we_lack,
            if stale { " (as of then)" } else { "" },
            if device.is_some_and(|d| d.revoked) { "  REVOKED" } else { "" }
        );
        if let Some(problem) = &p.problem {
            outln!("{:<14} ! {problem}", "");
        }
    }
    Ok(())
}

pub(crate) fn ago(now: Timestamp, then: Timestamp) -> String {
    let seconds = (now.0 - then.0).max(0) / 1000;
    match seconds {
        0..60 => format!("{seconds} s ago"),
        60..3600 => format!("{} min ago", seconds / 60),
        _ => format!("{} h ago", seconds / 3600),
    }
}
