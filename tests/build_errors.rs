//! `switchyard build` on bad apps: exit code 1 and messages naming the file, line and fix.

mod support;

use support::{all_output, build, fixture};

#[test]
fn invalid_runtime_values_fail_the_build_with_every_message() {
    let app = fixture("bad-runtime");
    let output = build(app.path());
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("Provided runtime \"deno\" is not supported. Please leave it empty or choose one of: edge, experimental-edge, nodejs"), "{text}");
    assert!(text.contains("pages/api/unknown.js:1"), "{text}");
    assert!(text.contains("The `runtime` config must be a string. Please leave it empty or choose one of: edge, experimental-edge, nodejs"), "{text}");
    assert!(text.contains("pages/api/number.js:2"), "{text}");
    assert!(text.contains("Unknown identifier \"runtime\""), "{text}");
    assert!(text.contains("pages/api/dynamic.js:2"), "{text}");
}

#[test]
fn reachable_eval_fails_the_build() {
    let app = fixture("eval-app");
    let output = build(app.path());
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime"), "{text}");
    assert!(text.contains("pages/api/evil.js"), "{text}");
}

#[test]
fn syntax_errors_name_the_file_line_and_column() {
    let app = fixture("syntax-error");
    let output = build(app.path());
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("pages/api/broken.js:4:"), "{text}");
}

#[test]
fn unresolvable_imports_fail_the_build() {
    let app = fixture("missing-import");
    let output = build(app.path());
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("not-a-real-package"), "{text}");
    assert!(text.contains("pages/api/missing.js"), "{text}");
}

#[test]
fn a_good_build_prints_the_route_table_and_warns_about_node_builtins() {
    let app = fixture("edge-app");
    let output = build(app.path());
    let text = all_output(&output);
    assert!(output.status.success(), "{text}");
    for row in ["/api/hello", "/api/edge/[id]", "/api/node", "Edge", "Node"] {
        assert!(text.contains(row), "missing {row}: {text}");
    }
    assert!(
        text.contains("A Node.js module is loaded ('fs' at line"),
        "{text}"
    );
    assert!(app.path().join(".switchyard/manifest.json").is_file());
}

#[test]
fn routes_prints_the_table_without_writing() {
    let app = fixture("edge-app");
    let output = support::switchyard()
        .arg("routes")
        .arg(app.path())
        .output()
        .unwrap();
    let text = all_output(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("/api/edge/foo"), "{text}");
    let foo = text.find("/api/edge/foo").unwrap();
    let dynamic = text.find("/api/edge/[id]").unwrap();
    assert!(foo < dynamic, "static before dynamic: {text}");
    assert!(!app.path().join(".switchyard").exists());
}

#[test]
fn middleware_and_proxy_together_fail_the_build() {
    let app = fixture("middleware-app");
    std::fs::copy(
        app.path().join("middleware.js"),
        app.path().join("proxy.js"),
    )
    .unwrap();
    let output = build(app.path());
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Both middleware file \"./middleware.js\" and proxy file \"./proxy.js\" are detected. Please use \"./proxy.js\" only."),
        "{text}"
    );
}

#[test]
fn nested_middleware_fails_the_build_with_nexts_message() {
    let app = fixture("middleware-app");
    std::fs::create_dir_all(app.path().join("pages/admin")).unwrap();
    std::fs::write(
        app.path().join("pages/admin/_middleware.js"),
        "export default function () {}\n",
    )
    .unwrap();
    let output = build(app.path());
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Nested Middleware is not allowed, found:"),
        "{text}"
    );
    assert!(text.contains("pages/admin/_middleware.js"), "{text}");
}

#[test]
fn non_literal_matchers_are_reported() {
    let app = fixture("middleware-app");
    let file = app.path().join("middleware.js");
    let source = std::fs::read_to_string(&file).unwrap();
    let source = source.replace(
        "export const config = {\n  matcher: ['/private/:path*', '/mw/:path*', '/api/:path*'],",
        "const paths = ['/mw/:path*'];\nexport const config = {\n  matcher: paths,",
    );
    std::fs::write(&file, source).unwrap();
    let output = build(app.path());
    let text = all_output(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("The `matcher` values need to be constants"),
        "{text}"
    );
    assert!(text.contains("middleware.js:"), "{text}");
}
