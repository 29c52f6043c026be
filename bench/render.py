#!/usr/bin/env python3
"""JavaScriptCore vs V8 rendering the same React page, both served by Switchyard.

bench/render-app has two API routes, /api/render-edge (Edge runtime: JavaScriptCore) and
/api/render-node (Node.js runtime: V8), that import one module, lib/render.js, which renders
the tree of ../shared/bench/next-app/pages/edge-ssr.js (200 items) with react-dom/server and
times each render with performance.now() inside the engine: HTTP and dispatch are not in the
figures. One Edge worker thread and one Node worker, so that the cold first render and the
steady state are measured in the same context and process.

Reported per runtime and API: the first render the engine ever did (cold: React's code is
compiled for the first time), then the median and p90 of n renders after warm-up requests and
an in-request warm-up, and the ratio JavaScriptCore / V8 (above 1: JavaScriptCore is slower).
"""

import argparse
import json
import os
import queue
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "bench" / "render-app"
SWITCHYARD = Path(
    os.environ.get("SWITCHYARD_BIN", REPO / "target" / "release" / "switchyard")
).resolve()

ENDPOINTS = [
    ("edge", "/api/render-edge"),
    ("nodejs", "/api/render-node"),
]


def start(log):
    """Starts `switchyard start` on a free port; returns the process and its base URL."""
    process = subprocess.Popen(
        [SWITCHYARD, "start", APP, "--port", "0", "--edge-workers", "1", "--node-workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    ready = queue.Queue()

    def read():
        for line in process.stdout:
            log.append(line)
            if "Ready on http://" in line:
                ready.put(line.split("Ready on ", 1)[1].strip())
        ready.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        url = ready.get(timeout=30)
    except queue.Empty:
        url = None
    if not url:
        stop(process)
        sys.exit("switchyard did not start:\n" + "".join(log))
    return process, url


def stop(process):
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, 9)


def get(url, log):
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        sys.exit(f"{url} answered {error.code}: {error.read()[:2000]!r}\n-- server log:\n"
                 + "".join(log))
    try:
        return json.loads(body)
    except ValueError:
        sys.exit(f"{url} did not answer JSON: {body[:2000]!r}")


def by_api(result):
    return {entry["api"]: entry for entry in result["results"]}


def engines(node_result):
    try:
        jsc = subprocess.run(["pkg-config", "--modversion", "javascriptcoregtk-4.1"],
                             capture_output=True, text=True, check=True).stdout.strip()
        jsc = f"JavaScriptCore (WebKitGTK {jsc})"
    except (OSError, subprocess.CalledProcessError):
        jsc = "JavaScriptCore"
    v8 = f"V8 {node_result.get('v8', '?')} (Node.js {node_result.get('node', '?')})"
    return {"edge": jsc, "nodejs": v8}


def check(results):
    """Both runtimes must have rendered the same page with React's production build."""
    problems = []
    sizes = set()
    for runtime, result in results.items():
        if not result.get("has_last_item"):
            problems.append(f"{runtime}: the HTML lacks 'item 199'")
        if result.get("node_env") != "production":
            problems.append(f"{runtime}: NODE_ENV is {result.get('node_env')!r}, so React ran its "
                            "development build")
        # The page prints its runtime's name; the rest is the same bytes.
        sizes.add(result["html_bytes"] - len(runtime))
        for entry in result["results"]:
            if entry["bytes"] != result["html_bytes"]:
                problems.append(f"{runtime}: {entry['api']} produced {entry['bytes']} bytes, "
                                f"renderToString {result['html_bytes']}")
    if len(sizes) != 1:
        problems.append(f"the runtimes rendered different pages: {results}")
    return problems


def ms(value):
    return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"


def report(cold, steady, args):
    names = engines(steady["nodejs"])
    print(f"\nReact {args.react} renders of the 200-item page: first render = the engine's first "
          f"ever (cold);\nmedian and p90 of n={args.n} renders after {args.warmup_requests} "
          f"warm-up requests and {args.warmup} warm-up renders; {os.cpu_count()} cores\n")
    print("| runtime | engine | API | first render | median | p90 |")
    print("|---|---|---|---:|---:|---:|")
    edge, node = by_api(steady["edge"]), by_api(steady["nodejs"])
    edge_cold, node_cold = by_api(cold["edge"]), by_api(cold["nodejs"])
    pairs = [("renderToString", "renderToString")]
    streams = [api for api in edge if api != "renderToString"]
    node_streams = [api for api in node if api != "renderToString"]
    if streams and node_streams:
        pairs.append((streams[0], node_streams[0]))
    for edge_api, node_api in pairs:
        e, n = edge[edge_api], node[node_api]
        ec, nc = edge_cold[edge_api]["process_first_ms"], node_cold[node_api]["process_first_ms"]
        print(f"| edge | {names['edge']} | {edge_api} | {ms(ec)} | {ms(e['median_ms'])} | "
              f"{ms(e['p90_ms'])} |")
        print(f"| nodejs | {names['nodejs']} | {node_api} | {ms(nc)} | {ms(n['median_ms'])} | "
              f"{ms(n['p90_ms'])} |")
        print(f"| **ratio JSC/V8** | | {'renderToString' if edge_api == node_api else 'streaming'}"
              f" | {ec / nc:.2f}x | {e['median_ms'] / n['median_ms']:.2f}x | "
              f"{e['p90_ms'] / n['p90_ms']:.2f}x |")
    if not (streams and node_streams):
        print("\n(streaming not measured: a runtime's route did not report it)")


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="timed renders per API (default 1000)")
    parser.add_argument("--warmup", type=int, default=200,
                        help="untimed renders before them, in the same request (default 200)")
    parser.add_argument("--warmup-requests", type=int, default=3,
                        help="whole requests made and discarded first (default 3)")
    parser.add_argument("--no-stream", action="store_true", help="renderToString only")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    args = parser.parse_args()
    react = APP / "node_modules" / "react" / "package.json"
    args.react = json.loads(react.read_text())["version"]

    subprocess.run([SWITCHYARD, "build", APP], check=True, stdout=subprocess.DEVNULL)
    log = []
    process, base = start(log)
    stream = "&stream=0" if args.no_stream else ""
    try:
        cold, steady = {}, {}
        for runtime, path in ENDPOINTS:
            print(f"== {runtime}: first render", file=sys.stderr)
            cold[runtime] = get(f"{base}{path}?n=1&warmup=0{stream}", log)
        for runtime, path in ENDPOINTS:
            for i in range(args.warmup_requests):
                print(f"== {runtime}: warm-up request {i + 1}", file=sys.stderr)
                get(f"{base}{path}?n={args.n}&warmup={args.warmup}{stream}", log)
            print(f"== {runtime}: measured request", file=sys.stderr)
            steady[runtime] = get(f"{base}{path}?n={args.n}&warmup={args.warmup}{stream}", log)
    finally:
        stop(process)

    problems = check(steady)
    if args.json:
        print(json.dumps({"cold": cold, "steady": steady}, indent=2))
    report(cold, steady, args)
    if problems:
        print("\nthe comparison is not valid:\n  " + "\n  ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
