#!/usr/bin/env python3
"""Runs Switchyard and `next start` one after the other on the same app and compares them.

Every figure is measured in this run on this machine; the table reports ratios, which travel
between machines better than absolute numbers do. Before a route is measured, each server must
answer it with a 200 (and, for the SSR pages, HTML with the last list item); a route that fails
that check is reported as not measured and the run exits 1 after printing the table.
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
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANCHOR = REPO.parent / "shared" / "bench" / "next-app"
SWITCHYARD = Path(
    os.environ.get("SWITCHYARD_BIN", REPO / "target" / "release" / "switchyard")
).resolve()

ROUTES = [
    "/api/edge-hello",
    "/api/edge-json?a=1&b=two&c=3",
    "/api/edge-stream",
    "/api/node-hello",
    "/mw/x",
    "/edge-ssr",
    "/node-ssr",
]

# What a route's body must contain before it is measured (beyond a 200), and its content type.
EXPECT = {
    "/edge-ssr": ("text/html", "item 199"),
    "/node-ssr": ("text/html", "item 199"),
}

# The project's goals: Switchyard's req/s at least this many times Next's.
GOALS = {
    "/edge-ssr": 3.0,
    "/node-ssr": 2.0,
}


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


def check_route(url, route):
    """None when `url` answers 200 with what EXPECT asks of `route`, else what is wrong."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status, ctype, body = response.status, response.headers.get("content-type", ""), \
                response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return f"answered {error.code}: {error.read()[:300].decode('utf-8', 'replace')!r}"
    except OSError as error:
        return f"failed: {error}"
    if status != 200:
        return f"answered {status}"
    if route in EXPECT:
        want_type, needle = EXPECT[route]
        if not ctype.startswith(want_type):
            return f"answered content-type {ctype!r}, not {want_type}"
        if needle not in body:
            return f"answered HTML without {needle!r}: {body[:300]!r}"
    return None


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
        # Always the same probe, so that start-up times compare between runs with --only.
        startup = wait_for_200(f"http://{host}:{port}{ROUTES[0]}", started)
        results = {"startup_ms": startup * 1000, "routes": {}, "failed": {}}
        for route in routes:
            problem = check_route(f"http://{host}:{port}{route}", route)
            if problem:
                print(f"== {name}: {route} {problem}; not measured", file=sys.stderr)
                results["failed"][route] = problem
                continue
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
    sys.stdout.reconfigure(line_buffering=True)
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

    report(sy, nx, routes, args)
    if sy["failed"] or (nx and nx["failed"]):
        sys.exit(1)


def goal_cell(route, ratio):
    goal = GOALS.get(route)
    if goal is None:
        return "-"
    if ratio is None:
        return f"≥ {goal:g}x"
    return f"≥ {goal:g}x {'met' if ratio >= goal else 'MISSED'}"


def report(sy, nx, routes, args):
    print(f"\nwrk -t2 -c{args.connections} -d{args.duration}s --latency, 127.0.0.1, "
          f"{os.cpu_count()} cores\n")
    print("| route | Switchyard req/s | Next req/s | ratio | goal | Switchyard p99 | Next p99 |")
    print("|---|---:|---:|---:|---|---:|---:|")
    notes = []
    for route in routes:
        s = sy["routes"].get(route)
        n = nx["routes"].get(route) if nx else None
        ratio = s["rps"] / n["rps"] if s and n else None
        cells = [
            route,
            f"{s['rps']:,.0f}" if s else "not measured",
            f"{n['rps']:,.0f}" if n else ("not measured" if nx else "-"),
            f"{ratio:.1f}x" if ratio else "-",
            goal_cell(route, ratio),
            f"{s['p99_ms']:.2f} ms" if s else "-",
            f"{n['p99_ms']:.2f} ms" if n else "-",
        ]
        print("| " + " | ".join(cells) + " |")
        for label, side in [("switchyard", sy), ("next", nx)]:
            if not side:
                continue
            if route in side["failed"]:
                notes.append(f"{label} {route}: {side['failed'][route]}")
            elif side["routes"][route]["non2xx"]:
                notes.append(f"{label} {route}: {side['routes'][route]['non2xx']} non-2xx "
                             "responses during the run")
    for note in notes:
        print(f"  ({note})")
    print()
    print("| | Switchyard | Next | ratio |")
    print("|---|---:|---:|---:|")
    for key, label, unit in [("startup_ms", "process start to first 200", "ms"),
                             ("rss_mib", "RSS of the process tree after load", "MiB"),
                             ("build_s", "build time", "s")]:
        n = nx[key] if nx else None
        if not n:
            ratio = "-"
        elif n >= sy[key]:
            ratio = f"{n / sy[key]:.1f}x less"
        else:
            ratio = f"{sy[key] / n:.1f}x more"
        nval = f"{n:,.1f} {unit}" if n else "-"
        print(f"| {label} | {sy[key]:,.1f} {unit} | {nval} | {ratio} |")


if __name__ == "__main__":
    main()
