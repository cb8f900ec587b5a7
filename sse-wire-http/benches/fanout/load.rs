//! The fan-out benchmark's load client (run by `run.sh`, not a test): opens N SSE
//! subscriptions to `GET /chat`, measures the server's RSS per idle subscriber, then posts M
//! messages back to back (`POST /chat`, each waiting for its answer) carrying their send time,
//! and reports deliveries per second and the delivery latency percentiles. The same client
//! for every server; one hyper connection per subscriber, events decoded by `sse_wire`.
//!
//! usage: fanout_load --addr 127.0.0.1:PORT --pid SERVER_PID --subscribers N --messages M

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::TokioIo;
use tokio::sync::Semaphore;

fn unix_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Args {
    addr: SocketAddr,
    pid: u32,
    subscribers: usize,
    messages: usize,
}

fn args() -> Args {
    let mut args = Args {
        addr: "127.0.0.1:3000".parse().unwrap(),
        pid: 0,
        subscribers: 100,
        messages: 200,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().expect("a value");
        match arg.as_str() {
            "--addr" => args.addr = value().parse().expect("--addr"),
            "--pid" => args.pid = value().parse().expect("--pid"),
            "--subscribers" => args.subscribers = value().parse().expect("--subscribers"),
            "--messages" => args.messages = value().parse().expect("--messages"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

/// One subscriber: returns the latencies (µs) of the `messages` events it got.
async fn subscribe(
    addr: SocketAddr,
    messages: usize,
    connected: Arc<Semaphore>,
    opening: tokio::sync::OwnedSemaphorePermit,
) -> Vec<u32> {
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let _ = tcp.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = hyper::Request::get("/chat")
        .header("host", addr.to_string())
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.expect("GET /chat");
    assert_eq!(response.status(), 200);
    connected.add_permits(1);
    drop(opening);
    let mut body = response.into_body();
    let mut decoder = sse_wire::Decoder::new();
    let mut latencies = Vec::with_capacity(messages);
    while latencies.len() < messages {
        let Some(Ok(frame)) = body.frame().await else {
            break;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let now = unix_ns();
        for event in decoder.feed(&data) {
            let sent: u128 = event.expect("decodes").data().parse().unwrap_or(now);
            latencies.push(((now.saturating_sub(sent)) / 1000).min(u32::MAX as u128) as u32);
        }
    }
    latencies
}

async fn post_all(addr: SocketAddr, messages: usize) {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = tcp.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(connection);
    for _ in 0..messages {
        let request = hyper::Request::post("/chat")
            .header("host", addr.to_string())
            .header("content-type", "text/plain")
            .body(Full::new(Bytes::from(unix_ns().to_string())))
            .unwrap();
        sender.ready().await.expect("POST connection ready");
        let response = sender.send_request(request).await.expect("POST /chat");
        let _ = response.into_body().collect().await;
    }
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let rss_before = rss_kib(args.pid);
        let connected = Arc::new(Semaphore::new(0));
        let mut subscribers = tokio::task::JoinSet::new();
        let opening = Arc::new(Semaphore::new(64));
        for _ in 0..args.subscribers {
            // At most 64 subscriptions opening at once (the listen backlog).
            let permit = opening.clone().acquire_owned().await.unwrap();
            subscribers.spawn(subscribe(args.addr, args.messages, connected.clone(), permit));
        }
        let all = tokio::time::timeout(Duration::from_secs(120), connected.acquire_many(args.subscribers as u32))
            .await
            .expect("every subscriber connected within 120 s")
            .unwrap();
        all.forget();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss_idle = rss_kib(args.pid);
        let start = Instant::now();
        post_all(args.addr, args.messages).await;
        let mut latencies = Vec::with_capacity(args.subscribers * args.messages);
        let collected = tokio::time::timeout(Duration::from_secs(300), async {
            while let Some(got) = subscribers.join_next().await {
                latencies.extend(got.expect("subscriber"));
            }
        })
        .await;
        let elapsed = start.elapsed();
        assert!(collected.is_ok(), "deliveries not complete within 300 s");
        let expected = args.subscribers * args.messages;
        latencies.sort_unstable();
        let pct = |p: f64| latencies.get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0;
        println!(
            "subscribers={} messages={} delivered={}/{} deliveries_per_s={:.0} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} rss_per_idle_subscriber_kib={:.1} rss_idle_mib={:.1}",
            args.subscribers,
            args.messages,
            latencies.len(),
            expected,
            latencies.len() as f64 / elapsed.as_secs_f64(),
            pct(0.50),
            pct(0.99),
            pct(1.0),
            (rss_idle.saturating_sub(rss_before)) as f64 / args.subscribers as f64,
            rss_idle as f64 / 1024.0,
        );
    });
}
