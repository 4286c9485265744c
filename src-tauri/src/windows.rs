//! Windows: the kiosk lock on the main window, and the projector board as a second window.

use sprintdesk_api::Host;
use sprintdesk_core::{ApiError, ErrorCode, Mode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder, Window, WindowEvent};

/// The main window is a locked kiosk: full screen, no decorations, and it cannot be closed. Leaving kiosk
/// mode (with the organizer PIN, checked by the core) unlocks it.
static KIOSK_LOCKED: AtomicBool = AtomicBool::new(false);

/// Whether the main window is locked as the kiosk's.
pub fn kiosk_locked() -> bool {
    KIOSK_LOCKED.load(Ordering::SeqCst)
}

/// Applies the device's mode to the main window.
pub fn apply_mode(app: &AppHandle, mode: Mode) {
    let Some(main) = app.get_webview_window("main") else { return };
    let kiosk = mode == Mode::Kiosk;
    KIOSK_LOCKED.store(kiosk, Ordering::SeqCst);
    let full_screen = kiosk || mode == Mode::Board;
    let results = [main.set_decorations(!kiosk), main.set_fullscreen(full_screen)];
    for error in results.into_iter().filter_map(Result::err) {
        tracing::warn!(%error, ?mode, "could not apply the mode to the window");
    }
}

pub fn on_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event
        && window.label() == "main"
        && KIOSK_LOCKED.load(Ordering::SeqCst)
    {
        api.prevent_close();
    }
}

/// Settles the web view's settings for a long-running, mostly idle screen. Sprintdesk's pages are flat
/// (no 3D, no video), so WebKit's accelerated compositing buys nothing and costs its web process about
/// 90 MiB (GL surfaces and tiles; measured in docs/benchmarks.md); the document-viewer cache model keeps
/// no back/forward pages and a small memory cache.
pub fn settle_webview(window: &WebviewWindow) {
    #[cfg(target_os = "linux")]
    let result = window.with_webview(|webview| {
        use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
        let view = webview.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            settings.set_enable_page_cache(false);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let result: tauri::Result<()> = Ok(());
    if let Err(error) = result {
        tracing::warn!(%error, window = window.label(), "could not settle the web view's settings");
    }
}

/// How often a board is loaded afresh, in minutes, unless `$SPRINTDESK_BOARD_RELOAD_MINUTES` says (0: never).
const BOARD_RELOAD_MINUTES: u64 = 120;

/// Loads every board this app shows afresh every two hours: the main window when this device is a board,
/// and the projector window. WebKit's web process grows by about 13 MiB an hour behind a board that turns
/// its pages and follows sign-ins, while the page's own JavaScript heap, DOM and listeners stay level
/// (docs/benchmarks.md, "The board all week"); a week on a projector would take gigabytes. A new web
/// process gives it back. The audience sees the board draw itself again from its first page.
pub fn reload_boards(app: AppHandle, host: Arc<Host>) {
    let minutes = match std::env::var("SPRINTDESK_BOARD_RELOAD_MINUTES") {
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(minutes) => minutes,
            Err(_) => {
                tracing::warn!(%text, "SPRINTDESK_BOARD_RELOAD_MINUTES is not a number of minutes: every {BOARD_RELOAD_MINUTES}");
                BOARD_RELOAD_MINUTES
            }
        },
        Err(_) => BOARD_RELOAD_MINUTES,
    };
    if minutes == 0 {
        return;
    }
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(minutes * 60));
            let main_is_board = host.setup().map(|setup| setup.mode == Mode::Board).unwrap_or(false);
            let boards =
                [main_is_board.then(|| app.get_webview_window("main")).flatten(), app.get_webview_window("board")];
            for board in boards.into_iter().flatten() {
                if let Err(error) = load_afresh(&board) {
                    tracing::warn!(%error, window = board.label(), "could not load the board afresh");
                }
            }
        }
    });
}

/// Loads `board` again in a new web process. A reload in the same process gave nothing back (the page's
/// own memory was never what grew), so on Linux the web process goes and WebKit starts another for the
/// reload; the window and its settings stay.
fn load_afresh(board: &WebviewWindow) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    return board.with_webview(|webview| {
        use webkit2gtk::WebViewExt;
        let view = webview.inner();
        view.terminate_web_process();
        view.reload();
    });
    #[cfg(not(target_os = "linux"))]
    board.reload()
}

/// Opens (or brings forward) the board, full screen, on a second monitor when there is one.
pub fn open_board(app: &AppHandle) -> Result<(), ApiError> {
    if let Some(board) = app.get_webview_window("board") {
        return board.set_focus().map_err(window_error);
    }
    let mut builder = WebviewWindowBuilder::new(app, "board", WebviewUrl::App("index.html#/board".into()))
        .title("Sprintdesk board")
        .fullscreen(true);
    let primary = app.primary_monitor().ok().flatten().map(|m| *m.position());
    if let Some(projector) =
        app.available_monitors().unwrap_or_default().into_iter().find(|m| Some(*m.position()) != primary)
    {
        let scale = projector.scale_factor();
        let at = projector.position().to_logical::<f64>(scale);
        builder = builder.position(at.x, at.y);
    }
    let board = builder.build().map_err(window_error)?;
    settle_webview(&board);
    Ok(())
}

fn window_error(error: tauri::Error) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("the board window could not open: {error}"))
}
