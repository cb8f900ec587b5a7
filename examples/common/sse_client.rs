//! The demo client's logic, shared by `examples/client.rs` and the end-to-end tests: hyper 1.x
//! for HTTP, the crate's sans-IO `client::Client` for everything else (when to connect, with
//! which `Last-Event-ID`, response checks, decoding, idle timeout, backoff).
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, HOST};
use hyper::{Request, Response, Uri};
use hyper_util::rt::TokioIo;
use sse_wire::client::{Action, Backoff, Client, CloseReason, Config, LAST_EVENT_ID};
use sse_wire::Event;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// What to connect to and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// An `http://host:port/path` URL.
    pub url: Uri,
    /// Declare the connection dead after this long without a byte.
    pub idle_timeout_ms: Option<u64>,
    /// Stop after this many events.
    pub max_events: Option<u64>,
    /// The reconnection time until the server sends `retry`.
    pub reconnection_ms: u64,
    /// Backoff for repeated failures.
    pub backoff: Backoff,
    /// The jitter seed (`None`: from the clock).
    pub seed: Option<u64>,
    /// Log connection errors to stderr.
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            url: Uri::from_static("http://127.0.0.1:8080/ticks"),
            idle_timeout_ms: None,
            max_events: None,
            reconnection_ms: sse_wire::client::DEFAULT_RECONNECTION_TIME,
            backoff: Backoff::new()
                .with_initial(250)
                .with_max(10_000)
                .with_reset_after(2_000),
            seed: None,
            verbose: false,
        }
    }
}

/// What happened, for the summary and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Events delivered.
    pub events: u64,
    /// Connection attempts.
    pub connects: u64,
    /// Responses that opened a stream.
    pub opened: u64,
    /// Open streams that ended (the body ended or failed).
    pub disconnects: u64,
    /// Connections declared dead by the idle timeout.
    pub idle_timeouts: u64,
    /// Attempts that failed before a response (refused, reset).
    pub connect_errors: u64,
    /// The `Last-Event-ID` sent with each attempt (`None`: no header).
    pub sent_ids: Vec<Option<String>>,
}

/// How the client ended.
#[derive(Debug)]
pub struct Outcome {
    /// The counters.
    pub stats: Stats,
    /// `Some` when the client was closed by the protocol (a failing response, the backoff
    /// attempt limit), `None` when it stopped as asked (max events, or `on_event` said stop).
    pub closed: Option<CloseReason>,
}

/// A connection: the response being awaited, then the body being read. Its driver task is
/// aborted when it is dropped, which closes the socket.
enum Connection {
    Requesting(Pending),
    Streaming(Incoming, Driver),
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Pending = Pin<Box<dyn Future<Output = Result<(Response<Incoming>, Driver), BoxError>> + Send>>;

struct Driver(JoinHandle<()>);

impl Drop for Driver {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn request(
    url: Uri,
    last_event_id: Option<String>,
) -> Result<(Response<Incoming>, Driver), BoxError> {
    let host = url.host().ok_or("the URL has no host")?.to_string();
    let port = url.port_u16().unwrap_or(80);
    let tcp = TcpStream::connect((host.as_str(), port)).await?;
    let _ = tcp.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
    let driver = Driver(tokio::spawn(async move {
        let _ = connection.await;
    }));
    let path = url.path_and_query().map_or("/", |p| p.as_str());
    let mut builder = Request::get(path)
        .header(HOST, format!("{host}:{port}"))
        .header(ACCEPT, sse_wire::client::ACCEPT)
        .header(CACHE_CONTROL, "no-cache");
    if let Some(id) = last_event_id {
        builder = builder.header(LAST_EVENT_ID, id);
    }
    let response = sender
        .send_request(builder.body(Empty::<Bytes>::new())?)
        .await?;
    Ok((response, driver))
}

/// Runs the client until `max_events`, until `on_event` returns `false`, or until the
/// protocol closes it. `on_event` sees every event once, in order.
pub async fn run(options: Options, mut on_event: impl FnMut(&Event) -> bool) -> Outcome {
    let mut config = Config::new()
        .with_reconnection_time(options.reconnection_ms)
        .with_backoff(options.backoff);
    if let Some(ms) = options.idle_timeout_ms {
        config = config.with_idle_timeout(ms);
    }
    let seed = options.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let mut client = Client::new(config, seed);
    let origin = Instant::now();
    let now = || origin.elapsed().as_millis() as u64;
    let mut stats = Stats::default();
    let mut connection: Option<Connection> = None;
    // Whether the last wake-up was the idle deadline: the next poll tells if it expired.
    let mut woke_at_deadline = false;
    loop {
        let action = client.poll(now());
        if woke_at_deadline && !matches!(action, Action::Receive { .. }) && connection.is_some() {
            stats.idle_timeouts += 1;
        }
        woke_at_deadline = false;
        match action {
            Action::Closed(reason) => {
                return Outcome {
                    stats,
                    closed: Some(reason),
                }
            }
            Action::WaitUntil(at) => {
                connection = None; // drop whatever we hold: it is dead to the client
                tokio::time::sleep_until(origin + Duration::from_millis(at)).await;
            }
            Action::Connect { last_event_id } => {
                let id = last_event_id.map(str::to_owned);
                stats.connects += 1;
                stats.sent_ids.push(id.clone());
                let url = options.url.clone();
                connection = Some(Connection::Requesting(Box::pin(request(url, id))));
            }
            Action::Receive { deadline } => {
                let sleep = async {
                    match deadline {
                        Some(at) => {
                            tokio::time::sleep_until(origin + Duration::from_millis(at)).await
                        }
                        None => std::future::pending().await,
                    }
                };
                match connection.as_mut() {
                    None => {
                        // Cannot happen: Receive follows Connect. Treat as a lost connection.
                        client.on_disconnect(now());
                    }
                    Some(Connection::Requesting(pending)) => {
                        tokio::select! {
                            result = pending => match result {
                                Ok((response, driver)) => {
                                    let content_type = response
                                        .headers()
                                        .get(CONTENT_TYPE)
                                        .map(|v| v.as_bytes().to_vec());
                                    let status = response.status().as_u16();
                                    match client.on_response(now(), status, content_type.as_deref()) {
                                        Ok(()) => {
                                            stats.opened += 1;
                                            connection = Some(Connection::Streaming(response.into_body(), driver));
                                        }
                                        Err(_) => connection = None, // poll says Closed
                                    }
                                }
                                Err(error) => {
                                    if options.verbose {
                                        eprintln!("client: connecting: {error}");
                                    }
                                    stats.connect_errors += 1;
                                    connection = None;
                                    client.on_disconnect(now());
                                }
                            },
                            () = sleep => woke_at_deadline = true,
                        }
                    }
                    Some(Connection::Streaming(body, _)) => {
                        tokio::select! {
                            frame = body.frame() => match frame {
                                Some(Ok(frame)) => {
                                    if let Some(data) = frame.data_ref() {
                                        let events: Vec<_> = client.feed(now(), data).collect();
                                        for event in events {
                                            match event {
                                                Ok(event) => {
                                                    stats.events += 1;
                                                    let more = on_event(&event);
                                                    let done = options.max_events.is_some_and(|max| stats.events >= max);
                                                    if !more || done {
                                                        client.close();
                                                        return Outcome { stats, closed: None };
                                                    }
                                                }
                                                Err(error) => eprintln!("client: {error} (event skipped)"),
                                            }
                                        }
                                    }
                                }
                                // The body failed (reset, aborted) or ended: reconnect.
                                Some(Err(_)) | None => {
                                    stats.disconnects += 1;
                                    connection = None;
                                    client.on_disconnect(now());
                                }
                            },
                            () = sleep => woke_at_deadline = true,
                        }
                    }
                }
            }
        }
    }
}
