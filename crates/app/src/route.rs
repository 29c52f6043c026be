//! Routes: a page path split into segments, and matching a URL path against them.

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
