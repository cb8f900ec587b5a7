#!/usr/bin/env python3
"""Turns criterion's saved estimates into markdown tables of median throughput.

    python3 benches/compare/report.py compare benches/compare/target/criterion
    python3 benches/compare/report.py decode target/criterion
    python3 benches/compare/report.py encode benches/compare/target/criterion
    python3 benches/compare/report.py floor benches/compare/target/criterion

Medians (criterion's `median` estimate of the time per iteration) in MB/s (10^6 bytes/s).
In `compare` mode each cell also gives the ratio to sse-core and to memchr2 of the same group,
measured in the same run. In `encode` mode: events/s (10^6 events/s) for the `encode/*`
groups, with the ratio to sse-stream and to memcpy of the same group. In `floor` mode: the
`floor/llm_tokens/*` groups (sse-core, our tiers and the floors), with the ratio to sse-core.
"""
import json
import pathlib
import sys

WORKLOADS = ["llm_tokens", "chat", "mib_lines", "multi_line", "crlf_chat", "keepalive"]
FEEDS = ["whole", "4k", "10b"]
IMPS = [
    ("event", "sse-wire event"),
    ("fragment", "sse-wire fragment"),
    ("block", "sse-wire block"),
    ("lending", "sse-wire lending"),
    ("lending_events", "sse-wire lending events"),
    ("reader", "sse-wire reader"),
    ("owned_decode", "sse-wire owned decode"),
    ("owned_feed", "sse-wire owned feed"),
    ("bytes", "sse-wire bytes"),
    ("bytes_events", "sse-wire bytes events"),
    ("sse_core", "sse-core"),
    ("sse_stream", "sse-stream"),
    ("eventsource_stream", "eventsource-stream"),
    ("memchr2", "memchr2"),
    ("memchr2_buffered", "memchr2 buffered"),
]


def load(root):
    """{full_id: MB/s} from every `new/` estimate under `root`."""
    out = {}
    for bench in pathlib.Path(root).glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())
        # Bytes: MB/s; Elements (the encode groups): millions of events/s.
        (n,) = meta["throughput"].values()
        out[meta["full_id"]] = n / est["median"]["point_estimate"] * 1e3
    return out


def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def compare(mbs):
    for feed in FEEDS:
        print(f"\n### Fed {'whole' if feed == 'whole' else feed + ' chunks'}\n")
        print("MB/s median (× sse-core, × memchr2)\n")
        print("| implementation | " + " | ".join(WORKLOADS) + " |")
        print("|---|" + "---|" * len(WORKLOADS))
        for imp, name in IMPS:
            cells = []
            for w in WORKLOADS:
                group = f"{w}/{feed}"
                v = mbs.get(f"{group}/{imp}")
                core = mbs.get(f"{group}/sse_core")
                light = mbs.get(f"{group}/memchr2")
                if v is None:
                    cells.append("–")
                elif imp == "memchr2":
                    cells.append(f"{fmt(v)} ({v / core:.2f}×, 1×)")
                else:
                    cells.append(f"{fmt(v)} ({v / core:.2f}×, {v / light:.2f}×)")
            print(f"| {name} | " + " | ".join(cells) + " |")


def decode(mbs):
    benches = []
    for key in mbs:
        rest = key.split("/", 1)[1]
        if rest not in benches:
            benches.append(rest)
    order = ["event", "fragment", "owned_decode", "owned_feed", "bytes", "bytes_events", "memchr2"]
    benches.sort(key=lambda b: (order.index(b.split("/")[0]), FEEDS.index(b.split("/")[1])))
    print("| bench (MB/s, median) | " + " | ".join(WORKLOADS) + " |")
    print("|---|" + "---|" * len(WORKLOADS))
    for b in benches:
        cells = [fmt(mbs[f"{w}/{b}"]) if f"{w}/{b}" in mbs else "–" for w in WORKLOADS]
        print(f"| {b} | " + " | ".join(cells) + " |")


FLOOR_ROWS = [
    ("sse_core", "sse-core"),
    ("event", "sse-wire event"),
    ("owned_feed", "sse-wire owned feed"),
    ("bytes", "sse-wire bytes"),
    ("floor_owned", "floor: owned (memchr2 lines + one `String` per event)"),
    ("floor_bytes", "floor: bytes (memchr2 lines + one `Bytes` per event)"),
    ("floor_event_plus_string", "floor: event tier + one `String` per event"),
]


def floor(mbs):
    print("MB/s median (× sse-core), LLM tokens\n")
    print("| implementation | 4k | 10b |")
    print("|---|---|---|")
    for imp, name in FLOOR_ROWS:
        cells = []
        for feed in ["4k", "10b"]:
            v = mbs.get(f"floor/llm_tokens/{feed}/{imp}")
            core = mbs.get(f"floor/llm_tokens/{feed}/sse_core")
            cells.append("–" if v is None else f"{fmt(v)} ({v / core:.2f}×)")
        print(f"| {name} | " + " | ".join(cells) + " |")


ENC_WORKLOADS = ["chat", "llm_tokens"]
ENCODERS = [
    ("sse_wire", "sse-wire `encode_to_vec`"),
    ("sse_stream", "sse-stream `Sse::encode`"),
    ("russe", "russe `Encoder`"),
    ("memcpy", "memcpy of our output"),
]


def encode(mes):
    print("M events/s median (× sse-stream, × memcpy)\n")
    print("| encoder | " + " | ".join(ENC_WORKLOADS) + " |")
    print("|---|" + "---|" * len(ENC_WORKLOADS))
    for imp, name in ENCODERS:
        cells = []
        for w in ENC_WORKLOADS:
            v = mes.get(f"encode/{w}/{imp}")
            base = mes.get(f"encode/{w}/sse_stream")
            light = mes.get(f"encode/{w}/memcpy")
            cells.append("–" if v is None else f"{v:.1f} ({v / base:.2f}×, {v / light:.3f}×)")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    mode, root = sys.argv[1], sys.argv[2]
    {"compare": compare, "decode": decode, "encode": encode, "floor": floor}[mode](load(root))
