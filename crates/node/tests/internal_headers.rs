//! The pool against a real `node`: a request's own `x-switchyard-*` headers never reach the
//! worker, whatever the server in front of the pool let through.

use std::time::Duration;

use http::Request;
use http_body_util::BodyExt;
use switchyard_node::{NodeBody, NodeKind, NodeOptions, NodePool, NodeRequest};

/// Every header the worker reads, plus one it does not know.
const INTERNAL: &[(&str, &str)] = &[
    ("x-switchyard-kind", "page"),
    ("x-switchyard-render", "%7Bnot json"),
    ("x-switchyard-bundle", "node/api/other.js"),
    ("x-switchyard-page", "/api/other"),
    ("x-switchyard-params", "%7Bbroken"),
    ("x-switchyard-url", "not a url"),
    ("x-switchyard-anything", "else"),
];

const INSPECT: &str = r#"
module.exports = (req, res) => {
  res.json({
    pid: process.pid,
    query: req.query,
    internal: req.rawHeaders.filter((entry) => /^x-switchyard/i.test(entry)),
  })
}
"#;

fn app() -> tempfile::TempDir {
    let app = tempfile::tempdir().expect("a temporary folder");
    let api = app.path().join(".switchyard/node/api");
    std::fs::create_dir_all(&api).unwrap();
    std::fs::write(api.join("inspect.js"), INSPECT).unwrap();
    std::fs::write(
        api.join("other.js"),
        "module.exports = (req, res) => res.send('other')",
    )
    .unwrap();
    app
}

async fn call(pool: &NodePool, headers: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let mut builder = Request::builder()
        .uri("/api/inspect?q=1")
        .header(http::header::HOST, "localhost");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let (head, ()) = builder.body(()).unwrap().into_parts();
    let request = NodeRequest {
        page: "/api/inspect".into(),
        bundle: "node/api/inspect.js".into(),
        params_json: r#"{"id":"7"}"#.into(),
        kind: NodeKind::Api,
        head,
        body: NodeBody::Bytes(bytes::Bytes::new()),
    };
    let response = tokio::time::timeout(Duration::from_secs(20), pool.dispatch(request))
        .await
        .expect("the worker answers in time")
        .expect("the worker answers");
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into()));
    (status, json)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_copies_of_internal_headers_are_dropped_before_the_worker_sees_them() {
    let app = app();
    let mut options = NodeOptions::new(app.path().into(), app.path().join(".switchyard"));
    options.workers = 1;
    let pool = NodePool::start(options).await.expect("node starts");
    let (status, first) = call(&pool, &[]).await;
    assert_eq!(status, 200, "{first}");
    for &(name, value) in INTERNAL {
        let (status, seen) = call(&pool, &[(name, value)]).await;
        assert_eq!(status, 200, "{name}: {seen}");
        assert_eq!(
            seen["query"],
            serde_json::json!({ "q": "1", "id": "7" }),
            "{name}"
        );
        assert_eq!(seen["internal"], serde_json::json!([]), "{name}");
        // Later requests are answered normally, by the same worker.
        for _ in 0..3 {
            let (status, seen) = call(&pool, &[]).await;
            assert_eq!(status, 200, "after {name}: {seen}");
            assert_eq!(seen["pid"], first["pid"], "after {name}");
        }
    }
    let all: Vec<_> = INTERNAL.to_vec();
    let (status, seen) = call(&pool, &all).await;
    assert_eq!(status, 200, "{seen}");
}
