//! One line moves a route between the runtimes; and Node is needed only for Node routes.

mod support;

use support::{Server, all_output, build, fixture};

fn serve_where(app: &std::path::Path) -> serde_json::Value {
    let output = build(app);
    assert!(output.status.success(), "{}", all_output(&output));
    let server = Server::start(app, &[], &[]);
    server.get("/api/where").json()
}

#[test]
fn the_same_route_is_answered_by_each_runtime_in_turn() {
    let app = fixture("switch-app");
    let file = app.path().join("pages/api/where.js");
    let edge = serve_where(app.path());
    assert_eq!(edge["runtime"], "edge");
    assert_eq!(edge["url"], "/api/where");

    let source = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        source.replace("runtime: 'edge'", "runtime: 'nodejs'"),
    )
    .unwrap();
    let node = serve_where(app.path());
    assert_eq!(node["runtime"], "nodejs");
    assert_eq!(node["url"], "/api/where");

    std::fs::write(&file, source).unwrap();
    assert_eq!(serve_where(app.path())["runtime"], "edge");
}

#[test]
fn start_fails_at_once_when_node_is_missing_for_node_routes() {
    let app = fixture("node-app");
    support::install_fixture_package(app.path());
    let output = build(app.path());
    assert!(output.status.success(), "{}", all_output(&output));
    let output = support::switchyard()
        .args(["start", "--port", "0"])
        .arg(app.path())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let text = all_output(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("`node` was not found on PATH"), "{text}");
}

#[test]
fn an_edge_only_app_needs_no_node() {
    let app = fixture("switch-app");
    let output = build(app.path());
    assert!(output.status.success(), "{}", all_output(&output));
    let server = Server::start_with_path(app.path(), "/nonexistent");
    assert_eq!(server.get("/api/where").json()["runtime"], "edge");
}
