//! End to end: the Node.js runtime holds up against hostile clients and a killed server.
//! Internal `x-switchyard-*` headers sent by a client change nothing, a client that leaves
//! mid-body is not blamed on the worker, and workers never outlive the server.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use support::{Server, http};

/// One worker, so that "the same worker still answers" is a pid comparison.
static SERVER: LazyLock<Server> = LazyLock::new(|| {
    let app = support::fixture("node-hardening-app");
    support::link_react(app.path());
    let output = support::build(app.path());
    assert!(output.status.success(), "{}", support::all_output(&output));
    let mut server = Server::start(
        app.path(),
        &["--node-workers", "1", "--response-timeout", "10"],
        &[("SWITCHYARD_LOG", "info,notify=warn,switchyard_server=debug")],
    );
    server.app = Some(app);
    server
});

/// Values that would each mean something to some header.
const VALUES: &[&str] = &[
    "page",
    "middleware",
    "bogus",
    "%7Bnot json",
    "{\"status\":404,\"data\":true}",
    "node/api/upload.js",
    "../../../../etc/passwd",
    "/api/upload",
    "http://evil.example/",
];

fn whoami(headers: &[(&str, &str)]) -> serde_json::Value {
    let response = http::request(SERVER.port, "GET", "/api/whoami?q=1", headers, None);
    assert_eq!(response.status, 200, "{headers:?}: {}", response.text());
    response.json()
}

fn assert_untouched(seen: &serde_json::Value, pid: &serde_json::Value, sent: &str) {
    assert_eq!(&seen["pid"], pid, "another worker answered after {sent}");
    assert_eq!(seen["query"], serde_json::json!({ "q": "1" }), "{sent}");
    assert_eq!(seen["internalHeaders"], serde_json::json!([]), "{sent}");
    assert_eq!(seen["rawInternalHeaders"], serde_json::json!([]), "{sent}");
}

#[test]
fn client_sent_internal_headers_change_nothing_on_an_api_route() {
    let pid = whoami(&[])["pid"].clone();
    for name in support::INTERNAL_HEADERS {
        for value in VALUES {
            let sent = format!("{name}: {value}");
            assert_untouched(&whoami(&[(name, value)]), &pid, &sent);
            for _ in 0..10 {
                assert_untouched(&whoami(&[]), &pid, &sent);
            }
        }
    }
    let all: Vec<(&str, &str)> = support::INTERNAL_HEADERS
        .iter()
        .map(|name| (*name, "page"))
        .collect();
    assert_untouched(&whoami(&all), &pid, "all of them at once");
    assert_untouched(&whoami(&[]), &pid, "all of them at once");
}

#[test]
fn client_sent_internal_headers_change_nothing_on_a_node_page() {
    let pid = whoami(&[])["pid"].clone();
    let expected = format!(
        r#"<main><p id="pid">{pid}</p><pre id="query">{{&quot;q&quot;:&quot;1&quot;}}</pre><pre id="internal">[]</pre></main>"#
    );
    let page = |headers: &[(&str, &str)]| {
        let response = http::request(SERVER.port, "GET", "/node-page?q=1", headers, None);
        let html = response.text();
        assert_eq!(response.status, 200, "{headers:?}: {html}");
        assert!(html.contains(&expected), "{headers:?}: {html}");
    };
    page(&[]);
    for name in support::INTERNAL_HEADERS {
        for value in [
            "api",
            "middleware",
            "bogus",
            "%7Bnot json",
            "{\"status\":404}",
        ] {
            page(&[(name, value)]);
            for _ in 0..10 {
                page(&[]);
            }
        }
    }
}

/// POSTs to `path` a head promising 100000 bytes and 10 of them, then `end`s the connection.
fn abandon_upload(path: &str, end: impl FnOnce(&mut TcpStream)) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", SERVER.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n\
         Content-Length: 100000\r\n\r\n0123456789"
    )
    .unwrap();
    stream.flush().unwrap();
    // Let the request reach the worker before the client leaves.
    std::thread::sleep(Duration::from_millis(150));
    end(&mut stream);
    stream
}

#[test]
fn a_client_leaving_mid_body_is_not_blamed_on_the_worker() {
    let pid = whoami(&[])["pid"].clone();
    // One route lets the worker read the body, the other reads the stream itself.
    for path in ["/api/upload", "/api/raw-upload"] {
        // Half-closed: the client still reads, and hears that its request was incomplete.
        let mut half = abandon_upload(path, |stream| stream.shutdown(Shutdown::Write).unwrap());
        let mut answer = String::new();
        let _ = half.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 400"), "{path}: {answer}");
        // Gone altogether.
        drop(abandon_upload(path, |_| {}));
        assert!(
            SERVER.wait_for_log(
                &format!("{path}: The client closed the connection before sending its whole body."),
                Duration::from_secs(5)
            ),
            "{}",
            SERVER.log()
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    let log = SERVER.log();
    assert!(!log.contains("exited before it responded"), "{log}");
    assert!(!log.contains("starting a new one"), "{log}");
    assert!(!log.contains("Error: aborted"), "{log}");
    // The same worker serves on, uploads included.
    assert_eq!(whoami(&[])["pid"], pid);
    for path in ["/api/upload", "/api/raw-upload"] {
        let response = http::request(
            SERVER.port,
            "POST",
            path,
            &[("content-type", "text/plain")],
            Some(b"0123456789"),
        );
        assert_eq!(response.json()["pid"], pid, "{path}");
        assert_eq!(response.json()["length"], 10, "{path}");
    }
}

/// `switchyard start` on `app`, not waiting for anything, in its own process group.
fn start_detached(app: &Path) -> Child {
    support::switchyard()
        .arg("start")
        .arg(app)
        .args(["--port", "0", "--node-workers", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("switchyard starts")
}

/// Node processes running the worker script with `app` as their working directory.
fn workers_of(app: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            // A zombie has no working directory any more, so it does not count.
            let cwd = std::fs::read_link(entry.path().join("cwd")).ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let runs_worker = String::from_utf8_lossy(&cmdline).contains("worker.js");
            (cwd == app && runs_worker).then_some(pid)
        })
        .collect()
}

fn kill(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

/// The workers of `app` left after `deadline`, killed so the test leaves nothing behind.
fn survivors(app: &Path, deadline: Instant) -> Vec<u32> {
    loop {
        let left = workers_of(app);
        if left.is_empty() || Instant::now() >= deadline {
            left.iter().copied().for_each(kill);
            return left;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn node_workers_die_with_a_killed_server() {
    let app = support::fixture("node-app");
    support::install_fixture_package(app.path());
    let output = support::build(app.path());
    assert!(output.status.success(), "{}", support::all_output(&output));
    let root: PathBuf = app.path().canonicalize().unwrap();
    let mut orphaned = Vec::new();
    let mut spawned_any = false;
    for delay in [0, 20, 50, 100, 200, 400] {
        let mut server = start_detached(&root);
        std::thread::sleep(Duration::from_millis(delay));
        spawned_any |= !workers_of(&root).is_empty();
        server.kill().unwrap();
        server.wait().unwrap();
        let left = survivors(&root, Instant::now() + Duration::from_secs(2));
        if !left.is_empty() {
            orphaned.push(format!("{delay} ms: {left:?}"));
        }
    }
    // Once ready, with workers answering.
    let mut server = start_detached(&root);
    let stdout = server.stdout.take().unwrap();
    let port = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            let rest = line.strip_prefix("▲ Ready on http://")?.to_owned();
            rest.rsplit(':').next()?.parse::<u16>().ok()
        })
        .expect("the server becomes ready");
    assert_eq!(
        http::request(port, "GET", "/api/hello", &[], None).status,
        200
    );
    assert!(
        !workers_of(&root).is_empty(),
        "no worker found by its working directory"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let left = survivors(&root, Instant::now() + Duration::from_secs(2));
    if !left.is_empty() {
        orphaned.push(format!("after ready: {left:?}"));
    }
    assert!(
        orphaned.is_empty(),
        "workers outlived their server: {orphaned:?}"
    );
    // Otherwise the early kills all landed before the race this test is about.
    assert!(
        spawned_any,
        "no early kill came after the workers were spawned"
    );
}
