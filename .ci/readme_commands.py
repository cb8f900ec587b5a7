#!/usr/bin/env python3
"""Runs the shell commands a README shows, exactly as written, so they cannot drift.

Every ```sh block must sit right under one of these markers (HTML comments: invisible on
crates.io and GitHub):

    <!-- ci: run -->            run the block with bash -euo pipefail from the repository root
    <!-- ci: demo -->           the block's first command is a server: start it in the
                                background, wait until it listens, run the other commands,
                                stop it. Its port (the one in `--addr HOST:PORT`) is replaced
                                by a free one in every command, so runs cannot collide.
    <!-- ci: skip: reason -->   not run here; the reason says where it is covered or why not

A ```sh block without a marker fails, so a new command cannot slip in unchecked.

    readme_commands.py README.md [--list]
    readme_commands.py --links README.md PACKAGE_FILE_LIST

`--list` prints each block and what CI does with it, without running anything. `--links`
checks that every file the README names in backticks that is in the repository but not in
the package (PACKAGE_FILE_LIST: `cargo package --list` output) is a link to an absolute URL,
since crates.io shows the README without those files.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

MARKER = re.compile(r"^\s*<!-- ci: (run|demo|skip: [^>]*?) -->\s*$")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
ADDR = re.compile(r"--addr (127\.0\.0\.1|localhost):(\d+)")
TIMEOUT_S = 900  # per command: generous for a cold `cargo run`, still bounded
LISTEN_TIMEOUT_S = 600


def blocks(path):
    """Yields (line_number, marker or None, [lines]) for every ```sh block."""
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        indent, lang = fence.group(1), fence.group(2)
        start = i
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        if lang not in ("sh", "bash", "shell", "console"):
            continue
        marker = MARKER.match(lines[start - 1]) if start > 0 else None
        yield start + 1, (marker.group(1) if marker else None), body


def commands(body):
    """The block's commands: continuation lines joined, comment lines dropped."""
    out, current = [], ""
    for line in body:
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        out.append(current + stripped)
        current = ""
    if current:
        out.append(current)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def run(command, **kwargs):
    print(f"$ {command}", flush=True)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command], timeout=TIMEOUT_S, check=True, **kwargs
    )


def demo(cmds):
    server, rest = cmds[0], cmds[1:]
    found = ADDR.search(server)
    if not found:
        sys.exit(f"demo block: the server command has no --addr HOST:PORT: {server}")
    old = found.group(2)
    port = free_port()
    while listening(port):  # taken again since free_port released it
        port = free_port()
    swap = lambda c: re.sub(rf"\b(127\.0\.0\.1|localhost):{old}\b", rf"\g<1>:{port}", c)
    server = swap(server)
    with tempfile.TemporaryFile() as log:
        print(f"$ {server} &", flush=True)
        proc = subprocess.Popen(
            ["bash", "-c", server], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + LISTEN_TIMEOUT_S
            while not listening(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    sys.stdout.write(log.read().decode(errors="replace")[-4000:])
                    sys.exit(f"demo block: the server never listened on 127.0.0.1:{port}")
                time.sleep(0.5)
            if proc.poll() is not None:
                sys.exit(f"demo block: the server exited; 127.0.0.1:{port} is someone else's")
            for command in rest:
                run(swap(command))
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def check_links(readme, package_list):
    packaged = {l.strip() for l in open(package_list, encoding="utf-8") if l.strip()}
    root = os.path.dirname(os.path.abspath(readme))
    text = open(readme, encoding="utf-8").read()
    bad = []
    for match in re.finditer(r"(\[)?`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]*)+)`(\]\(([^)]*)\))?", text):
        name = match.group(2).rstrip("/")
        if name.startswith("/") or not os.path.exists(os.path.join(root, name)):
            continue  # not a repository path (a system path, a MIME type)
        in_package = name in packaged or any(p.startswith(name + "/") for p in packaged)
        target = match.group(4)
        if target is not None and not re.match(r"https?://", target):
            bad.append(f"{name}: relative link {target!r} (dead on crates.io)")
        elif not in_package and target is None:
            bad.append(f"{name}: not in the package; link it with an absolute repository URL")
    for problem in sorted(set(bad)):
        print(f"README link: {problem}")
    if bad:
        sys.exit(1)
    print(f"README links: every named file is packaged or linked absolutely")


def main(argv):
    if argv[:1] == ["--links"]:
        return check_links(argv[1], argv[2])
    readme, list_only = argv[0], "--list" in argv[1:]
    os.chdir(os.path.dirname(os.path.abspath(readme)) or ".")
    unmarked, ran, skipped = [], 0, 0
    for line, marker, body in blocks(readme):
        cmds = commands(body)
        if marker is None:
            unmarked.append(line)
            continue
        print(f"\n--- {readme}:{line} ({marker})", flush=True)
        if marker.startswith("skip"):
            for command in cmds:
                print(f"  (skipped) {command}")
            skipped += 1
            continue
        if list_only:
            for command in cmds:
                print(f"  {command}")
            ran += 1
            continue
        if marker == "demo":
            demo(cmds)
        else:
            run("\n".join(body))
        ran += 1
    if unmarked:
        sys.exit(
            f"{readme}: ```sh blocks at lines {unmarked} have no <!-- ci: run|demo|skip: why --> "
            "marker on the line above"
        )
    verb = "to run" if list_only else "ran"
    print(f"\nREADME commands: {ran} blocks {verb}, {skipped} skipped (with reasons above)")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except subprocess.CalledProcessError as error:
        sys.exit(f"README command failed (exit {error.returncode})")
    except subprocess.TimeoutExpired as error:
        sys.exit(f"README command exceeded {error.timeout} s")
