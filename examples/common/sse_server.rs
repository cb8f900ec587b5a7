//! The demo server's logic, shared by `examples/server.rs` and the end-to-end tests: hyper 1.x
//! over tokio, on `sse_wire_http::server` (`Sse` responses with keep-alive, `Channel` with
//! replay, `last_event_id`).
//!
//! - `GET /ticks`: `event: tick`, `id: n`, `data: {"n":n,"unix_ms":…}` every interval; a request
//!   with `Last-Event-ID: k` resumes at `k + 1` (stateless: it survives a server restart). The
//!   count ends at `u64::MAX`: the stream that sent it ends, and a resume from it gets `204 No
//!   Content` (which tells an `EventSource` to stop) instead of wrapping to 0.
//! - `GET /chat` (SSE) and `POST /chat` (body = the message; the answer is its ID): a chat room
//!   on a `Channel`. IDs are `{epoch}-{n}`, a new epoch per process, so they never repeat
//!   across restarts; a client that reconnects with `Last-Event-ID` gets what it missed, or an
//!   `event: resync` and the whole buffer when its ID is too old or unknown (e.g. after a
//!   restart). A new client gets the recent history.
//! - `GET /`: a page whose `EventSource`s show the ticks and the chat with their state.
//! - `POST /result`: where the page reports what it saw, in test mode (see `Config::results`).
//!
//! Connections: a failed `accept` (e.g. `EMFILE`) is logged and retried after a pause; a
//! connection that sends no request head within `header_timeout` is closed; beyond
//! `max_connections` a connection gets `503` and is closed.
//!
//! Faults, for tests and demos: `drop_every` aborts each stream after N events (halfway
//! through writing the next tick); `silence_after` stops writing anything (not even
//! keep-alives) after N events while keeping the socket open.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::stream::{self, StreamExt};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use sse_wire_http::server::{
    last_event_id, BoxError, Channel, ChannelConfig, Event, KeepAlive, Sse,
};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

const MAX_MESSAGE: usize = 64 * 1024;

/// What the server does, and the faults it injects.
#[derive(Debug, Clone)]
pub struct Config {
    /// Time between ticks.
    pub interval: Duration,
    /// A keep-alive comment after this much silence.
    pub keep_alive: Duration,
    /// Abort each stream after this many events (fault injection).
    pub drop_every: Option<u64>,
    /// Write nothing more, not even keep-alives, after this many events on a stream, but keep
    /// the socket open (fault injection: a dead connection that looks alive).
    pub silence_after: Option<u64>,
    /// Sent as `retry:` at the start of each stream (the client's reconnection time).
    pub retry_ms: Option<u64>,
    /// How many chat messages the replay buffer keeps.
    pub replay_events: usize,
    /// Accept `POST /result` (the page's report in test mode).
    pub results: bool,
    /// Connections served at once; beyond, `503 Service Unavailable`.
    pub max_connections: usize,
    /// A connection that sends no request head within this is closed.
    pub header_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            interval: Duration::from_millis(1000),
            keep_alive: Duration::from_millis(sse_wire::server::KeepAlive::DEFAULT_INTERVAL),
            drop_every: None,
            silence_after: None,
            retry_ms: None,
            replay_events: 1024,
            results: false,
            max_connections: 10_000,
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// Counters, for logs and for the tests' assertions.
#[derive(Debug, Default)]
pub struct Stats {
    /// `GET /ticks` streams opened.
    pub tick_streams: AtomicU64,
    /// `GET /chat` streams opened.
    pub chat_streams: AtomicU64,
    /// Streams opened with a `Last-Event-ID` header.
    pub resumed: AtomicU64,
    /// The `Last-Event-ID` values received (last one wins; the number after the epoch for
    /// chat IDs), for the tests.
    pub last_resume_id: AtomicU64,
    /// Streams aborted by `drop_every`.
    pub drops: AtomicU64,
    /// Streams that went silent by `silence_after`.
    pub silences: AtomicU64,
    /// Chat streams told to resync (`TooOld` / `UnknownId`).
    pub resyncs: AtomicU64,
    /// Chat messages replayed to reconnecting clients.
    pub replayed: AtomicU64,
    /// Events written (ticks and chat messages, replays included).
    pub events: AtomicU64,
    /// Keep-alive comments written.
    pub keep_alives: AtomicU64,
    /// Streams alive right now; back to 0 once every client has gone and been noticed.
    pub open_streams: AtomicU64,
    /// `accept` calls that failed (and were retried).
    pub accept_errors: AtomicU64,
    /// Connections answered `503` for being over `max_connections`.
    pub rejected: AtomicU64,
}

/// The server's shared state: one per server process (a restart loses the chat, not the ticks).
pub struct App {
    config: Config,
    /// The counters.
    pub stats: Stats,
    room: Channel,
    connections: Arc<Semaphore>,
    results: Mutex<Vec<String>>,
    result_posted: Notify,
}

impl App {
    /// A fresh state.
    pub fn new(config: Config) -> Arc<Self> {
        Arc::new(App {
            room: Channel::with_config(ChannelConfig::new().replay_events(config.replay_events)),
            connections: Arc::new(Semaphore::new(config.max_connections)),
            config,
            stats: Stats::default(),
            results: Mutex::new(Vec::new()),
            result_posted: Notify::new(),
        })
    }

    /// Posts a chat message: encoded once, kept for replay, fanned out. Returns its ID.
    pub fn post(&self, message: &str) -> String {
        // A fixed event type and data: nothing here can fail to encode.
        self.room
            .publish(Event::new().event("chat").data(message))
            .unwrap_or_default()
    }

    /// Waits for the next `POST /result` body.
    pub async fn next_result(&self) -> String {
        loop {
            let notified = self.result_posted.notified();
            if let Some(result) = self.results.lock().unwrap().pop() {
                return result;
            }
            notified.await;
        }
    }
}

/// The number in a chat ID (`{epoch}-{n}`) or a tick ID (`n`).
pub fn id_number(id: &str) -> Option<u64> {
    id.rsplit('-').next()?.parse().ok()
}

/// Binds a listener with `SO_REUSEADDR`, so a restarted server can take the same port at once.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Serves until the future is dropped or aborted; every connection is a child of it, so
/// aborting this (a "kill") closes the listener and every connection at once. A failed
/// `accept` (out of file descriptors, a connection reset while queued) is logged and retried
/// after 100 ms: it ends neither the server nor the connections it has.
pub async fn serve(listener: TcpListener, app: Arc<App>) -> io::Result<()> {
    let mut connections = JoinSet::new();
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                app.stats.accept_errors.fetch_add(1, Relaxed);
                eprintln!("server: accept failed ({e}); retrying in 100 ms");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let header_timeout = app.config.header_timeout;
        let permit = app.connections.clone().try_acquire_owned().ok();
        connections.spawn(async move {
            let over_cap = permit.is_none();
            if over_cap {
                app.stats.rejected.fetch_add(1, Relaxed);
            }
            let service = hyper::service::service_fn(move |request| {
                let app = app.clone();
                async move {
                    if over_cap {
                        return Ok::<_, Infallible>(whole(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "text/plain",
                            "too many connections\n",
                        ));
                    }
                    Ok(route(app, request).await)
                }
            });
            // A client going away ends this with an error: nothing to do but free it.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(!over_cap)
                .serve_connection(TokioIo::new(tcp), service)
                .await;
            drop(permit);
        });
        while connections.try_join_next().is_some() {}
    }
}

/// A response body: a whole one, or an event stream.
pub type ResponseBody = UnsyncBoxBody<Bytes, BoxError>;

fn whole(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<ResponseBody> {
    let body = Full::new(body.into())
        .map_err(|never| match never {})
        .boxed_unsync();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

async fn route(app: Arc<App>, request: Request<Incoming>) -> Response<ResponseBody> {
    let last_event_id = last_event_id(request.headers()).map(str::to_owned);
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => whole(StatusCode::OK, "text/html; charset=utf-8", PAGE),
        (&Method::GET, "/ticks") => ticks(app, last_event_id),
        (&Method::GET, "/chat") => chat(app, last_event_id),
        (&Method::POST, "/chat") => match read_body(request).await {
            Some(message) => whole(StatusCode::OK, "text/plain", app.post(&message)),
            None => whole(StatusCode::BAD_REQUEST, "text/plain", "bad message\n"),
        },
        (&Method::POST, "/result") if app.config.results => match read_body(request).await {
            Some(result) => {
                app.results.lock().unwrap().push(result);
                app.result_posted.notify_waiters();
                whole(StatusCode::OK, "text/plain", "ok\n")
            }
            None => whole(StatusCode::BAD_REQUEST, "text/plain", "bad result\n"),
        },
        _ => whole(StatusCode::NOT_FOUND, "text/plain", "not found\n"),
    }
}

async fn read_body(request: Request<Incoming>) -> Option<String> {
    let body = Limited::new(request.into_body(), MAX_MESSAGE)
        .collect()
        .await
        .ok()?;
    String::from_utf8(body.to_bytes().to_vec()).ok()
}

/// An event stream of `events` (counted), with the configured retry, keep-alive and faults.
fn sse<S, T, E>(app: &Arc<App>, events: S, partial: bool) -> Response<ResponseBody>
where
    S: futures::Stream<Item = Result<T, E>> + Send + 'static,
    T: sse_wire_http::server::IntoEncoded + Send + 'static,
    E: Into<BoxError> + Send + 'static,
{
    let sent = Arc::new(AtomicU64::new(0));
    let counted = events.inspect({
        let (app, sent) = (app.clone(), sent.clone());
        move |_| {
            sent.fetch_add(1, Relaxed);
            app.stats.events.fetch_add(1, Relaxed);
        }
    });
    // `SseBody` writes every event already waiting as one frame; with faults on, one event a
    // frame, so that a drop lands exactly after `drop_every` events, as the demo promises.
    let faults = app.config.drop_every.is_some() || app.config.silence_after.is_some();
    let mut counted = Box::pin(counted);
    let mut pause = false;
    let paced = stream::poll_fn(move |cx| {
        if std::mem::take(&mut pause) {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let item = ready!(counted.poll_next_unpin(cx));
        pause = faults && item.is_some();
        Poll::Ready(item)
    });
    let mut response = Sse::new(paced).keep_alive(KeepAlive::new().interval(app.config.keep_alive));
    if let Some(ms) = app.config.retry_ms {
        response = response.retry(Duration::from_millis(ms));
    }
    response.into_response().map(|body| {
        app.stats.open_streams.fetch_add(1, Relaxed);
        Faults {
            body: Box::pin(body),
            app: app.clone(),
            sent,
            partial,
            state: State::Normal,
        }
        .boxed_unsync()
    })
}

enum State {
    Normal,
    /// `drop_every` reached: cut the next event in half, then abort.
    Cutting,
    /// Aborting once hyper had time to flush what was written.
    Aborting(Pin<Box<Sleep>>),
    Silent,
}

/// The demo's faults around a library body, and the stream counters.
struct Faults<B> {
    body: Pin<Box<B>>,
    app: Arc<App>,
    /// Events from the source so far.
    sent: Arc<AtomicU64>,
    /// Whether a drop writes half of the next event first (ticks) or aborts at once (chat).
    partial: bool,
    state: State,
}

impl<B> Drop for Faults<B> {
    /// The client went away and hyper dropped the body, or a fault ended it: its resources are
    /// freed now.
    fn drop(&mut self) {
        self.app.stats.open_streams.fetch_sub(1, Relaxed);
    }
}

impl<B> Body for Faults<B>
where
    B: Body<Data = Bytes, Error = BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        let config = &this.app.config;
        loop {
            match &mut this.state {
                // The socket stays open, nothing is written; the client must notice by itself.
                State::Silent => return Poll::Pending,
                State::Aborting(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    let fault = io::Error::new(io::ErrorKind::ConnectionAborted, "fault: drop");
                    return Poll::Ready(Some(Err(fault.into())));
                }
                State::Normal => {
                    let sent = this.sent.load(Relaxed);
                    if config.drop_every.is_some_and(|n| sent >= n) {
                        this.app.stats.drops.fetch_add(1, Relaxed);
                        this.state = if this.partial {
                            State::Cutting
                        } else {
                            aborting()
                        };
                        continue;
                    }
                    if config.silence_after.is_some_and(|n| sent >= n) {
                        this.app.stats.silences.fetch_add(1, Relaxed);
                        this.state = State::Silent;
                        continue;
                    }
                }
                State::Cutting => {}
            }
            let before = this.sent.load(Relaxed);
            let frame = ready!(this.body.as_mut().poll_frame(cx));
            let Some(Ok(frame)) = frame else {
                return Poll::Ready(frame);
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if data == sse_wire::server::KeepAlive::COMMENT {
                this.app.stats.keep_alives.fetch_add(1, Relaxed);
            } else if matches!(this.state, State::Cutting) && this.sent.load(Relaxed) > before {
                // Half of the next event: the client must discard it.
                this.state = aborting();
                return Poll::Ready(Some(Ok(Frame::data(data.slice(..data.len() / 2)))));
            }
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
    }
}

/// Lets hyper flush what was written before the abort (it writes when the body returns
/// `Pending`); an abort at once would discard its buffer, and a client replaying more than
/// `drop_every` events would never get anything.
fn aborting() -> State {
    State::Aborting(Box::pin(tokio::time::sleep(Duration::from_millis(10))))
}

fn tick(n: u64) -> Event {
    let unix_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    Event::new()
        .event("tick")
        .id(n.to_string())
        .data(format!("{{\"n\":{n},\"unix_ms\":{unix_ms}}}"))
}

fn ticks(app: Arc<App>, last_event_id: Option<String>) -> Response<ResponseBody> {
    app.stats.tick_streams.fetch_add(1, Relaxed);
    // Stateless resumption: the next tick after the one the client has.
    let resume = last_event_id.and_then(|id| id.trim().parse::<u64>().ok());
    if let Some(k) = resume {
        app.stats.resumed.fetch_add(1, Relaxed);
        app.stats.last_resume_id.store(k, Relaxed);
    }
    let Some(first) = resume.map_or(Some(1), |k| k.checked_add(1)) else {
        // The client has tick u64::MAX: there are no more. 204 stops its reconnecting.
        let mut response = whole(StatusCode::NO_CONTENT, "text/plain", "");
        response.headers_mut().remove(CONTENT_TYPE);
        return response;
    };
    let interval = app.config.interval;
    let start = Instant::now() + interval;
    let events = stream::unfold(Some((first, start)), move |next| async move {
        let (n, at) = next?;
        tokio::time::sleep_until(at).await;
        // After u64::MAX the stream ends rather than wrapping to 0.
        let next = n.checked_add(1).map(|n| (n, at + interval));
        Some((Ok::<_, Infallible>(tick(n)), next))
    });
    sse(&app, events, true)
}

fn chat(app: Arc<App>, last_event_id: Option<String>) -> Response<ResponseBody> {
    app.stats.chat_streams.fetch_add(1, Relaxed);
    let mut resync = None;
    let subscription = match last_event_id.as_deref() {
        // A new client: the recent history.
        None => app.room.subscribe_with_history(),
        Some(id) => {
            app.stats.resumed.fetch_add(1, Relaxed);
            if let Some(k) = id_number(id) {
                app.stats.last_resume_id.store(k, Relaxed);
            }
            match app.room.subscribe(Some(id)) {
                Ok(missed) => {
                    app.stats
                        .replayed
                        .fetch_add(missed.backlog() as u64, Relaxed);
                    missed
                }
                Err(reason) => {
                    app.stats.resyncs.fetch_add(1, Relaxed);
                    let data = serde_json::json!({
                        "reason": reason.as_str(),
                        "last_event_id": id,
                    })
                    .to_string();
                    resync = Some(Event::new().event("resync").data(data).encode());
                    app.room.subscribe_with_history()
                }
            }
        }
    };
    let resync = stream::iter(resync).map(|event| event.map_err(BoxError::from));
    let events = resync.chain(subscription.map(|event| event.map_err(BoxError::from)));
    sse(&app, events, false)
}

/// Spawns a server on `listener`; abort the handle to kill it.
pub fn spawn(listener: TcpListener, app: Arc<App>) -> tokio::task::JoinHandle<io::Result<()>> {
    tokio::spawn(serve(listener, app))
}

/// The demo page. Query parameters turn on test mode: `?ticks=N&chat=M` reports what it saw
/// to `POST /result` once it has N ticks and M chat messages.
pub const PAGE: &str = include_str!("page.html");
