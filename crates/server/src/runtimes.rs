//! The runtime adapters below the router: each takes a request for a route it was given and
//! only dispatches it (Edge pool, Node.js workers, files, another origin).

pub mod edge;
pub mod image;
pub mod node;
pub mod pages;
pub mod params;
pub mod proxy;
pub mod proxy_loop;
pub mod route_body;

use http::Response;
use switchyard_app::{RouteKind, Runtime};

use crate::body::Body;
use crate::options::ServerOptions;
use crate::routed::Routed;
use crate::stages::filesystem::{self, Target};
use crate::state::AppState;

/// Serves what the router resolved a request to.
pub async fn serve(
    state: &AppState,
    options: &ServerOptions,
    target: Target<'_>,
    routed: Routed,
) -> Response<Body> {
    let Routed {
        mut head,
        body,
        client_path,
        ..
    } = routed;
    match target {
        Target::Public(path) => {
            match state
                .public
                .respond(&head.method, &path, &head.headers)
                .await
            {
                Some(response) => response,
                None => pages::not_found(state, options, &head).await,
            }
        }
        Target::NextStatic(file) => {
            match state
                .next_static
                .respond(&head.method, &file, &head.headers)
                .await
            {
                Some(response) => response,
                None => crate::error_page::response(http::StatusCode::NOT_FOUND),
            }
        }
        Target::Image => image::serve(state, options, &head).await,
        Target::NotFoundPage => pages::not_found_page(state, options, &head).await,
        Target::Data(path) => {
            with_path(&mut head, &path);
            pages::data(state, options, &head, body).await
        }
        Target::Route {
            route,
            params,
            path,
        } => {
            // After a next.config rewrite the route sees the client's path with the
            // rewritten query, as under Next; its params come from the rewritten path.
            let shown = client_path.as_deref().unwrap_or(head.uri.path()).to_owned();
            let below = filesystem::strip_base_path(&state.base_path, &shown)
                .unwrap_or(&shown)
                .to_owned();
            serve_route(
                state,
                options,
                route,
                params,
                &path,
                (&shown, &below),
                head,
                body,
            )
            .await
        }
    }
}

/// A page or API route on its runtime; `shown` is the URL path the route sees, whole and
/// below the base path.
#[allow(clippy::too_many_arguments)]
async fn serve_route(
    state: &AppState,
    options: &ServerOptions,
    route: &switchyard_app::Route,
    params: switchyard_app::Params,
    path: &str,
    (shown, below): (&str, &str),
    mut head: http::request::Parts,
    body: route_body::RouteBody,
) -> Response<Body> {
    match (route.kind, route.runtime) {
        // An Edge function sees the whole URL, basePath included, as under Next.
        (RouteKind::Api, Runtime::Edge) => {
            with_path(&mut head, shown);
            edge::edge_route(
                state,
                options,
                &route.page,
                edge::EdgeCall::Api(&params),
                head,
                body,
            )
            .await
        }
        (RouteKind::Api, Runtime::Nodejs) => {
            with_path(&mut head, below);
            let kind = switchyard_node::NodeKind::Api;
            node::node_route(state, options, &route.page, kind, &params, head, body).await
        }
        (RouteKind::Page, _) => {
            with_path(&mut head, below);
            pages::page(state, options, route, params, path, head, body).await
        }
    }
}

/// Points `head` at `path`, keeping its query.
fn with_path(head: &mut http::request::Parts, path: &str) {
    if head.uri.path() == path {
        return;
    }
    let target = match head.uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    if let Ok(uri) = target.parse() {
        head.uri = uri;
    }
}
