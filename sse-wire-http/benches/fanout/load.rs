//! The fan-out benchmark's load client (run by `run.sh`, not a test): opens N SSE
//! subscriptions to `GET /chat`, measures the server's RSS per idle subscriber, then posts M
//! messages from P posters at once (P connections, each posting back to back and waiting for
//! each answer: a room where P people talk), each message carrying its number and send time,
//! and reports deliveries per second and the delivery latency percentiles. Every subscriber
//! checks that it got each message exactly once (none lost, none doubled). The same client
//! for every server; one hyper connection per subscriber, events decoded by `sse_wire`.
//!
//! With `--rate R` the messages are offered at R per second in all (message `i` is sent at
//! `i / R` seconds, or when its poster's last answer came if that is later): the latency then
//! measured is one message's fan-out at a load both servers can sustain, not the queue a burst
//! builds behind a server that answers before it delivers.
//!
//! usage: fanout_load --addr 127.0.0.1:PORT --pid SERVER_PID --subscribers N --messages M [--posters P] [--rate R]

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

/// What a process has used so far: CPU seconds (all threads, user + system) and write
/// system calls (`write`, `writev`, ...), from `/proc`. Zero where `/proc` is not readable.
#[derive(Clone, Copy, Default)]
struct Usage {
    cpu_s: f64,
    writes: u64,
}

fn usage(pid: &str) -> Usage {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (in parentheses, which may hold spaces):
    // utime and stime are the 12th and 13th, in USER_HZ ticks (100 per second on Linux).
    let ticks: f64 = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|t| t.parse::<f64>().ok())
                .sum()
        })
        .unwrap_or(0.0);
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
    let writes = io
        .lines()
        .find_map(|l| l.strip_prefix("syscw:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Usage {
        cpu_s: ticks / 100.0,
        writes,
    }
}

struct Args {
    addr: SocketAddr,
    pid: u32,
    subscribers: usize,
    messages: usize,
    posters: usize,
    /// Messages per second offered, in all (`None`: each poster posts back to back).
    rate: Option<f64>,
}

fn args() -> Args {
    let mut args = Args {
        addr: "127.0.0.1:3000".parse().unwrap(),
        pid: 0,
        subscribers: 100,
        messages: 200,
        posters: 8,
        rate: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().expect("a value");
        match arg.as_str() {
            "--addr" => args.addr = value().parse().expect("--addr"),
            "--pid" => args.pid = value().parse().expect("--pid"),
            "--subscribers" => args.subscribers = value().parse().expect("--subscribers"),
            "--messages" => args.messages = value().parse().expect("--messages"),
            "--posters" => args.posters = value().parse().expect("--posters"),
            "--rate" => args.rate = Some(value().parse().expect("--rate")).filter(|r| *r > 0.0),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

/// What one subscriber got: the latency (µs) of each message's first copy, and how many
/// copies were doubles or not the benchmark's messages at all.
#[derive(Default)]
struct Received {
    latencies: Vec<u32>,
    doubled: usize,
    foreign: usize,
}

/// One subscriber: reads until it has every one of the `messages` messages once.
async fn subscribe(
    addr: SocketAddr,
    messages: usize,
    connected: Arc<Semaphore>,
    opening: tokio::sync::OwnedSemaphorePermit,
) -> Received {
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
    let mut got = Received {
        latencies: Vec::with_capacity(messages),
        ..Received::default()
    };
    let mut seen = vec![false; messages];
    while got.latencies.len() < messages {
        let Some(Ok(frame)) = body.frame().await else {
            break;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let now = unix_ns();
        for event in decoder.feed(&data) {
            let event = event.expect("decodes");
            // "NUMBER SEND_TIME_NS"
            let mut fields = event.data().split(' ').map(|f| f.parse::<u128>().ok());
            let (Some(Some(number)), Some(Some(sent))) = (fields.next(), fields.next()) else {
                got.foreign += 1;
                continue;
            };
            match seen.get_mut(number as usize) {
                Some(seen) if !*seen => *seen = true,
                Some(_) => {
                    got.doubled += 1;
                    continue;
                }
                None => {
                    got.foreign += 1;
                    continue;
                }
            }
            let latency = now.saturating_sub(sent) / 1000;
            got.latencies.push(latency.min(u32::MAX as u128) as u32);
        }
    }
    got
}

/// One poster: posts the messages numbered `numbers`, each after the answer to the last (and,
/// with a `pace`, not before its slot: `start + number * interval`).
async fn post(
    addr: SocketAddr,
    numbers: impl Iterator<Item = usize>,
    pace: Option<(tokio::time::Instant, Duration)>,
) {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = tcp.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(connection);
    for number in numbers {
        if let Some((start, interval)) = pace {
            tokio::time::sleep_until(start + interval * number as u32).await;
        }
        let request = hyper::Request::post("/chat")
            .header("host", addr.to_string())
            .header("content-type", "text/plain")
            .body(Full::new(Bytes::from(format!("{number} {}", unix_ns()))))
            .unwrap();
        sender.ready().await.expect("POST connection ready");
        let response = sender.send_request(request).await.expect("POST /chat");
        assert_eq!(response.status(), 200, "POST /chat");
        let _ = response.into_body().collect().await;
    }
}

/// `posters` posters at once, message `i` from poster `i % posters`, on a thread and runtime
/// of their own: on the subscribers' runtime each answer would wait its turn behind the
/// thousands of subscriber tasks that the last message woke, and the load client, not the
/// server, would set the pace.
async fn post_all(addr: SocketAddr, messages: usize, posters: usize, rate: Option<f64>) {
    let posters = posters.clamp(1, messages.max(1));
    let posting = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let pace = rate.map(|rate| {
                (
                    tokio::time::Instant::now(),
                    Duration::from_secs_f64(1.0 / rate),
                )
            });
            let mut all = tokio::task::JoinSet::new();
            for first in 0..posters {
                all.spawn(post(addr, (first..messages).step_by(posters), pace));
            }
            while let Some(done) = all.join_next().await {
                done.expect("poster");
            }
        });
    });
    posting.await.expect("posters");
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
        let (server_pid, ours) = (args.pid.to_string(), "self");
        let (server_before, load_before) = (usage(&server_pid), usage(ours));
        let start = Instant::now();
        post_all(args.addr, args.messages, args.posters, args.rate).await;
        let mut latencies = Vec::with_capacity(args.subscribers * args.messages);
        let (mut doubled, mut foreign) = (0, 0);
        let collected = tokio::time::timeout(Duration::from_secs(300), async {
            while let Some(got) = subscribers.join_next().await {
                let got = got.expect("subscriber");
                latencies.extend(got.latencies);
                doubled += got.doubled;
                foreign += got.foreign;
            }
        })
        .await;
        let elapsed = start.elapsed();
        let (server, load) = (usage(&server_pid), usage(ours));
        assert!(
            collected.is_ok(),
            "deliveries not complete within 300 s: {} of {} subscribers got every message (lost?)",
            args.subscribers - subscribers.len(),
            args.subscribers
        );
        let expected = args.subscribers * args.messages;
        latencies.sort_unstable();
        let pct = |p: f64| latencies.get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0;
        println!(
            "subscribers={} messages={} posters={} rate={} delivered={}/{} doubled={} foreign={} deliveries_per_s={:.0} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} rss_per_idle_subscriber_kib={:.1} rss_idle_mib={:.1} \
             server_cpu_s={:.2} load_cpu_s={:.2} delivery_s={:.2} server_writes_per_delivery={:.3}",
            args.subscribers,
            args.messages,
            args.posters,
            args.rate.map_or_else(|| "burst".to_string(), |r| format!("{r}/s")),
            latencies.len(),
            expected,
            doubled,
            foreign,
            latencies.len() as f64 / elapsed.as_secs_f64(),
            pct(0.50),
            pct(0.99),
            pct(1.0),
            (rss_idle.saturating_sub(rss_before)) as f64 / args.subscribers as f64,
            rss_idle as f64 / 1024.0,
            server.cpu_s - server_before.cpu_s,
            load.cpu_s - load_before.cpu_s,
            elapsed.as_secs_f64(),
            (server.writes - server_before.writes) as f64 / latencies.len().max(1) as f64,
        );
        assert!(
            latencies.len() == expected && doubled == 0 && foreign == 0,
            "every message delivered to every subscriber exactly once"
        );
    });
}
