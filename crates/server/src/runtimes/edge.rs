//! The Edge runtime adapter: a request for a route becomes an [`EdgeRequest`] for the pool,
//! its answer (or the pool's failure) the client's response.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response, StatusCode, header};
use switchyard_app::Params;
use switchyard_edge::{EdgeBody, EdgeError, EdgeRequest};
use switchyard_protocol as protocol;

use crate::body::Body;
use crate::front::request_url::request_host;
use crate::options::ServerOptions;
use crate::response::text;
use crate::runtimes::params::absolute_url;
use crate::runtimes::route_body::{RouteBody, read_body};
use crate::state::AppState;

/// How an Edge bundle is called.
pub enum EdgeCall<'p> {
    /// An API route: its params in the URL's query, as Next.js passes them.
    Api(&'p Params),
    /// A page: its params and what to render in [`protocol::RENDER`], the URL as the client sent it.
    Page { render: String },
}

/// Sends a request for the route `page` to the Edge runtime.
pub async fn edge_route(
    state: &AppState,
    options: &ServerOptions,
    page: &str,
    call: EdgeCall<'_>,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    let (Some(pool), Some(&index)) = (&state.edge, state.edge_routes.get(page)) else {
        tracing::error!("{page}: the build has no Edge bundle for this route.");
        return text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
    };
    let body = match read_body(body, options.edge_body_limit, &head).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let request = match &call {
        EdgeCall::Api(params) => edge_request(index, &head, body, params, options),
        EdgeCall::Page { render } => {
            let mut request = edge_request(index, &head, body, &Params::new(), options);
            request
                .headers
                .retain(|(name, _)| !name.starts_with(protocol::PREFIX));
            request
                .headers
                .push((protocol::RENDER.to_string(), render.clone()));
            request
        }
    };
    match pool.dispatch(request).await {
        Ok(response) => {
            let mut response = edge_response(response);
            if let EdgeCall::Api(_) = call {
                // NextResponse's cookie helpers mark cookies for middleware; a route's are final.
                response.headers_mut().remove("x-middleware-set-cookie");
            }
            response
        }
        Err(error) => edge_failure(error, options.dev),
    }
}

/// The request as the Edge runtime takes it: absolute URL, params merged into the query.
pub fn edge_request(
    index: usize,
    head: &Parts,
    body: Bytes,
    params: &Params,
    options: &ServerOptions,
) -> EdgeRequest {
    let url = absolute_url(
        request_host(head, options),
        head.uri.path(),
        head.uri.query(),
        params,
    );
    let headers = head
        .headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    // A GET or HEAD never has a body for the Request constructor, whatever its headers say.
    let may_have_body = !matches!(head.method, http::Method::GET | http::Method::HEAD);
    let has_body =
        may_have_body && (!body.is_empty() || head.headers.contains_key(header::CONTENT_LENGTH));
    EdgeRequest {
        route: index,
        method: head.method.as_str().to_owned(),
        url,
        headers,
        body: has_body.then_some(body),
    }
}

/// The Edge runtime's answer as an HTTP response.
pub fn edge_response(response: switchyard_edge::EdgeResponse) -> Response<Body> {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match response.body {
        EdgeBody::Empty => Body::Empty,
        EdgeBody::Full(bytes) => Body::full(bytes),
        EdgeBody::Stream(receiver) => Body::Channel(receiver),
    };
    let mut http_response = Response::new(body);
    *http_response.status_mut() = status;
    let headers = http_response.headers_mut();
    for (name, value) in response.headers {
        // Framing is ours to decide from the body, as Next's edge adapter does.
        if name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
        {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    http_response
}

/// The response for a request the Edge runtime could not answer.
pub fn edge_failure(error: EdgeError, dev: bool) -> Response<Body> {
    let (status, public) = match &error {
        EdgeError::Failed { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
        EdgeError::Timeout { .. } => (
            StatusCode::GATEWAY_TIMEOUT,
            "Gateway Timeout: the Edge function did not respond in time.",
        ),
        EdgeError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
    };
    // Details stay in the server log in production; dev shows them, as Next's overlay does.
    let body = match (&error, dev) {
        (EdgeError::Failed { detail, .. }, true) => format!("{public}\n\n{detail}\n"),
        _ => public.to_owned(),
    };
    text(status, body)
}
