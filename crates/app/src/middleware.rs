//! The middleware (or proxy) file: where it is, which runtime runs it, which requests it sees.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Runtime;

/// Which file convention the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MiddlewareKind {
    /// `middleware.{js,ts}`: Edge unless its config says `runtime: 'nodejs'`.
    Middleware,
    /// `proxy.{js,ts}` (Next.js 16): always Node.js.
    Proxy,
}

/// The app's middleware.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Middleware {
    /// The file, relative to the app root.
    pub file: PathBuf,
    /// Middleware or proxy.
    pub kind: MiddlewareKind,
    /// Where it runs.
    pub runtime: Runtime,
    /// Which requests it runs for; empty means every request.
    pub matchers: Vec<MiddlewareMatcher>,
    /// `config.unstable_allowDynamic`: globs of modules (relative to the app root, starting
    /// with `/`, e.g. `/lib/legacy.js` or `**/node_modules/function-bind/**`) whose dynamic code
    /// evaluation does not fail the Edge build.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_dynamic: Vec<String>,
}

impl Middleware {
    /// The page Next.js names the file by in its messages and manifests: `/middleware`,
    /// `/src/middleware`, `/proxy` or `/src/proxy`.
    pub fn page(&self) -> String {
        let in_src = self
            .file
            .parent()
            .is_some_and(|parent| parent == std::path::Path::new("src"));
        format!("{}/{}", if in_src { "/src" } else { "" }, self.kind.name())
    }
}

impl MiddlewareKind {
    /// The file convention's name: `middleware` or `proxy`.
    pub fn name(self) -> &'static str {
        match self {
            MiddlewareKind::Middleware => "middleware",
            MiddlewareKind::Proxy => "proxy",
        }
    }

    /// The name as Next.js capitalises it in messages: `Middleware` or `Proxy`.
    pub fn title(self) -> &'static str {
        match self {
            MiddlewareKind::Middleware => "Middleware",
            MiddlewareKind::Proxy => "Proxy",
        }
    }
}

/// One compiled entry of `config.matcher`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MiddlewareMatcher {
    /// The source as written (`/about/:path*`).
    pub original_source: String,
    /// An anchored regular expression over the pathname, in the syntax of the `fancy-regex`
    /// crate (lookaheads allowed), as Next.js's `getMiddlewareMatchers` builds it.
    pub regexp: String,
    /// Conditions that must all hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub has: Vec<RouteHas>,
    /// Conditions that must all fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<RouteHas>,
}

/// A `has`/`missing` condition on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum RouteHas {
    /// A header; `value` is a regular expression when given.
    Header {
        /// Header name.
        key: String,
        /// Pattern the value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// A cookie.
    Cookie {
        /// Cookie name.
        key: String,
        /// Pattern the value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// A query parameter.
    Query {
        /// Parameter name.
        key: String,
        /// Pattern the value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// The host (without port).
    Host {
        /// Pattern the host must match.
        value: String,
    },
}
