//! End to end: Node.js API routes served by supervised `node` workers.

mod support;

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use support::{Server, http};

static SERVER: LazyLock<Server> = LazyLock::new(|| {
    let app = support::fixture("node-app");
    support::install_fixture_package(app.path());
    let output = support::build(app.path());
    assert!(output.status.success(), "{}", support::all_output(&output));
    let mut server = Server::start(
        app.path(),
        &["--node-workers", "2", "--response-timeout", "3"],
        &[("SWITCHYARD_FIXTURE_VAR", "from the server env")],
    );
    server.app = Some(app);
    server
});

#[test]
fn serves_a_typescript_node_route_with_a_relative_import() {
    let response = SERVER.get("/api/hello");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "hello from node");
}

#[test]
fn node_code_sees_node_and_none_of_our_internal_headers() {
    let body = SERVER.get("/api/runtime").json();
    assert_eq!(body["runtime"], "nodejs");
    assert!(body["version"].as_str().unwrap().starts_with('v'));
    assert_eq!(body["fromEnv"], "from the server env");
    assert_eq!(body["internalHeaders"], serde_json::json!([]));
}

#[test]
fn req_query_merges_params_over_the_query_string() {
    let body = SERVER.get("/api/query/abc?id=123&tag=a&tag=b").json();
    assert_eq!(body, serde_json::json!({ "id": "abc", "tag": ["a", "b"] }));
    let body = SERVER.get("/api/catch/a/b?x=1").json();
    assert_eq!(body, serde_json::json!({ "slug": ["a", "b"], "x": "1" }));
}

#[test]
fn req_cookies_are_parsed() {
    let response = http::request(
        SERVER.port,
        "GET",
        "/api/cookies",
        &[("cookie", "a=1; b=two%20words")],
        None,
    );
    assert_eq!(
        response.json(),
        serde_json::json!({ "a": "1", "b": "two words" })
    );
    assert_eq!(SERVER.get("/api/cookies").json(), serde_json::json!({}));
}

#[test]
fn req_body_is_parsed_by_content_type() {
    let post = |content_type: &str, body: &[u8]| {
        http::request(
            SERVER.port,
            "POST",
            "/api/body",
            &[("content-type", content_type)],
            Some(body),
        )
    };
    assert_eq!(
        post("application/json", br#"{"a":[1,2]}"#).json()["body"],
        serde_json::json!({ "a": [1, 2] })
    );
    assert_eq!(
        post("application/x-www-form-urlencoded", b"a=1&b=2&b=3").json()["body"],
        serde_json::json!({ "a": "1", "b": ["2", "3"] })
    );
    let text = post("text/plain", b"just text").json();
    assert_eq!(text["type"], "string");
    assert_eq!(text["body"], "just text");
    let invalid = post("application/json", b"{nope");
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.text(), "Invalid JSON");
}

#[test]
fn body_parser_false_leaves_the_stream_to_the_handler() {
    let response = http::request(
        SERVER.port,
        "POST",
        "/api/raw",
        &[("content-type", "application/json")],
        Some(b"{\"x\":1}"),
    );
    assert_eq!(
        response.json(),
        serde_json::json!({ "body": null, "length": 7 })
    );
}

#[test]
fn body_size_limits_give_413_with_nexts_message() {
    let response = http::request(
        SERVER.port,
        "POST",
        "/api/small-limit",
        &[("content-type", "text/plain")],
        Some(b"more than ten bytes"),
    );
    assert_eq!(response.status, 413);
    assert_eq!(response.text(), "Body exceeded 10b limit");
    let big = vec![b'x'; 1024 * 1024 + 10];
    let response = http::request(
        SERVER.port,
        "POST",
        "/api/body",
        &[("content-type", "text/plain")],
        Some(&big),
    );
    assert_eq!(response.status, 413);
    assert_eq!(response.text(), "Body exceeded 1mb limit");
}

#[test]
fn res_send_handles_text_objects_buffers_and_204() {
    let text = SERVER.get("/api/send");
    assert_eq!(text.text(), "text");
    assert!(text.header("etag").is_some());
    let object = SERVER.get("/api/send?kind=object");
    assert_eq!(
        object.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(object.json(), serde_json::json!({ "ok": true }));
    let buffer = SERVER.get("/api/send?kind=buffer");
    assert_eq!(
        buffer.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(buffer.text(), "bytes");
    let empty = SERVER.get("/api/send?kind=empty");
    assert_eq!(empty.status, 204);
    assert!(empty.body.is_empty());
    let etag = text.header("etag").unwrap().to_owned();
    let cached = http::request(
        SERVER.port,
        "GET",
        "/api/send",
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(cached.status, 304);
}

#[test]
fn res_redirect_defaults_to_307() {
    let response = SERVER.get("/api/redirect");
    assert_eq!(response.status, 307);
    assert_eq!(response.header("location"), Some("/api/hello"));
    assert_eq!(SERVER.get("/api/redirect?permanent=1").status, 308);
}

#[test]
fn res_write_streams_straight_through() {
    let (response, chunks) = http::get_timed_chunks(SERVER.port, "/api/stream");
    assert_eq!(response.text(), "first\nsecond\n");
    assert_eq!(chunks[0].1, b"first\n");
    let gap = chunks.last().unwrap().0 - chunks[0].0;
    assert!(
        gap >= Duration::from_millis(400),
        "the first chunk was held back: {chunks:?}"
    );
}

#[test]
fn node_builtins_and_installed_packages_work() {
    let hash = SERVER.get("/api/hash?text=abc").text();
    assert_eq!(
        hash,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(SERVER.get("/api/package").text(), "[x] from node_modules");
}

#[test]
fn a_throwing_handler_is_a_500_and_the_worker_keeps_serving() {
    let response = SERVER.get("/api/throws");
    assert_eq!(response.status, 500);
    assert_eq!(response.text(), "Internal Server Error");
    assert!(
        SERVER.wait_for_log("node boom", Duration::from_secs(5)),
        "{}",
        SERVER.log()
    );
    assert_eq!(SERVER.get("/api/hello").status, 200);
}

#[test]
fn a_worker_that_exits_is_replaced_and_only_its_request_fails() {
    let response = SERVER.get("/api/exit");
    assert_eq!(response.status, 502);
    assert!(
        response.text().contains("exited before it responded"),
        "{}",
        response.text()
    );
    // The other worker (and soon a replacement) keeps answering.
    for _ in 0..10 {
        assert_eq!(SERVER.get("/api/hello").status, 200);
    }
    assert!(
        SERVER.wait_for_log("exited with code 3", Duration::from_secs(5)),
        "{}",
        SERVER.log()
    );
}

#[test]
fn a_slow_route_does_not_block_others() {
    let port = SERVER.port;
    let slow = std::thread::spawn(move || http::request(port, "GET", "/api/slow", &[], None));
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    assert_eq!(SERVER.get("/api/hello").text(), "hello from node");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "blocked for {:?}",
        started.elapsed()
    );
    assert_eq!(slow.join().unwrap().text(), "slow done");
}

#[test]
fn a_handler_that_never_ends_gets_a_504() {
    assert_eq!(SERVER.get("/api/never").status, 504);
}

#[test]
fn big_responses_warn_like_next() {
    assert_eq!(SERVER.get("/api/big").body.len(), 5 * 1024 * 1024);
    assert!(
        SERVER.wait_for_log(
            "API Routes are meant to respond quickly",
            Duration::from_secs(5)
        ),
        "{}",
        SERVER.log()
    );
}
