//! The router: one request through the stages, in Next.js's order, then to the runtime
//! adapter of what it resolved to.
//!
//! 1. next.config `headers()`   2. `redirects()` (with the trailing-slash redirect; a redirect
//!    goes out without the headers of 1, so 2 is tried first)
//! 3. middleware                4. `beforeFiles` rewrites
//! 5. files: `public/`, `/_next/static/`, `/_next/data/`, routes without dynamic segments
//! 6. `afterFiles` rewrites     7. dynamic routes      8. `fallback` rewrites
//!
//! A stage returns an [`Outcome`] and never calls back up; only this file knows the order.

use std::sync::Arc;

use http::{Request, Response};
use hyper::body::Incoming;
use switchyard_app::RewritePhase;

use crate::body::Body;
use crate::compression;
use crate::front;
use crate::options::ServerOptions;
use crate::routed::{AddedHeaders, Outcome, Routed};
use crate::runtimes;
use crate::stages::filesystem::{self, Target};
use crate::stages::rewrites::{self, Rewritten};
use crate::stages::route_view::RouteView;
use crate::stages::{config_headers, middleware, redirects};
use crate::state::AppState;

/// Answers one request. Never fails: every problem becomes a status code and a log line.
pub async fn handle(
    state: Arc<AppState>,
    options: Arc<ServerOptions>,
    request: Request<Incoming>,
) -> Response<Body> {
    let accepted = compression::accepted(request.method(), request.headers());
    let routed = match front::prepare(request, &options) {
        Ok(routed) => routed,
        Err(response) => return *response,
    };
    let mut added = AddedHeaders::default();
    let mut response = route(&state, &options, routed, &mut added).await;
    if !added.is_empty() {
        response = added.apply(response);
    }
    if state.compress {
        response = compression::compress(response, accepted);
    }
    response
}

async fn route(
    state: &AppState,
    options: &ServerOptions,
    mut routed: Routed,
    added: &mut AddedHeaders,
) -> Response<Body> {
    let routes = state.custom_routes.as_ref();
    if let Some(routes) = routes {
        let view = RouteView::new(routes, &routed.head, options);
        // A redirect goes out without the headers() of step 1, as Next sends it. The build's
        // own files are served before any redirect (Next never redirects `/_next/`).
        if !filesystem::is_build_file(&state.base_path, routed.head.uri.path())
            && let Some(response) = redirects::check(routes, &view)
        {
            return response;
        }
        config_headers::collect(routes, &view, added);
    }
    if let Some(middleware) = &state.middleware
        && middleware.matches(
            routed.head.uri.path(),
            routed.head.uri.query(),
            &routed.head.headers,
        )
    {
        match middleware::run(state, options, middleware, routed, added).await {
            Outcome::Continue(next) => routed = next,
            Outcome::Respond(response) => return response,
            Outcome::Proxy { target, routed } => {
                return runtimes::proxy::forward(state, options, target, routed).await;
            }
        }
    }
    let Some(routes) = routes else {
        let target = filesystem::find_file(state, &routed.head)
            .or_else(|| filesystem::find_dynamic(state, &routed.head));
        return serve(state, options, target, routed).await;
    };
    for rule in routes.rewrites(RewritePhase::BeforeFiles) {
        match rewrites::apply(routes, rule, &mut routed, options) {
            Rewritten::No | Rewritten::Internal => {}
            Rewritten::External(target) => {
                return runtimes::proxy::forward(state, options, target, routed).await;
            }
            Rewritten::Failed(response) => return response,
        }
    }
    if let Some(target) = filesystem::find_file(state, &routed.head) {
        return serve(state, options, Some(target), routed).await;
    }
    for phase in [RewritePhase::AfterFiles, RewritePhase::Fallback] {
        if phase == RewritePhase::Fallback
            && let Some(target) = filesystem::find_dynamic(state, &routed.head)
        {
            return serve(state, options, Some(target), routed).await;
        }
        for rule in routes.rewrites(phase) {
            match rewrites::apply(routes, rule, &mut routed, options) {
                Rewritten::No => {}
                Rewritten::Internal => {
                    let target = filesystem::find_file(state, &routed.head)
                        .or_else(|| filesystem::find_dynamic(state, &routed.head));
                    if target.is_some() {
                        return serve(state, options, target, routed).await;
                    }
                }
                Rewritten::External(target) => {
                    return runtimes::proxy::forward(state, options, target, routed).await;
                }
                Rewritten::Failed(response) => return response,
            }
        }
    }
    serve(state, options, None, routed).await
}

/// Hands the request to the adapter of what it resolved to; nothing is the 404 page.
async fn serve(
    state: &AppState,
    options: &ServerOptions,
    target: Option<Target<'_>>,
    routed: Routed,
) -> Response<Body> {
    match target {
        Some(target) => runtimes::serve(state, options, target, routed).await,
        None => runtimes::pages::not_found(state, options, &routed.head).await,
    }
}
