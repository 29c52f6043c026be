//! End to end: connections and requests that would hold the server's descriptors or tasks
//! forever are bounded — silent and dripping connections, trickling bodies, origins that
//! never answer, more connections than descriptors — and public files stay inside the app.

mod support;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use support::{Server, http};

/// The fixture, built once, with its links in `public/` made before any server lists them.
struct App {
    dir: tempfile::TempDir,
    /// Holds the file `public/outside.txt` links to.
    _outside: tempfile::TempDir,
}

static APP: LazyLock<App> = LazyLock::new(|| {
    let dir = support::fixture("connections-app");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.txt"),
        "a secret outside the app\n",
    )
    .unwrap();
    let public = dir.path().join("public");
    std::os::unix::fs::symlink("../data/inside-source.txt", public.join("inside.txt")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        public.join("outside.txt"),
    )
    .unwrap();
    let output = support::build(dir.path());
    assert!(output.status.success(), "{}", support::all_output(&output));
    App {
        dir,
        _outside: outside,
    }
});

/// Limits lowered so that each test takes seconds.
static SERVER: LazyLock<Server> = LazyLock::new(|| {
    Server::start(
        APP.dir.path(),
        &["--header-timeout", "1", "--response-timeout", "2"],
        &[],
    )
});

/// How long after `--header-timeout 1` a connection may take to be closed on a busy CI box.
const SLACK: Duration = Duration::from_secs(3);

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// Reads until the server closes the connection (end of stream or reset); how long it took.
fn wait_until_closed(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {}
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!(
                    "the server kept the connection open for {:?}",
                    started.elapsed()
                )
            }
            Err(_) => return started.elapsed(),
        }
    }
}

/// Writes `bytes` one at a time, `pause` apart, until done or the server closes.
fn drip(mut stream: TcpStream, bytes: Vec<u8>, pause: Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for byte in bytes {
            if stream.write_all(&[byte]).is_err() {
                return;
            }
            std::thread::sleep(pause);
        }
    })
}

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Descriptors the process `pid` holds.
fn descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

#[test]
fn connections_without_a_complete_request_are_closed_within_the_header_timeout() {
    let server = &*SERVER;
    let port = server.port;
    let mut checks: Vec<(&str, std::thread::JoinHandle<Duration>)> = Vec::new();

    let silent = (0..10).map(|_| connect(port)).collect::<Vec<_>>();
    for mut stream in silent {
        checks.push((
            "silent",
            std::thread::spawn(move || wait_until_closed(&mut stream)),
        ));
    }

    let mut dripping_preface = connect(port);
    let writer = drip(
        dripping_preface.try_clone().unwrap(),
        H2_PREFACE.to_vec(),
        Duration::from_millis(200),
    );
    checks.push((
        "dripping the HTTP/2 preface",
        std::thread::spawn(move || {
            let elapsed = wait_until_closed(&mut dripping_preface);
            let _ = writer.join();
            elapsed
        }),
    ));

    let mut dripping_head = connect(port);
    let mut head = b"GET /plain.txt HTTP/1.1\r\nhost: x\r\n".to_vec();
    head.extend(b"x-slow: 1\r\n".repeat(10));
    let writer = drip(
        dripping_head.try_clone().unwrap(),
        head,
        Duration::from_millis(100),
    );
    checks.push((
        "dripping an HTTP/1.1 head",
        std::thread::spawn(move || {
            let elapsed = wait_until_closed(&mut dripping_head);
            let _ = writer.join();
            elapsed
        }),
    ));

    // A complete HTTP/2 handshake (preface and empty SETTINGS), then no request at all.
    let mut idle_h2 = connect(port);
    idle_h2.write_all(H2_PREFACE).unwrap();
    idle_h2.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap();
    checks.push((
        "HTTP/2 without a request",
        std::thread::spawn(move || wait_until_closed(&mut idle_h2)),
    ));

    // A kept-alive connection is closed when its next request does not come.
    let mut kept_alive = connect(port);
    kept_alive
        .write_all(b"GET /plain.txt HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    checks.push((
        "HTTP/1.1 kept alive after a response",
        std::thread::spawn(move || {
            let mut reader = BufReader::new(kept_alive.try_clone().unwrap());
            let mut status = String::new();
            reader.read_line(&mut status).unwrap();
            assert!(status.starts_with("HTTP/1.1 200"), "{status}");
            let started = Instant::now();
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
            started.elapsed()
        }),
    ));

    for (kind, check) in checks {
        let elapsed = check.join().unwrap();
        assert!(
            elapsed < Duration::from_secs(1) + SLACK,
            "{kind}: closed only after {elapsed:?}"
        );
    }
    assert!(
        server.wait_for_log("limit set by --header-timeout", Duration::from_secs(5)),
        "{}",
        server.log()
    );
    assert_eq!(server.get("/plain.txt").status, 200);
}

#[test]
fn a_trickling_body_to_an_edge_route_ends_with_408_within_the_response_timeout() {
    let server = &*SERVER;
    let mut stream = connect(server.port);
    stream
        .write_all(b"POST /api/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let writer = drip(
        stream.try_clone().unwrap(),
        vec![b'a'; 100],
        Duration::from_millis(500),
    );
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let elapsed = started.elapsed();
    assert!(status.starts_with("HTTP/1.1 408"), "{status}");
    assert!(
        elapsed < Duration::from_secs(2) + SLACK,
        "answered after {elapsed:?}"
    );
    drop(reader);
    let _ = writer.join();
    assert!(
        server.wait_for_log(
            "/api/echo: the request body did not arrive within 2 s, the limit set by --response-timeout",
            Duration::from_secs(5)
        ),
        "{}",
        server.log()
    );

    // A body that arrives in time still reaches the route.
    let response = http::request(server.port, "POST", "/api/echo", &[], Some(b"hello"));
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["received"], 5);
}

#[test]
fn a_rewrite_to_an_origin_that_never_answers_ends_with_504() {
    let server = &*SERVER;
    let origin = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin_port = origin.local_addr().unwrap().port();
    // Accepts and holds every connection without a word.
    let held = Arc::new(Mutex::new(Vec::new()));
    let holder = held.clone();
    std::thread::spawn(move || {
        for stream in origin.incoming().flatten() {
            holder.lock().unwrap().push(stream);
        }
    });
    let started = Instant::now();
    let port = origin_port.to_string();
    let response = http::request(
        server.port,
        "GET",
        "/proxy",
        &[("x-upstream-port", &port)],
        None,
    );
    let elapsed = started.elapsed();
    assert_eq!(response.status, 504, "{}", response.text());
    assert!(
        elapsed < Duration::from_secs(2) + SLACK,
        "answered after {elapsed:?}"
    );
    assert!(
        !held.lock().unwrap().is_empty(),
        "the origin saw no connection"
    );
    assert!(
        server.wait_for_log(
            &format!("The rewrite to http://127.0.0.1:{origin_port}/x got no response within 2 s"),
            Duration::from_secs(5)
        ),
        "{}",
        server.log()
    );
}

#[test]
fn public_links_are_served_only_when_they_stay_inside_the_app() {
    let server = &*SERVER;
    let inside = server.get("/inside.txt");
    assert_eq!(inside.status, 200);
    assert_eq!(inside.text(), "a file inside the app, outside public/\n");
    assert_eq!(inside.header("content-type"), Some("text/plain"));
    let outside = server.get("/outside.txt");
    assert_eq!(outside.status, 404);
    assert!(!outside.text().contains("secret"), "{}", outside.text());
    assert!(
        server.log().contains("outside.txt is a symbolic link to"),
        "{}",
        server.log()
    );
}

#[test]
fn connections_over_the_limit_get_503_until_the_silent_ones_are_reaped() {
    // No request before the flood: a connection still closing would hold one of the 20 places.
    let server = Server::start(
        APP.dir.path(),
        &["--max-connections", "20", "--header-timeout", "3"],
        &[],
    );
    let mut streams = (0..40).map(|_| connect(server.port)).collect::<Vec<_>>();

    // The limit is reached: a new client is told so at once, not left waiting.
    let started = Instant::now();
    let refused = server.get("/plain.txt");
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert_eq!(refused.header("connection"), Some("close"));
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert!(started.elapsed() < Duration::from_secs(1));

    let (mut answered_503, mut closed_silently) = (0, 0);
    for stream in &mut streams {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        if answer.starts_with(b"HTTP/1.1 503 Service Unavailable\r\n") {
            answered_503 += 1;
        } else {
            assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
            closed_silently += 1;
        }
    }
    assert_eq!((answered_503, closed_silently), (20, 20));
    assert_eq!(server.get("/plain.txt").status, 200);
    let log = server.log();
    assert!(log.contains("the limit set by --max-connections"), "{log}");
    assert!(!log.contains("Could not accept"), "{log}");
}

/// `switchyard start` with its open-file limit (soft and hard) set to `nofile`.
struct LimitedServer {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl LimitedServer {
    fn start(dir: &Path, nofile: u32, args: &[&str]) -> Self {
        let mut child = Command::new("prlimit")
            .arg(format!("--nofile={nofile}:{nofile}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_switchyard"))
            .arg("start")
            .arg(dir)
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("prlimit (util-linux) runs");
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while stdout.read_line(&mut line).unwrap_or(0) > 0 && !line.contains("Ready on") {
            line.clear();
        }
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("the server did not start: {}", log.lock().unwrap()));
        std::thread::spawn(move || for _ in stdout.lines() {});
        Self { child, port, log }
    }
}

impl Drop for LimitedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn silent_connections_never_use_up_the_open_file_limit() {
    // Without --max-connections, the limit comes from the 256 descriptors: (256 - 128) / 2.
    let server = LimitedServer::start(APP.dir.path(), 256, &["--header-timeout", "2"]);
    let pid = server.child.id();
    assert_eq!(
        http::request(server.port, "GET", "/plain.txt", &[], None).status,
        200
    );
    let before = descriptors(pid);

    let mut streams = (0..300).map(|_| connect(server.port)).collect::<Vec<_>>();
    std::thread::sleep(Duration::from_millis(500));
    let during = descriptors(pid);
    let answer = http::request(server.port, "GET", "/plain.txt", &[], None);
    assert_eq!(answer.status, 503, "{}", answer.text());

    for stream in &mut streams {
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
    }
    drop(streams);
    std::thread::sleep(Duration::from_millis(200));
    let after = descriptors(pid);
    eprintln!(
        "descriptors held by the server: {before} before, {during} with 300 silent connections, {after} after they were closed"
    );
    assert!(during <= before + 64 + 32, "{during} descriptors held");
    assert!(
        after <= before + 2,
        "{after} descriptors held after, {before} before"
    );
    assert_eq!(
        http::request(server.port, "GET", "/plain.txt", &[], None).status,
        200
    );
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("the limit set by --max-connections"), "{log}");
    assert!(!log.contains("Could not accept"), "{log}");
}
