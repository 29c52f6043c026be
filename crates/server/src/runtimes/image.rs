//! `/_next/image`, Next.js's image endpoint, which `next/image`'s default loader points at:
//! `?url=/logo.png&w=640&q=75`. The query is checked as Next.js checks it (same 400 messages);
//! a local `url` is read from the app's own files only (`public/` and the build's
//! `/_next/static/`, through the same listings that serve them, so nothing outside them is
//! reachable) and must hold an image, by its first bytes; an SVG only with
//! `images.dangerouslyAllowSVG`. The answer has Next's headers: `Vary: Accept`, immutable
//! caching for build media, otherwise `images.minimumCacheTTL` (or the file's own `max-age`,
//! if longer) with `must-revalidate`, `Content-Disposition` and `Content-Security-Policy`.
//!
//! Images are sent as they are: resizing to `w`, re-encoding at `q` and converting to WebP or
//! AVIF for the client's `Accept` are image optimization, left to issue 14, so every width
//! answers with the same file. A remote `url` that `images.remotePatterns` or `domains` allow
//! is not fetched either: the answer redirects the browser to it.

mod content_type;
mod params;
mod remote_patterns;

use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use switchyard_output::ImageConfig;

use crate::body::Body;
use crate::limits::log_throttle::{LogThrottle, more};
use crate::options::ServerOptions;
use crate::response::text;
use crate::runtimes::pages;
use crate::stages::filesystem::strip_base_path;
use crate::state::AppState;
use params::Source;

/// `Cache-Control` of build media: content-hashed, so cached for ten years, as Next.js does.
const STATIC_CACHE_CONTROL: &str = "public, max-age=315360000, immutable";

/// Next.js's answer for a file that is missing or not an image.
const NOT_AN_IMAGE: &str = "The requested resource isn't a valid image.";

/// Next.js's answer for an SVG without `images.dangerouslyAllowSVG`.
const SVG_NOT_ALLOWED: &str = "\"url\" parameter is valid but image type is not allowed";

static NOT_AN_IMAGE_LOG: LogThrottle = LogThrottle::new();

/// Answers a request for `/_next/image`.
pub async fn serve(state: &AppState, options: &ServerOptions, head: &Parts) -> Response<Body> {
    let config = &state.images;
    // As under Next: without the default loader nothing is sent through the endpoint.
    if config.unoptimized || config.loader != "default" {
        return pages::not_found(state, options, head).await;
    }
    let query = head.uri.query().unwrap_or_default();
    let params = match params::validate(query, config, &state.base_path) {
        Ok(params) => params,
        Err(message) => return text(StatusCode::BAD_REQUEST, message),
    };
    match params.source {
        Source::Remote(url) => redirect(url.as_str(), config),
        Source::Local { path, is_static } => local(state, head, &path, is_static).await,
    }
}

/// The image at the app's own `path` (with the base path, percent-encoded).
async fn local(state: &AppState, head: &Parts, path: &str, is_static: bool) -> Response<Body> {
    let config = &state.images;
    let Some(file) = read_file(state, path, &head.headers).await else {
        return not_an_image(path, "no public or build file has that path");
    };
    let (parts, body) = file.into_parts();
    let upstream_max_age = parts
        .headers
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .map_or(0, max_age);
    let cache_control = if is_static {
        STATIC_CACHE_CONTROL.to_string()
    } else {
        let seconds = config.minimum_cache_ttl.max(upstream_max_age);
        format!("public, max-age={seconds}, must-revalidate")
    };
    let mut response = Response::builder()
        .header(header::VARY, "Accept")
        .header(header::CACHE_CONTROL, cache_control);
    if let Some(etag) = parts.headers.get(header::ETAG) {
        response = response.header(header::ETAG, etag);
    }
    // The client's copy is current (its `If-None-Match` matched).
    if parts.status == StatusCode::NOT_MODIFIED {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::Empty)
            .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"));
    }
    let Body::Full(Some(bytes)) = body else {
        return not_an_image(path, "the file could not be read");
    };
    let Some(content_type) = content_type::sniff(&bytes).filter(|kind| kind.starts_with("image/"))
    else {
        return not_an_image(path, "its bytes are no image");
    };
    if content_type == content_type::SVG && !config.dangerously_allow_svg {
        return text(StatusCode::BAD_REQUEST, SVG_NOT_ALLOWED);
    }
    response = response.header(header::CONTENT_TYPE, content_type).header(
        header::CONTENT_DISPOSITION,
        content_disposition(
            &config.content_disposition_type,
            &file_name(path, content_type),
        ),
    );
    if let Ok(policy) = HeaderValue::from_str(&config.content_security_policy) {
        response = response.header(header::CONTENT_SECURITY_POLICY, policy);
    }
    let body = if head.method == Method::HEAD {
        response = response.header(header::CONTENT_LENGTH, bytes.len());
        Body::Empty
    } else {
        Body::full(bytes)
    };
    response
        .status(StatusCode::OK)
        .body(body)
        .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"))
}

/// The response of the listing that holds `path` (public files, or the build's under
/// `/_next/static/`) to a GET with the client's `headers` (for `If-None-Match`).
async fn read_file(state: &AppState, path: &str, headers: &HeaderMap) -> Option<Response<Body>> {
    let below = strip_base_path(&state.base_path, path)?;
    match below.strip_prefix("/_next/static") {
        Some(file) if file.starts_with('/') => {
            state.next_static.respond(&Method::GET, file, headers).await
        }
        _ => state.public.respond(&Method::GET, below, headers).await,
    }
}

/// 400 with Next's message, and a log line (at most one per interval).
fn not_an_image(path: &str, why: &str) -> Response<Body> {
    NOT_AN_IMAGE_LOG.hit(|suppressed| {
        tracing::warn!(
            "/_next/image was asked for {path}, which is no image ({why}); answered 400.{}",
            more(suppressed)
        );
    });
    text(StatusCode::BAD_REQUEST, NOT_AN_IMAGE)
}

/// A redirect to the allowed remote image at `url` (ASCII, as the URL parser writes it).
fn redirect(url: &str, config: &ImageConfig) -> Response<Body> {
    let cache_control = format!(
        "public, max-age={}, must-revalidate",
        config.minimum_cache_ttl
    );
    Response::builder()
        .status(StatusCode::TEMPORARY_REDIRECT)
        .header(header::VARY, "Accept")
        .header(header::CACHE_CONTROL, cache_control)
        .header(header::LOCATION, url)
        .body(Body::Empty)
        .unwrap_or_else(|_| text(StatusCode::BAD_REQUEST, "\"url\" parameter is invalid"))
}

/// The seconds of `s-maxage`, else `max-age`, of a `Cache-Control` value; 0 without either.
fn max_age(cache_control: &str) -> u64 {
    let directive = |name: &str| {
        cache_control.split(',').find_map(|part| {
            let (key, value) = part.trim().split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().trim_matches('"').parse::<u64>().ok())
                .flatten()
        })
    };
    directive("s-maxage")
        .or_else(|| directive("max-age"))
        .unwrap_or(0)
}

/// The name Next gives the answer: the file's name up to its first dot, with the extension of
/// what it holds (`logo.1a2b3c4d.png` → `logo.png`, `photo.jpg` → `photo.jpeg`).
fn file_name(path: &str, content_type: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or_default();
    match (last.is_empty(), content_type::extension(content_type)) {
        (false, Some(extension)) => {
            let stem = last.split('.').next().unwrap_or_default();
            format!("{stem}.{extension}")
        }
        _ => "image.bin".to_string(),
    }
}

/// `Content-Disposition` of `kind` (`inline` or `attachment`) for `name`: quoted, and with a
/// UTF-8 `filename*` when the name is not plain ASCII (which the quoted one then
/// approximates with `?`).
fn content_disposition(kind: &str, name: &str) -> HeaderValue {
    let mut quoted = String::with_capacity(name.len());
    let mut plain = true;
    for c in name.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            ' '..='~' => quoted.push(c),
            _ => {
                plain = false;
                quoted.push('?');
            }
        }
    }
    let kind = if kind == "inline" {
        "inline"
    } else {
        "attachment"
    };
    let mut value = format!("{kind}; filename=\"{quoted}\"");
    if !plain {
        let encoded =
            percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
        value.push_str(&format!("; filename*=UTF-8''{encoded}"));
    }
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Whether `path` (below the base path) is the endpoint: `/_next/image`, or `/_next/image/`
/// under `trailingSlash`.
pub fn is_endpoint(path: &str) -> bool {
    matches!(path, "/_next/image" | "/_next/image/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_named_as_next_names_them() {
        assert_eq!(
            file_name("/_next/static/media/logo.1a2b.png", "image/png"),
            "logo.png"
        );
        assert_eq!(file_name("/photo.jpg", "image/jpeg"), "photo.jpeg");
        assert_eq!(file_name("/dir/", "image/png"), "image.bin");
        assert_eq!(
            content_disposition("attachment", "logo.png"),
            "attachment; filename=\"logo.png\""
        );
        assert_eq!(
            content_disposition("inline", "a\"b.png"),
            "inline; filename=\"a\\\"b.png\""
        );
        assert_eq!(
            content_disposition("attachment", "café.png"),
            "attachment; filename=\"caf?.png\"; filename*=UTF-8''caf%C3%A9%2Epng"
        );
    }

    #[test]
    fn upstream_max_age_prefers_s_maxage() {
        assert_eq!(max_age("public, max-age=0"), 0);
        assert_eq!(max_age("public, max-age=600"), 600);
        assert_eq!(max_age("s-maxage=30, max-age=600"), 30);
        assert_eq!(max_age("max-age=\"90\""), 90);
        assert_eq!(max_age("no-store"), 0);
        assert!(is_endpoint("/_next/image") && !is_endpoint("/_next/imagefoo"));
    }
}
