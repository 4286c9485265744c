//! Registers the app's commands with Tauri's permission system: each command of the API gets an
//! `allow-<name>` permission, and capabilities/default.json grants exactly those (checked by a test).

/// The shell's own commands (joining a venue, the board window), besides the API's.
const SHELL_COMMANDS: [&str; 2] = ["join_venue", "open_board_window"];

fn main() {
    let mut names: Vec<&'static str> = sprintdesk_api::commands::COMMANDS.iter().map(|c| c.name).collect();
    names.extend(SHELL_COMMANDS);
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(names));
    tauri_build::try_build(attributes).expect("the Tauri build step failed");
}
