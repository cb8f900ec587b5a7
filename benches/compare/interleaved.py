#!/usr/bin/env python3
"""Side-by-side decode timings that hold up on a busy machine: the fastest of N interleaved
runs of each implementation (the `profile` driver, one process per run), as a ratio to
sse-core. A companion to criterion's medians, not a replacement: on a shared VM the fastest
run is the one least disturbed, and interleaving spreads any disturbance evenly.

    cargo build --release --manifest-path benches/compare/Cargo.toml --bin profile
    python3 benches/compare/interleaved.py [--feed 4k] [--runs 15] [--iterations 50]

Each cell: MB/s of the fastest run (input generation subtracted: a 0-iteration run, also the
fastest of N), and × sse-core.
"""
import argparse
import re
import subprocess
import time

# The implementations, workloads and driver binary, as `callgrind.py` lists them.
from callgrind import IMPS, PROFILE, WORKLOADS


def run(imp, workload, feed, iterations):
    start = time.perf_counter()
    out = subprocess.run([str(PROFILE), imp, workload, feed, str(iterations)],
                         capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start, int(re.search(r"\((\d+) bytes\)", out).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--feed", default="4k")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--imps", default=",".join(IMPS))
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    args = parser.parse_args()
    imps = args.imps.split(",")
    workloads = args.workloads.split(",")
    table = {}
    for w in workloads:
        best = {imp: float("inf") for imp in imps}
        base = {imp: float("inf") for imp in imps}
        size = 0
        for _ in range(args.runs):
            for imp in imps:
                t, size = run(imp, w, args.feed, args.iterations)
                best[imp] = min(best[imp], t)
                t0, _ = run(imp, w, args.feed, 0)
                base[imp] = min(base[imp], t0)
        for imp in imps:
            seconds = max(best[imp] - base[imp], 1e-9)
            table[imp, w] = size * args.iterations / seconds / 1e6
    print(f"Fastest of {args.runs} interleaved runs, fed {args.feed}: MB/s (× sse-core)\n")
    print("| implementation | " + " | ".join(workloads) + " |")
    print("|---|" + "---|" * len(workloads))
    for imp in imps:
        cells = []
        for w in workloads:
            v = table[imp, w]
            core = table.get(("sse_core", w))
            ratio = f" ({v / core:.2f}×)" if core else ""
            cells.append(f"{v:,.0f}{ratio}")
        print(f"| {imp} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
