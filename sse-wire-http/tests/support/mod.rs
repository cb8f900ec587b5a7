//! A scripted HTTP/1.1 server on 127.0.0.1 for the client tests: each connection gets the
//! reply its handler picks (status line, headers, then body steps: bytes, pauses, silence),
//! then the socket closes, so faults (drops mid-event, silences, restarts) are exact. Every
//! request is recorded, to count connects and check what the client sent.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

/// A request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a connection does after the response head.
#[derive(Debug, Clone)]
pub enum Step {
    Send(Vec<u8>),
    Pause(Duration),
    /// Keep the socket open and send nothing, until the client goes away.
    Hang,
}

/// A response: head, then steps, then the socket closes (the body is close-delimited).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub steps: Vec<Step>,
    /// A `Location` header (for redirects).
    pub location: Option<String>,
}

impl Reply {
    /// 200 `text/event-stream` with `body`, then close.
    pub fn stream(body: &str) -> Reply {
        Reply::stream_steps(vec![Step::Send(body.as_bytes().to_vec())])
    }

    pub fn stream_steps(steps: Vec<Step>) -> Reply {
        Reply {
            status: 200,
            content_type: "text/event-stream",
            steps,
            location: None,
        }
    }

    pub fn status(status: u16, content_type: &'static str) -> Reply {
        Reply {
            status,
            content_type,
            steps: vec![],
            location: None,
        }
    }

    /// A redirect with `status` to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply {
            location: Some(location.to_string()),
            ..Reply::status(status, "text/plain")
        }
    }
}

type Handler = Arc<dyn Fn(usize, &Recorded) -> Reply + Send + Sync>;

pub struct Server {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Serves on a fresh port; `handler(n, request)` answers the `n`th connection (from 0).
    pub async fn start(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::start_on(
            "127.0.0.1:0".parse().unwrap(),
            Arc::new(Mutex::new(Vec::new())),
            Arc::new(handler),
        )
        .await
    }

    /// Serves on `addr` (a restart on the same port), appending to `requests`.
    pub async fn start_on(
        addr: SocketAddr,
        requests: Arc<Mutex<Vec<Recorded>>>,
        handler: Handler,
    ) -> Server {
        Server::listen(addr, requests, handler, None).await
    }

    /// Serves HTTPS with `tests/tls/server.pem` (for 127.0.0.1, signed by `tests/tls/ca.pem`).
    pub async fn start_tls(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Server {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs = CertificateDer::pem_slice_iter(include_bytes!("../tls/server.pem"))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_slice(include_bytes!("../tls/server.key")).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let requests = Arc::new(Mutex::new(Vec::new()));
        Server::listen(
            "127.0.0.1:0".parse().unwrap(),
            requests,
            Arc::new(handler),
            Some(acceptor),
        )
        .await
    }

    async fn listen(
        addr: SocketAddr,
        requests: Arc<Mutex<Vec<Recorded>>>,
        handler: Handler,
        tls: Option<TlsAcceptor>,
    ) -> Server {
        let listener = TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let (recorded, handler) = (recorded.clone(), handler.clone());
                match tls.clone() {
                    None => connections.spawn(serve(socket, recorded, handler)),
                    Some(acceptor) => connections.spawn(async move {
                        if let Ok(socket) = acceptor.accept(socket).await {
                            serve(socket, recorded, handler).await;
                        }
                    }),
                };
            }
        });
        Server {
            addr,
            requests,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests arrived.
    pub fn connects(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn request(&self, n: usize) -> Recorded {
        self.requests.lock().unwrap()[n].clone()
    }

    /// Stops the listener and every connection (the task owns them all).
    pub async fn kill(self) -> Arc<Mutex<Vec<Recorded>>> {
        self.task.abort();
        let _ = (&mut { self.task }).await;
        self.requests
    }
}

async fn serve(
    mut socket: impl AsyncRead + AsyncWrite + Unpin,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    handler: Handler,
) {
    let Some(request) = read_request(&mut socket).await else {
        return;
    };
    let n = {
        let mut all = recorded.lock().unwrap();
        all.push(request.clone());
        all.len() - 1
    };
    let reply = handler(n, &request);
    let location = match &reply.location {
        Some(location) => format!("location: {location}\r\n"),
        None => String::new(),
    };
    let head = format!(
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncache-control: no-cache\r\n{location}connection: close\r\n\r\n",
        reply.status, reply.content_type
    );
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for step in reply.steps {
        match step {
            Step::Send(bytes) => {
                if socket.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Step::Pause(time) => tokio::time::sleep(time).await,
            Step::Hang => {
                // Until the client closes its end (bounded by the test's timeout).
                let mut byte = [0u8; 1];
                let _ = socket.read(&mut byte).await;
                return;
            }
        }
    }
}

/// Reads a request head and its `Content-Length` body.
pub async fn read_request(socket: &mut (impl AsyncRead + Unpin)) -> Option<Recorded> {
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 1024];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 1024];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}
