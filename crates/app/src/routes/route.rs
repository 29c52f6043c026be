//! Routes: a page path split into segments, with what static analysis learned about its entry.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Runtime;

/// Whether a route is an API route or a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    /// `pages/api/**`.
    Api,
    /// Any other file under `pages/`.
    Page,
}

impl RouteKind {
    /// The kind of the page path `page`, as Next.js's `isAPIRoute` decides it.
    pub fn of(page: &str) -> RouteKind {
        if page == "/api" || page.starts_with("/api/") {
            RouteKind::Api
        } else {
            RouteKind::Page
        }
    }
}

/// One segment of a route's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "name", rename_all = "camelCase")]
pub enum Segment {
    /// `about`.
    Static(String),
    /// `[id]`.
    Dynamic(String),
    /// `[...slug]`.
    CatchAll(String),
    /// `[[...slug]]`.
    OptionalCatchAll(String),
}

/// A route of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The page path as Next.js names it: `/api/[id]`, `/`, `/blog/[...slug]`.
    pub page: String,
    /// The entry file, relative to the app root.
    pub file: PathBuf,
    /// API route or page.
    pub kind: RouteKind,
    /// The runtime it runs on.
    pub runtime: Runtime,
    /// The page path split into segments.
    pub segments: Vec<Segment>,
    /// What static analysis of the entry found.
    #[serde(default)]
    pub info: PageInfo,
}

/// What an entry exports, read by static analysis without running it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInfo {
    /// The entry exports `getServerSideProps`.
    #[serde(default)]
    pub get_server_side_props: bool,
    /// The entry exports `getStaticProps`.
    #[serde(default)]
    pub get_static_props: bool,
    /// The literal value of `export const config`, as JSON (`undefined` and functions left out),
    /// when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
}

/// A dynamic parameter's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// From `[id]`.
    One(String),
    /// From `[...slug]` or `[[...slug]]`.
    Many(Vec<String>),
}

/// Dynamic parameters of a matched route, in segment order.
pub type Params = Vec<(String, ParamValue)>;
