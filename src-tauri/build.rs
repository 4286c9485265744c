//! Registers the app's commands with Tauri's permission system: each command of the API gets an
//! `allow-<name>` permission, and capabilities/default.json grants exactly those (checked by a test).

fn main() {
    let mut names: Vec<&'static str> = sprintdesk_api::commands::COMMANDS.iter().map(|c| c.name).collect();
    names.extend(sprintdesk_app_shell_commands());
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(names));
    tauri_build::try_build(attributes).expect("the Tauri build step failed");
}

/// The shell's own commands (windows and joining), besides the API's.
fn sprintdesk_app_shell_commands() -> [&'static str; 2] {
    ["join_venue", "open_board_window"]
}
