//! The HTTP face of `sprintdesk serve`: the built UI, `POST /api/<command>` for every command of the API,
//! `POST /api/join`, and `GET /api/events` (server-sent events, one `changed` event per change).
//!
//! It is an adapter and nothing more: each request is one call of [`Host::call`]. It listens on
//! 127.0.0.1 unless told otherwise, and it refuses what a web page on another site could send: requests
//! without a JSON content type (so a cross-site form cannot post) and, on a loopback address, requests
//! for another host name (DNS rebinding); on the venue network such a request is held to the network's
//! limits. No page may be shown in another site's frame.
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
    /// Held beside one of those by each stream another machine follows: all but [`OWN_EVENT_STREAMS`].
    foreign_streams: Arc<Semaphore>,
    /// Event streams open per address on the venue network (at most [`STREAMS_PER_ADDRESS`]).
    streams_per_address: PerAddress,
    /// Wrong tables chosen at the door, per address on the venue network.
    table_guesses: TableGuesses,
    /// Searches left, per address on the venue network.
    searches: SearchBudget,
}

/// Wrong tables an address on the venue network may choose for people at the door within
/// [`TABLE_GUESS_WINDOW`]; past them, a table is no proof from that address until the oldest is older. Each
/// wrong table also turns tables off for its person on this device (`sprintdesk_core`'s door rules), so
/// a stranger with the attendee list used to put everyone on badge-only sign-out here, one request each;
/// now one machine puts ten people there, and a browser kiosk at the door, another address, goes on
/// checking everyone else's table. Ten, not fewer: at a busy door a browser kiosk's honest mistakes must not
/// take tables away from everyone at it.
pub const TABLE_GUESSES: usize = 10;
/// See [`TABLE_GUESSES`].
pub const TABLE_GUESS_WINDOW: Duration = Duration::from_secs(30 * 60);

/// When each address other than this computer's own last chose a wrong table at the door (at most
/// [`TABLE_GUESSES`] times each, within [`TABLE_GUESS_WINDOW`]), and its table proofs being judged now.
#[derive(Clone, Debug, Default)]
struct TableGuesses(Arc<std::sync::Mutex<std::collections::HashMap<IpAddr, Guesses>>>);

#[derive(Debug, Default)]
struct Guesses {
    wrong: Vec<Instant>,
    /// Table proofs sent to the door and not answered yet: each may be one more wrong table, so they count
    /// (sixty at once from one address were all judged, before any was counted).
    judging: usize,
}

/// A table proof let through to the door: counted as one more wrong table if [`Guess::wrong`] says so, and
/// let go otherwise (when dropped).
struct Guess {
    guesses: TableGuesses,
    address: IpAddr,
}

impl TableGuesses {
    /// Lets one more table proof from `address` be judged, unless its wrong tables (with those being judged)
    /// are used up: then the minutes (rounded up) until it may choose a table again.
    fn begin(&self, address: IpAddr, now: Instant) -> Result<Guess, u64> {
        let mut all = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        all.retain(|_, guesses| {
            guesses.wrong.retain(|at| now.duration_since(*at) < TABLE_GUESS_WINDOW);
            !guesses.wrong.is_empty() || guesses.judging > 0
        });
        let guesses = all.entry(address).or_default();
        if guesses.wrong.len() + guesses.judging >= TABLE_GUESSES {
            // With proofs still being judged, the oldest wrong table may not be the one that frees it.
            let free_at = match guesses.wrong.iter().min() {
                Some(oldest) if guesses.wrong.len() >= TABLE_GUESSES => *oldest + TABLE_GUESS_WINDOW,
                _ => now + TABLE_GUESS_WINDOW,
            };
            return Err(free_at.saturating_duration_since(now).as_secs().div_ceil(60).max(1));
        }
        guesses.judging += 1;
        Ok(Guess { guesses: self.clone(), address })
    }
}

impl Guess {
    /// The door found the table wrong, at `now`.
    fn wrong(self, now: Instant) {
        let mut all = self.guesses.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        all.entry(self.address).or_default().wrong.push(now);
    }
}

impl Drop for Guess {
    fn drop(&mut self) {
        let mut all = self.guesses.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(guesses) = all.get_mut(&self.address) {
            guesses.judging = guesses.judging.saturating_sub(1);
        }
    }
}

/// Searches an address on the venue network may make in a burst, and how many a second come back to it
/// after ([`SearchBudget`]). The kiosk screen searches on every keystroke: a person typing their name takes
/// a dozen, a queue at the door a few dozen a minute. A script listing every attendee two letters at a time
/// took a few seconds; at a search a second it takes an hour or more for a large sprint.
pub const SEARCH_BURST: f64 = 120.0;
/// See [`SEARCH_BURST`].
pub const SEARCHES_PER_SECOND: f64 = 1.0;
/// The most people one search lists over the venue network: what the kiosk screen asks for (six shown, and
/// one to know that more match). The core lists up to 20.
pub const NETWORK_SEARCH_LIMIT: u64 = 7;

/// Searches each address other than this computer's own has left: a bucket of [`SEARCH_BURST`] refilled at
/// [`SEARCHES_PER_SECOND`]. An address whose bucket is full again is forgotten.
#[derive(Clone, Debug, Default)]
struct SearchBudget(Arc<std::sync::Mutex<std::collections::HashMap<IpAddr, (f64, Instant)>>>);

impl SearchBudget {
    /// Takes one search for `address`, or says how many seconds until it has one.
    fn take(&self, address: IpAddr, now: Instant) -> Result<(), u64> {
        let mut buckets = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let left = |(tokens, at): (f64, Instant)| {
            (tokens + now.saturating_duration_since(at).as_secs_f64() * SEARCHES_PER_SECOND).min(SEARCH_BURST)
        };
        buckets.retain(|_, bucket| left(*bucket) < SEARCH_BURST);
        let tokens = buckets.get(&address).map_or(SEARCH_BURST, |bucket| left(*bucket));
        if tokens < 1.0 {
            return Err(((1.0 - tokens) / SEARCHES_PER_SECOND).ceil().max(1.0) as u64);
        }
        buckets.insert(address, (tokens - 1.0, now));
        Ok(())
    }
}

/// Door commands that look a person up by what they are given (a name, a handle, a badge code): over the
/// venue network each counts against its address's searches ([`SearchBudget`]).
const NAMES_A_PERSON: &[&str] =
    &["search", "sign_in", "sign_out_at_door", "print_badge", "register_walk_in", "find_badge", "decline_photos"];

/// What a command asked over the venue network says when its arguments are not a JSON object.
const NETWORK_OBJECTS_ONLY: &str = "over the venue network a command's arguments are a JSON object";

/// `error`, as a machine on the venue network (not this computer) is told it. A person or table not found,
/// or matched more than once, is said without the names the core suggests ("did you mean Ana Lima (@ana)
/// or …"): through a door command those made a search of their own, four names a request, with no limit. The screens look people up by `search`
/// and send ids, so they never see these.
fn unnamed(network: bool, command: &str, error: ApiError) -> ApiError {
    if !network || command == "search" {
        return error;
    }
    match error.code {
        ErrorCode::NotFound => ApiError::new(
            ErrorCode::NotFound,
            "no one on the list matches that: search for the name, then choose the person from what is found",
        ),
        ErrorCode::Ambiguous => ApiError::new(
            ErrorCode::Ambiguous,
            "more than one person matches that: search for the name, then choose the person from what is found",
        ),
        _ => error,
    }
}

/// Whether this computer's own address (an IPv4 one as a dual-stack listener sees it too): not limited per
/// address (see [`MAX_PER_ADDRESS`]).
fn own_address(address: IpAddr) -> bool {
    let address = address.to_canonical();
    address == IpAddr::from([127, 0, 0, 1]) || address == std::net::Ipv6Addr::LOCALHOST
}

/// Whether a door command's arguments prove who someone is by the table they chose (no badge): a sign-out
/// at the door, or a move of someone who is here. Read as the command reads them (any shape serde takes,
/// a JSON array included), badges trimmed as the door trims them; arguments the command would not take
/// prove nothing.
fn table_proof(name: &str, args: &Value) -> bool {
    use sprintdesk_core::{DoorSignOut, SignIn};
    let no_badge = |badge: Option<&str>| badge.is_none_or(|badge| badge.trim().is_empty());
    match name {
        "sign_out_at_door" => DoorSignOut::deserialize(args).is_ok_and(|request| no_badge(request.badge.as_deref())),
        "sign_in" => SignIn::deserialize(args)
            .is_ok_and(|request| request.proof.is_some_and(|proof| no_badge(proof.badge.as_deref()))),
        _ => false,
    }
}

/// Event streams (`GET /api/events`, one per open page) followed at once. A stream stays open as long as
/// its page does, holding one of the [`MAX_CONNECTIONS`]: capped well below them, a script that opens
/// hundreds takes the live updates of later pages (they are refused, 503), never the API itself.
pub const MAX_EVENT_STREAMS: usize = 64;
/// Of the [`MAX_EVENT_STREAMS`], those only this computer's own screen may follow.
pub const OWN_EVENT_STREAMS: usize = 16;
/// Event streams one machine on the venue network may follow at once: a page each (a board, a kiosk, a
/// spare tab). One script once took all of them, and every board and browser kiosk lost its live updates.
pub const STREAMS_PER_ADDRESS: usize = 8;

/// Connections served at once; more wait in the kernel's accept queue. Well under the usual limit of 1,024
/// open files, which the database and the LAN peer share.
pub const MAX_CONNECTIONS: usize = 512;
/// Of the [`MAX_CONNECTIONS`], those only this computer's own screen may take: nine machines on the Wi-Fi,
/// each keeping its [`MAX_PER_ADDRESS`] busy, once took them all, and the device's own screen timed out.
pub const OWN_CONNECTIONS: usize = 32;
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
#[derive(Clone, Debug, Default)]
struct PerAddress(Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>);

/// One connection counted against its address.
struct Counted(PerAddress, std::net::IpAddr);

impl PerAddress {
    /// Counts a connection from `address`, unless it has `max` open already (`exempt`: this computer's own
    /// screen, not limited).
    fn admit(&self, address: std::net::IpAddr, max: usize, exempt: bool) -> Option<Counted> {
        let mut open = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(address).or_default();
        if !exempt && *count >= max {
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
    // Held beside a slot by every connection from another machine: they share all but the own screen's.
    let foreign = Arc::new(Semaphore::new(MAX_CONNECTIONS - OWN_CONNECTIONS));
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
        let (stream, counted, foreign) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let own = own_address(peer.ip());
                    let foreign = if own {
                        None
                    } else {
                        match foreign.clone().try_acquire_owned() {
                            Ok(held) => Some(held),
                            // Closed at once, as below: the slots left are this computer's own screen's.
                            Err(_) => continue,
                        }
                    };
                    match per_address.admit(peer.ip(), MAX_PER_ADDRESS, own) {
                        Some(counted) => (stream, counted, foreign),
                        // Closed at once: its place stays free for everyone else.
                        None => continue,
                    }
                }
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
            let _slot = (permit, counted, foreign);
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
    let app = App {
        host,
        loopback_only: address.ip().is_loopback(),
        event_streams,
        foreign_streams: Arc::new(Semaphore::new(MAX_EVENT_STREAMS - OWN_EVENT_STREAMS)),
        streams_per_address: PerAddress::default(),
        table_guesses: Default::default(),
        searches: Default::default(),
    };
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

/// Whether a request names this computer as its host (`localhost`, `127.0.0.1`, `[::1]`, `0.0.0.0`, `[::]`,
/// with any port): a page of this computer's own screen. A web page on another site whose name was made to point here (DNS
/// rebinding) names its own.
#[derive(Clone, Copy)]
struct NamedLocal(bool);

/// Refuses requests for a foreign host name on a loopback listener, and state-changing requests that a
/// cross-site HTML form could send; says to the command whether the request named this computer; and
/// forbids every page to be shown inside another site's frame (a page under a decoy took two clicks to
/// revoke a device).
async fn guard(State(app): State<App>, mut request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let name = host.rsplit_once(':').filter(|(_, port)| !port.contains(']')).map_or(host, |(name, _)| name);
    // (`serve --http 0.0.0.0:P` says to open http://0.0.0.0:P/, which a browser on this computer asks for as
    // such: no page of another site can be given that name.)
    let local = matches!(name.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "[::1]" | "0.0.0.0" | "[::]");
    if app.loopback_only && !local {
        return refuse(StatusCode::FORBIDDEN, ErrorCode::NotAllowed, "this Sprintdesk only answers on localhost");
    }
    if request.method() == axum::http::Method::POST && !is_json(headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadArguments,
            "send the request as JSON (Content-Type: application/json)",
        );
    }
    request.extensions_mut().insert(NamedLocal(local));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
    headers.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static("frame-ancestors 'none'"));
    response
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|value| value.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")))
}

/// The most JSON values a request's body may hold. No command takes more than a few hundred (an import's
/// file is one string); read as a JSON value first, 2 MiB of `[0,0,0,…]` took some 50 MiB, and a stranger's
/// few dozen requests at once took gigabytes.
const MAX_VALUES: usize = 10_000;

/// At least how many values the JSON text `body` holds (each array or object, and each comma, outside
/// strings, begins one): counted before anything is read into memory.
fn values_at_least(body: &[u8]) -> usize {
    let (mut count, mut in_string, mut escaped) = (0, false, false);
    for &byte in body {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{' | b',') => count += 1,
            (false, _, _) => {}
        }
    }
    count
}

/// The request's JSON body as `T` (an empty body is `null`), or why not.
fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, (StatusCode, String)> {
    if values_at_least(body) > MAX_VALUES {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request holds too many values ({MAX_VALUES} at most): no command takes so many"),
        ));
    }
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(body).map_err(|e| (StatusCode::BAD_REQUEST, format!("the request is not JSON: {e}")))?
    };
    serde_json::from_value(value).map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
}

/// Where a request came from (a connection `serve` accepted says; anything else is this computer), and
/// whether it is this computer's own screen: from its own address, naming it (a page of another site made
/// to point here, DNS rebinding, comes from 127.0.0.1 under its own name).
fn source(request: &axum::extract::Request) -> (IpAddr, bool) {
    let from = request
        .extensions()
        .get::<axum::extract::ConnectInfo<IpAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.to_canonical());
    let named_local = request.extensions().get::<NamedLocal>().is_some_and(|named| named.0);
    (from, own_address(from) && named_local)
}

async fn command(State(app): State<App>, Path(name): Path<String>, request: axum::extract::Request) -> Response {
    let (from, own_screen) = source(&request);
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
    // A page of another site made to point here (DNS rebinding) is held to the network's limits.
    let network = !app.loopback_only && !own_screen;
    let guesses = network.then(|| app.table_guesses.clone());
    if network && NAMES_A_PERSON.contains(&name.as_str()) {
        // Listing the attendees a few letters at a time is slowed to a search a second, after a burst: every
        // door request that looks a person up by what it is given counts, as each is a search of its own.
        if let Err(seconds) = app.searches.take(from, Instant::now()) {
            return refuse(StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyTries, &searches_off(seconds));
        }
    }
    let over_network = !app.loopback_only;
    let run = move || match parse_body::<Value>(&body) {
        Err((status, message)) => refuse(status, ErrorCode::BadArguments, &message),
        // Read as objects only: serde also takes a struct's fields as an array, a shape the screens never send,
        // which once went round the search's limit and the door's count of wrong tables.
        Ok(args) if over_network && !(args.is_object() || args.is_null()) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::BadArguments, NETWORK_OBJECTS_ONLY)
        }
        Ok(mut args) => {
            if over_network && name == "search" {
                limit_search(&mut args);
            }
            // The organizer PIN would cross the Wi-Fi in the clear, and wrong ones from a stranger's machine locked
            // it on this device's own screen (one a minute kept it locked): over the network it is not taken.
            if network && args.get("pin").is_some_and(|pin| !pin.is_null()) {
                return refuse(StatusCode::FORBIDDEN, ErrorCode::NotAllowed, NETWORK_PIN);
            }
            // The retrospective is anonymous: from the Wi-Fi, anyone could answer it a thousand times a minute
            // and skew its ratings. Over the network a set of answers follows a sign-out at the door (its token,
            // good once), as the kiosk asks it.
            if network && name == "answer_retro" && args.get("token").is_none_or(Value::is_null) {
                return refuse(StatusCode::FORBIDDEN, ErrorCode::NotAllowed, NETWORK_RETRO);
            }
            let guess = match guesses.filter(|_| table_proof(&name, &args)).map(|g| g.begin(from, Instant::now())) {
                Some(Err(minutes)) => {
                    return refuse(StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyTries, &tables_off(minutes));
                }
                Some(Ok(guess)) => Some(guess),
                None => None,
            };
            match host.call(&name, args) {
                Ok(mut value) => {
                    if over_network && matches!(name.as_str(), "sign_in" | "register_walk_in") {
                        offer_no_badge_without_printer(&host, &mut value);
                    }
                    // No PIN is taken from the network (above): a welcome there offers none to type.
                    if network && value.get("door_badge").and_then(Value::as_str) == Some("pin") {
                        value["door_badge"] = "ask".into();
                    }
                    axum::Json(value).into_response()
                }
                Err(error) => {
                    // A table that did not prove the person (a wrong badge is no table, and a lock is no guess).
                    if let Some(guess) = guess.filter(|_| error.code == ErrorCode::NotAllowed) {
                        guess.wrong(Instant::now());
                    }
                    error_response(unnamed(network, &name, error))
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

/// What answers to the retrospective sent over the venue network without a sign-out are told.
const NETWORK_RETRO: &str = "over the venue network the retrospective is answered at the door right after signing \
     out (or on a staff device's own screen)";

/// What a request carrying the organizer PIN is told over the venue network.
const NETWORK_PIN: &str = "over the venue network the organizer PIN is not taken (it would cross the Wi-Fi for \
     anyone to read): an organizer does this on the screen of the computer that runs Sprintdesk";

/// What a staff command says when asked over the venue network.
const NETWORK_DOOR_ONLY: &str = "over the network this Sprintdesk answers the door's commands only (find people, sign \
     in and out, the board); use the organizer's screen on this computer (127.0.0.1) for the rest";

/// Over the venue network a badge is printed on this device's printer only (see [`NETWORK_BADGE`]): with none
/// chosen, a sign-in's welcome offers no print (which would be refused) but says to ask an organizer.
fn offer_no_badge_without_printer(host: &Host, outcome: &mut Value) {
    let offered = outcome.get("door_badge").and_then(Value::as_str).is_some_and(|offer| offer != "ask");
    if offered && !host.badge_printer_chosen().unwrap_or(false) {
        outcome["door_badge"] = "ask".into();
    }
}

/// A search asked over the venue network lists at most [`NETWORK_SEARCH_LIMIT`] people.
fn limit_search(args: &mut Value) {
    if let Some(args) = args.as_object_mut() {
        let asked = args.get("limit").and_then(Value::as_u64).unwrap_or(u64::MAX);
        args.insert("limit".into(), asked.min(NETWORK_SEARCH_LIMIT).into());
    }
}

/// What a search says to a machine on the venue network that has searched too often.
fn searches_off(seconds: u64) -> String {
    let wait = if seconds == 1 { "a second".to_owned() } else { format!("{seconds} seconds") };
    format!("Too many searches from this screen: wait {wait}, then type again.")
}

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

async fn events(State(app): State<App>, request: axum::extract::Request) -> Response {
    let (from, own) = source(&request);
    // Another machine's stream: within its address's few, and never in the own screen's reserve. (A page made
    // to point here from another site counts as another machine, under 127.0.0.1's name.)
    let foreign = if own {
        None
    } else {
        // (A page of another site made to point here comes from 127.0.0.1: held to one machine's few too.)
        let Some(counted) = app.streams_per_address.admit(from, STREAMS_PER_ADDRESS, false) else {
            return too_many_streams();
        };
        let Ok(held) = app.foreign_streams.clone().try_acquire_owned() else { return too_many_streams() };
        Some((held, counted))
    };
    let Ok(slot) = app.event_streams.clone().try_acquire_owned() else {
        return too_many_streams();
    };
    // The stream holds its place for as long as the page keeps it open.
    let changes = WatchStream::new(app.host.subscribe()).map(move |tick| {
        let _held = (&slot, &foreign);
        Ok::<_, std::convert::Infallible>(Event::default().event("changed").data(tick.to_string()))
    });
    Sse::new(changes).keep_alive(KeepAlive::default()).into_response()
}

/// An event stream refused, said, and the connection closed: it gives its place back at once.
fn too_many_streams() -> Response {
    let mut refused = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::TooManyTries,
        "too many pages are following this device's changes; close some, then reload this one",
    );
    refused.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    refused
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
            ("sign_out_at_door", json!({"attendee": "Ana", "table": "T1", "badge": " \u{3000}"}), true),
            ("sign_out_at_door", json!(["Ana", "T1"]), true),
            ("sign_out_at_door", json!({"attendee": "Ana", "badge": "B1"}), false),
            ("sign_out_at_door", json!(["Ana", "T1", "B1"]), false),
            ("sign_out_at_door", json!({"attendee": "Ana", "table": "T1", "seat": 4}), false),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": {"table": "T1"}}), true),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": ["T1"]}), true),
            ("sign_in", json!(["Ana", null, false, null, ["T1"]]), true),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": {"badge": "B1"}}), false),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": ["T1", "B1"]}), false),
            ("sign_in", json!({"attendee": "Ana", "project": "T2", "proof": null}), false),
            ("sign_in", json!({"attendee": "Ana", "project": "T2"}), false),
            ("sign_in", json!({"attendee": "Ana", "proof": "T1"}), false),
            ("search", json!({"query": "T1", "table": "T1"}), false),
        ];
        for (name, args, expected) in cases {
            assert_eq!(table_proof(name, &args), expected, "{name} {args}");
        }
    }

    /// An address's wrong tables count for half an hour each; with ten in that time it chooses no table
    /// until the oldest is half an hour old. Another address is not touched.
    #[test]
    fn ten_wrong_tables_in_half_an_hour_turn_tables_off_for_that_address() {
        let guesses = TableGuesses::default();
        let (stranger, kiosk) = (IpAddr::from([10, 0, 0, 66]), IpAddr::from([10, 0, 0, 2]));
        let t0 = Instant::now();
        let at = |minutes: u64| t0 + Duration::from_secs(minutes * 60);
        let wrong = |minutes: u64| guesses.begin(stranger, at(minutes)).unwrap().wrong(at(minutes));
        for minute in 0..9 {
            wrong(minute);
        }
        // A right table (the guess let go) counts for nothing.
        drop(guesses.begin(stranger, at(9)).unwrap());
        wrong(10);
        let cases = [(10, Some(20)), (29, Some(1)), (30, None), (45, None)];
        for (minutes, off) in cases {
            assert_eq!(guesses.begin(stranger, at(minutes)).err(), off, "at {minutes} minutes");
            assert!(guesses.begin(kiosk, at(minutes)).is_ok());
        }
        // Half a minute left is said as a minute, never as none.
        for minute in 46..56 {
            wrong(minute);
        }
        assert_eq!(guesses.begin(stranger, at(56)).err(), Some(20));
        assert_eq!(guesses.begin(stranger, at(75) + Duration::from_secs(30)).err(), Some(1));
        assert!(guesses.begin(stranger, at(76)).is_ok());
    }

    /// Proofs sent at once are counted while the door judges them: sixty at once from one address were all
    /// judged before the first wrong one was counted.
    #[test]
    fn table_proofs_being_judged_count_against_their_address() {
        let guesses = TableGuesses::default();
        let stranger = IpAddr::from([10, 0, 0, 66]);
        let now = Instant::now();
        let judging: Vec<Guess> = (0..TABLE_GUESSES).map(|_| guesses.begin(stranger, now).unwrap()).collect();
        assert_eq!(guesses.begin(stranger, now).err(), Some(30), "an eleventh at once");
        drop(judging);
        assert!(guesses.begin(stranger, now).is_ok(), "all ten were right: nothing counted");
    }

    /// How large a body is taken, and what a body too large is told: an import file over its limit is an
    /// import refused in words, anything else a screen out of step.
    #[test]
    fn values_are_counted_outside_strings_only() {
        for (body, at_least) in [
            ("", 0),
            ("null", 0),
            ("{}", 1),
            ("[0,0,0]", 3),
            (r#"{"query": "a, b [c] {d}"}"#, 1),
            (r#"{"q": "say \"x, y\"", "limit": 7}"#, 2),
            (r#"{"q": "ends in a backslash \\", "n": [1, 2]}"#, 4),
            (r#"[[[[]]]]"#, 4),
        ] {
            assert_eq!(values_at_least(body.as_bytes()), at_least, "{body}");
        }
        let zeros = format!("[{}0]", "0,".repeat(MAX_VALUES));
        assert!(
            parse_body::<Value>(&Bytes::from(zeros)).is_err_and(|(status, _)| status == StatusCode::PAYLOAD_TOO_LARGE)
        );
        let most = format!("[{}0]", "0,".repeat(MAX_VALUES - 2));
        assert!(parse_body::<Value>(&Bytes::from(most)).is_ok());
    }

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
