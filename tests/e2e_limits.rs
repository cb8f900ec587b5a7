//! The demo server's limits on 127.0.0.1: the connection cap (503 beyond it), the header read
//! timeout (connections that never send a request are closed), `accept` failures at a low
//! file-descriptor limit (the server logs, backs off and goes on), and `/ticks` at `u64::MAX`.
//! Counted, not timed; every wait is bounded.
#![cfg(all(feature = "bytes", feature = "std"))]

#[path = "../examples/common/sse_server.rs"]
mod sse_server;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HARD_TIMEOUT: Duration = Duration::from_secs(60);

async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(HARD_TIMEOUT, test)
        .await
        .expect("the test exceeded its hard timeout")
}

fn start(
    config: sse_server::Config,
) -> (
    SocketAddr,
    Arc<sse_server::App>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = sse_server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = sse_server::App::new(config);
    let task = sse_server::spawn(listener, app.clone());
    (addr, app, task)
}

/// Sends `GET path` with optional extra headers; returns the socket and the response head's
/// status line.
async fn get(addr: SocketAddr, path: &str, headers: &str) -> (TcpStream, String) {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n").as_bytes())
        .await
        .unwrap();
    let mut head = [0u8; 12];
    tcp.read_exact(&mut head).await.unwrap();
    (tcp, String::from_utf8_lossy(&head).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_connection_cap_a_client_gets_503_and_a_freed_slot_is_reused() {
    bounded(async {
        let (addr, app, _task) = start(sse_server::Config {
            max_connections: 3,
            interval: Duration::from_secs(3600),
            ..Default::default()
        });
        let mut open = Vec::new();
        for _ in 0..3 {
            let (tcp, status) = get(addr, "/ticks", "").await;
            assert_eq!(status, "HTTP/1.1 200");
            open.push(tcp);
        }
        for _ in 0..5 {
            let (_tcp, status) = get(addr, "/ticks", "").await;
            assert_eq!(status, "HTTP/1.1 503");
        }
        assert_eq!(app.stats.rejected.load(Relaxed), 5);
        assert_eq!(app.stats.open_streams.load(Relaxed), 3);
        drop(open.pop());
        // The slot comes back once the server noticed the client left.
        loop {
            let (_tcp, status) = get(addr, "/ticks", "").await;
            if status == "HTTP/1.1 200" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_that_never_send_a_request_are_closed_by_the_header_timeout() {
    bounded(async {
        let (addr, _app, _task) = start(sse_server::Config {
            header_timeout: Duration::from_millis(200),
            ..Default::default()
        });
        let mut silent = Vec::new();
        for _ in 0..300 {
            silent.push(TcpStream::connect(addr).await.unwrap());
        }
        // Every one is closed by the server (EOF, or a reset) without a byte from us.
        let mut closed = 0;
        for mut tcp in silent {
            let mut buf = [0u8; 256];
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => closed += 1,
                Ok(n) => {
                    // hyper may answer 408 before closing; then the close follows.
                    assert!(buf[..n].starts_with(b"HTTP/1.1 408"), "{:?}", &buf[..n]);
                    let mut rest = Vec::new();
                    let _ = tcp.read_to_end(&mut rest).await;
                    closed += 1;
                }
            }
        }
        assert_eq!(closed, 300);
        let (_tcp, status) = get(addr, "/", "").await;
        assert_eq!(status, "HTTP/1.1 200", "still serving");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticks_end_at_the_top_of_u64_instead_of_wrapping_to_zero() {
    bounded(async {
        let (addr, _app, _task) = start(sse_server::Config {
            interval: Duration::from_millis(5),
            ..Default::default()
        });
        let (mut tcp, status) = get(
            addr,
            "/ticks",
            "Last-Event-ID: 18446744073709551614\r\nConnection: close\r\n",
        )
        .await;
        assert_eq!(status, "HTTP/1.1 200");
        let mut body = Vec::new();
        tcp.read_to_end(&mut body).await.unwrap();
        let body = String::from_utf8(body).unwrap();
        assert_eq!(body.matches("id: ").count(), 1, "{body}");
        assert!(body.contains("id: 18446744073709551615\n"), "{body}");
        assert!(
            body.ends_with("0\r\n\r\n"),
            "the stream ends cleanly: {body}"
        );
        // Resuming from the last one: nothing more, and 204 tells an EventSource to stop.
        let (_tcp, status) = get(addr, "/ticks", "Last-Event-ID: 18446744073709551615\r\n").await;
        assert_eq!(status, "HTTP/1.1 204");
    })
    .await;
}

/// The child process of the next test: the demo server under a low descriptor limit (set by
/// the parent's `ulimit -n`). Ignored unless run by that test.
#[test]
#[ignore = "run as a child process by accept_failures_at_a_low_descriptor_limit_do_not_stop_the_server"]
fn child_server_under_a_low_descriptor_limit() {
    if std::env::var_os("SSE_WIRE_LIMITS_CHILD").is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (addr, _app, task) = start(sse_server::Config {
            header_timeout: Duration::from_millis(500),
            ..Default::default()
        });
        println!("PORT={}", addr.port());
        let _ = tokio::time::timeout(HARD_TIMEOUT, task).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_failures_at_a_low_descriptor_limit_do_not_stop_the_server() {
    bounded(async {
        let exe = std::env::current_exe().unwrap();
        let mut child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 48 && exec \"$0\" \"$@\"")
            .arg(exe)
            .args(["--ignored", "--exact", "child_server_under_a_low_descriptor_limit", "--nocapture", "--test-threads", "1"])
            .env("SSE_WIRE_LIMITS_CHILD", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let port: u16 = loop {
            let line = stdout.next_line().await.unwrap().expect("the child printed its port");
            // The harness prints "test <name> ... " on the same line first.
            if let Some((_, port)) = line.split_once("PORT=") {
                break port.parse().unwrap();
            }
        };
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        // More connections than the child has descriptors: its accepts fail with EMFILE.
        let mut held = Vec::new();
        for _ in 0..100 {
            held.push(TcpStream::connect(addr).await.unwrap());
        }
        let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        loop {
            let line = stderr.next_line().await.unwrap().expect("the child logged a failed accept");
            if line.contains("accept failed") {
                println!("child: {line}");
                break;
            }
        }
        drop(held);
        // Descriptors free again: the same process serves a chat message, then a page.
        let chat = loop {
            let mut tcp = TcpStream::connect(addr).await.unwrap();
            let request = "POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";
            let mut response = String::new();
            if tcp.write_all(request.as_bytes()).await.is_ok()
                && tcp.read_to_string(&mut response).await.is_ok()
                && response.starts_with("HTTP/1.1 200")
            {
                break response;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(chat.trim_end().ends_with("-1"), "{chat}");
        assert!(child.try_wait().unwrap().is_none(), "the server is still running");
        child.kill().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_ids_never_repeat_across_a_restart() {
    bounded(async {
        let mut ids = Vec::new();
        for _restart in 0..3 {
            let (_addr, app, task) = start(sse_server::Config::default());
            ids.push(app.post("first"));
            ids.push(app.post("second"));
            task.abort();
        }
        // Each process counts from 1, under its own epoch.
        assert!(
            ids.iter().step_by(2).all(|id| id.ends_with("-1")),
            "{ids:?}"
        );
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
    })
    .await;
}
