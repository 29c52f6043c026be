//! Running the middleware on its runtime and reading its answer as an [`Outcome`].

use bytes::Bytes;
use http::request::Parts;
use http::{Response, StatusCode, Uri};
use switchyard_app::Runtime;
use switchyard_edge::EdgeError;
use switchyard_node::{NodeBody, NodeKind, NodeRequest};

use super::matcher::LoadedMiddleware;
use super::response::{self, Decision};
use crate::body::Body;
use crate::error_page;
use crate::front::request_url::{self, request_host};
use crate::options::ServerOptions;
use crate::response::text;
use crate::routed::{AddedHeaders, Outcome, Routed};
use crate::runtimes::edge::{edge_failure, edge_request, edge_response};
use crate::runtimes::node::{RuntimeFailed, node_response};
use crate::runtimes::params::absolute_url;
use crate::runtimes::route_body::{RouteBody, read_body};
use crate::state::AppState;

/// Runs the middleware for a request it matched and reads what its response asks for.
pub async fn run(
    state: &AppState,
    options: &ServerOptions,
    middleware: &LoadedMiddleware,
    routed: Routed,
    added: &mut AddedHeaders,
) -> Outcome {
    let Routed {
        mut head,
        body,
        hops,
        client_path,
    } = routed;
    // The route may read the body after the middleware did, so it is read once here.
    let body = match read_body(body, options.edge_body_limit, &head).await {
        Ok(body) => body,
        Err(response) => return Outcome::Respond(response),
    };
    let response = match call(state, options, middleware, &head, body.clone()).await {
        Ok(response) => response,
        Err(response) => return Outcome::Respond(response),
    };
    let (mut parts, middleware_body) = response.into_parts();
    let decision = response::decide(&parts.headers);
    if decision == Decision::Respond {
        response::strip_internal(&mut parts.headers);
        return Outcome::Respond(Response::from_parts(parts, middleware_body));
    }
    response::apply_to_request(&parts.headers, &mut head.headers);
    added.add_overrides(
        response::response_headers(&parts.headers)
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
    );
    let routed = Routed {
        head,
        body: RouteBody::Bytes(body),
        hops,
        client_path,
    };
    match decision {
        Decision::Rewrite(target) => rewrite(options, routed, &target),
        _ => Outcome::Continue(routed),
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
            let request = edge_request(index, head, body, &Vec::new(), options);
            match pool.dispatch(request).await {
                Ok(response) => Ok(edge_response(response)),
                Err(EdgeError::Failed { .. }) if !options.dev => {
                    Err(error_page::response(StatusCode::INTERNAL_SERVER_ERROR))
                }
                Err(error) => Err(edge_failure(error, options.dev)),
            }
        }
        Runtime::Nodejs => {
            let Some(pool) = &state.node else {
                return Err(missing(middleware));
            };
            let url = absolute_url(
                request_host(head, options),
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
            let response = node_response(pool, options, &middleware.page, request).await;
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

/// Where a rewrite to `target` goes: a path of this app when it has the request's origin,
/// else the origin itself.
fn rewrite(options: &ServerOptions, mut routed: Routed, target: &str) -> Outcome {
    let Ok(target_uri) = target.parse::<Uri>() else {
        tracing::error!("The middleware rewrote to {target:?}, which is not a URL.");
        return Outcome::Respond(text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
        ));
    };
    let host = request_host(&routed.head, options);
    let same_origin = target_uri
        .authority()
        .is_none_or(|authority| authority.as_str().eq_ignore_ascii_case(host));
    if !same_origin {
        return Outcome::Proxy {
            target: target_uri,
            routed,
        };
    }
    match request_url::canonical_target(&target_uri) {
        Ok(target) => {
            routed.head.uri = Uri::from(target);
            Outcome::Continue(routed)
        }
        Err(error) => {
            tracing::error!(
                "{}: the middleware rewrote to {target:?}: {error}",
                routed.head.uri
            );
            Outcome::Respond(text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
            ))
        }
    }
}
