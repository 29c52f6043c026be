//! The internal protocol between the server and its runtimes (Edge scripts, Node.js workers).
//!
//! Every internal header starts with [`PREFIX`]; the server removes any a client sent before
//! anything reads the request, and the runtimes remove them before app code sees it. The
//! JavaScript side reads the same names from `js/protocol.json`; a test below keeps the two
//! in step.

use serde::{Deserialize, Serialize};

/// The prefix of every internal header.
pub const PREFIX: &str = "x-switchyard-";

/// To a Node.js worker: the route's page path (`/api/items/[id]`).
pub const PAGE: &str = "x-switchyard-page";
/// To a Node.js worker: the route's bundle, relative to the output directory.
pub const BUNDLE: &str = "x-switchyard-bundle";
/// To a Node.js worker: the route's params, `encodeURIComponent(JSON.stringify(params))`.
pub const PARAMS: &str = "x-switchyard-params";
/// To a Node.js worker: `api`, `middleware` or `page`.
pub const KIND: &str = "x-switchyard-kind";
/// To a Node.js worker running middleware: the request's absolute URL, percent-encoded.
pub const URL: &str = "x-switchyard-url";
/// To a page on either runtime: what to render, a [`Render`] as JSON.
pub const RENDER: &str = "x-switchyard-render";
/// From a page: its data function returned `notFound`; the server sends the 404 page.
pub const NOT_FOUND: &str = "x-switchyard-not-found";
/// From a Node.js worker: the 500 it sends is for app code that threw.
pub const FAILED: &str = "x-switchyard-failed";
/// On requests the server proxies: `<server id> <depth>`, to stop rewrite loops.
pub const HOP: &str = "x-switchyard-hop";

/// What a page's runtime is asked to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Render {
    /// A `/_next/data/` request: answer with the data function's JSON, not HTML.
    pub data: bool,
    /// The route's params (strings, arrays of strings for catch-alls).
    pub params: serde_json::Value,
    /// The status to render with (the 404 page), when not 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl Render {
    /// The header value.
    pub fn to_header(&self) -> String {
        serde_json::to_string(self).expect("a render instruction always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_javascript_side_reads_the_same_names() {
        let json: serde_json::Value =
            serde_json::from_str(include_str!("../../../js/protocol.json")).unwrap();
        assert_eq!(json["prefix"], PREFIX);
        let headers = json["headers"].as_object().unwrap();
        let rust = [
            ("page", PAGE),
            ("bundle", BUNDLE),
            ("params", PARAMS),
            ("kind", KIND),
            ("url", URL),
            ("render", RENDER),
            ("notFound", NOT_FOUND),
            ("failed", FAILED),
            ("hop", HOP),
        ];
        assert_eq!(headers.len(), rust.len(), "{headers:?}");
        for (key, name) in rust {
            assert_eq!(headers[key], name, "{key}");
            assert!(name.starts_with(PREFIX), "{name}");
        }
    }

    #[test]
    fn render_reads_as_the_runtimes_expect() {
        let render = Render {
            data: true,
            params: serde_json::json!({ "id": "1" }),
            status: None,
        };
        assert_eq!(render.to_header(), r#"{"data":true,"params":{"id":"1"}}"#);
        let with_status = Render {
            status: Some(404),
            ..render
        };
        assert!(with_status.to_header().ends_with(r#","status":404}"#));
    }
}
