//! One-line wrappers: each Tauri command calls the API command of the same name, generated from the API's
//! one declaration of every command (`sprintdesk_api::for_each_command!`). No rules here.
//!
//! After `set_mode` the shell applies the kiosk lock to the window (full screen, not closable): window
//! state is the shell's job, so that one effect lives here, in [`after`].

use crate::windows;
use serde_json::Value;
use sprintdesk_api::{Host, Joined};
use sprintdesk_core::ApiError;
use sprintdesk_core::domain::DeviceRole;
use std::sync::Arc;
use tauri::{AppHandle, State};

type Reply = Result<Value, ApiError>;

/// Makes a Tauri command per API command, the invoke handler, and the list of wrapped names.
macro_rules! tauri_wrappers {
    ($( $(#[doc = $doc:literal])* $name:ident { $($declaration:tt)* } )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command(async)]
            pub fn $name(app: AppHandle, host: State<'_, Arc<Host>>, args: Option<Value>) -> Reply {
                let reply = host.call(stringify!($name), args.unwrap_or(Value::Null))?;
                after(&app, stringify!($name), &reply);
                Ok(reply)
            }
        )*

        /// The invoke handler for every command, the API's and the shell's.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name,)* join_venue, open_board_window, save_download]
        }

        /// Every API command this shell wraps.
        #[cfg(test)]
        pub const WRAPPED: &[&str] = &[$(stringify!($name),)*];
    };
}

sprintdesk_api::for_each_command!(tauri_wrappers);

/// What the window does after a command: a mode change locks or unlocks the kiosk window, and a device
/// found to be a locked kiosk (paired as one: its screen reads `setup` once its join brings its entry) has
/// its window locked too.
fn after(app: &AppHandle, command: &str, reply: &Value) {
    let kiosk_found = command == "setup" && reply["mode"] == "kiosk" && !windows::kiosk_locked();
    if (command == "set_mode" || kiosk_found)
        && let Ok(mode) = serde_json::from_value(reply["mode"].clone())
    {
        windows::apply_mode(app, mode);
    }
}

#[tauri::command]
pub async fn join_venue(
    host: State<'_, Arc<Host>>,
    code: String,
    address: String,
    name: Option<String>,
    role: Option<DeviceRole>,
) -> Result<Joined, ApiError> {
    let name = name.filter(|n| !n.trim().is_empty()).unwrap_or_else(sprintdesk_api::host_name);
    host.join(&code, &address, &name, role).await.map_err(|error| ApiError::from(&error))
}

#[tauri::command]
pub fn open_board_window(app: AppHandle) -> Result<(), ApiError> {
    windows::open_board(&app)
}

/// Saves a file the person downloads (the browser would; the app's web view does not) in their Downloads
/// folder, never replacing one; returns where it went.
#[tauri::command(async)]
pub fn save_download(name: String, contents: String, base64: Option<bool>) -> Result<String, ApiError> {
    // A PDF (a badge) comes as base64; text files as they are.
    let bytes = if base64.unwrap_or(false) {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(contents.as_bytes()).map_err(|e| {
            ApiError::from(&sprintdesk_api::Error::NotSaved(format!("{name} was not saved: it came garbled ({e})")))
        })?
    } else {
        contents.into_bytes()
    };
    let saved = sprintdesk_api::downloads_dir()
        .and_then(|dir| sprintdesk_api::save_download(&dir, &name, &bytes))
        .map_err(|error| ApiError::from(&error))?;
    tracing::info!(path = %saved.display(), "saved a download");
    Ok(saved.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::WRAPPED;
    use sprintdesk_api::commands::{COMMANDS, SHELL_COMMANDS};

    #[test]
    fn every_api_command_is_wrapped_once() {
        let listed: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        assert_eq!(WRAPPED, listed.as_slice());
    }

    /// What capabilities/default.json must say: exactly the API's commands and the shell's, in every window.
    fn capability() -> String {
        let mut permissions = vec!["core:default".to_owned()];
        permissions.extend(
            COMMANDS
                .iter()
                .map(|c| c.name)
                .chain(SHELL_COMMANDS)
                .map(|name| format!("allow-{}", name.replace('_', "-"))),
        );
        let capability = serde_json::json!({
            "$schema": "../gen/schemas/desktop-schema.json",
            "identifier": "default",
            "description": "What the Sprintdesk UI may call: exactly the API's commands and the shell's three (join a venue, open the board window, save a download), in every window. Generated from the command declarations: `SPRINTDESK_BLESS=1 cargo test -p sprintdesk-app` writes it again.",
            "windows": ["main", "board"],
            "permissions": permissions,
        });
        serde_json::to_string_pretty(&capability).unwrap() + "\n"
    }

    #[test]
    fn the_capability_grants_exactly_the_commands() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/default.json");
        let expected = capability();
        if std::env::var("SPRINTDESK_BLESS").as_deref() == Ok("1") {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == expected,
            "capabilities/default.json does not grant exactly the commands: run `SPRINTDESK_BLESS=1 cargo test -p \
             sprintdesk-app` and commit it"
        );
    }
}
