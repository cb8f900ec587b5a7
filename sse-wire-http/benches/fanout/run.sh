#!/usr/bin/env bash
# Fan-out benchmark: our chat room (sse-wire-http's examples/chat.rs, axum + Channel) against
# a Node/Express room written the articles' way (express_server.js), same machine, same load
# client (load.rs), at 100 / 1,000 / 5,000 subscribers: deliveries per second, delivery
# latency percentiles under a burst of M messages from P posters at once (POSTERS, default 8),
# RSS per idle subscriber, and the CPU and write calls each side spent on the deliveries.
# RATE=R offers the messages at R per second in all instead (open loop: the latency of one
# message's fan-out at a load both servers sustain).
# A script, not a test. usage: [POSTERS=P] [RATE=R] sse-wire-http/benches/fanout/run.sh [MESSAGES] [N...]
set -euo pipefail
cd "$(dirname "$0")/../../.."
messages="${1:-200}"; shift || true
posters="${POSTERS:-8}"
rate=(); [ -n "${RATE:-}" ] && rate=(--rate "$RATE")
sizes=("${@:-100 1000 5000}")
ulimit -n 20000 2>/dev/null || true
here=sse-wire-http/benches/fanout
[ -d "$here/node_modules/express" ] || npm install --prefix "$here" --no-save --no-package-lock --no-audit --no-fund express@4 >/dev/null
cargo build --quiet --release -p sse-wire-http --features axum --example chat
cargo bench --quiet -p sse-wire-http --bench fanout_load --no-run
target="${CARGO_TARGET_DIR:-target}"
load="$(ls -t "$target"/release/deps/fanout_load-* | grep -v '\.d$' | head -1)"
trap 'kill "${server_pid:-}" 2>/dev/null || true' EXIT
run() { # name port N command...: a fresh server process per run, so RSS starts clean
  local name=$1 port=$2 n=$3; shift 3
  "$@" >/dev/null 2>&1 & server_pid=$!
  local pid=$server_pid
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.1; done
  printf '%-8s ' "$name"
  "$load" --addr "127.0.0.1:$port" --pid "$pid" --subscribers "$n" --messages "$messages" --posters "$posters" "${rate[@]}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for n in ${sizes[@]}; do
  run sse-wire 18471 "$n" "$target/release/examples/chat" 127.0.0.1:18471
  run express 18472 "$n" node "$here/express_server.js" 18472
done
