//! Stages 5 and 7: what a path names among the app's own files and routes.
//!
//! Stage 5 (Next's "filesystem") covers `public/`, `/_next/static/`, `/_next/image`,
//! `/_next/data/` and the routes without dynamic segments; stage 7 the dynamic routes. Both
//! strip `basePath` first: a path without it names nothing here.

use http::{Method, request::Parts};
use switchyard_app::{Params, Route};

use crate::runtimes::pages::{DATA_PREFIX, NEXT_STATIC_PREFIX};
use crate::state::AppState;

/// What a path resolved to.
pub enum Target<'s> {
    /// A file of `public/`, by its path below the base path.
    Public(String),
    /// A path below `/_next/static/` (the file, if any, relative to the build's static folder).
    NextStatic(String),
    /// A `/_next/data/` URL, by its path below the base path.
    Data(String),
    /// `/_next/image`, the image endpoint (its query says which image).
    Image,
    /// `/404` when the app has no page of that name: Next always has one (its default).
    NotFoundPage,
    /// A page or API route, with its params and the path below the base path.
    Route {
        route: &'s Route,
        params: Params,
        path: String,
    },
}

/// Stage 5: a public file, a build file, the image endpoint, a data URL or a route without
/// dynamic segments.
pub fn find_file<'s>(state: &'s AppState, head: &Parts) -> Option<Target<'s>> {
    let path = strip_base_path(&state.base_path, head.uri.path())?;
    if (head.method == Method::GET || head.method == Method::HEAD) && state.public.has(path) {
        return Some(Target::Public(path.to_owned()));
    }
    if crate::runtimes::image::is_endpoint(path) {
        return Some(Target::Image);
    }
    if let Some(file) = path.strip_prefix(NEXT_STATIC_PREFIX.trim_end_matches('/')) {
        return Some(Target::NextStatic(file.to_owned()));
    }
    if path.starts_with(DATA_PREFIX) {
        return Some(Target::Data(path.to_owned()));
    }
    let Some((route, params)) = state.routes.find_static(path) else {
        return (path == "/404").then_some(Target::NotFoundPage);
    };
    Some(Target::Route {
        route,
        params,
        path: path.to_owned(),
    })
}

/// Stage 7: a dynamic route.
pub fn find_dynamic<'s>(state: &'s AppState, head: &Parts) -> Option<Target<'s>> {
    let path = strip_base_path(&state.base_path, head.uri.path())?;
    let (route, params) = state.routes.find_dynamic(path)?;
    Some(Target::Route {
        route,
        params,
        path: path.to_owned(),
    })
}

/// Whether `path` is under the build's own `/_next/` URLs.
pub fn is_build_file(base_path: &str, path: &str) -> bool {
    strip_base_path(base_path, path).is_some_and(|path| path.starts_with("/_next/"))
}

/// `path` below `base_path` (`/` for the base path itself), or `None` outside it.
pub fn strip_base_path<'p>(base_path: &str, path: &'p str) -> Option<&'p str> {
    if base_path.is_empty() {
        return Some(path);
    }
    match path.strip_prefix(base_path)? {
        "" => Some("/"),
        rest if rest.starts_with('/') => Some(rest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_a_whole_segment_prefix() {
        assert_eq!(strip_base_path("", "/a"), Some("/a"));
        assert_eq!(strip_base_path("/docs", "/docs"), Some("/"));
        assert_eq!(strip_base_path("/docs", "/docs/"), Some("/"));
        assert_eq!(strip_base_path("/docs", "/docs/a"), Some("/a"));
        assert_eq!(strip_base_path("/docs", "/docsa"), None);
        assert_eq!(strip_base_path("/docs", "/a"), None);
    }
}
