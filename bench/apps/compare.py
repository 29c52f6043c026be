#!/usr/bin/env python3
"""Serves public Next.js pages-router example apps with `next start` and with Switchyard, sends
both the same requests and says which answered the same.

For each app in bench/apps/<name>/ (or those named on the command line) it copies the app's
sources to bench/apps/.work/<name>/ (never into the app's own folder), installs its npm packages
there once (again only when package.json or package-lock.json change), builds it with
`next build` and `switchyard build`, starts `next start` and `switchyard start` on free ports,
sends every request of the app's urls.txt to each (redirects not followed), and compares what
came back after the normalisation described in bench/apps/README.md. It prints a table per app,
a short diff for each URL that differed, and the total: "N of M URLs answered the same".

Every process it starts is in a process group of its own, killed when the app is done, on
Ctrl-C and on SIGTERM; their ids are also written to $COMPARE_PIDS_FILE (compare.sh kills
whatever is left there when it exits).
"""

import argparse
import difflib
import gzip
import hashlib
import html.parser
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path

APPS = Path(__file__).resolve().parent
REPO = APPS.parent.parent
WORK = Path(os.environ.get("COMPARE_WORK", APPS / ".work"))


def default_switchyard():
    for candidate in ("release", "debug"):
        path = REPO / "target" / candidate / "switchyard"
        if path.exists():
            return path
    return REPO / "target" / "release" / "switchyard"


SWITCHYARD = Path(os.environ.get("SWITCHYARD_BIN") or default_switchyard()).resolve()
_switchyard_digest = None


def switchyard_digest():
    """The SHA-256 of the Switchyard binary (computed once), which says what made a build."""
    global _switchyard_digest
    if _switchyard_digest is None:
        h = hashlib.sha256()
        with open(SWITCHYARD, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _switchyard_digest = h.hexdigest()
    return _switchyard_digest

# What is never copied into the work folder: installs, build outputs, the harness's own file.
NOT_SOURCES = {"node_modules", ".next", ".switchyard", "urls.txt", "next-env.d.ts"}

# Response headers compared besides location, content-type, cache-control and set-cookie.
COMPARED_HEADERS = ["www-authenticate", "refresh", "content-encoding", "content-language"]
# x-* headers that say how a server produced an answer, not what the app answers.
# x-middleware-rewrite is Next's internal header, left on page responses by `next start`;
# the router in the browser reads x-nextjs-rewrite, -matched-path and -redirect (compared).
IGNORED_X_HEADERS = {"x-powered-by", "x-nextjs-cache", "x-nextjs-prerender",
                     "x-nextjs-stale-time", "x-nextjs-postponed", "x-middleware-rewrite"}
# A cookie value this long is a token (a JWT, a session id): only its presence is compared.
TOKEN_LENGTH = 16
# Lines of diff shown per differing URL.
DIFF_LINES = 14

BLOCK_TAGS = {"address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl",
              "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
              "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
              "table", "td", "th", "tr", "ul", "title", "button", "option"}
HIDDEN_TAGS = {"script", "style", "noscript", "template", "title"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}

started_groups = []


# --- processes -------------------------------------------------------------------------------

def record_pid(pid):
    started_groups.append(pid)
    pids_file = os.environ.get("COMPARE_PIDS_FILE")
    if pids_file:
        with open(pids_file, "a") as f:
            f.write(f"{pid}\n")


def stop(process, timeout=15):
    """Ends a process started with start_new_session, and everything in its group."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # stragglers left in the group
    except ProcessLookupError:
        pass
    process.wait()
    if process.pid in started_groups:
        started_groups.remove(process.pid)


def stop_all(*_):
    for pid in list(started_groups):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                break
            time.sleep(0.5)
    sys.exit(130)


def run(command, cwd, env, log, timeout=900):
    """Runs a command to its end in a process group of its own; its output goes to `log`."""
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        record_pid(process.pid)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            out.write(f"\n[compare: stopped after {timeout} s]\n")
        finally:
            stop(process)
    return process.returncode


def tail(path, lines=25):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def build_errors(path, limit=40):
    """The `error:` lines of a build log with the two lines after each (stack traces left
    out; each distinct message once), or its tail when it has none."""
    lines = Path(path).read_text(errors="replace").splitlines()
    picked, seen = [], set()
    for i, line in enumerate(lines):
        if line.startswith(("error", "Error", "Failed")):
            block = tuple(l for l in lines[i:i + 3] if not l.lstrip().startswith("at "))
            if block not in seen:
                seen.add(block)
                picked += list(block) + [""]
    return "\n".join(picked[:limit]) if picked else tail(path, limit)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(host, port, process, limit=90.0):
    """Waits for any HTTP answer (any status) on a path no app has."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            return False
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/__compare_probe__")
            conn.getresponse().read()
            conn.close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


# --- the apps --------------------------------------------------------------------------------

def parse_urls(path):
    """urls.txt: `METHOD PATH [-H 'Name: value']... [-b 'cookies'] [-d 'body'] [--jar]` per
    line, `@env NAME=VALUE` for an environment variable both servers get at build and start,
    `#` comments. `{buildId}` in a path is replaced by each server's own build id."""
    requests, env = [], {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@env "):
            name, _, value = line[5:].strip().partition("=")
            env[name] = value
            continue
        words = shlex.split(line)
        if len(words) < 2:
            raise SystemExit(f"{path}:{number}: want METHOD PATH, got {line!r}")
        request = {"method": words[0].upper(), "path": words[1], "headers": [], "body": None,
                   "jar": False, "line": number}
        rest = iter(words[2:])
        for word in rest:
            if word == "-H":
                name, _, value = next(rest).partition(":")
                request["headers"].append((name.strip(), value.strip()))
            elif word == "-b":
                request["headers"].append(("Cookie", next(rest)))
            elif word == "-d":
                request["body"] = next(rest).encode()
            elif word == "--jar":
                request["jar"] = True
            else:
                raise SystemExit(f"{path}:{number}: unknown option {word!r}")
        requests.append(request)
    return requests, env


def copy_sources(app, work, keep=()):
    """Makes `work` a copy of the app's sources, keeping its node_modules and `keep`."""
    work.mkdir(parents=True, exist_ok=True)
    for entry in work.iterdir():
        if entry.name in ("node_modules", *keep) or entry.name.startswith("compare-"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in app.iterdir():
        if entry.name in NOT_SOURCES:
            continue
        if entry.is_dir():
            shutil.copytree(entry, work / entry.name, symlinks=True,
                            ignore=shutil.ignore_patterns(*NOT_SOURCES))
        else:
            shutil.copy2(entry, work / entry.name)


def install(app, work, env):
    """npm ci (or npm install, once, writing the app's package-lock.json) when what
    node_modules was installed from changed."""
    def stamp():
        h = hashlib.sha256(subprocess.run(["npm", "--version"], capture_output=True,
                                          text=True).stdout.split(".")[0].encode())
        for name in ("package.json", "package-lock.json"):
            if (work / name).exists():
                h.update((work / name).read_bytes())
        return h.hexdigest()

    stamp_file = work / "node_modules" / ".compare-stamp"
    if stamp_file.exists() and stamp_file.read_text() == stamp():
        return 0
    how = "ci" if (work / "package-lock.json").exists() else "install"
    print(f"   npm {how}", file=sys.stderr)
    # --legacy-peer-deps: as the apps' own .npmrc says (where they have one); the examples'
    # @vercel/examples-ui 1.x declares React 17/18 as its peers and works with 19.
    code = run(["npm", how, "--legacy-peer-deps", "--no-audit", "--no-fund", "--loglevel=error"],
               work, env,
               work / "compare-npm.log")
    if code != 0:
        return code
    if not (app / "package-lock.json").exists():
        shutil.copy2(work / "package-lock.json", app / "package-lock.json")
    stamp_file.write_text(stamp())
    return 0


def build_id(side, work):
    try:
        if side == "next":
            return (work / ".next" / "BUILD_ID").read_text().strip()
        manifest = json.loads((work / ".switchyard" / "manifest.json").read_text())
        return manifest.get("buildId") or manifest["build_id"]
    except (OSError, ValueError, KeyError):
        return None


# --- requests --------------------------------------------------------------------------------

class Side:
    """One server under test: its address, build id and cookie jar."""

    def __init__(self, name, connect_host, port, build):
        self.name, self.connect_host, self.port, self.build_id = name, connect_host, port, build
        self.jar = {}

    def send(self, request):
        path = request["path"].replace("{buildId}", self.build_id or "NO_BUILD_ID")
        headers = {}
        if not any(name.lower() == "host" for name, _ in request["headers"]):
            headers["Host"] = f"localhost:{self.port}"
        if path.startswith("/_next/data/"):
            headers["x-nextjs-data"] = "1"  # as the router in the browser sends it
        for name, value in request["headers"]:
            headers[name] = value
        if request["jar"] and self.jar:
            jar = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            headers["Cookie"] = f"{headers['Cookie']}; {jar}" if "Cookie" in headers else jar
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection(self.connect_host, self.port, timeout=60)
            conn.request(request["method"], path, body=request["body"], headers=headers)
            response = conn.getresponse()
            body = response.read()
            result = {"status": response.status, "headers": response.getheaders(),
                      "body": body, "ms": (time.monotonic() - started) * 1000}
            conn.close()
        except (OSError, http.client.HTTPException) as error:
            return {"status": 0, "headers": [], "body": b"", "error": str(error),
                    "ms": (time.monotonic() - started) * 1000}
        for name, value in result["headers"]:
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                attributes = value.lower()
                if val == "" or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
                    self.jar.pop(key.strip(), None)
                else:
                    self.jar[key.strip()] = val.strip()
        return result

    def fetch_text(self, path):
        try:
            conn = http.client.HTTPConnection(self.connect_host, self.port, timeout=30)
            conn.request("GET", path, headers={"Host": f"localhost:{self.port}"})
            response = conn.getresponse()
            body = decode_body(response.read(), dict((k.lower(), v) for k, v in
                                                     response.getheaders()))
            conn.close()
            return response.status, body.decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            return 0, str(error)


# --- normalisation ---------------------------------------------------------------------------

def normaliser(side):
    """A function that replaces what legitimately differs between two servers in a string:
    the origin (host and port) and the build id."""
    origins = re.compile(rf"(https?://)(?:localhost|127\.0\.0\.1|\[::1\]):{side.port}")
    build = side.build_id

    def norm(text):
        text = origins.sub(r"\1HOST", text)
        if build:
            text = text.replace(build, "BUILD_ID")
        return text

    return norm


def decode_body(body, headers):
    encoding = headers.get("content-encoding", "").lower()
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, zlib.error):
        pass
    return body


class PageParser(html.parser.HTMLParser):
    """Collects what a person or a crawler sees of an HTML page: <title>, <meta>, <html lang>,
    visible text (one line per block), link targets, the stylesheets and __NEXT_DATA__."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.meta, self.lang = None, [], None
        self.lines, self.current = [], []
        self.links, self.stylesheets, self.classes = [], [], set()
        self.hidden, self.in_title, self.in_next_data = [], False, False
        self.next_data, self.styles = "", []
        self.in_style = False
        self.svg = 0  # depth inside <svg>, whose <title> is an image's, not the page's

    def flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in (a.get("class") or "").split():
            self.classes.add(name)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "meta" and (a.get("name") or a.get("property") or a.get("http-equiv")):
            key = a.get("name") or a.get("property") or a.get("http-equiv")
            if not key.startswith("next-"):
                self.meta.append(f"{key}={a.get('content')}")
        elif tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.stylesheets.append(a.get("href"))
        if tag in BLOCK_TAGS:
            self.flush()
        if tag == "svg":
            self.svg += 1
        if tag == "title" and not self.hidden and not self.svg and self.title is None:
            self.in_title, self.title = True, ""
        if tag == "script" and a.get("id") == "__NEXT_DATA__":
            self.in_next_data = True
        if tag == "style":
            self.in_style = True
        if tag in HIDDEN_TAGS and tag not in VOID_TAGS:
            self.hidden.append(tag)

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg:
            self.svg -= 1
        if tag in HIDDEN_TAGS and tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        if tag == "title":
            self.in_title = False
        if tag == "script":
            self.in_next_data = False
        if tag == "style":
            self.in_style = False
        if tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.in_next_data:
            self.next_data += data
        if self.in_style:
            self.styles.append(data)
        if not self.hidden:
            self.current.append(data)


def css_selectors_classes(css):
    """The class names that appear in the selectors of a stylesheet."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    names = set()
    for selectors in re.findall(r"([^{}]+)\{", css):
        if selectors.strip().startswith("@"):
            continue
        for name in re.findall(r"\.((?:\\.|[A-Za-z0-9_-])+)", selectors):
            names.add(re.sub(r"\\(.)", r"\1", name))
    return names


NEXT_DATA_KEYS = ["page", "query", "props", "isFallback", "locale", "locales", "defaultLocale",
                  "gsp", "gssp"]


def summarise(side, request, result):
    """The comparable view of one response: a list of `key: value` lines."""
    norm = normaliser(side)
    if result.get("error"):
        return [f"error: {result['error']}"], None
    headers = {}
    cookies = []
    for name, value in result["headers"]:
        name = name.lower()
        if name == "set-cookie":
            cookies.append(value)
        else:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    lines = [f"status: {result['status']}"]
    if "location" in headers:
        # An absolute URL to the server's own origin is the same target as the bare path.
        location = re.sub(r"^https?://HOST(?=/|$)", "", norm(headers["location"])) or "/"
        lines.append(f"location: {location}")
    ctype = headers.get("content-type", "")
    lines.append(f"content-type: {ctype.lower().replace(' ', '') or '(none)'}")
    cache = headers.get("cache-control")
    lines.append(f"cache-control: {cache.lower().replace(' ', '') if cache else '(none)'}")
    for cookie in sorted(cookies):
        parts = [p.strip() for p in cookie.split(";")]
        name, _, value = parts[0].partition("=")
        if len(value) >= TOKEN_LENGTH:
            value = "<token>"
        attrs = sorted(p.lower() for p in parts[1:]
                       if p and not p.lower().startswith("expires="))
        lines.append(f"set-cookie: {name}={norm(value)}; {'; '.join(attrs)}")
    for name in COMPARED_HEADERS:
        if name in headers:
            lines.append(f"{name}: {norm(headers[name])}")
    for name in sorted(headers):
        if name.startswith("x-") and name not in IGNORED_X_HEADERS:
            lines.append(f"{name}: {norm(headers[name])}")

    body = decode_body(result["body"], headers)
    css_check = None
    if 300 <= result["status"] < 400 or request["method"] == "HEAD":
        lines.append("body: (not compared for redirects and HEAD)")
    elif "html" in ctype:
        page = PageParser()
        page.feed(body.decode("utf-8", "replace"))
        page.flush()
        lines.append(f"html lang: {page.lang}")
        lines.append(f"title: {norm(' '.join((page.title or '').split())) if page.title is not None else '(none)'}")
        lines += [f"meta: {norm(m)}" for m in sorted(page.meta)]
        lines += [f"link: {norm(href)}" for href in page.links]
        lines += [f"text: {norm(line)}" for line in page.lines]
        if page.next_data:
            try:
                data = json.loads(page.next_data)
                for key in NEXT_DATA_KEYS:
                    if key in data:
                        lines.append(f"__NEXT_DATA__.{key}: "
                                     f"{norm(json.dumps(data[key], sort_keys=True))}")
            except ValueError:
                lines.append("__NEXT_DATA__: (not JSON)")
        else:
            lines.append("__NEXT_DATA__: (none)")
        if result["status"] == 200:
            css_check = (page, norm)
    elif "json" in ctype:
        try:
            parsed = json.loads(body)
            lines.append(f"json: {norm(json.dumps(parsed, sort_keys=True))}")
        except ValueError:
            lines.append(f"body (not JSON): {norm(body.decode('utf-8', 'replace'))[:2000]}")
    elif ctype.startswith("text/") or "javascript" in ctype:
        text = norm(body.decode("utf-8", "replace"))
        lines += [f"body: {line}" for line in text.splitlines()[:200]] or ["body: (empty)"]
    else:
        lines.append(f"body: {len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()[:16]}")
    return lines, css_check


def styled_classes(side, page):
    """How many of the class names used in the page have a rule in its stylesheets."""
    css_text = "\n".join(page.styles)
    missing = []
    for href in page.stylesheets:
        if not href:
            continue
        path = re.sub(r"^https?://[^/]+", "", href)
        status, text = side.fetch_text(path)
        if status != 200:
            missing.append(f"{path} answered {status}")
            continue
        css_text += "\n" + text
    rules = css_selectors_classes(css_text)
    used = page.classes
    line = f"css: {len(used & rules)} of {len(used)} class names styled"
    if missing:
        line += f" ({'; '.join(missing)})"
    return line


# --- one app ---------------------------------------------------------------------------------

def compare_app(name, args):
    app = APPS / name
    work = WORK / name
    requests, extra_env = parse_urls(app / "urls.txt")
    env = dict(os.environ, NEXT_TELEMETRY_DISABLED="1", **extra_env)
    env.pop("NODE_ENV", None)
    outcome = {"app": name, "urls": [], "problems": []}

    print(f"== {name}", file=sys.stderr)
    copy_sources(app, work, (".next", ".switchyard") if args.reuse_builds else ())
    if install(app, work, env) != 0:
        outcome["problems"].append(f"npm install failed:\n{tail(work / 'compare-npm.log')}")
        return outcome

    sides = {}
    builds = {
        "switchyard": [str(SWITCHYARD), "build", "."],
        "next": ["node_modules/.bin/next", "build"],
    }
    # A Switchyard build is reused only when the same binary made it (its SHA-256 is noted
    # beside the build): a build by an older binary would hide what the new one changed.
    sy_stamp = work / "compare-switchyard-build.binary"
    for side, command in builds.items():
        log = work / f"compare-{side}-build.log"
        if args.reuse_builds and build_id(side, work) and (
                side != "switchyard"
                or (sy_stamp.exists() and sy_stamp.read_text() == switchyard_digest())):
            continue
        if side == "switchyard":
            sy_stamp.unlink(missing_ok=True)
        print(f"   {side} build", file=sys.stderr)
        started = time.monotonic()
        code = run(command, work, env, log)
        took = time.monotonic() - started
        if code != 0:
            outcome["problems"].append(f"{side} build failed (exit {code}, {took:.0f} s):\n"
                                       f"{build_errors(log)}")
            outcome[f"{side}_failed"] = True
            sides[side] = None
        else:
            outcome.setdefault("build_s", {})[side] = took
            if side == "switchyard":
                sy_stamp.write_text(switchyard_digest())

    if sides.get("next", True) is None:
        outcome["problems"].append("next build failed: the app's URLs are not compared")
        return outcome

    processes = []
    try:
        servers = {
            "next": (["node_modules/.bin/next", "start", "-H", "localhost", "-p", "{port}"],
                     "localhost"),
            "switchyard": ([str(SWITCHYARD), "start", ".", "--port", "{port}",
                            "--hostname", "127.0.0.1"], "127.0.0.1"),
        }
        for side, (command, host) in servers.items():
            if sides.get(side, True) is None:
                continue
            port = free_port()
            log = open(work / f"compare-{side}-start.log", "w")
            process = subprocess.Popen([c.replace("{port}", str(port)) for c in command],
                                       cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            record_pid(process.pid)
            processes.append(process)
            if not wait_until_listening(host, port, process):
                outcome["problems"].append(
                    f"{side} start did not answer:\n{tail(work / f'compare-{side}-start.log')}")
                outcome[f"{side}_failed"] = True
                sides[side] = None
                continue
            sides[side] = Side(side, host, port, build_id(side, work))

        nx, sy = sides.get("next"), sides.get("switchyard")
        if nx is None:
            return outcome
        if any("{buildId}" in r["path"] for r in requests):
            for side in (nx, sy):
                if side and not side.build_id:
                    outcome["problems"].append(f"no build id found for {side.name}: "
                                               "its /_next/data/ requests are wrong")
        for index, request in enumerate(requests, 1):
            a = nx.send(request)
            b = sy.send(request) if sy else {"status": 0, "headers": [], "body": b"",
                                             "error": "switchyard did not build or start",
                                             "ms": 0}
            lines_a, css_a = summarise(nx, request, a)
            lines_b, css_b = summarise(sy, request, b) if sy else (
                [f"error: {b['error']}"], None)
            if css_a or css_b:
                lines_a.append(styled_classes(nx, css_a[0]) if css_a else "css: (no page)")
                lines_b.append(styled_classes(sy, css_b[0]) if css_b else "css: (no page)")
            label = f"{request['method']} {request['path']}"
            extras = [f"{k}: {v}" for k, v in request["headers"]]
            if request["jar"]:
                extras.append("+jar")
            if extras:
                label += " [" + "; ".join(extras) + "]"
            diff = list(difflib.unified_diff(lines_a, lines_b, "next", "switchyard",
                                             lineterm="", n=0))
            outcome["urls"].append({
                "label": label, "line": request["line"],
                "next": a["status"], "switchyard": b["status"],
                "same": lines_a == lines_b,
                "diff": [d for d in diff[2:] if not d.startswith("@@")],
                "ms": (a["ms"], b["ms"]),
            })
            if args.keep_responses:
                out = work / "compare-responses"
                out.mkdir(exist_ok=True)
                for side, lines in (("next", lines_a), ("switchyard", lines_b)):
                    (out / f"{index:03d}-{side}.txt").write_text(
                        label + "\n" + "\n".join(lines) + "\n")
                (out / f"{index:03d}-next.raw").write_bytes(a["body"])
                (out / f"{index:03d}-switchyard.raw").write_bytes(b["body"])
    finally:
        for process in processes:
            stop(process)
    return outcome


# --- report ----------------------------------------------------------------------------------

def report(outcomes, out):
    total = same = 0
    for o in outcomes:
        urls = o["urls"]
        n_same = sum(u["same"] for u in urls)
        total += len(urls)
        same += n_same
        builds = ", ".join(f"{k} build {v:.0f} s" for k, v in o.get("build_s", {}).items())
        out.write(f"\n## {o['app']}: {n_same} of {len(urls)} the same"
                  f"{f' ({builds})' if builds else ''}\n\n")
        for problem in o["problems"]:
            out.write("```\n" + problem + "\n```\n")
        if not urls:
            continue
        out.write("| # | request | next | switchyard | |\n|---|---|---:|---:|---|\n")
        for i, u in enumerate(urls, 1):
            label = u["label"].replace("|", "\\|")
            out.write(f"| {i} | `{label}` | {u['next']} | {u['switchyard'] or 'none'} | "
                      f"{'same' if u['same'] else '**differs**'} |\n")
        for i, u in enumerate(urls, 1):
            if u["same"]:
                continue
            if u["switchyard"] == 0 and o.get("switchyard_failed"):
                continue
            out.write(f"\n{i}. `{u['label']}`\n```diff\n")
            shown = u["diff"][:DIFF_LINES]
            for line in shown:
                out.write((line[:220] + " …" if len(line) > 220 else line) + "\n")
            if len(u["diff"]) > DIFF_LINES:
                out.write(f"… {len(u['diff']) - DIFF_LINES} more lines\n")
            out.write("```\n")
    out.write(f"\n**{same} of {total} URLs answered the same** "
              f"({len(outcomes)} apps, next start vs {SWITCHYARD.name}).\n")
    return same, total


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("apps", nargs="*", help="app folders under bench/apps (default: all)")
    parser.add_argument("--reuse-builds", action="store_true",
                        help="keep the .next of the last run when present, and its "
                             ".switchyard when the same Switchyard binary built it")
    parser.add_argument("--keep-responses", action="store_true",
                        help="write each side's normalised view and raw body to "
                             ".work/<app>/compare-responses/")
    parser.add_argument("--json", metavar="FILE", help="also write the outcome as JSON")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    names = args.apps or sorted(p.name for p in APPS.iterdir() if (p / "urls.txt").exists())
    if not SWITCHYARD.exists():
        raise SystemExit(f"no Switchyard binary at {SWITCHYARD}: build it or set SWITCHYARD_BIN")
    print(f"Switchyard: {SWITCHYARD}\nnode {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"work folder {WORK}")
    outcomes = []
    for name in names:
        outcomes.append(compare_app(name, args))
    same, total = report(outcomes, sys.stdout)
    if args.json:
        Path(args.json).write_text(json.dumps(outcomes, indent=1, default=str))
    failed = [o["app"] for o in outcomes if o["problems"]]
    if failed:
        print(f"\nsetup problems in: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
