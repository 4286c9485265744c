//! One-line wrappers: each Tauri command calls the API command of the same name. No rules here.
//!
//! `set_mode` is the one exception in shape, not in substance: after the API changed the mode, the shell
//! applies the kiosk lock to the window (full screen, not closable) — window state is the shell's job.

use crate::windows;
use serde_json::Value;
use sprintdesk_api::{Host, Joined};
use sprintdesk_core::ApiError;
use sprintdesk_core::domain::DeviceRole;
use std::sync::Arc;
use tauri::{AppHandle, State};

type Reply = Result<Value, ApiError>;

macro_rules! api_commands {
    ($($name:ident),* $(,)?) => {
        $(
            #[tauri::command(async)]
            pub fn $name(host: State<'_, Arc<Host>>, args: Option<Value>) -> Reply {
                host.call(stringify!($name), args.unwrap_or(Value::Null))
            }
        )*

        /// The invoke handler for every command, the API's and the shell's.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name,)* set_mode, join_venue, open_board_window]
        }

        #[cfg(test)]
        pub const WRAPPED: &[&str] = &[$(stringify!($name),)* "set_mode"];
    };
}

api_commands!(
    setup,
    create_sprint,
    sprint,
    update_sprint,
    search,
    find_badge,
    sign_in,
    sign_out,
    register_walk_in,
    undo,
    presence,
    board,
    attendees,
    add_attendee,
    edit_attendee,
    merge_attendees,
    import_attendees,
    projects,
    add_project,
    set_help_wanted,
    add_goal,
    set_goal_status,
    set_status,
    import_issues,
    issues,
    claim,
    release,
    resolve,
    mark_pr_opened,
    mark_merged,
    devices,
    revoke_device,
    review,
    restore,
    pair,
);

#[tauri::command(async)]
pub fn set_mode(app: AppHandle, host: State<'_, Arc<Host>>, args: Option<Value>) -> Reply {
    let setup = host.call("set_mode", args.unwrap_or(Value::Null))?;
    if let Ok(mode) = serde_json::from_value(setup["mode"].clone()) {
        windows::apply_mode(&app, mode);
    }
    Ok(setup)
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
    host.join(&code, &address, &name, role.unwrap_or_default()).await
}

#[tauri::command]
pub fn open_board_window(app: AppHandle) -> Result<(), ApiError> {
    windows::open_board(&app)
}

#[cfg(test)]
mod tests {
    use super::WRAPPED;
    use sprintdesk_api::commands::COMMANDS;

    #[test]
    fn every_api_command_is_wrapped_once() {
        let mut wrapped: Vec<&str> = WRAPPED.to_vec();
        let mut listed: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        wrapped.sort_unstable();
        listed.sort_unstable();
        assert_eq!(wrapped, listed);
    }

    #[test]
    fn the_capability_grants_exactly_the_commands() {
        let text = include_str!("../capabilities/default.json");
        let capability: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| !p.starts_with("core:"))
            .map(str::to_owned)
            .collect();
        let mut expected: Vec<String> = WRAPPED
            .iter()
            .chain(&["join_venue", "open_board_window"])
            .map(|name| format!("allow-{}", name.replace('_', "-")))
            .collect();
        granted.sort();
        expected.sort();
        assert_eq!(granted, expected);
    }
}
