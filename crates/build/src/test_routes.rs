//! Routes for tests, built the way the project model would describe them.

use switchyard_app::{Route, Runtime};

/// The route for `file` (relative to the app root, under `pages/`) on `runtime`.
///
/// Built through serde so fields the project model adds later take their defaults.
pub(crate) fn route(file: &str, runtime: Runtime) -> Route {
    let path = file
        .trim_start_matches("pages")
        .rsplit_once('.')
        .expect("a file name with an extension")
        .0;
    let page = match path.strip_suffix("/index") {
        Some("") => "/".to_string(),
        Some(parent) => parent.to_string(),
        None => path.to_string(),
    };
    let segments: Vec<serde_json::Value> = page
        .split('/')
        .filter(|part| !part.is_empty())
        .map(|part| {
            match part
                .strip_prefix('[')
                .and_then(|inner| inner.strip_suffix(']'))
            {
                Some(name) => serde_json::json!({ "type": "dynamic", "name": name }),
                None => serde_json::json!({ "type": "static", "name": part }),
            }
        })
        .collect();
    let kind = if page == "/api" || page.starts_with("/api/") {
        "api"
    } else {
        "page"
    };
    serde_json::from_value(serde_json::json!({
        "page": page,
        "file": file,
        "kind": kind,
        "runtime": runtime,
        "segments": segments,
    }))
    .expect("a valid route")
}

#[test]
fn routes_follow_the_file() {
    use switchyard_app::{RouteKind, Segment};
    let api = route("pages/api/[id].ts", Runtime::Edge);
    assert_eq!(api.page, "/api/[id]");
    assert_eq!(api.kind, RouteKind::Api);
    assert_eq!(
        api.segments,
        [
            Segment::Static("api".to_string()),
            Segment::Dynamic("id".to_string())
        ]
    );
    assert_eq!(route("pages/index.js", Runtime::Nodejs).page, "/");
    assert_eq!(
        route("pages/index.js", Runtime::Nodejs).kind,
        RouteKind::Page
    );
}
