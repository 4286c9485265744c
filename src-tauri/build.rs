//! Registers the app's commands with Tauri's permission system: each command of the API gets an
//! `allow-<name>` permission, and capabilities/default.json grants exactly those (checked by a test).

fn main() {
    use sprintdesk_api::commands::{COMMANDS, SHELL_COMMANDS};
    let mut names: Vec<&'static str> = COMMANDS.iter().map(|c| c.name).collect();
    names.extend(SHELL_COMMANDS);
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(names));
    tauri_build::try_build(attributes).expect("the Tauri build step failed");
}
