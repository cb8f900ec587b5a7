//! End to end on 127.0.0.1: the demo client (hyper + `client::Client`) against the demo server
//! (hyper + encoder + `KeepAlive` + `ReplayBuffer`), both in-process, under injected faults:
//! drops (streams aborted mid-event), silences (socket open, no bytes), restarts (the server
//! killed and started again on the same port). Every test is bounded by a hard timeout.
//!
//! Run with `-- --nocapture` to see the fault counts.
#![cfg(all(feature = "bytes", feature = "std"))]

#[path = "../examples/common/sse_client.rs"]
mod sse_client;
#[path = "../examples/common/sse_server.rs"]
mod sse_server;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sse_wire::client::Backoff;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

const HARD_TIMEOUT: Duration = Duration::from_secs(60);

async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(HARD_TIMEOUT, test)
        .await
        .expect("the end-to-end test exceeded its hard timeout")
}

struct Server {
    addr: SocketAddr,
    app: Arc<sse_server::App>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    fn start(addr: SocketAddr, config: sse_server::Config) -> Server {
        let listener = sse_server::bind(addr).expect("bind");
        let addr = listener.local_addr().unwrap();
        let app = sse_server::App::new(config);
        let task = sse_server::spawn(listener, app.clone());
        Server { addr, app, task }
    }

    /// Kills the server: the listener and every connection close at once.
    async fn kill(self) -> Arc<sse_server::App> {
        self.task.abort();
        // `&mut JoinHandle` is a future too: wait until the task is gone.
        let mut this = self;
        let _ = (&mut this.task).await;
        this.app.clone()
    }

    fn url(&self, path: &str) -> hyper::Uri {
        format!("http://{}{path}", self.addr).parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn fast_server() -> sse_server::Config {
    sse_server::Config {
        interval: Duration::from_millis(5),
        keep_alive: Duration::from_secs(10),
        retry_ms: Some(5),
        ..Default::default()
    }
}

fn fast_client(url: hyper::Uri) -> sse_client::Options {
    sse_client::Options {
        url,
        idle_timeout_ms: Some(5_000),
        reconnection_ms: 5,
        backoff: Backoff::new()
            .with_initial(5)
            .with_max(40)
            .with_reset_after(20),
        seed: Some(7),
        ..Default::default()
    }
}

/// Runs the client; returns the ids it saw (as numbers), the event types, the arrival times,
/// and the outcome.
async fn collect(
    options: sse_client::Options,
) -> (Vec<u64>, Vec<String>, Vec<Instant>, sse_client::Outcome) {
    let (mut ids, mut types, mut times) = (Vec::new(), Vec::new(), Vec::new());
    let outcome = sse_client::run(options, |event| {
        times.push(Instant::now());
        types.push(event.event_type().to_string());
        if event.event_type() != "resync" {
            ids.push(event.last_event_id().parse().expect("numeric ids"));
        }
        true
    })
    .await;
    assert!(outcome.closed.is_none(), "closed: {:?}", outcome.closed);
    (ids, types, times, outcome)
}

fn assert_exactly_once_in_order(ids: &[u64], n: u64) {
    let expected: Vec<u64> = (1..=n).collect();
    assert_eq!(ids, expected, "every event exactly once, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticks_survive_many_drops_mid_event_exactly_once_in_order() {
    bounded(async {
        const N: u64 = 300;
        let server = Server::start(
            "127.0.0.1:0".parse().unwrap(),
            sse_server::Config {
                drop_every: Some(7),
                ..fast_server()
            },
        );
        let mut options = fast_client(server.url("/ticks"));
        options.max_events = Some(N);
        let (ids, _, _, outcome) = collect(options).await;
        assert_exactly_once_in_order(&ids, N);
        let drops = server.app.stats.drops.load(Relaxed);
        let stats = &outcome.stats;
        println!(
            "e2e drops: {N} ticks checked; server dropped {drops} streams mid-event, client saw \
             {} disconnects, {} connects, {} resumed with Last-Event-ID",
            stats.disconnects,
            stats.connects,
            server.app.stats.resumed.load(Relaxed)
        );
        assert!(drops >= N / 7 - 1, "drops: {drops}");
        assert!(stats.disconnects >= N / 7 - 1);
        // Every reconnect sent the last id it had: the ids sent are exactly the drop points.
        for (i, sent) in stats.sent_ids.iter().enumerate().skip(1) {
            let sent: u64 = sent
                .as_deref()
                .expect("Last-Event-ID on reconnect")
                .parse()
                .unwrap();
            assert_eq!(sent, 7 * i as u64, "reconnect {i}");
        }
        assert_eq!(stats.sent_ids[0], None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_server_is_detected_by_the_idle_timeout_and_the_client_resumes() {
    bounded(async {
        const N: u64 = 60;
        const IDLE: u64 = 150;
        let server = Server::start(
            "127.0.0.1:0".parse().unwrap(),
            sse_server::Config {
                silence_after: Some(10),
                ..fast_server()
            },
        );
        let mut options = fast_client(server.url("/ticks"));
        options.max_events = Some(N);
        options.idle_timeout_ms = Some(IDLE);
        let (ids, _, times, outcome) = collect(options).await;
        assert_exactly_once_in_order(&ids, N);
        let silences = server.app.stats.silences.load(Relaxed);
        let stats = &outcome.stats;
        // The gap across each silence: at least the idle timeout (nothing else ended the
        // stream), at most the idle timeout plus the reconnect (retry + jitter) and slack.
        let gaps: Vec<u128> = (10..N as usize)
            .step_by(10)
            .map(|k| (times[k] - times[k - 1]).as_millis())
            .collect();
        println!(
            "e2e silences: {N} ticks checked; server went silent {silences} times, client \
             declared {} connections dead by its {IDLE} ms idle timeout; gaps {gaps:?} ms",
            stats.idle_timeouts
        );
        assert_eq!(stats.idle_timeouts, N / 10 - 1 + u64::from(N % 10 != 0));
        assert_eq!(stats.disconnects, 0, "the server never closed a stream");
        for gap in gaps {
            assert!(
                gap >= u128::from(IDLE),
                "reconnected before the idle timeout: {gap}"
            );
            assert!(
                gap < u128::from(IDLE) + 1_000,
                "slow to notice the silence: {gap}"
            );
        }
        // The silent streams the client abandoned are noticed and freed too.
        let start = Instant::now();
        while server.app.stats.open_streams.load(Relaxed) > 0 {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "abandoned silent streams leak"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alives_tell_a_quiet_stream_from_a_dead_one() {
    bounded(async {
        // Ticks every 400 ms, comments every 40 ms, idle timeout 200 ms: quiet, never dead.
        let server = Server::start(
            "127.0.0.1:0".parse().unwrap(),
            sse_server::Config {
                interval: Duration::from_millis(400),
                keep_alive: Duration::from_millis(40),
                ..fast_server()
            },
        );
        let mut options = fast_client(server.url("/ticks"));
        options.max_events = Some(4);
        options.idle_timeout_ms = Some(200);
        let (ids, _, _, outcome) = collect(options).await;
        assert_exactly_once_in_order(&ids, 4);
        let keep_alives = server.app.stats.keep_alives.load(Relaxed);
        println!(
            "e2e keep-alive: 4 quiet ticks, {keep_alives} keep-alive comments, {} idle timeouts",
            outcome.stats.idle_timeouts
        );
        assert_eq!(outcome.stats.idle_timeouts, 0);
        assert_eq!(outcome.stats.connects, 1);
        assert!(keep_alives >= 8, "keep-alives: {keep_alives}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_and_restarted_on_the_same_port_loses_and_repeats_nothing() {
    bounded(async {
        const N: u64 = 200;
        const RESTARTS: u64 = 3;
        let config = sse_server::Config {
            interval: Duration::from_millis(10),
            ..fast_server()
        };
        let mut server = Server::start("127.0.0.1:0".parse().unwrap(), config.clone());
        let addr = server.addr;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut options = fast_client(server.url("/ticks"));
        options.max_events = Some(N);
        let client = tokio::spawn({
            let seen = seen.clone();
            sse_client::run(options, move |event| {
                seen.lock()
                    .unwrap()
                    .push(event.last_event_id().parse::<u64>().unwrap());
                true
            })
        });
        let mut resumed = 0;
        for restart in 1..=RESTARTS {
            while (seen.lock().unwrap().len() as u64) < restart * 40 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            server.kill().await;
            // Down long enough for the client to hit refused connections.
            tokio::time::sleep(Duration::from_millis(150)).await;
            server = Server::start(addr, config.clone());
            assert_eq!(server.addr, addr);
            while server.app.stats.tick_streams.load(Relaxed) == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            // The new process knows nothing: the resume point came from the header.
            assert!(server.app.stats.resumed.load(Relaxed) >= 1);
            assert!(server.app.stats.last_resume_id.load(Relaxed) >= restart * 40);
            resumed += 1;
        }
        let outcome = client.await.unwrap();
        assert!(outcome.closed.is_none());
        let ids = seen.lock().unwrap().clone();
        assert_exactly_once_in_order(&ids, N);
        let stats = &outcome.stats;
        println!(
            "e2e restarts: {N} ticks checked across {RESTARTS} server kills and restarts on port \
             {}; client: {} disconnects, {} refused/failed connects, {} connects; {resumed} \
             restarted servers resumed from Last-Event-ID",
            addr.port(),
            stats.disconnects,
            stats.connect_errors,
            stats.connects
        );
        assert!(stats.disconnects >= RESTARTS);
        assert!(stats.connect_errors >= 1, "the client saw the server down");
    })
    .await;
}

/// `POST /chat` over a raw HTTP/1.1 socket; returns the message id.
async fn post(addr: SocketAddr, message: &str) -> u64 {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /chat HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{message}",
        message.len()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    // The message's ID, `{epoch}-{n}`: the number counts the messages of this server.
    let id = response.rsplit("\r\n\r\n").next().unwrap().trim();
    sse_server::id_number(id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_messages_reach_a_dropped_client_exactly_once_through_the_replay_buffer() {
    bounded(async {
        const N: u64 = 60;
        let server = Server::start(
            "127.0.0.1:0".parse().unwrap(),
            sse_server::Config {
                drop_every: Some(3),
                ..fast_server()
            },
        );
        let mut options = fast_client(server.url("/chat"));
        options.max_events = Some(N);
        let addr = server.addr;
        let poster = tokio::spawn(async move {
            for k in 1..=N {
                assert_eq!(post(addr, &format!("message {k}")).await, k);
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        });
        let mut data = Vec::new();
        let outcome = sse_client::run(options, |event| {
            assert_eq!(event.event_type(), "chat");
            data.push((
                sse_server::id_number(event.last_event_id()).unwrap(),
                event.data().to_string(),
            ));
            true
        })
        .await;
        poster.await.unwrap();
        let expected: Vec<(u64, String)> = (1..=N).map(|k| (k, format!("message {k}"))).collect();
        assert_eq!(data, expected, "every message exactly once, in order");
        let stats = &server.app.stats;
        println!(
            "e2e chat drops: {N} messages checked; {} streams dropped, {} chat streams, {} \
             resumed, {} messages queued for replay from the buffer, client {} disconnects",
            stats.drops.load(Relaxed),
            stats.chat_streams.load(Relaxed),
            stats.resumed.load(Relaxed),
            stats.replayed.load(Relaxed),
            outcome.stats.disconnects
        );
        assert!(stats.drops.load(Relaxed) >= N / 3 - 1);
        assert_eq!(stats.resyncs.load(Relaxed), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_after_a_server_restart_tells_the_client_to_resync() {
    bounded(async {
        let server = Server::start("127.0.0.1:0".parse().unwrap(), fast_server());
        let addr = server.addr;
        for k in 1..=5 {
            post(addr, &format!("before {k}")).await;
        }
        let mut options = fast_client(server.url("/chat"));
        options.max_events = Some(5 + 1 + 2);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let client = tokio::spawn({
            let seen = seen.clone();
            sse_client::run(options, move |event| {
                seen.lock()
                    .unwrap()
                    .push((event.event_type().to_string(), event.data().to_string()));
                true
            })
        });
        while seen.lock().unwrap().len() < 5 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill().await;
        // A new process: its chat starts empty, ids from 1 again.
        let server = Server::start(addr, fast_server());
        post(addr, "after 1").await;
        post(addr, "after 2").await;
        let outcome = client.await.unwrap();
        assert!(outcome.closed.is_none());
        let seen = seen.lock().unwrap().clone();
        let types: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            types,
            ["chat", "chat", "chat", "chat", "chat", "resync", "chat", "chat"]
        );
        // The resync payload is JSON: why, and the ID the client resumed from.
        let resync: serde_json::Value = serde_json::from_str(&seen[5].1).expect("resync JSON");
        assert_eq!(resync["reason"], "unknown-id", "{}", seen[5].1);
        assert!(resync["last_event_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()));
        assert_eq!(seen[6].1, "after 1");
        assert_eq!(seen[7].1, "after 2");
        println!(
            "e2e chat restart: 1 restart, {} resync sent, 8 events checked",
            server.app.stats.resyncs.load(Relaxed)
        );
        assert_eq!(server.app.stats.resyncs.load(Relaxed), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_going_away_is_noticed_and_its_stream_freed() {
    bounded(async {
        let server = Server::start(
            "127.0.0.1:0".parse().unwrap(),
            sse_server::Config {
                interval: Duration::from_secs(3600),
                keep_alive: Duration::from_millis(20),
                ..fast_server()
            },
        );
        let mut sockets = Vec::new();
        for path in ["/ticks", "/chat", "/ticks"] {
            let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            tcp.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut head = [0u8; 12];
            tcp.read_exact(&mut head).await.unwrap();
            assert_eq!(&head, b"HTTP/1.1 200");
            sockets.push(tcp);
        }
        let open = || server.app.stats.open_streams.load(Relaxed);
        assert_eq!(open(), 3);
        drop(sockets); // the clients go away without a word
        let start = Instant::now();
        while open() > 0 {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "{} streams never freed",
                open()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        println!(
            "e2e client gone: 3 streams freed {} ms after their clients left",
            start.elapsed().as_millis()
        );
    })
    .await;
}
