//! The desktop shell. It opens this device's sprint database as a [`Host`], runs the LAN peer in-process
//! (every desktop is a full venue device), forwards the change feed to the UI as `sprint-changed` events,
//! and wraps each API command in a one-line Tauri command. Windows and the kiosk lock live here too.
//!
//! **No business rules and no SQL here**: everything the UI asks goes through `sprintdesk-api`.

mod commands;
mod windows;

pub use windows::settle_webview;

use anyhow::Context;
use sprintdesk_api::Host;
use sprintdesk_api::sync::peer::PeerOptions;
use sprintdesk_core::RandomIds;
use std::sync::Arc;
use tauri::{Emitter, Manager};

/// Where the peer listens for other devices: `$SPRINTDESK_LISTEN`, else the usual port, else any free one.
const SYNC_PORT: u16 = 7733;

fn open_host() -> anyhow::Result<Arc<Host>> {
    let db = sprintdesk_api::default_db()?;
    let state = sprintdesk_api::state_dir()?;
    let clock = sprintdesk_api::clock_from_env()?;
    let host = Host::open(&db, &state, clock, Arc::new(RandomIds))
        .with_context(|| format!("could not open the sprint database {}", db.display()))?;
    tracing::info!(db = %db.display(), "opened the sprint");
    Ok(Arc::new(host))
}

async fn bind_sync_listener() -> std::io::Result<tokio::net::TcpListener> {
    if let Ok(address) = std::env::var("SPRINTDESK_LISTEN") {
        return tokio::net::TcpListener::bind(address).await;
    }
    match tokio::net::TcpListener::bind(("0.0.0.0", SYNC_PORT)).await {
        Ok(listener) => Ok(listener),
        // Another Sprintdesk on this machine (a hub, a second app) has the usual port.
        Err(_) => tokio::net::TcpListener::bind(("0.0.0.0", 0)).await,
    }
}

/// Runs the LAN peer until the app quits.
fn start_peer(host: Arc<Host>) {
    tauri::async_runtime::spawn(async move {
        // `sprintdesk serve` on the same database already syncs it (and pushes this app's changes, which
        // it sees in the file): then the app leaves the LAN to it.
        let claim = match host.claim_peer() {
            Ok(claim) => claim,
            Err(error) => return tracing::warn!(%error, "this app's LAN peer does not run"),
        };
        let listener = match bind_sync_listener().await {
            Ok(listener) => listener,
            Err(error) => return tracing::error!(%error, "cannot listen for other devices; this one works alone"),
        };
        let discovery = std::env::var_os("SPRINTDESK_NO_DISCOVERY").is_none();
        let (_stop, stopped) = tokio::sync::watch::channel(false);
        let options = PeerOptions { connect: Vec::new(), discovery };
        if let Err(error) = host.serve_peer(claim, listener, options, stopped).await {
            tracing::error!(%error, "the LAN peer stopped");
        }
    });
}

/// Tells every window when the sprint changed, here or on another device.
fn forward_changes(app: tauri::AppHandle, host: &Host) {
    let mut changes = host.subscribe();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let tick = *changes.borrow_and_update();
            if let Err(error) = app.emit("sprint-changed", tick) {
                tracing::warn!(%error, "could not tell the windows about a change");
            }
        }
    });
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SPRINTDESK_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .with_target(false)
        .init();
    let host = match open_host() {
        Ok(host) => host,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::exit(3);
        }
    };
    let result = tauri::Builder::default()
        .manage(host.clone())
        .invoke_handler(commands::handler())
        .setup(move |app| {
            if let Some(main) = app.get_webview_window("main") {
                windows::settle_webview(&main);
            }
            if let Err(error) = host.enforce_retention() {
                tracing::warn!(%error, "could not apply the sprint's retention period");
            }
            if let Ok(setup) = host.setup() {
                if setup.sprint.is_some()
                    && let Err(error) = host.enrol(&sprintdesk_api::host_name(), Default::default())
                {
                    tracing::warn!(%error, "could not put this device on its own allow-list");
                }
                windows::apply_mode(app.handle(), setup.mode);
            }
            start_peer(host.clone());
            forward_changes(app.handle().clone(), &host);
            windows::reload_boards(app.handle().clone(), host.clone());
            Ok(())
        })
        .on_window_event(windows::on_event)
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("error: the Sprintdesk window could not run: {error}");
        std::process::exit(3);
    }
}
