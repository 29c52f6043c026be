//! One request through the pipeline: public files, the route table, then the route's runtime.

use std::sync::Arc;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body::Body as _;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use switchyard_app::{ParamValue, Params, Route, RouteKind, Runtime};
use switchyard_edge::{EdgeBody, EdgeError, EdgeRequest};
use switchyard_node::{DispatchError, NodeBody, NodeKind, NodePool, NodeRequest};

use crate::body::Body;
use crate::forwarded_headers::{self, ConnectionAddresses};
use crate::options::ServerOptions;
use crate::pages::{self, NEXT_STATIC_PREFIX};
use crate::state::AppState;
use crate::{internal_headers, request_url};

/// A request body on its way to a route: still streaming, or read already (middleware read it).
pub enum RouteBody {
    /// The client's body, not read yet.
    Stream(Incoming),
    /// Bytes read before (the route gets the same bytes the middleware saw).
    Bytes(Bytes),
}

/// Answers one request. Never fails: every problem becomes a status code and a log line.
pub async fn handle(
    state: Arc<AppState>,
    options: Arc<ServerOptions>,
    request: Request<Incoming>,
) -> Response<Body> {
    let (mut head, body) = request.into_parts();
    let hops = internal_headers::strip(&mut head.headers);
    if let Err(error) =
        request_url::canonicalize(&mut head.uri, &mut head.headers, &options.authority)
    {
        tracing::debug!("{error} It was answered with 400.");
        return text(StatusCode::BAD_REQUEST, format!("Bad Request: {error}\n"));
    }
    let addresses = head.extensions.get::<ConnectionAddresses>().copied();
    forwarded_headers::add(&mut head.headers, addresses.as_ref());
    if let Some(middleware) = &state.middleware
        && middleware.matches(head.uri.path(), head.uri.query(), &head.headers)
    {
        return crate::middleware_run::run(&state, &options, middleware, head, body, hops).await;
    }
    serve(&state, &options, head, RouteBody::Stream(body)).await
}

/// Public files, then the route table, then the route's runtime.
pub async fn serve(
    state: &AppState,
    options: &ServerOptions,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    let path = head.uri.path();
    if let Some(response) = state
        .public
        .respond(&head.method, path, &head.headers)
        .await
    {
        return response;
    }
    if let Some(file) = path.strip_prefix(NEXT_STATIC_PREFIX.trim_end_matches('/')) {
        return match state
            .next_static
            .respond(&head.method, file, &head.headers)
            .await
        {
            Some(response) => response,
            None => not_found(),
        };
    }
    if path.starts_with(pages::DATA_PREFIX) {
        return pages::data(state, options, &head, body).await;
    }
    let Some((route, params)) = state.routes.find(path) else {
        return pages::not_found(state, options, &head).await;
    };
    match (route.kind, route.runtime) {
        (RouteKind::Api, Runtime::Edge) => edge(state, options, route, params, head, body).await,
        (RouteKind::Api, Runtime::Nodejs) => node(state, options, route, params, head, body).await,
        (RouteKind::Page, _) => pages::page(state, options, route, params, head, body).await,
    }
}

async fn node(
    state: &AppState,
    options: &ServerOptions,
    route: &Route,
    params: Params,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    node_route(
        state,
        options,
        &route.page,
        NodeKind::Api,
        &params,
        head,
        body,
    )
    .await
}

/// Sends a request for the route `page` (an API route or page, as `kind` says) to the Node.js
/// workers.
pub async fn node_route(
    state: &AppState,
    options: &ServerOptions,
    page: &str,
    kind: NodeKind,
    params: &Params,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    let (Some(pool), Some(bundle)) = (&state.node, state.node_bundles.get(page)) else {
        tracing::error!("{page}: the build has no Node.js bundle for this route.");
        return text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
    };
    let body = match body {
        RouteBody::Stream(body) => NodeBody::Stream(body),
        RouteBody::Bytes(bytes) => NodeBody::Bytes(bytes),
    };
    let node_request = NodeRequest {
        page: page.to_owned(),
        bundle: bundle.clone(),
        params_json: params_json(params),
        kind,
        head,
        body,
    };
    node_response(pool, options, page, node_request).await
}

/// Sends a request to the Node.js workers and turns the outcome into the client's response.
pub async fn node_response(
    pool: &NodePool,
    options: &ServerOptions,
    page: &str,
    request: NodeRequest,
) -> Response<Body> {
    let seconds = options.response_timeout.as_secs();
    let dispatched = tokio::time::timeout(options.response_timeout, pool.dispatch(request));
    let error = match dispatched.await {
        Ok(Ok(response)) => {
            let (mut parts, body) = response.into_parts();
            for hop in ["connection", "keep-alive", "transfer-encoding"] {
                parts.headers.remove(hop);
            }
            if parts.headers.remove(FAILED_HEADER).is_some() {
                parts.extensions.insert(RuntimeFailed);
            }
            let source = page.to_owned();
            return Response::from_parts(parts, Body::Upstream { source, body });
        }
        Ok(Err(error)) => error,
        Err(_) => DispatchError::Timeout { seconds },
    };
    let status = match error {
        DispatchError::ClientGone => {
            // Nobody is left to read the answer, and nothing on the server went wrong.
            tracing::debug!("{page}: {error}");
            return text(StatusCode::BAD_REQUEST, "Bad Request\n");
        }
        DispatchError::WorkerLost => StatusCode::BAD_GATEWAY,
        DispatchError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        DispatchError::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
    };
    tracing::error!("{page}: {error}");
    text(status, format!("{error}\n"))
}

/// The header a Node.js worker puts on the 500 it sends for code that threw (see worker.js).
const FAILED_HEADER: &str = "x-switchyard-failed";

/// Marks a response (in its extensions) as a runtime's report that the app's code failed,
/// not an answer the app chose.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeFailed;

/// Reads a body whole, up to `limit` bytes and until the request's [`BodyDeadline`]; the
/// error is the response to send instead.
///
/// [`BodyDeadline`]: crate::body_deadline::BodyDeadline
pub async fn read_body(
    body: RouteBody,
    limit: usize,
    head: &Parts,
) -> Result<Bytes, Response<Body>> {
    let body = match body {
        RouteBody::Bytes(bytes) => return Ok(bytes),
        RouteBody::Stream(body) => body,
    };
    let declared = head
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(payload_too_large(limit));
    }
    // Most requests have no body; skip the collector's await for them.
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    let collected = crate::body_deadline::within(head, Limited::new(body, limit).collect()).await;
    let Some(collected) = collected else {
        return Err(crate::body_deadline::timed_out(head));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            Err(payload_too_large(limit))
        }
        Err(error) => {
            tracing::warn!(
                "{}: the request body could not be read: {error}",
                head.uri.path()
            );
            Err(text(StatusCode::BAD_REQUEST, "Bad Request"))
        }
    }
}

async fn edge(
    state: &AppState,
    options: &ServerOptions,
    route: &Route,
    params: Params,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    edge_route(
        state,
        options,
        &route.page,
        EdgeCall::Api(&params),
        head,
        body,
    )
    .await
}

/// The internal header telling a page's runtime what to render (JSON; see `pages.rs`).
pub const RENDER_HEADER: &str = "x-switchyard-render";

/// How an Edge bundle is called.
pub enum EdgeCall<'p> {
    /// An API route: its params in the URL's query, as Next.js passes them.
    Api(&'p Params),
    /// A page: its params and what to render in [`RENDER_HEADER`], the URL as the client sent it.
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
                .retain(|(name, _)| !name.starts_with("x-switchyard-"));
            request
                .headers
                .push((RENDER_HEADER.to_string(), render.clone()));
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

/// The request's Host (validated by `request_url` when the request came in), or the address
/// we listen on.
pub fn request_host<'a>(head: &'a Parts, options: &'a ServerOptions) -> &'a str {
    head.headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or(&options.authority)
}

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

/// `http://host/path?query`, with dynamic params appended to the query as Next.js does.
pub fn absolute_url(host: &str, path: &str, query: Option<&str>, params: &Params) -> String {
    let mut url = format!("http://{host}{path}");
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        match value {
            ParamValue::One(value) => {
                serializer.append_pair(name, value);
            }
            ParamValue::Many(values) => {
                for value in values {
                    serializer.append_pair(name, value);
                }
            }
        }
    }
    let extra = serializer.finish();
    match (query.filter(|query| !query.is_empty()), extra.is_empty()) {
        (Some(query), true) => {
            url.push('?');
            url.push_str(query);
        }
        (Some(query), false) => {
            url.push('?');
            url.push_str(query);
            url.push('&');
            url.push_str(&extra);
        }
        (None, false) => {
            url.push('?');
            url.push_str(&extra);
        }
        (None, true) => {}
    }
    url
}

/// The params as the JSON object the Node worker reads.
pub fn params_json(params: &Params) -> String {
    params_value(params).to_string()
}

/// The params as a JSON object: strings, and arrays of them for catch-alls.
pub fn params_value(params: &Params) -> serde_json::Value {
    let object: serde_json::Map<String, serde_json::Value> = params
        .iter()
        .map(|(name, value)| {
            let value = match value {
                ParamValue::One(value) => serde_json::Value::from(value.as_str()),
                ParamValue::Many(values) => serde_json::Value::from(values.clone()),
            };
            (name.clone(), value)
        })
        .collect();
    serde_json::Value::Object(object)
}

fn payload_too_large(limit: usize) -> Response<Body> {
    text(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("Body exceeded {} limit", human_limit(limit)),
    )
}

fn human_limit(bytes: usize) -> String {
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{}mb", bytes / (1024 * 1024))
    } else if bytes.is_multiple_of(1024) {
        format!("{}kb", bytes / 1024)
    } else {
        format!("{bytes}b")
    }
}

fn not_found() -> Response<Body> {
    crate::error_page::response(StatusCode::NOT_FOUND)
}

/// A plain-text response.
pub fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Body::full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_appended_to_the_query() {
        let params = vec![
            ("id".to_owned(), ParamValue::One("id 1".into())),
            (
                "slug".to_owned(),
                ParamValue::Many(vec!["a".into(), "b".into()]),
            ),
        ];
        assert_eq!(
            absolute_url("h:1", "/api/x", Some("a=b"), &params),
            "http://h:1/api/x?a=b&id=id+1&slug=a&slug=b"
        );
        assert_eq!(absolute_url("h", "/p", None, &vec![]), "http://h/p");
        assert_eq!(absolute_url("h", "/p", Some(""), &vec![]), "http://h/p");
    }

    #[test]
    fn params_become_a_json_object() {
        let params = vec![
            ("id".to_owned(), ParamValue::One("a\"b".into())),
            (
                "slug".to_owned(),
                ParamValue::Many(vec!["x".into(), "y".into()]),
            ),
        ];
        assert_eq!(params_json(&params), r#"{"id":"a\"b","slug":["x","y"]}"#);
        assert_eq!(params_json(&vec![]), "{}");
    }

    #[test]
    fn limits_read_like_next_config_values() {
        assert_eq!(human_limit(4 * 1024 * 1024), "4mb");
        assert_eq!(human_limit(512 * 1024), "512kb");
        assert_eq!(human_limit(1000), "1000b");
    }
}
