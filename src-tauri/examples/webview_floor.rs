//! The memory floor of a Tauri window on this platform: one window with the same web view settings as
//! the app, showing a one-line page, with no sprint, no peer and no UI code. `node ui/e2e/bench.mjs memory`
//! measures it beside the app, so the app's own share can be told apart from what WebKit costs anyway.
//!
//! cargo build -p sprintdesk-app --example webview_floor

use std::io::{Read, Write};
use std::net::TcpListener;
use tauri::{WebviewUrl, WebviewWindowBuilder};

/// Serves the one-line page (about:blank starts no web process, so it would measure less than any page).
fn serve_empty_page() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/", listener.local_addr()?);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let page = "<!doctype html><title>floor</title><p>An empty page.";
            let _ = write!(
                stream,
                "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
                page.len()
            );
        }
    });
    Ok(url)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = WebviewUrl::External(serve_empty_page()?.parse()?);
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(move |app| {
            let window = WebviewWindowBuilder::new(app, "main", url).inner_size(1280.0, 800.0).build()?;
            sprintdesk_app::settle_webview(&window);
            Ok(())
        })
        .run(context)?;
    Ok(())
}
