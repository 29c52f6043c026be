//! Stage 2: next.config `redirects()`, after the trailing-slash redirect Next puts first. The
//! first matching rule answers.

use http::{HeaderValue, Response, StatusCode, header};
use switchyard_app::CustomRoutes;

use crate::body::Body;
use crate::response::text;
use crate::stages::route_view::RouteView;

/// The redirect for `view`, if a rule matches.
pub fn check(routes: &CustomRoutes, view: &RouteView<'_>) -> Option<Response<Body>> {
    let redirect = match routes.redirect_for(&view.facts()) {
        Ok(redirect) => redirect?,
        Err(error) => {
            tracing::error!("A redirects() rule of next.config could not be applied: {error}");
            return Some(text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
            ));
        }
    };
    let Ok(location) = HeaderValue::from_bytes(redirect.location.as_bytes()) else {
        tracing::error!(
            "A redirects() rule of next.config gave the location {:?}, which is not a valid header value.",
            redirect.location
        );
        return Some(text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
        ));
    };
    // Next writes the location as the body too, and a Refresh header for 308 (old clients).
    let mut response = Response::new(Body::full(redirect.location.clone()));
    *response.status_mut() =
        StatusCode::from_u16(redirect.status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    if let Some(refresh) = redirect.refresh()
        && let Ok(refresh) = HeaderValue::from_bytes(refresh.as_bytes())
    {
        headers.insert(header::REFRESH, refresh);
    }
    Some(response)
}
