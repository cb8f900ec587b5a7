//! The demo server's logic, shared by `examples/server.rs` and the end-to-end tests: hyper 1.x
//! over tokio, with the crate's encoder (`to_bytes`, encoded once and shared), `KeepAlive` and
//! `ReplayBuffer`.
//!
//! - `GET /ticks`: `event: tick`, `id: n`, `data: {"n":n,"unix_ms":…}` every interval; a request
//!   with `Last-Event-ID: k` resumes at `k + 1` (stateless: it survives a server restart).
//! - `GET /chat` (SSE) and `POST /chat` (body = the message): a chat room. Each message gets
//!   an id, is encoded once and fanned out as shared `Bytes`; a client that reconnects with
//!   `Last-Event-ID` gets what it missed from the replay buffer, or an `event: resync` and the
//!   whole buffer when its id is too old or unknown (e.g. after a server restart). A new client
//!   gets the recent history.
//! - `GET /`: a page whose `EventSource`s show the ticks and the chat with their state.
//! - `POST /result`: where the page reports what it saw, in test mode (see `Config::results`).
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
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt};
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use sse_wire::server::{KeepAlive, Replay, ReplayBuffer};
use sse_wire::{EventId, EventRef, EventType};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{broadcast, Notify};
use tokio::task::JoinSet;
use tokio::time::Instant;

const TICK: EventType<'static> = EventType::from_static("tick");
const CHAT: EventType<'static> = EventType::from_static("chat");
const RESYNC: EventType<'static> = EventType::from_static("resync");
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            interval: Duration::from_millis(1000),
            keep_alive: Duration::from_millis(KeepAlive::DEFAULT_INTERVAL),
            drop_every: None,
            silence_after: None,
            retry_ms: None,
            replay_events: 1024,
            results: false,
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
    /// The `Last-Event-ID` values received (last one wins), for the tests.
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
}

struct Chat {
    next_id: u64,
    replay: ReplayBuffer<Bytes>,
    fanout: broadcast::Sender<Bytes>,
}

/// The server's shared state: one per server process (a restart loses the chat, not the ticks).
pub struct App {
    config: Config,
    /// The counters.
    pub stats: Stats,
    chat: Mutex<Chat>,
    results: Mutex<Vec<String>>,
    result_posted: Notify,
}

impl App {
    /// A fresh state.
    pub fn new(config: Config) -> Arc<Self> {
        let (fanout, _) = broadcast::channel(256);
        Arc::new(App {
            chat: Mutex::new(Chat {
                next_id: 1,
                replay: ReplayBuffer::new(config.replay_events, 8 << 20),
                fanout,
            }),
            config,
            stats: Stats::default(),
            results: Mutex::new(Vec::new()),
            result_posted: Notify::new(),
        })
    }

    /// Posts a chat message: encoded once, kept for replay, fanned out. Returns its id.
    pub fn post(&self, message: &str) -> u64 {
        let mut chat = self.chat.lock().unwrap();
        let id = chat.next_id;
        chat.next_id += 1;
        let id_text = id.to_string();
        let encoded = EventRef::new()
            .with_event_type(CHAT)
            .with_id(EventId::new(&id_text).expect("digits are a valid id"))
            .with_data(message)
            .to_bytes();
        chat.replay.push(&id_text, encoded.clone());
        // No subscriber is not an error: the message waits in the replay buffer.
        let _ = chat.fanout.send(encoded);
        id
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
/// aborting this (a "kill") closes the listener and every connection at once.
pub async fn serve(listener: TcpListener, app: Arc<App>) -> io::Result<()> {
    let mut connections = JoinSet::new();
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(route(app, request).await) }
            });
            // A client going away ends this with an error: nothing to do but free it.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tcp), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

/// A response body: a whole small body (with its length), or an SSE stream.
pub enum SseBody {
    /// A page or a short answer; `None` once sent.
    Whole(Option<Bytes>),
    /// An event stream; an error aborts the connection (the `drop_every` fault).
    Stream(BoxStream<'static, Result<Bytes, io::Error>>),
}

impl Body for SseBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match &mut *self {
            SseBody::Whole(body) => Poll::Ready(body.take().map(|b| Ok(Frame::data(b)))),
            SseBody::Stream(stream) => stream
                .poll_next_unpin(cx)
                .map(|chunk| chunk.map(|r| r.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, SseBody::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SseBody::Whole(body) => {
                SizeHint::with_exact(body.as_ref().map_or(0, |b| b.len() as u64))
            }
            SseBody::Stream(_) => SizeHint::default(),
        }
    }
}

fn whole(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<SseBody> {
    let mut response = Response::new(SseBody::Whole(Some(body.into())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

async fn route(app: Arc<App>, request: Request<Incoming>) -> Response<SseBody> {
    let last_event_id = request
        .headers()
        .get(sse_wire::client::LAST_EVENT_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => whole(StatusCode::OK, "text/html; charset=utf-8", PAGE),
        (&Method::GET, "/ticks") => sse(ticks(app, last_event_id)),
        (&Method::GET, "/chat") => sse(chat(app, last_event_id)),
        (&Method::POST, "/chat") => match read_body(request).await {
            Some(message) => {
                let id = app.post(&message);
                whole(StatusCode::OK, "text/plain", id.to_string())
            }
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

fn sse(stream: BoxStream<'static, Result<Bytes, io::Error>>) -> Response<SseBody> {
    let mut response = Response::new(SseBody::Stream(stream));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Marks a stream open while it lives: its drop (the client went away and hyper dropped the
/// body, or a fault ended it) is the moment its resources are freed.
struct Open(Arc<App>);

impl Open {
    fn new(app: &Arc<App>) -> Self {
        app.stats.open_streams.fetch_add(1, Relaxed);
        Open(app.clone())
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.stats.open_streams.fetch_sub(1, Relaxed);
    }
}

/// What a stream does next.
enum Step {
    Send(Bytes),
    /// Abort the connection (a fault).
    Abort,
    End,
}

/// One SSE stream: a prelude, then whatever `next` produces, with faults and keep-alives.
struct Stream<S> {
    open: Open,
    prelude: Vec<Bytes>,
    sent: u64,
    keep_alive: KeepAlive,
    clock: Instant,
    aborted: bool,
    source: S,
}

trait Source: Send + 'static {
    /// The next event to send, or `None` when the stream should end; cancel-safe.
    fn next(&mut self) -> Pin<Box<dyn Future<Output = Option<Bytes>> + Send + '_>>;
    /// A piece of the next event, written before an abort (an unfinished event on the wire).
    fn partial(&mut self) -> Option<Bytes> {
        None
    }
}

impl<S: Source> Stream<S> {
    fn new(app: &Arc<App>, source: S) -> Self {
        let mut prelude = Vec::new();
        if let Some(ms) = app.config.retry_ms {
            prelude.push(EventRef::new().with_retry(ms).to_bytes());
        }
        let keep_alive_ms = app.config.keep_alive.as_millis() as u64;
        Stream {
            open: Open::new(app),
            prelude,
            sent: 0,
            keep_alive: KeepAlive::new(keep_alive_ms, 0),
            clock: Instant::now(),
            aborted: false,
            source,
        }
    }

    fn now(&self) -> u64 {
        self.clock.elapsed().as_millis() as u64
    }

    async fn step(&mut self) -> Step {
        let app = self.open.0.clone();
        if !self.prelude.is_empty() {
            return Step::Send(self.prelude.remove(0));
        }
        if !self.aborted && app.config.drop_every.is_some_and(|n| self.sent >= n) {
            app.stats.drops.fetch_add(1, Relaxed);
            self.aborted = true;
            // Half of the next event first, when there is one: the client must discard it.
            if let Some(piece) = self.source.partial() {
                return Step::Send(piece);
            }
        }
        if self.aborted {
            // Let hyper flush what was written before the abort (it writes when the body
            // returns `Pending`); an abort at once would discard its buffer, and a client
            // replaying more than `drop_every` events would never get anything.
            tokio::time::sleep(Duration::from_millis(10)).await;
            return Step::Abort;
        }
        if app.config.silence_after.is_some_and(|n| self.sent >= n) {
            app.stats.silences.fetch_add(1, Relaxed);
            // The socket stays open, nothing is written; the client must notice by itself.
            // Dropping the body (the client went away) ends this.
            std::future::pending::<()>().await;
        }
        let deadline = self.clock + Duration::from_millis(self.keep_alive.deadline());
        tokio::select! {
            event = self.source.next() => match event {
                Some(event) => {
                    self.sent += 1;
                    app.stats.events.fetch_add(1, Relaxed);
                    let now = self.now();
                    self.keep_alive.on_write(now);
                    Step::Send(event)
                }
                None => Step::End,
            },
            () = tokio::time::sleep_until(deadline) => {
                let now = self.now();
                if self.keep_alive.poll(now) {
                    app.stats.keep_alives.fetch_add(1, Relaxed);
                }
                Step::Send(Bytes::from_static(KeepAlive::COMMENT))
            }
        }
    }

    fn into_stream(self) -> BoxStream<'static, Result<Bytes, io::Error>> {
        stream::unfold(self, |mut this| async move {
            match this.step().await {
                Step::Send(bytes) => Some((Ok(bytes), this)),
                Step::Abort => Some((
                    Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "fault: drop",
                    )),
                    this,
                )),
                Step::End => None,
            }
        })
        .boxed()
    }
}

struct Ticks {
    next: u64,
    at: Instant,
    interval: Duration,
}

impl Ticks {
    fn encode(n: u64) -> Bytes {
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let id = n.to_string();
        let data = format!("{{\"n\":{n},\"unix_ms\":{unix_ms}}}");
        EventRef::new()
            .with_event_type(TICK)
            .with_id(EventId::new(&id).expect("digits are a valid id"))
            .with_data(&data)
            .to_bytes()
    }
}

impl Source for Ticks {
    fn next(&mut self) -> Pin<Box<dyn Future<Output = Option<Bytes>> + Send + '_>> {
        Box::pin(async move {
            tokio::time::sleep_until(self.at).await;
            self.at += self.interval;
            let event = Ticks::encode(self.next);
            self.next += 1;
            Some(event)
        })
    }

    fn partial(&mut self) -> Option<Bytes> {
        let event = Ticks::encode(self.next);
        Some(event.slice(..event.len() / 2))
    }
}

fn ticks(
    app: Arc<App>,
    last_event_id: Option<String>,
) -> BoxStream<'static, Result<Bytes, io::Error>> {
    app.stats.tick_streams.fetch_add(1, Relaxed);
    // Stateless resumption: the next tick after the one the client has.
    let resume = last_event_id.and_then(|id| id.trim().parse::<u64>().ok());
    if let Some(k) = resume {
        app.stats.resumed.fetch_add(1, Relaxed);
        app.stats.last_resume_id.store(k, Relaxed);
    }
    let next = resume.map_or(1, |k| k.saturating_add(1));
    let interval = app.config.interval;
    let source = Ticks {
        next,
        at: Instant::now() + interval,
        interval,
    };
    Stream::new(&app, source).into_stream()
}

struct ChatSource {
    receiver: broadcast::Receiver<Bytes>,
    backlog: std::collections::VecDeque<Bytes>,
}

impl Source for ChatSource {
    fn next(&mut self) -> Pin<Box<dyn Future<Output = Option<Bytes>> + Send + '_>> {
        Box::pin(async move {
            if let Some(event) = self.backlog.pop_front() {
                return Some(event);
            }
            // Lagging behind the fan-out ends the stream: the client reconnects with its
            // Last-Event-ID and catches up from the replay buffer.
            self.receiver.recv().await.ok()
        })
    }
}

fn chat(
    app: Arc<App>,
    last_event_id: Option<String>,
) -> BoxStream<'static, Result<Bytes, io::Error>> {
    app.stats.chat_streams.fetch_add(1, Relaxed);
    let source = {
        // Replay and subscribe under one lock: no message is missed or sent twice.
        let chat = app.chat.lock().unwrap();
        let mut backlog = std::collections::VecDeque::new();
        match last_event_id.as_deref() {
            // A new client: the recent history.
            None | Some("") => backlog.extend(chat.replay.iter().map(|(_, b)| b.clone())),
            Some(id) => {
                app.stats.resumed.fetch_add(1, Relaxed);
                if let Ok(k) = id.parse() {
                    app.stats.last_resume_id.store(k, Relaxed);
                }
                match chat.replay.since(id) {
                    Replay::Events(missed) => {
                        app.stats.replayed.fetch_add(missed.len() as u64, Relaxed);
                        backlog.extend(missed.map(|(_, b)| b.clone()));
                    }
                    resync @ (Replay::TooOld | Replay::UnknownId) => {
                        app.stats.resyncs.fetch_add(1, Relaxed);
                        let reason = if matches!(resync, Replay::TooOld) {
                            "too-old"
                        } else {
                            "unknown-id"
                        };
                        let data = format!("{{\"reason\":\"{reason}\",\"last_event_id\":{id:?}}}");
                        backlog.push_back(
                            EventRef::new()
                                .with_event_type(RESYNC)
                                .with_data(&data)
                                .to_bytes(),
                        );
                        backlog.extend(chat.replay.iter().map(|(_, b)| b.clone()));
                    }
                }
            }
        }
        ChatSource {
            receiver: chat.fanout.subscribe(),
            backlog,
        }
    };
    Stream::new(&app, source).into_stream()
}

/// Spawns a server on `listener`; abort the handle to kill it.
pub fn spawn(listener: TcpListener, app: Arc<App>) -> tokio::task::JoinHandle<io::Result<()>> {
    tokio::spawn(serve(listener, app))
}

/// The demo page. Query parameters turn on test mode: `?ticks=N&chat=M` reports what it saw
/// to `POST /result` once it has N ticks and M chat messages.
pub const PAGE: &str = include_str!("page.html");
