//! End to end: the Edge runtime's limits. Runaway scripts must not stall other requests, and
//! no allocation pattern may take the server down or grow it without bound.

mod support;

use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::Server;

/// The tests measure latency and memory: one at a time, so they do not measure each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn timed_get(server: &Server, path: &str) -> (u16, Duration) {
    let start = Instant::now();
    let response = server.get(path);
    (response.status, start.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

/// `/proc/<pid>/status` field `name` (VmRSS, VmHWM) in MiB.
fn memory_mib(pid: u32, name: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}:")))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
        .map(|kib| kib / 1024)
        .unwrap_or_else(|| panic!("no {name} in {status}"))
}

fn alive(server: &Server) -> bool {
    std::path::Path::new(&format!("/proc/{}", server.pid())).exists()
        && server.get("/api/hello").status == 200
}

#[test]
fn runaway_scripts_do_not_stall_other_edge_requests() {
    let _serial = serial();
    let server = Server::fixture(
        "edge-limits-app",
        &["--edge-workers", "2", "--cpu-time-limit", "3"],
    );
    assert_eq!(server.get("/api/hello").status, 200);
    let port = server.port;
    let loops: Vec<_> = (0..4)
        .map(|_| {
            thread::spawn(move || {
                let start = Instant::now();
                let status = support::http::request(port, "GET", "/api/loop", &[], None).status;
                (status, start.elapsed())
            })
        })
        .collect();
    // Let all four loops reach the workers before measuring.
    thread::sleep(Duration::from_millis(200));
    let measuring = Instant::now();
    let mut latencies = Vec::new();
    for _ in 0..40 {
        let (status, took) = timed_get(&server, "/api/hello");
        assert_eq!(status, 200);
        latencies.push(took);
    }
    let measured_for = measuring.elapsed();
    let loops: Vec<(u16, Duration)> = loops.into_iter().map(|l| l.join().unwrap()).collect();
    latencies.sort();
    let (p50, p99) = (percentile(&latencies, 0.5), percentile(&latencies, 0.99));
    println!(
        "hello while 4 loops run on 2 workers: p50 {p50:?}, p99 {p99:?}, max {:?} \
         (40 requests in {measured_for:?}); loops: {loops:?}",
        latencies[latencies.len() - 1]
    );
    // The loops were still running while hello was measured, or the test measured nothing.
    assert!(
        loops.iter().all(|(_, took)| *took > measured_for),
        "{loops:?} vs {measured_for:?}"
    );
    for (status, took) in &loops {
        assert_eq!(*status, 500);
        assert!(*took < Duration::from_secs(30), "a loop took {took:?}");
    }
    assert!(p99 < Duration::from_secs(1), "p99 {p99:?}: {latencies:?}");
    assert!(
        p50 < Duration::from_millis(100),
        "p50 {p50:?}: {latencies:?}"
    );
    assert!(server.wait_for_log("starting an extra worker", Duration::from_secs(1)));
}

#[test]
fn a_free_worker_takes_a_request_that_arrives_beside_a_loop() {
    let _serial = serial();
    // No extra workers: only the shared queue can keep hello off the looping worker.
    let server = Server::fixture(
        "edge-limits-app",
        &[
            "--edge-workers",
            "2",
            "--edge-max-workers",
            "2",
            "--cpu-time-limit",
            "1",
        ],
    );
    assert_eq!(server.get("/api/hello").status, 200);
    let port = server.port;
    for round in 0..5 {
        let barrier = std::sync::Arc::new(Barrier::new(2));
        let gate = barrier.clone();
        let looping = thread::spawn(move || {
            gate.wait();
            support::http::request(port, "GET", "/api/loop", &[], None).status
        });
        barrier.wait();
        let (status, took) = timed_get(&server, "/api/hello");
        assert_eq!(status, 200);
        assert!(
            took < Duration::from_millis(500),
            "round {round}: hello waited {took:?} beside a loop"
        );
        assert_eq!(looping.join().unwrap(), 500);
    }
}

#[test]
fn memory_bombs_get_a_500_and_the_server_lives_on() {
    let _serial = serial();
    // One worker, so that every request meets the same context: with two, the leaking route
    // has a context (and a leak) on each, and which one answers next is up to the queue.
    let server = Server::fixture(
        "edge-limits-app",
        &[
            "--edge-workers",
            "1",
            "--edge-memory-limit",
            "64",
            "--cpu-time-limit",
            "20",
        ],
    );
    assert_eq!(server.get("/api/hello").status, 200);
    let pid = server.pid();
    let base = memory_mib(pid, "VmRSS");

    // A global array growing by 1 MiB per request: stopped near the limit, not at 1 GiB.
    let mut grown = None;
    for request in 1..=400 {
        let response = server.get("/api/grow");
        if response.status == 500 {
            grown = Some(request);
            break;
        }
        assert_eq!(response.status, 200, "{}", response.text());
    }
    let grown = grown.expect("the leaking route was never stopped");
    assert!((40..=160).contains(&grown), "stopped after {grown} MiB");
    assert!(server.wait_for_log(
        "/api/grow: the Edge context used more than 64 MB of memory (--edge-memory-limit); its \
         script was stopped and the context discarded.",
        Duration::from_secs(2)
    ));
    assert!(alive(&server));
    // Its context was discarded: the route starts over with an empty array.
    assert_eq!(server.get("/api/grow").text(), "1");

    // One request holding 2 GiB, a MiB at a time.
    let start = Instant::now();
    let response = server.get("/api/bomb");
    assert_eq!(response.status, 500, "{}", response.text());
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(server.wait_for_log(
        "/api/bomb: the Edge context used more than 64 MB of memory",
        Duration::from_secs(2)
    ));
    assert!(alive(&server));
    let after_bombs = memory_mib(pid, "VmRSS");

    // Single huge allocations: a RangeError the route catches (507 here) or a 500.
    for kind in ["string", "array", "buffer"] {
        let response = server.get(&format!("/api/huge?kind={kind}"));
        assert!(
            [500, 507].contains(&response.status),
            "{kind}: {} {}",
            response.status,
            response.text()
        );
        assert!(alive(&server), "{kind}");
    }
    let after_huge = memory_mib(pid, "VmRSS");
    // The discarded contexts' memory leaves the process once the allocator returns it.
    let settle = Instant::now();
    let mut end = after_huge;
    while end > base + 400 && settle.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(200));
        end = memory_mib(pid, "VmRSS");
    }
    let peak = memory_mib(pid, "VmHWM");
    println!(
        "RSS: {base} MiB at start, {after_bombs} MiB after the grow and bomb routes, \
         {after_huge} MiB right after the huge allocations, {end} MiB {:?} later (peak {peak} MiB)",
        settle.elapsed()
    );
    assert!(end < base + 400, "{base} -> {end} MiB");
    // Two workers' VMs at 64 MB each, plus what the allocator keeps: far from the 1 GiB+
    // an unlimited run reaches.
    assert!(after_bombs < base + 400, "{base} -> {after_bombs} MiB");
    assert!(alive(&server));
}

/// The routes of `/api/alloc` and the size each one tries to allocate at once, in MiB.
const HUGE_ALLOCATIONS: [(&str, u64); 15] = [
    ("repeat", 1024),
    ("padStart", 1024),
    ("padEnd", 1024),
    ("buffer", 2048),
    ("bufferTouched", 2048),
    ("uint8Fill", 2048),
    ("float64", 2048),
    ("arrayFill", 2048),
    ("resize", 2048),
    ("join", 1024),
    ("textEncoder", 1024),
    ("wasmMemory", 2048),
    ("structuredClone", 2048),
    ("typedArrayFrom", 2048),
    ("instanceConstructor", 2048),
];

#[test]
fn single_huge_allocations_are_refused_before_they_happen() {
    let _serial = serial();
    let server = Server::fixture(
        "edge-limits-app",
        &["--edge-workers", "2", "--edge-memory-limit", "128"],
    );
    assert_eq!(server.get("/api/hello").status, 200);
    let pid = server.pid();
    let listed = server.get("/api/alloc").text();
    let kinds: Vec<&str> = HUGE_ALLOCATIONS.iter().map(|(kind, _)| *kind).collect();
    assert_eq!(
        listed,
        kinds.join(","),
        "the fixture and the test list the same cases"
    );
    let start_peak = memory_mib(pid, "VmHWM");
    let mut peaks = Vec::new();
    for (kind, mib) in HUGE_ALLOCATIONS {
        let before = memory_mib(pid, "VmHWM");
        let response = server.get(&format!("/api/alloc?kind={kind}"));
        let after = memory_mib(pid, "VmHWM");
        peaks.push(format!("{kind} {before}->{after}"));
        assert_eq!(response.status, 500, "{kind}: {}", response.text());
        let logged = format!(
            "/api/alloc: RangeError: Out of memory: allocating {mib} MiB exceeds the Edge \
             runtime's memory limit of 128 MiB (--edge-memory-limit)."
        );
        assert!(
            server.wait_for_log(&logged, Duration::from_secs(2)),
            "{kind}: no {logged:?} in the log:\n{}",
            server.log()
        );
        // The allocation never happened: the peak resident size barely moved.
        assert!(
            after < before + 1024,
            "{kind}: peak {before} -> {after} MiB"
        );
        assert!(alive(&server), "{kind}");
    }
    let end_peak = memory_mib(pid, "VmHWM");
    println!(
        "VmHWM in MiB, before -> after each request: {}",
        peaks.join(", ")
    );
    assert!(
        end_peak < start_peak + 1024,
        "peak {start_peak} -> {end_peak} MiB over all cases"
    );
}
