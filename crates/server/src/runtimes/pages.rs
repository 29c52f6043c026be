//! Pages: HTML the build rendered, pages rendered per request by their runtime, the data URLs
//! of client-side navigation (`/_next/data/<buildId>/<page>.json`) and the 404 page.
//!
//! A page's runtime is asked what to render with the internal header [`protocol::RENDER`]; a
//! page whose getServerSideProps returned `notFound` answers with [`protocol::NOT_FOUND`],
//! and the server sends the 404 page instead.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode, Uri, header};
use serde_json::json;
use switchyard_app::{Params, Route, Runtime};
use switchyard_node::NodeKind;
use switchyard_protocol as protocol;

use crate::body::Body;
use crate::options::ServerOptions;
use crate::response::text;
use crate::runtimes::edge::{EdgeCall, edge_route};
use crate::runtimes::node::node_route;
use crate::runtimes::params::params_value;
use crate::runtimes::route_body::RouteBody;
use crate::state::{AppState, NotFoundPage, Prerendered};

/// Where the build's browser files are served.
pub const NEXT_STATIC_PREFIX: &str = "/_next/static/";

/// Where client-side navigation fetches a page's data.
pub const DATA_PREFIX: &str = "/_next/data/";
const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// What a page's runtime is asked to render.
struct Render<'p> {
    page: &'p str,
    runtime: Runtime,
    params: &'p Params,
    data: bool,
    status: Option<u16>,
}

impl Render<'_> {
    fn header(&self) -> String {
        protocol::Render {
            data: self.data,
            params: params_value(self.params),
            status: self.status,
        }
        .to_header()
    }
}

/// The page `route` for the request `head`; `path` is the URL path that resolved to it
/// (below the base path), which says which prerendered path to send.
pub async fn page(
    state: &AppState,
    options: &ServerOptions,
    route: &Route,
    params: Params,
    path: &str,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    let status = (route.page == "/404").then_some(404);
    match built(state, &route.page, path) {
        Built::Page(Prerendered::Html {
            html,
            cache_control,
            ..
        }) => {
            // `/404` asked for by name is sent as it is, without the no-store of unknown URLs.
            let status = status.map_or(StatusCode::OK, |_| StatusCode::NOT_FOUND);
            return with_cache_control(html_response(status, html), cache_control);
        }
        Built::Page(Prerendered::Redirect {
            destination,
            status,
        }) => return redirect(*status, destination),
        Built::Page(_) | Built::Unlisted => return not_found(state, options, &head).await,
        Built::Render => {}
    }
    let render = Render {
        page: &route.page,
        runtime: route.runtime,
        params: &params,
        data: false,
        status,
    };
    let response = rendered(state, options, render, head, body).await;
    // A page rendered per request is never cached, unless it says otherwise.
    if route.info.get_server_side_props {
        return no_store(response);
    }
    response
}

/// `/_next/data/<buildId>/<path>.json` → the build id and the page's path.
fn data_target(path: &str) -> Option<(&str, String)> {
    let rest = path.strip_prefix(DATA_PREFIX)?;
    let (build_id, page_path) = rest.split_once('/')?;
    let page_path = match page_path.strip_suffix(".json")? {
        "index" => "/".to_string(),
        path => format!("/{path}"),
    };
    Some((build_id, page_path))
}

/// A data request (a path under [`DATA_PREFIX`]): the JSON of the page's data function,
/// with `x-nextjs-matched-path` naming a dynamic page, as Next sends it.
pub async fn data(
    state: &AppState,
    options: &ServerOptions,
    head: &Parts,
    body: RouteBody,
) -> Response<Body> {
    let mut response = data_answer(state, options, head, body).await;
    let matched = data_target(head.uri.path())
        .filter(|(build_id, _)| *build_id == state.build_id)
        .and_then(|(_, page_path)| state.routes.find(&page_path))
        .filter(|(route, _)| {
            let dynamic = route
                .segments
                .iter()
                .any(|segment| !matches!(segment, switchyard_app::Segment::Static(_)));
            route.kind == switchyard_app::RouteKind::Page && dynamic
        });
    if let Some((route, _)) = matched
        && let Ok(page) = HeaderValue::from_str(&route.page)
    {
        response.headers_mut().insert("x-nextjs-matched-path", page);
    }
    response
}

async fn data_answer(
    state: &AppState,
    options: &ServerOptions,
    head: &Parts,
    body: RouteBody,
) -> Response<Body> {
    let missing = || {
        text(
            StatusCode::NOT_FOUND,
            "404: This page could not be found.\n",
        )
    };
    let Some((build_id, page_path)) = data_target(head.uri.path()) else {
        return missing();
    };
    if build_id != state.build_id {
        return missing();
    }
    let Some((route, params)) = state.routes.find(&page_path) else {
        return missing();
    };
    if route.kind == switchyard_app::RouteKind::Api {
        // The middleware rewrote a data request to an API route: Next runs the route.
        let uri = match head.uri.query() {
            Some(query) => format!("{page_path}?{query}"),
            None => page_path.clone(),
        };
        let mut api_head = copy_head(head, &uri);
        api_head.method = head.method.clone();
        return match route.runtime {
            Runtime::Edge => {
                let call = EdgeCall::Api(&params);
                edge_route(state, options, &route.page, call, api_head, body).await
            }
            Runtime::Nodejs => {
                let kind = NodeKind::Api;
                node_route(state, options, &route.page, kind, &params, api_head, body).await
            }
        };
    }
    match built(state, &route.page, &page_path) {
        Built::Page(Prerendered::Html {
            data: Some(data),
            cache_control,
            ..
        }) => {
            let response = json_response(StatusCode::OK, data.clone());
            return with_cache_control(response, cache_control);
        }
        Built::Page(Prerendered::Redirect {
            destination,
            status,
        }) => {
            let json = json!({
                "pageProps": { "__N_REDIRECT": destination, "__N_REDIRECT_STATUS": status },
                "__N_SSG": true,
            });
            return json_response(StatusCode::OK, json.to_string().into());
        }
        Built::Page(Prerendered::NotFound) | Built::Unlisted => {
            // Next sends this one without a Content-Type.
            let mut response = json_response(StatusCode::NOT_FOUND, "{\"notFound\":true}".into());
            response.headers_mut().remove(header::CONTENT_TYPE);
            return response;
        }
        // A page without data has no data URL: Next answers with its 404 page.
        Built::Page(_) => return not_found(state, options, head).await,
        Built::Render => {}
    }
    // The page's runtime sees the page's own URL, with the query the data URL had.
    let uri = match head.uri.query() {
        Some(query) => format!("{page_path}?{query}"),
        None => page_path.clone(),
    };
    let page_head = copy_head(head, &uri);
    let render = Render {
        page: &route.page,
        runtime: route.runtime,
        params: &params,
        data: true,
        status: None,
    };
    let response = rendered(state, options, render, page_head, body).await;
    if route.info.get_server_side_props {
        return no_store(response);
    }
    response
}

/// What the build made of the URL `path` of `page`.
enum Built<'s> {
    /// A page rendered at build time.
    Page(&'s Prerendered),
    /// A path getStaticPaths did not list, with `fallback: false`.
    Unlisted,
    /// Nothing: the page's runtime renders it.
    Render,
}

fn built<'s>(state: &'s AppState, page: &str, path: &str) -> Built<'s> {
    match state.prerendered.get(page) {
        None => Built::Render,
        Some(Prerendered::Paths { fallback, pages }) => match pages.get(path) {
            Some(prerendered) => Built::Page(prerendered),
            None if *fallback => Built::Render,
            None => Built::Unlisted,
        },
        Some(prerendered) => Built::Page(prerendered),
    }
}

/// The 404 page, with status 404, never cached.
pub async fn not_found(state: &AppState, options: &ServerOptions, head: &Parts) -> Response<Body> {
    no_store(not_found_page(state, options, head).await)
}

/// The 404 page as it is: what `/404` asked for by name gets (Next sends it without the
/// no-store of unknown URLs).
pub async fn not_found_page(
    state: &AppState,
    options: &ServerOptions,
    head: &Parts,
) -> Response<Body> {
    match &state.not_found {
        Some(NotFoundPage::Static(html)) => html_response(StatusCode::NOT_FOUND, html),
        Some(NotFoundPage::Rendered { page, runtime }) => {
            let params = Params::new();
            let render = Render {
                page,
                runtime: *runtime,
                params: &params,
                data: false,
                status: Some(404),
            };
            let head = copy_head(head, head.uri.path());
            Box::pin(rendered(
                state,
                options,
                render,
                head,
                RouteBody::Bytes(Bytes::new()),
            ))
            .await
        }
        // No page of the app can say it: Next's default page, as `next start` sends it.
        None => crate::error_page::response(StatusCode::NOT_FOUND),
    }
}

/// A page rendered by its runtime; a `notFound` answer becomes the 404 page.
async fn rendered(
    state: &AppState,
    options: &ServerOptions,
    render: Render<'_>,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    let for_not_found = copy_head(&head, head.uri.path());
    let response = match render.runtime {
        Runtime::Edge => edge_page(state, options, &render, head, body).await,
        Runtime::Nodejs => node_page(state, options, &render, head, body).await,
    };
    if response.headers().contains_key(protocol::NOT_FOUND) && render.status.is_none() {
        // A getStaticProps notFound keeps the caching its page asked for, as under Next.
        let cache_control = response.headers().get(header::CACHE_CONTROL).cloned();
        let mut page = Box::pin(not_found(state, options, &for_not_found)).await;
        if let Some(value) = cache_control {
            page.headers_mut().insert(header::CACHE_CONTROL, value);
        }
        return page;
    }
    response
}

async fn edge_page(
    state: &AppState,
    options: &ServerOptions,
    render: &Render<'_>,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    let call = EdgeCall::Page {
        render: render.header(),
    };
    edge_route(state, options, render.page, call, head, body).await
}

async fn node_page(
    state: &AppState,
    options: &ServerOptions,
    render: &Render<'_>,
    head: Parts,
    body: RouteBody,
) -> Response<Body> {
    let kind = NodeKind::Page {
        render: render.header(),
    };
    node_route(state, options, render.page, kind, render.params, head, body).await
}

/// A GET of `uri` with `head`'s headers: what the 404 page renders for.
fn copy_head(head: &Parts, uri: &str) -> Parts {
    let mut request = Request::builder()
        .method(http::Method::GET)
        .uri(uri.parse::<Uri>().unwrap_or_else(|_| Uri::from_static("/")))
        .version(head.version)
        .body(())
        .expect("a GET of a parsed URI is a valid request");
    *request.headers_mut() = head.headers.clone();
    request.into_parts().0
}

/// `Cache-Control` of pages rendered per request and of error pages, as Next sends it.
pub(crate) const NO_STORE: &str = "private, no-cache, no-store, max-age=0, must-revalidate";

/// `response` with [`NO_STORE`], unless it set its own `Cache-Control`.
pub(crate) fn no_store(response: Response<Body>) -> Response<Body> {
    with_cache_control(response, &Some(HeaderValue::from_static(NO_STORE)))
}

/// `response` with `cache_control`, unless it set its own.
fn with_cache_control(
    mut response: Response<Body>,
    cache_control: &Option<HeaderValue>,
) -> Response<Body> {
    if let Some(value) = cache_control {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert_with(|| value.clone());
    }
    response
}

/// An HTML document as a response with `status`.
pub(crate) fn html_response(status: StatusCode, html: &Bytes) -> Response<Body> {
    let mut response = Response::new(Body::full(html.clone()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    response
}

fn json_response(status: StatusCode, json: Bytes) -> Response<Body> {
    let mut response = Response::new(Body::full(json));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

fn redirect(status: u16, destination: &str) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
    if let Ok(location) = HeaderValue::from_str(destination) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_name_their_page() {
        assert_eq!(
            data_target("/_next/data/abc/index.json"),
            Some(("abc", "/".to_string()))
        );
        assert_eq!(
            data_target("/_next/data/abc/posts/42.json"),
            Some(("abc", "/posts/42".to_string()))
        );
        assert_eq!(data_target("/_next/data/abc/posts/42"), None);
        assert_eq!(data_target("/_next/data/abc"), None);
    }
}
