//! The request as next.config's custom routes read it at one step of routing: the path (with
//! the default locale supplied under i18n), the parsed query, the headers and the host.

use std::borrow::Cow;

use http::request::Parts;
use switchyard_app::{CustomRoutes, Query, RequestFacts};

use crate::front::request_url::request_host;
use crate::options::ServerOptions;

/// The owned parts [`RequestFacts`] borrow.
pub struct RouteView<'h> {
    head: &'h Parts,
    path: Cow<'h, str>,
    query: Query,
    host: &'h str,
}

impl<'h> RouteView<'h> {
    /// The view of `head` for `routes`.
    pub fn new(routes: &CustomRoutes, head: &'h Parts, options: &'h ServerOptions) -> Self {
        let host = request_host(head, options);
        Self {
            head,
            path: routes.localized_path(head.uri.path(), Some(host)),
            query: Query::parse(head.uri.query().unwrap_or_default()),
            host,
        }
    }

    /// What the routes match against.
    pub fn facts(&self) -> RequestFacts<'_> {
        RequestFacts {
            path: &self.path,
            query: &self.query,
            headers: &self.head.headers,
            host: Some(self.host),
        }
    }
}
