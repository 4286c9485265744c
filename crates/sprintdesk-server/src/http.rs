//! The HTTP face of `sprintdesk serve`: the built UI, `POST /api/<command>` for every command of the API,
//! `POST /api/join`, and `GET /api/events` (server-sent events, one `changed` event per change).
//!
//! It is an adapter and nothing more: each request is one call of [`Host::call`]. It listens on
//! 127.0.0.1 unless told otherwise, and it refuses what a web page on another site could send: requests
//! without a JSON content type (so a cross-site form cannot post) and, on a loopback address, requests
//! for another host name (DNS rebinding).
//!
//! [`serve`] bounds what a client can hold: a new connection has a few seconds to start its request, and ten
//! to send its headers (so none sits idle between requests either), a request a minute to finish, and at
//! most [`MAX_CONNECTIONS`] connections are served at once; more wait in the kernel's queue, holding none of
//! this process's files, so a flood of idle connections cannot starve the LAN peer running beside it.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use sprintdesk_api::Host;
use sprintdesk_core::domain::DeviceRole;
use sprintdesk_core::{ApiError, ErrorCode, Reach};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;

#[derive(Clone, Debug)]
struct App {
    host: Arc<Host>,
    /// Only these `Host` header names are answered when listening on loopback.
    loopback_only: bool,
    /// One of the [`MAX_EVENT_STREAMS`] for each event stream open.
    event_streams: Arc<Semaphore>,
    /// Wrong tables chosen at the door, per address on the venue network.
    table_guesses: TableGuesses,
}

/// Wrong tables an address on the venue network may choose for people at the door within
/// [`TABLE_GUESS_WINDOW`]; past them, a table is no proof from that address until the oldest is older. Each
/// wrong table also turns tables off for its person on this device (`sprintdesk_core`'s door rules), so
/// a stranger with the attendee list used to put everyone on badge-only sign-out here, one request each;
/// now one machine puts three people there, and a browser kiosk at the door, another address, goes on
/// checking everyone else's table.
pub const TABLE_GUESSES: usize = 3;
/// See [`TABLE_GUESSES`].
pub const TABLE_GUESS_WINDOW: Duration = Duration::from_secs(30 * 60);

/// When each address other than this computer's own last chose a wrong table at the door (at most
/// [`TABLE_GUESSES`] times each, within [`TABLE_GUESS_WINDOW`]).
#[derive(Clone, Debug, Default)]
struct TableGuesses(Arc<std::sync::Mutex<std::collections::HashMap<IpAddr, Vec<Instant>>>>);

impl TableGuesses {
    /// Minutes (rounded up) until `address` may choose a table again, if it has used up its wrong tables.
    fn off_for(&self, address: IpAddr, now: Instant) -> Option<u64> {
        let mut guesses = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        guesses.retain(|_, times| {
            times.retain(|at| now.duration_since(*at) < TABLE_GUESS_WINDOW);
            !times.is_empty()
        });
        let times = guesses.get(&address).filter(|times| times.len() >= TABLE_GUESSES)?;
        let free_at = times.iter().min().map_or(now, |oldest| *oldest + TABLE_GUESS_WINDOW);
        Some(free_at.saturating_duration_since(now).as_secs().div_ceil(60).max(1))
    }

    fn note_wrong(&self, address: IpAddr, now: Instant) {
        let mut guesses = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        guesses.entry(address).or_default().push(now);
    }
}

/// Whether this computer's own address: not limited per address (see [`MAX_PER_ADDRESS`]).
fn own_address(address: IpAddr) -> bool {
    address == IpAddr::from([127, 0, 0, 1]) || address == std::net::Ipv6Addr::LOCALHOST
}

/// Whether a door command's arguments prove who someone is by the table they chose (no badge): a sign-out
/// at the door, or a move of someone who is here.
fn table_proof(name: &str, args: &Value) -> bool {
    let badge = |proof: &Value| proof.get("badge").and_then(Value::as_str).is_some_and(|b| !b.trim().is_empty());
    match name {
        "sign_out_at_door" => !badge(args),
        "sign_in" => args.get("proof").is_some_and(|proof| proof.is_object() && !badge(proof)),
        _ => false,
    }
}

/// Event streams (`GET /api/events`, one per open page) followed at once. A stream stays open as long as
/// its page does, holding one of the [`MAX_CONNECTIONS`]: capped well below them, a script that opens
/// hundreds takes the live updates of later pages (they are refused, 503), never the API itself.
pub const MAX_EVENT_STREAMS: usize = 64;

/// Connections served at once; more wait in the kernel's accept queue. Well under the usual limit of 1,024
/// open files, which the database and the LAN peer share.
pub const MAX_CONNECTIONS: usize = 512;
/// How long a new connection may stay silent before its request starts.
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a connection may take to send a request's headers, or stay idle between requests.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request (its body and the command it runs) may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a command's request body may take to arrive, whole: a body sent a byte every few seconds held
/// its connection for the whole [`REQUEST_TIMEOUT`], and a few hundred of them took every connection.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest command body taken.
const MAX_BODY: usize = 2 * 1024 * 1024;
/// The largest import file taken (an organizer's command, on this computer only): a pull request export of a
/// few hundred with their descriptions is over 2 MiB.
const MAX_IMPORT_BODY: usize = 32 * 1024 * 1024;
/// Connections served at once from one address other than this computer's own: a browser opens six or so per
/// page and one event stream; more from one machine on the Wi-Fi is a script taking the door's API from
/// everyone else. (Behind one NAT, a venue's browsers would share it: the sync port has the same limit.)
pub const MAX_PER_ADDRESS: usize = 64;

/// Connections open per address; an entry counts down when its connection ends.
#[derive(Clone, Default)]
struct PerAddress(Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>);

/// One connection counted against its address.
struct Counted(PerAddress, std::net::IpAddr);

impl PerAddress {
    /// Counts a connection from `address`, unless it has [`MAX_PER_ADDRESS`] open already (this computer's
    /// own addresses are not limited).
    fn admit(&self, address: std::net::IpAddr) -> Option<Counted> {
        let own = own_address(address);
        let mut open = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(address).or_default();
        if !own && *count >= MAX_PER_ADDRESS {
            return None;
        }
        *count += 1;
        Some(Counted(self.clone(), address))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.0.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.1) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.1);
            }
        }
    }
}

/// Serves `app` on `listener` until `stopped` turns true, with the limits above.
pub async fn serve(listener: TcpListener, app: Router, mut stopped: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let per_address = PerAddress::default();
    let stop = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            () = &mut stop => return,
        };
        let (stream, counted) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => match per_address.admit(peer.ip()) {
                    Some(counted) => (stream, counted),
                    // Closed at once: its place stays free for everyone else.
                    None => continue,
                },
                Err(error) => {
                    // Out of files, say: wait a moment rather than spin.
                    tracing::warn!(%error, "could not accept a browser connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => return,
        };
        // Each request knows the address it came from (the door's per-address limits).
        let peer = axum::Extension(axum::extract::ConnectInfo(counted.1));
        let service = hyper_util::service::TowerToHyperService::new(app.clone().layer(peer));
        tokio::spawn(async move {
            let _slot = (permit, counted);
            // A connection that says nothing gives its place back at once (an idle flood drains fast).
            if !matches!(tokio::time::timeout(FIRST_BYTE_TIMEOUT, stream.readable()).await, Ok(Ok(()))) {
                return;
            }
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "a browser connection ended");
            }
        });
    }
}

/// Builds the HTTP routes over `host`, serving the UI from `ui` when it is given.
pub fn router(host: Arc<Host>, address: SocketAddr, ui: Option<std::path::PathBuf>) -> Router {
    let event_streams = Arc::new(Semaphore::new(MAX_EVENT_STREAMS));
    let app = App { host, loopback_only: address.ip().is_loopback(), event_streams, table_guesses: Default::default() };
    let timeout = tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT);
    let api = Router::new()
        .route("/api/join", axum::routing::post(join))
        .route("/api/{command}", axum::routing::post(command))
        .layer(timeout)
        // The event stream stays open as long as the page does: no request timeout for it.
        .route("/api/events", axum::routing::get(events))
        .with_state(app.clone());
    let router = match ui {
        Some(dir) => {
            let index = dir.join("index.html");
            api.fallback_service(
                tower_http::services::ServeDir::new(dir).fallback(tower_http::services::ServeFile::new(index)),
            )
        }
        None => api.fallback(no_ui),
    };
    router.layer(axum::middleware::from_fn_with_state(app, guard))
}

async fn no_ui() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "The Sprintdesk UI is not built here. Build it with `npm run build` in ui/ and start serve with --ui ui/dist.\n",
    )
        .into_response()
}

/// The error as JSON, with the status its code stands for (chosen where the codes are declared).
fn error_response(error: ApiError) -> Response {
    let status = StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}

fn refuse(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    (status, axum::Json(ApiError::new(code, message))).into_response()
}

/// Refuses requests for a foreign host name on a loopback listener, and state-changing requests that a
/// cross-site HTML form could send.
async fn guard(State(app): State<App>, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = request.headers();
    if app.loopback_only {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
        if !matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
            return refuse(StatusCode::FORBIDDEN, ErrorCode::NotAllowed, "this Sprintdesk only answers on localhost");
        }
    }
    if request.method() == axum::http::Method::POST && !is_json(headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadArguments,
            "send the request as JSON (Content-Type: application/json)",
        );
    }
    next.run(request).await
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|value| value.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")))
}

/// The request's JSON body as `T` (an empty body is `null`), or why not.
fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, (StatusCode, String)> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(body).map_err(|e| (StatusCode::BAD_REQUEST, format!("the request is not JSON: {e}")))?
    };
    serde_json::from_value(value).map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
}

async fn command(State(app): State<App>, Path(name): Path<String>, request: axum::extract::Request) -> Response {
    // Where the request came from: a connection `serve` accepted says; anything else is this computer.
    let from = request
        .extensions()
        .get::<axum::extract::ConnectInfo<IpAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0);
    let body = request.into_body();
    // Listening beyond this computer (a browser kiosk or board on the venue network), the API answers the
    // door's commands only: anyone on the Wi-Fi can reach it, and the organizer's commands (every e-mail,
    // join codes, the venue's key) are for this computer's own screen.
    // A name that is no command is answered before its body is read: a stranger's `import_anything` once got
    // the import files' size limit, and gigabytes of memory for a few requests.
    let Some(reach) = sprintdesk_api::commands::COMMANDS.iter().find(|c| c.name == name).map(|c| c.reach) else {
        return refuse(StatusCode::NOT_FOUND, ErrorCode::UnknownCommand, &format!("there is no command {name:?}"));
    };
    if !app.loopback_only && reach != Reach::Door {
        return refuse(StatusCode::FORBIDDEN, ErrorCode::NotAllowed, NETWORK_DOOR_ONLY);
    }
    // A badge's PDF carries its holder's badge code, a key to sign them out: over the network it goes to this
    // device's printer, at the venue, never back to whoever asked from the Wi-Fi.
    if !app.loopback_only && name == "print_badge" {
        let host = app.host.clone();
        if !tokio::task::spawn_blocking(move || host.badge_printer_chosen())
            .await
            .is_ok_and(|chosen| chosen.unwrap_or(false))
        {
            return refuse(StatusCode::FORBIDDEN, ErrorCode::NotAllowed, NETWORK_BADGE);
        }
    }
    // Only an organizer's import, on this computer's own screen, takes a large body.
    let import = app.loopback_only && reach == Reach::Staff && name.starts_with("import_");
    let body = match read_body(body, import).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    // Reading the JSON (an import's takes a while) and SQLite are synchronous: kept off the async workers.
    let host = app.host.clone();
    // Over the venue network, a machine that has chosen too many wrong tables for people proves nobody by a
    // table for a while: refused here, before the door would turn tables off for one more person.
    let guesses = (!app.loopback_only && !own_address(from)).then(|| app.table_guesses.clone());
    let run = move || match parse_body(&body) {
        Err((status, message)) => refuse(status, ErrorCode::BadArguments, &message),
        Ok(args) => {
            let guessing = guesses.filter(|_| table_proof(&name, &args));
            if let Some(minutes) = guessing.as_ref().and_then(|g| g.off_for(from, Instant::now())) {
                return refuse(StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyTries, &tables_off(minutes));
            }
            match host.call(&name, args) {
                Ok(value) => axum::Json(value).into_response(),
                Err(error) => {
                    // A table that did not prove the person (a wrong badge is no table, and a lock is no guess).
                    if let Some(guesses) = guessing.filter(|_| error.code == ErrorCode::NotAllowed) {
                        guesses.note_wrong(from, Instant::now());
                    }
                    error_response(error)
                }
            }
        }
    };
    match tokio::task::spawn_blocking(run).await {
        Ok(response) => response,
        Err(_) => {
            refuse(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "the request failed inside Sprintdesk")
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinRequest {
    code: String,
    address: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    role: Option<DeviceRole>,
}

/// What a staff command says when asked over the venue network.
const NETWORK_DOOR_ONLY: &str = "over the network this Sprintdesk answers the door's commands only (find people, sign \
     in and out, the board); use the organizer's screen on this computer (127.0.0.1) for the rest";

/// What the door says to a machine on the venue network that has chosen too many wrong tables.
fn tables_off(minutes: u64) -> String {
    let more = if minutes == 1 { "1 more minute".to_owned() } else { format!("{minutes} more minutes") };
    format!(
        "Too many wrong tables were chosen from this screen, so choosing a table is off here for {more}: scan your \
         badge, or ask at the desk."
    )
}

/// What a badge print asked over the venue network says when this device has no printer.
const NETWORK_BADGE: &str = "over the network a badge is printed on this Sprintdesk's printer, and none is chosen: \
     an organizer chooses one in Settings on this computer, or prints the badge from an organizer's screen";

/// A request's body, whole within [`BODY_TIMEOUT`] and at most [`MAX_BODY`] ([`MAX_IMPORT_BODY`] for an
/// `import`); or the refusal to send.
async fn read_body(body: axum::body::Body, import: bool) -> Result<Bytes, Response> {
    let limit = if import { MAX_IMPORT_BODY } else { MAX_BODY };
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(body)) => Ok(body),
        // Said as an import's refusal, in words the organizer can act on (a screen out of step is not it).
        Ok(Err(_)) if import => Err(refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::ImportRejected,
            "nothing was imported: the file is over 32 MiB, more than this screen takes; import it with \
             `sprintdesk import` on the command line",
        )),
        Ok(Err(_)) => Err(refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadArguments,
            "the request is too large (2 MiB at most)",
        )),
        Err(_) => Err(refuse(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::BadArguments,
            "the request's body took too long to arrive",
        )),
    }
}

async fn join(State(app): State<App>, body: axum::body::Body) -> Response {
    if !app.loopback_only {
        return refuse(StatusCode::FORBIDDEN, ErrorCode::NotAllowed, NETWORK_DOOR_ONLY);
    }
    let body = match read_body(body, false).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let request: JoinRequest = match parse_body(&body) {
        Ok(request) => request,
        Err((status, message)) => return refuse(status, ErrorCode::BadArguments, &message),
    };
    let name = request.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(sprintdesk_api::host_name);
    match app.host.join(&request.code, &request.address, &name, request.role).await {
        Ok(joined) => axum::Json(joined).into_response(),
        Err(error) => error_response(ApiError::from(&error)),
    }
}

async fn events(State(app): State<App>) -> Response {
    let Ok(slot) = app.event_streams.clone().try_acquire_owned() else {
        // Said, and the connection closed: it gives its place back at once.
        let mut refused = refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::TooManyTries,
            "too many pages are following this device's changes; close some, then reload this one",
        );
        refused.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
        return refused;
    };
    // The stream holds its place for as long as the page keeps it open.
    let changes = WatchStream::new(app.host.subscribe()).map(move |tick| {
        let _held = &slot;
        Ok::<_, std::convert::Infallible>(Event::default().event("changed").data(tick.to_string()))
    });
    Sse::new(changes).keep_alive(KeepAlive::default()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn which_door_requests_prove_someone_by_a_table() {
        let cases = [
            ("sign_out_at_door", json!({"attendee": "Ana", "table": "T1"}), true),
            ("sign_out_at_door", json!({"attendee": "Ana", "table": null}), true),
            ("sign_out_at_door", json!({"attendee": "Ana", "table": "T1", "badge": "  "}), true),
            ("sign_out_at_door", json!({"attendee": "Ana", "badge": "B1"}), false),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": {"table": "T1"}}), true),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": {"badge": "B1"}}), false),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": null}), false),
            ("sign_in", json!({"attendee": "Ana", "project": "T2"}), false),
            ("search", json!({"query": "T1", "table": "T1"}), false),
        ];
        for (name, args, expected) in cases {
            assert_eq!(table_proof(name, &args), expected, "{name} {args}");
        }
    }

    /// An address's wrong tables count for half an hour each; with three in that time it chooses no table
    /// until the oldest is half an hour old. Another address is not touched.
    #[test]
    fn three_wrong_tables_in_half_an_hour_turn_tables_off_for_that_address() {
        let guesses = TableGuesses::default();
        let (stranger, kiosk) = (IpAddr::from([10, 0, 0, 66]), IpAddr::from([10, 0, 0, 2]));
        let t0 = Instant::now();
        let at = |minutes: u64| t0 + Duration::from_secs(minutes * 60);
        guesses.note_wrong(stranger, at(0));
        guesses.note_wrong(stranger, at(5));
        assert_eq!(guesses.off_for(stranger, at(5)), None, "two wrong tables");
        guesses.note_wrong(stranger, at(10));
        let cases = [(10, Some(20)), (29, Some(1)), (30, None), (45, None)];
        for (minutes, off) in cases {
            assert_eq!(guesses.off_for(stranger, at(minutes)), off, "at {minutes} minutes");
            assert_eq!(guesses.off_for(kiosk, at(minutes)), None);
        }
        // Half a minute left is said as a minute, never as none.
        guesses.note_wrong(stranger, at(46));
        guesses.note_wrong(stranger, at(47));
        assert_eq!(guesses.off_for(stranger, at(47)), None, "two within the last half hour");
        guesses.note_wrong(stranger, at(48));
        assert_eq!(guesses.off_for(stranger, at(48)), Some(28));
        assert_eq!(guesses.off_for(stranger, at(75) + Duration::from_secs(30)), Some(1));
        assert_eq!(guesses.off_for(stranger, at(76)), None);
    }

    /// How large a body is taken, and what a body too large is told: an import file over its limit is an
    /// import refused in words, anything else a screen out of step.
    #[test]
    fn a_body_is_taken_up_to_its_limit_and_an_import_too_large_is_refused_in_words() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for (import, size, refused) in [
            (false, MAX_BODY, None),
            (false, MAX_BODY + 1, Some("bad_arguments")),
            (true, 3 * 1024 * 1024, None),
            (true, MAX_IMPORT_BODY, None),
            (true, MAX_IMPORT_BODY + 1, Some("import_rejected")),
        ] {
            let got = runtime.block_on(read_body(axum::body::Body::from(vec![b' '; size]), import));
            match (got, refused) {
                (Ok(body), None) => assert_eq!(body.len(), size),
                (Err(response), Some(code)) => {
                    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
                    let body = runtime.block_on(axum::body::to_bytes(response.into_body(), 4096)).unwrap();
                    let error: Value = serde_json::from_slice(&body).unwrap();
                    assert_eq!(error["code"], code, "{import} {size}: {error}");
                    if import {
                        assert!(error["message"].as_str().unwrap().contains("on the command line"), "{error}");
                    }
                }
                (got, _) => panic!("{import} {size}: {:?}", got.map(|b| b.len()).map_err(|r| r.status())),
            }
        }
    }
}
