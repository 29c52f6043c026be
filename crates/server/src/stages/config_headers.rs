//! Stage 1: next.config `headers()`. Every matching rule adds its headers to the response,
//! unless the response sets them itself.

use http::{HeaderName, HeaderValue};
use switchyard_app::CustomRoutes;

use crate::routed::AddedHeaders;
use crate::stages::route_view::RouteView;

/// Adds the headers of the rules `view` matches to `added`.
pub fn collect(routes: &CustomRoutes, view: &RouteView<'_>, added: &mut AddedHeaders) {
    let headers = match routes.headers_for(&view.facts()) {
        Ok(headers) => headers,
        Err(error) => {
            tracing::error!("A headers() rule of next.config could not be applied: {error}");
            return;
        }
    };
    for (name, value) in headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            (Ok(name), Ok(value)) => added.add_default(name, value),
            _ => tracing::error!(
                "The header {name:?}: {value:?} from next.config headers() is not a valid HTTP header; it was left out."
            ),
        }
    }
}
