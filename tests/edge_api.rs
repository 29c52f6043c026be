//! End to end: build the edge-app fixture, start the real binary, speak HTTP to it.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use support::{Server, http};

/// One server for the whole file: short limits so the timeout tests stay quick.
static SERVER: LazyLock<Server> = LazyLock::new(|| {
    let app = support::fixture("edge-app");
    let output = support::build(app.path());
    assert!(output.status.success(), "{}", support::all_output(&output));
    let mut server = Server::start(
        app.path(),
        &["--cpu-time-limit", "1", "--response-timeout", "3"],
        &[("SWITCHYARD_FIXTURE_VAR", "from the server env")],
    );
    server.app = Some(app);
    server
});

#[test]
fn serves_an_edge_hello() {
    let response = SERVER.get("/api/hello");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "hello");
    assert_eq!(
        response.header("content-type"),
        Some("text/plain;charset=UTF-8")
    );
}

#[test]
fn edge_code_sees_the_edge_runtime_and_the_environment() {
    let body = SERVER.get("/api/runtime").json();
    assert_eq!(body["runtime"], "edge");
    assert_eq!(body["edgeRuntime"], "string");
    assert_eq!(body["fromEnv"], "from the server env");
    assert_eq!(body["version"], "undefined");
}

#[test]
fn typescript_routes_and_top_level_runtime_exports_work() {
    let body = SERVER.get("/api/typed").json();
    assert_eq!(body, serde_json::json!({ "message": "typed", "count": 2 }));
}

#[test]
fn query_strings_reach_the_handler() {
    let body = SERVER.get("/api/query?a=1&b=two").json();
    assert_eq!(body["path"], "/api/query");
    assert_eq!(body["query"], serde_json::json!({ "a": "1", "b": "two" }));
}

#[test]
fn dynamic_params_are_merged_into_the_search_params() {
    let body = SERVER.get("/api/items/id-1?a=b").json();
    assert_eq!(body, serde_json::json!({ "a": "b", "id": "id-1" }));
    let body = SERVER.get("/api/docs/a/b/c").json();
    assert_eq!(body["slug"], serde_json::json!(["a", "b", "c"]));
    let body = SERVER.get("/api/opt").json();
    assert_eq!(body["slug"], serde_json::json!([]));
    let body = SERVER.get("/api/opt/x/y").json();
    assert_eq!(body["slug"], serde_json::json!(["x", "y"]));
}

#[test]
fn static_routes_win_over_dynamic_ones() {
    assert_eq!(SERVER.get("/api/edge/foo").text(), "static foo");
    assert_eq!(SERVER.get("/api/edge/bar").text(), "dynamic bar");
}

#[test]
fn request_bodies_are_readable() {
    let response = http::request(
        SERVER.port,
        "POST",
        "/api/echo",
        &[("content-type", "text/plain")],
        Some(b"hello, world."),
    );
    let body = response.json();
    assert_eq!(body["method"], "POST");
    assert_eq!(body["contentType"], "text/plain");
    assert_eq!(body["body"], "hello, world.");
}

#[test]
fn status_and_headers_pass_through() {
    let response = SERVER.get("/api/headers");
    assert_eq!(response.status, 201);
    assert_eq!(response.header("x-custom"), Some("yes"));
    assert_eq!(response.header("set-cookie"), Some("a=1"));
}

#[test]
fn head_requests_get_headers_without_a_body() {
    let response = http::request(SERVER.port, "HEAD", "/api/headers", &[], None);
    assert_eq!(response.status, 201);
    assert_eq!(response.header("x-method"), Some("HEAD"));
    assert!(response.body.is_empty());
}

#[test]
fn streamed_chunks_reach_the_client_before_the_stream_closes() {
    let (response, chunks) = http::get_timed_chunks(SERVER.port, "/api/stream");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "first\nsecond\n");
    assert!(
        chunks.len() >= 2,
        "expected separate chunks, got {chunks:?}"
    );
    assert_eq!(chunks[0].1, b"first\n");
    let gap = chunks.last().unwrap().0 - chunks[0].0;
    assert!(
        gap >= Duration::from_millis(400),
        "the first chunk was held back: {chunks:?}"
    );
}

#[test]
fn unknown_routes_are_404() {
    assert_eq!(SERVER.get("/api/nope").status, 404);
    let page = SERVER.get("/no/such/page");
    assert_eq!(page.status, 404);
    // An app of API routes alone still answers with Next's HTML 404 page.
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        page.text()
            .contains("<title>404: This page could not be found</title>"),
        "{}",
        page.text()
    );
}

#[test]
fn public_files_are_served_with_etags() {
    let response = SERVER.get("/hello.txt");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "hello from public\n");
    assert_eq!(response.header("content-type"), Some("text/plain"));
    let etag = response.header("etag").expect("an etag").to_owned();
    let cached = http::request(
        SERVER.port,
        "GET",
        "/hello.txt",
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(cached.status, 304);
}

#[test]
fn node_routes_beside_edge_routes_are_served_by_node() {
    let node = SERVER.get("/api/node");
    assert_eq!(node.status, 200);
    assert_eq!(node.text(), "node");
}

#[test]
fn a_throwing_handler_is_a_500_with_the_stack_in_the_log_only() {
    let response = SERVER.get("/api/throws");
    assert_eq!(response.status, 500);
    assert_eq!(response.text(), "Internal Server Error");
    assert!(
        SERVER.wait_for_log("boom from the handler", Duration::from_secs(5)),
        "{}",
        SERVER.log()
    );
    let response = SERVER.get("/api/rejects");
    assert_eq!(response.status, 500);
    assert!(
        SERVER.wait_for_log("async boom", Duration::from_secs(5)),
        "{}",
        SERVER.log()
    );
}

#[test]
fn returning_something_other_than_a_response_is_a_500() {
    let response = SERVER.get("/api/not-response");
    assert_eq!(response.status, 500);
    assert!(
        SERVER.wait_for_log(
            "Expected an instance of Response to be returned",
            Duration::from_secs(5)
        ),
        "{}",
        SERVER.log()
    );
}

#[test]
fn a_module_that_throws_while_loading_is_a_500_and_other_routes_keep_working() {
    assert_eq!(SERVER.get("/api/module-throws").status, 500);
    assert!(SERVER.wait_for_log("thrown while the module loads", Duration::from_secs(5)));
    assert_eq!(SERVER.get("/api/hello").text(), "hello");
}

#[test]
fn eval_and_function_constructors_throw_eval_errors_at_run_time() {
    let body = SERVER.get("/api/eval").json();
    for key in ["eval", "Function", "AsyncFunction"] {
        let outcome = body[key].as_str().unwrap();
        assert!(outcome.starts_with("EvalError"), "{key}: {outcome}");
    }
}

#[test]
fn touching_a_node_builtin_is_a_500_with_nexts_message() {
    assert_eq!(SERVER.get("/api/uses-fs").status, 500);
    assert!(
        SERVER.wait_for_log(
            "The edge runtime does not support Node.js 'fs' module.",
            Duration::from_secs(5)
        ),
        "{}",
        SERVER.log()
    );
}

#[test]
fn a_handler_that_never_resolves_gets_a_504_and_the_server_keeps_serving() {
    let response = SERVER.get("/api/never");
    assert_eq!(response.status, 504);
    assert_eq!(SERVER.get("/api/hello").text(), "hello");
}

#[test]
fn a_runaway_handler_is_terminated_by_the_cpu_limit_and_its_context_rebuilt() {
    let response = SERVER.get("/api/cpu");
    assert_eq!(response.status, 500);
    assert!(
        SERVER.wait_for_log("CPU time limit", Duration::from_secs(5)),
        "{}",
        SERVER.log()
    );
    assert_eq!(SERVER.get("/api/hello").text(), "hello");
    // The same route works again on a fresh context (and is terminated again).
    assert_eq!(SERVER.get("/api/cpu").status, 500);
}

#[test]
fn bodies_over_the_limit_are_413() {
    let big = vec![b'x'; 4 * 1024 * 1024 + 1];
    let response = http::request(SERVER.port, "POST", "/api/echo", &[], Some(&big));
    assert_eq!(response.status, 413);
    assert_eq!(response.text(), "Body exceeded 4mb limit");
}

#[test]
fn malformed_requests_and_huge_headers_are_refused_cleanly() {
    let response = http::send_raw(SERVER.port, b"NOT HTTP AT ALL\r\n\r\n", false);
    assert_eq!(response.status, 400);
    let huge = format!(
        "GET /api/hello HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let response = http::send_raw(SERVER.port, huge.as_bytes(), false);
    assert_eq!(response.status, 431);
    assert_eq!(SERVER.get("/api/hello").text(), "hello");
}

#[test]
fn requests_waiting_on_nothing_do_not_hold_back_others() {
    // Workers take new requests when their script is idle; handlers that never answer leave
    // them idle, so a request behind them is answered at once, not after their 504.
    let waiting: Vec<_> = (0..8)
        .map(|_| {
            let port = SERVER.port;
            std::thread::spawn(move || http::request(port, "GET", "/api/never", &[], None))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let response = SERVER.get("/api/hello");
    assert_eq!(response.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    for handle in waiting {
        assert_eq!(handle.join().unwrap().status, 504);
    }
}

#[test]
fn many_concurrent_requests_are_all_answered() {
    let handles: Vec<_> = (0..32)
        .map(|i| {
            let port = SERVER.port;
            std::thread::spawn(move || {
                http::request(port, "GET", &format!("/api/items/{i}"), &[], None)
            })
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let response = handle.join().unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.json()["id"], i.to_string());
    }
}
