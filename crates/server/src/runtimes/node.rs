//! The Node.js runtime adapter: a request for a route goes to the worker pool, its answer
//! (or the pool's failure) becomes the client's response.

use http::request::Parts;
use http::{Response, StatusCode};
use switchyard_node::{DispatchError, NodeBody, NodeKind, NodePool, NodeRequest};
use switchyard_protocol as protocol;

use crate::body::Body;
use crate::options::ServerOptions;
use crate::response::text;
use crate::runtimes::params::params_json;
use crate::runtimes::route_body::RouteBody;
use crate::state::AppState;
use switchyard_app::Params;

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
            if parts.headers.remove(protocol::FAILED).is_some() {
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

/// Marks a response (in its extensions) as a runtime's report that the app's code failed,
/// not an answer the app chose.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeFailed;
