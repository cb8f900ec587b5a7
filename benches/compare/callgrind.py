#!/usr/bin/env python3
"""Instructions per input byte (callgrind), the deterministic companion of the timed bench.

    cargo build --release --manifest-path benches/compare/Cargo.toml --bin profile
    python3 benches/compare/callgrind.py [--feed 4k] [--imps event,owned_feed] [--workloads chat]
        [--profile path/to/profile]

For each implementation and workload: runs `profile <imp> <workload> <feed> N` under
`valgrind --tool=callgrind` with N = 0 and N = 2 iterations and prints (Ir(2) - Ir(0)) / 2 /
input bytes, so input generation and start-up cancel out. Needs valgrind. Prints markdown.
"""
import argparse
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent
PROFILE = ROOT / "target" / "release" / "profile"
IMPS = ["event", "block", "lending", "lending_events", "reader", "fragment", "owned_decode", "owned_feed", "owned_feed_items", "bytes", "bytes_events", "sse_core", "sse_stream",
        "memchr2", "memchr2_buffered"]
WORKLOADS = ["llm_tokens", "chat", "mib_lines", "multi_line", "crlf_chat", "keepalive"]


def instructions(imp, workload, feed, iterations):
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(PROFILE), imp,
         workload, feed, str(iterations)],
        capture_output=True, text=True, check=True).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def input_bytes(imp, workload, feed):
    out = subprocess.run([str(PROFILE), imp, workload, feed, "1"], capture_output=True,
                         text=True, check=True).stdout
    return int(re.search(r"\((\d+) bytes\)", out).group(1))


def main():
    global PROFILE
    parser = argparse.ArgumentParser()
    parser.add_argument("--feed", default="4k")
    parser.add_argument("--imps", default=",".join(IMPS))
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--profile", default=str(ROOT / "target" / "release" / "profile"),
                        help="the profile binary (e.g. a copy built before a change)")
    args = parser.parse_args()
    PROFILE = pathlib.Path(args.profile)
    workloads = args.workloads.split(",")
    print(f"Instructions per input byte, fed {args.feed} (callgrind; lower is better)\n")
    print("| implementation | " + " | ".join(workloads) + " |")
    print("|---|" + "---|" * len(workloads))
    for imp in args.imps.split(","):
        cells = []
        for w in workloads:
            base = instructions(imp, w, args.feed, 0)
            two = instructions(imp, w, args.feed, 2)
            cells.append(f"{(two - base) / 2 / input_bytes(imp, w, args.feed):.2f}")
        print(f"| {imp} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
