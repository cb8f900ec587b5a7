//! Loopback plumbing for the server tests: a hyper server on 127.0.0.1 port 0 running a
//! handler, and a hyper client that reads an event stream through the codec's decoder.
#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Every wait in these tests is bounded by this.
pub const BOUND: Duration = Duration::from_secs(60);

pub async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: exceeded {BOUND:?}"))
}

/// A server, stopped (its listener and connections closed) when dropped.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `handler` with hyper's HTTP/1.1 on 127.0.0.1, port 0.
pub async fn serve_hyper<F, Fut, B>(handler: F) -> Server
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response<B>> + Send + 'static,
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((tcp, _)) = listener.accept().await {
            let handler = handler.clone();
            connections.spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let response = handler(request);
                    async move { Ok::<_, Infallible>(response.await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
            while connections.try_join_next().is_some() {}
        }
    });
    Server { addr, task }
}

/// Serves an axum router on 127.0.0.1, port 0.
pub async fn serve_axum(router: axum::Router) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Server { addr, task }
}

/// One decoded event: (type, last event ID, data).
pub type Seen = (String, String, String);

/// An open event stream, read through hyper's client and the codec's decoder.
pub struct Stream {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    body: Incoming,
    decoder: sse_wire::Decoder,
    ready: std::collections::VecDeque<Seen>,
    /// Every body byte, as received.
    pub raw: Vec<u8>,
    pub ended: bool,
    _connection: JoinHandle<()>,
}

/// `GET path` with an optional `Last-Event-ID`.
pub async fn open(addr: SocketAddr, path: &str, last_event_id: Option<&str>) -> Stream {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    let connection = tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut request = Request::get(path).header("host", addr.to_string());
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let response = sender
        .send_request(request.body(Empty::<Bytes>::new()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    Stream {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
        decoder: sse_wire::Decoder::new(),
        ready: Default::default(),
        raw: Vec::new(),
        ended: false,
        _connection: connection,
    }
}

impl Stream {
    /// Reads the next body chunk; `false` at the end of the body (or an error: a cut).
    pub async fn read_chunk(&mut self) -> bool {
        loop {
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.raw.extend_from_slice(&data);
                        for event in self.decoder.feed(&data) {
                            let event = event.unwrap();
                            self.ready.push_back((
                                event.event_type().to_string(),
                                event.last_event_id().to_string(),
                                event.data().to_string(),
                            ));
                        }
                        return true;
                    }
                }
                _ => {
                    self.ended = true;
                    return false;
                }
            }
        }
    }

    /// The next event, or `None` when the body ended first.
    pub async fn next_event(&mut self) -> Option<Seen> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            if self.ended || !self.read_chunk().await {
                return None;
            }
        }
    }

    /// The next `n` events (panics if the body ends first).
    pub async fn events(&mut self, n: usize) -> Vec<Seen> {
        let mut seen = Vec::with_capacity(n);
        while seen.len() < n {
            match self.next_event().await {
                Some(event) => seen.push(event),
                None => panic!("the stream ended after {} of {n} events", seen.len()),
            }
        }
        seen
    }
}
