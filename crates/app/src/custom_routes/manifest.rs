//! Custom routes as they are written in the build manifest: the routes after Next.js's
//! processing (basePath and locale prefixes added, internal redirects in front), without
//! compiled regular expressions, which are built again when the manifest is read.

use serde::{Deserialize, Serialize};

use super::routing::Routing;
use crate::RouteHas;

/// Everything [`CustomRoutes`](super::CustomRoutes) is built from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Manifest {
    /// The layout the routes were built for.
    pub routing: Routing,
    /// `headers()`.
    #[serde(default)]
    pub headers: Vec<HeaderData>,
    /// `redirects()`, after the internal ones.
    #[serde(default)]
    pub redirects: Vec<RedirectData>,
    /// `rewrites()`.
    #[serde(default)]
    pub rewrites: RewritesData,
}

/// The three phases of rewrites.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RewritesData {
    /// Checked before the filesystem.
    #[serde(default)]
    pub before_files: Vec<RewriteData>,
    /// Checked after the filesystem, before dynamic routes.
    #[serde(default)]
    pub after_files: Vec<RewriteData>,
    /// Checked after dynamic routes.
    #[serde(default)]
    pub fallback: Vec<RewriteData>,
}

/// One `headers()` route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HeaderData {
    /// The source, with basePath and locale prefixes.
    pub source: String,
    /// The headers to set, in order.
    pub headers: Vec<HeaderPair>,
    /// Conditions that must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub has: Vec<RouteHas>,
    /// Conditions that must not hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<RouteHas>,
}

/// One header of a `headers()` route; `:name` in either part is filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HeaderPair {
    /// The header name.
    pub key: String,
    /// The header value.
    pub value: String,
}

/// One redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RedirectData {
    /// The source, with basePath and locale prefixes.
    pub source: String,
    /// The destination, with basePath and locale prefixes.
    pub destination: String,
    /// 301, 302, 303, 307 or 308.
    pub status_code: u16,
    /// Conditions that must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub has: Vec<RouteHas>,
    /// Conditions that must not hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<RouteHas>,
    /// Added by Next.js (trailing slash): matched exactly, and without the default locale.
    #[serde(default, skip_serializing_if = "is_false")]
    pub internal: bool,
}

/// One rewrite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RewriteData {
    /// The source, with basePath and locale prefixes.
    pub source: String,
    /// The destination, with basePath and locale prefixes.
    pub destination: String,
    /// Conditions that must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub has: Vec<RouteHas>,
    /// Conditions that must not hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<RouteHas>,
}

fn is_false(flag: &bool) -> bool {
    !*flag
}
