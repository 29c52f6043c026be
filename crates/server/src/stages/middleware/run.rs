//! Running the middleware on its runtime and acting on its answer.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderMap, Response, StatusCode, Uri, header};
use hyper::body::Incoming;
use switchyard_app::Runtime;
use switchyard_edge::EdgeError;
use switchyard_node::{NodeBody, NodeKind, NodeRequest};

use crate::body::Body;
use crate::middleware::{self, Decision, LoadedMiddleware};
use crate::options::ServerOptions;
use crate::service::{self, RouteBody, RuntimeFailed, text};
use crate::state::AppState;
use crate::{error_page, proxy_loop, request_url};

/// Runs the middleware for a request it matched, then does what its response says.
pub async fn run(
    state: &AppState,
    options: &ServerOptions,
    middleware: &LoadedMiddleware,
    mut head: Parts,
    body: Incoming,
    hops: u32,
) -> Response<Body> {
    // The route may read the body after the middleware did, so it is read once here.
    let body =
        match service::read_body(RouteBody::Stream(body), options.edge_body_limit, &head).await {
            Ok(body) => body,
            Err(response) => return response,
        };
    let response = match call(state, options, middleware, &head, body.clone()).await {
        Ok(response) => response,
        Err(response) => return response,
    };
    let (mut parts, middleware_body) = response.into_parts();
    match middleware::decide(&parts.headers) {
        Decision::Respond => {
            middleware::strip_internal(&mut parts.headers);
            Response::from_parts(parts, middleware_body)
        }
        Decision::Next => {
            middleware::apply_to_request(&parts.headers, &mut head.headers);
            let routed = service::serve(state, options, head, RouteBody::Bytes(body)).await;
            with_headers(routed, &parts.headers)
        }
        Decision::Rewrite(target) => {
            middleware::apply_to_request(&parts.headers, &mut head.headers);
            let routed = rewrite(state, options, head, body, &target, hops).await;
            with_headers(routed, &parts.headers)
        }
    }
}

/// Calls the middleware on its runtime; a failure is already the 500 to send.
async fn call(
    state: &AppState,
    options: &ServerOptions,
    middleware: &LoadedMiddleware,
    head: &Parts,
    body: Bytes,
) -> Result<Response<Body>, Response<Body>> {
    match middleware.runtime {
        Runtime::Edge => {
            let (Some(pool), Some(index)) = (&state.edge, middleware.edge_index) else {
                return Err(missing(middleware));
            };
            let request = service::edge_request(index, head, body, &Vec::new(), options);
            match pool.dispatch(request).await {
                Ok(response) => Ok(service::edge_response(response)),
                Err(EdgeError::Failed { .. }) if !options.dev => {
                    Err(error_page::response(StatusCode::INTERNAL_SERVER_ERROR))
                }
                Err(error) => Err(service::edge_failure(error, options.dev)),
            }
        }
        Runtime::Nodejs => {
            let Some(pool) = &state.node else {
                return Err(missing(middleware));
            };
            let url = service::absolute_url(
                service::request_host(head, options),
                head.uri.path(),
                head.uri.query(),
                &Vec::new(),
            );
            let request = NodeRequest {
                page: middleware.page.clone(),
                bundle: middleware.bundle.clone(),
                params_json: "{}".into(),
                kind: NodeKind::Middleware { url },
                head: head.clone(),
                body: NodeBody::Bytes(body),
            };
            let response = service::node_response(pool, options, &middleware.page, request).await;
            // The middleware threw: Next answers with its error page, whatever the runtime.
            if response.extensions().get::<RuntimeFailed>().is_some() {
                return Err(error_page::response(StatusCode::INTERNAL_SERVER_ERROR));
            }
            Ok(response)
        }
    }
}

fn missing(middleware: &LoadedMiddleware) -> Response<Body> {
    tracing::error!(
        "{}: the middleware's runtime is not running.",
        middleware.page
    );
    text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// Serves `target`: a route of this app when it has the request's origin, else the origin
/// itself through the proxy. `hops` counts the times this server already proxied the request
/// to itself; past [`proxy_loop::MAX_DEPTH`] the loop ends with 508.
async fn rewrite(
    state: &AppState,
    options: &ServerOptions,
    mut head: Parts,
    body: Bytes,
    target: &str,
    hops: u32,
) -> Response<Body> {
    let Ok(target_uri) = target.parse::<Uri>() else {
        tracing::error!("The middleware rewrote to {target:?}, which is not a URL.");
        return text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
    };
    let host = service::request_host(&head, options).to_owned();
    let same_origin = target_uri
        .authority()
        .is_none_or(|authority| authority.as_str().eq_ignore_ascii_case(&host));
    if same_origin {
        head.uri = match request_url::canonical_target(&target_uri) {
            Ok(target) => Uri::from(target),
            Err(error) => {
                tracing::error!(
                    "{}: the middleware rewrote to {target:?}: {error}",
                    head.uri
                );
                return text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
            }
        };
        return service::serve(state, options, head, RouteBody::Bytes(body)).await;
    }
    if hops >= proxy_loop::MAX_DEPTH {
        tracing::error!(
            "{}: the middleware rewrote to {target}, which came back to this server {hops} times; \
             the loop was stopped with 508. Rewrite to a path of this app instead of its URL under \
             another host name.",
            head.uri.path()
        );
        return text(StatusCode::LOOP_DETECTED, "Loop Detected\n");
    }
    proxy_loop::mark(&mut head.headers, hops);
    state.proxy.forward(target_uri, head, body).await
}

/// Adds the middleware response's headers to the route's response.
fn with_headers(mut response: Response<Body>, middleware: &HeaderMap) -> Response<Body> {
    let headers = response.headers_mut();
    for (name, value) in middleware::response_headers(middleware) {
        if name == header::SET_COOKIE {
            headers.append(name.clone(), value.clone());
        } else {
            headers.insert(name.clone(), value.clone());
        }
    }
    response
}
