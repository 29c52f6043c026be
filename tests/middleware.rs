//! End to end: middleware on each runtime decides what happens to each matching request.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::LazyLock;
use std::time::Duration;

use support::{Server, http};

fn serve(runtime: &str) -> Server {
    let app = support::fixture("middleware-app");
    if runtime == "nodejs" {
        let file = app.path().join("middleware.js");
        let source = std::fs::read_to_string(&file).unwrap();
        let source = source.replace(
            "export const config = {",
            "export const config = {\n  runtime: 'nodejs',",
        );
        std::fs::write(&file, source).unwrap();
    }
    let output = support::build(app.path());
    assert!(output.status.success(), "{}", support::all_output(&output));
    let mut server = Server::start(app.path(), &[], &[]);
    server.app = Some(app);
    server
}

static EDGE: LazyLock<Server> = LazyLock::new(|| serve("edge"));
static NODE: LazyLock<Server> = LazyLock::new(|| serve("nodejs"));

fn each(check: impl Fn(&Server, &str)) {
    check(&EDGE, "edge");
    check(&NODE, "nodejs");
}

#[test]
fn redirects_when_the_session_cookie_is_missing() {
    each(|server, runtime| {
        let response = server.get("/private/page");
        assert_eq!(response.status, 307, "{runtime}");
        let location = response.header("location").unwrap();
        assert!(location.ends_with("/login"), "{runtime}: {location}");
        let with_session = http::request(
            server.port,
            "GET",
            "/private/page",
            &[("cookie", "session=1")],
            None,
        );
        assert_eq!(
            with_session.status, 404,
            "{runtime}: continues to the (missing) route"
        );
    });
}

#[test]
fn rewrites_serve_another_route_under_the_same_url() {
    each(|server, runtime| {
        let body = server.get("/mw/rewrite").json();
        assert_eq!(body["path"], "/api/echo", "{runtime}");
        let node = server.get("/mw/node-rewrite").json();
        assert_eq!(node["fromMiddleware"], "node route", "{runtime}");
        assert_eq!(node["url"], "/api/node-echo", "{runtime}");
    });
}

#[test]
fn a_data_request_rewritten_to_an_api_route_runs_the_route() {
    each(|server, runtime| {
        let build_id = support::build_id(server.app.as_ref().unwrap().path());
        let response = http::request(
            server.port,
            "GET",
            &format!("/_next/data/{build_id}/mw/node-rewrite.json"),
            &[("x-nextjs-data", "1")],
            None,
        );
        assert_eq!(response.status, 200, "{runtime}: {}", response.text());
        assert_eq!(response.json()["url"], "/api/node-echo", "{runtime}");
        assert_eq!(
            response.header("x-nextjs-rewrite"),
            Some("/api/node-echo"),
            "{runtime}: the client learns the page, not a data URL"
        );
    });
}

#[test]
fn request_headers_and_cookies_reach_the_route_and_response_headers_the_client() {
    each(|server, runtime| {
        let response = server.get("/mw/headers");
        assert_eq!(response.status, 200, "{runtime}: {}", response.text());
        let body = response.json();
        assert_eq!(body["fromMiddleware"], "yes", "{runtime}");
        assert_eq!(body["visited"], "true", "{runtime}");
        assert_eq!(
            response.header("x-mw-saw"),
            Some("/mw/headers"),
            "{runtime}"
        );
        let cookie = response.header("set-cookie").unwrap_or_default();
        assert!(
            cookie.starts_with("visited=true; Path=/"),
            "{runtime}: {cookie}"
        );
        assert!(cookie.contains("HttpOnly"), "{runtime}: {cookie}");
        assert!(
            !response
                .headers
                .iter()
                .any(|(name, _)| name.starts_with("x-middleware-") && name != "x-mw-saw"),
            "{runtime}: internal headers leaked: {:?}",
            response.headers
        );
    });
}

#[test]
fn middleware_can_answer_directly() {
    each(|server, runtime| {
        let body = server.get("/mw/answer").json();
        assert_eq!(body["answeredBy"], "middleware", "{runtime}");
        assert_eq!(body["runtime"], runtime);
    });
}

#[test]
fn next_continues_to_the_route_with_added_headers() {
    each(|server, runtime| {
        let response = server.get("/api/echo");
        assert_eq!(response.status, 200, "{runtime}");
        assert_eq!(response.header("x-mw-ran"), Some("1"), "{runtime}");
        assert_eq!(response.json()["fromMiddleware"], serde_json::Value::Null);
    });
}

#[test]
fn unmatched_requests_skip_the_middleware() {
    each(|server, runtime| {
        let response = server.get("/plain.txt");
        assert_eq!(response.text(), "plain file\n", "{runtime}");
        assert!(response.header("x-mw-ran").is_none(), "{runtime}");
    });
}

#[test]
fn a_throwing_middleware_is_a_500_and_logged() {
    each(|server, runtime| {
        let response = server.get("/mw/throw");
        assert_eq!(response.status, 500, "{runtime}");
        // Next's error page, as `next start` sends it, not a line of text.
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{runtime}"
        );
        let page = response.text();
        assert!(
            page.contains("<title>500: Internal Server Error</title>"),
            "{runtime}: {page}"
        );
        assert!(
            server.wait_for_log("middleware boom", Duration::from_secs(5)),
            "{runtime}: {}",
            server.log()
        );
    });
}

#[test]
fn wait_until_work_finishes_after_the_response() {
    each(|server, runtime| {
        let response = server.get("/mw/wait");
        assert_eq!(
            response.text(),
            "answered before waitUntil finished",
            "{runtime}"
        );
        assert!(
            server.wait_for_log(
                "waitUntil work finished after the response",
                Duration::from_secs(5)
            ),
            "{runtime}: {}",
            server.log()
        );
    });
}

/// A one-request HTTP origin on a free port, answering with what it was asked.
fn origin() -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0u8; 4096];
        let read = stream.read(&mut buffer).unwrap();
        let request = String::from_utf8_lossy(&buffer[..read]).into_owned();
        let first_line = request.lines().next().unwrap_or_default().to_owned();
        let body = format!("origin saw {first_line}");
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        request
    });
    (port, handle)
}

#[test]
fn rewrites_to_other_origins_are_proxied() {
    each(|server, runtime| {
        let (port, origin) = origin();
        let target = format!("http://127.0.0.1:{port}/upstream/path?x=1");
        let response = server.get(&format!(
            "/mw/external?target={}",
            target
                .replace(':', "%3A")
                .replace('/', "%2F")
                .replace('?', "%3F")
                .replace('=', "%3D")
        ));
        assert_eq!(response.status, 200, "{runtime}: {}", response.text());
        assert_eq!(
            response.text(),
            "origin saw GET /upstream/path?x=1 HTTP/1.1",
            "{runtime}"
        );
        let request = origin.join().unwrap();
        assert!(
            request
                .to_ascii_lowercase()
                .contains(&format!("host: 127.0.0.1:{port}")),
            "{runtime}: {request}"
        );
    });
}

#[test]
fn proxy_js_runs_on_node() {
    let app = support::fixture("middleware-app");
    let source = std::fs::read_to_string(app.path().join("middleware.js")).unwrap();
    std::fs::remove_file(app.path().join("middleware.js")).unwrap();
    std::fs::write(
        app.path().join("proxy.js"),
        source.replace("export function middleware(", "export function proxy("),
    )
    .unwrap();
    let output = support::build(app.path());
    let text = support::all_output(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("Proxy"), "{text}");
    let server = Server::start(app.path(), &[], &[]);
    assert_eq!(server.get("/mw/answer").json()["runtime"], "nodejs");
}
