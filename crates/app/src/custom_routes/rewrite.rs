//! `rewrites()` applied to a request, one route at a time: after each rewrite the router
//! checks the filesystem (for `afterFiles` and `fallback`) before trying the next route with
//! the rewritten path and query.

use super::destination::{DestinationError, prepare};
use super::manifest::RewriteData;
use super::matcher::RouteMatcher;
use super::query::Query;
use super::request::RequestFacts;
use super::url_text::{UrlParts, format_url};

/// When a list of rewrites is tried (reference §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewritePhase {
    /// After headers, redirects and the middleware, before any file or page: matching
    /// routes apply one after another, then the filesystem is checked.
    BeforeFiles,
    /// After files and static pages, before dynamic routes: after each matching route the
    /// filesystem (and then dynamic routes) is checked.
    AfterFiles,
    /// After dynamic routes: like `AfterFiles`.
    Fallback,
}

/// Where a rewrite sends a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewrite {
    /// To another path of the app; routing goes on with this path and query.
    Internal {
        /// The new path (percent-encoded, with basePath and locale as the route wrote them).
        path: String,
        /// The request's query with the destination's query and (unless the destination
        /// uses them) the route's parameters set on it.
        query: Query,
    },
    /// To another origin, which the server proxies to; routing ends.
    External {
        /// The full URL, query included.
        url: String,
    },
}

/// A compiled rewrite.
#[derive(Debug, Clone)]
pub struct RewriteRule {
    pub(crate) data: RewriteData,
    pub(crate) phase: RewritePhase,
    pub(crate) matcher: RouteMatcher,
}

impl RewriteRule {
    /// The route's source, with basePath and locale prefixes.
    pub fn source(&self) -> &str {
        &self.data.source
    }

    /// The route's destination, with basePath and locale prefixes.
    pub fn destination(&self) -> &str {
        &self.data.destination
    }

    /// Whether the router checks the filesystem right after this route rewrites
    /// (Next.js's `check: true`, set for `afterFiles` and `fallback`).
    pub fn checks_filesystem(&self) -> bool {
        self.phase != RewritePhase::BeforeFiles
    }

    /// Where this route sends `facts`, or `None` when it does not match.
    pub fn apply(&self, facts: &RequestFacts<'_>) -> Result<Option<Rewrite>, DestinationError> {
        let Some(params) = self.matcher.params(facts) else {
            return Ok(None);
        };
        let prepared = prepare(&self.data.destination, &params, facts.query, true)?;
        if let Some(protocol) = prepared.protocol.as_deref() {
            let search = Query::from_map(prepared.query).to_query_string();
            let url = format_url(&UrlParts {
                protocol,
                slashes: prepared.slashes,
                hostname: &prepared.hostname,
                port: &prepared.port,
                pathname: &prepared.pathname,
                search: &search,
                hash: &prepared.hash,
            });
            return Ok(Some(Rewrite::External { url }));
        }
        let mut query = facts.query.clone();
        for (key, value) in prepared.query.iter() {
            query.insert(key, value.clone());
        }
        Ok(Some(Rewrite::Internal {
            path: prepared.pathname,
            query,
        }))
    }
}
