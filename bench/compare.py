#!/usr/bin/env python3
"""Runs Switchyard and `next start` one after the other on the same app and compares them.

Every figure is measured in this run on this machine; the table reports ratios, which travel
between machines better than absolute numbers do.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANCHOR = REPO.parent / "shared" / "bench" / "next-app"
SWITCHYARD = Path(os.environ.get("SWITCHYARD_BIN", REPO / "target" / "release" / "switchyard"))

ROUTES = [
    "/api/edge-hello",
    "/api/edge-json?a=1&b=two&c=3",
    "/api/edge-stream",
    "/api/node-hello",
    "/mw/x",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_200(url, started, limit=60.0):
    """Polls `url` with raw sockets (no process spawns) and returns seconds since `started`."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(.*)", url).groups()
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    while time.monotonic() - started < limit:
        try:
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(request)
                head = s.recv(64)
                if head.startswith(b"HTTP/1.1 200"):
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.001)
    raise RuntimeError(f"{url} never answered 200")


def tree_rss_kib(pid):
    """RSS of a process and all its descendants, in KiB."""
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
        stack.extend(children.get(current, []))
    return total


def wrk(url, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale,
            "non2xx": int(errors.group(1)) if errors else 0}


def measure(name, command, cwd, port, routes, args, env=None, host="127.0.0.1"):
    print(f"== {name}: starting", file=sys.stderr)
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        startup = wait_for_200(f"http://{host}:{port}{routes[0]}", started)
        results = {"startup_ms": startup * 1000, "routes": {}}
        for route in routes:
            print(f"== {name}: wrk {route}", file=sys.stderr)
            wrk(f"http://{host}:{port}{route}", 2, args.connections)  # warm-up
            results["routes"][route] = wrk(f"http://{host}:{port}{route}", args.duration,
                                           args.connections)
        results["rss_mib"] = tree_rss_kib(process.pid) / 1024
        return results
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def prepare_app(workdir):
    app = Path(workdir) / "next-app"
    shutil.copytree(ANCHOR, app)
    print("== npm install (anchor app)", file=sys.stderr)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=app, check=True)
    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--skip-next", action="store_true", help="measure Switchyard only")
    parser.add_argument("--only", nargs="*", help="measure only these routes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="switchyard-bench-") as workdir:
        app = prepare_app(workdir)
        routes = [r for r in ROUTES if not args.only or r in args.only]

        t = time.monotonic()
        subprocess.run([SWITCHYARD, "build", app], check=True, stdout=subprocess.DEVNULL)
        sy_build = time.monotonic() - t
        port = free_port()
        sy = measure("switchyard", [SWITCHYARD, "start", app, "--port", str(port)], app, port,
                     routes, args)
        sy["build_s"] = sy_build

        nx = None
        if not args.skip_next:
            t = time.monotonic()
            subprocess.run(["npx", "next", "build"], cwd=app, check=True,
                           stdout=subprocess.DEVNULL)
            nx_build = time.monotonic() - t
            port = free_port()
            # `-H localhost`: Next sends a middleware rewrite back to itself through the host
            # name it listens on, and its middleware builds URLs with `localhost` (see
            # ../shared/bench/README.md); this is the fair figure.
            nx = measure("next", ["node_modules/.bin/next", "start", "-H", "localhost", "-p",
                                  str(port)], app, port, routes, args, host="localhost")
            nx["build_s"] = nx_build

    report(sy, nx, args)


def report(sy, nx, args):
    print(f"\nwrk -t2 -c{args.connections} -d{args.duration}s --latency, 127.0.0.1, "
          f"{os.cpu_count()} cores\n")
    print("| route | Switchyard req/s | Next req/s | ratio | Switchyard p99 | Next p99 |")
    print("|---|---:|---:|---:|---:|---:|")
    for route, s in sy["routes"].items():
        n = nx["routes"][route] if nx else None
        ratio = f"{s['rps'] / n['rps']:.1f}x" if n else "-"
        print(f"| {route} | {s['rps']:,.0f} | {n['rps']:,.0f} | {ratio} | {s['p99_ms']:.2f} ms | "
              f"{n['p99_ms']:.2f} ms |" if n else
              f"| {route} | {s['rps']:,.0f} | - | - | {s['p99_ms']:.2f} ms | - |")
        if s["non2xx"]:
            print(f"  (switchyard: {s['non2xx']} non-2xx responses)")
    print()
    print("| | Switchyard | Next | ratio |")
    print("|---|---:|---:|---:|")
    for key, label, unit in [("startup_ms", "process start to first 200", "ms"),
                             ("rss_mib", "RSS of the process tree after load", "MiB"),
                             ("build_s", "build time", "s")]:
        n = nx[key] if nx else None
        ratio = f"{n / sy[key]:.1f}x less" if n else "-"
        nval = f"{n:,.1f} {unit}" if n else "-"
        print(f"| {label} | {sy[key]:,.1f} {unit} | {nval} | {ratio} |")


if __name__ == "__main__":
    main()
