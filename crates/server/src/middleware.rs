//! Middleware: which requests it sees, and what its response tells the server to do next.
//!
//! The middleware bundle's default export is Next.js's adapter, so its response speaks
//! Next.js's protocol: `x-middleware-next` continues to the route, `x-middleware-rewrite`
//! serves another URL, `x-middleware-override-headers` with `x-middleware-request-*` replaces
//! the route's request headers, `x-middleware-set-cookie` adds cookies to the route's request,
//! and anything else (a redirect, a body) is the answer itself.

use fancy_regex::Regex;
use http::{HeaderMap, HeaderName, HeaderValue, header};
use switchyard_app::{MatchRouting, MiddlewareMatcher, RouteHas, Runtime};

/// The app's middleware, ready to match requests.
pub struct LoadedMiddleware {
    /// The page name Next.js gives it (`/middleware`), for logs.
    pub page: String,
    /// Where it runs.
    pub runtime: Runtime,
    /// Its bundle, relative to the output folder.
    pub bundle: String,
    /// Its index among the Edge pool's routes, when it runs on Edge.
    pub edge_index: Option<usize>,
    matchers: Vec<CompiledMatcher>,
    routing: MatchRouting,
}

struct CompiledMatcher {
    path: Regex,
    has: Vec<CompiledHas>,
    missing: Vec<CompiledHas>,
}

enum CompiledHas {
    Header(HeaderName, Option<Regex>),
    Cookie(String, Option<Regex>),
    Query(String, Option<Regex>),
    Host(Regex),
}

/// A matcher from the manifest that does not compile.
#[derive(Debug, thiserror::Error)]
#[error(
    "The middleware matcher {source_text:?} does not compile ({reason}). Run `switchyard build` again."
)]
pub struct MatcherError {
    source_text: String,
    reason: String,
}

impl LoadedMiddleware {
    /// Compiles the manifest's matchers.
    pub fn new(
        page: String,
        runtime: Runtime,
        bundle: String,
        matchers: &[MiddlewareMatcher],
        routing: MatchRouting,
    ) -> Result<Self, MatcherError> {
        let matchers = matchers
            .iter()
            .map(compile_matcher)
            .collect::<Result<_, _>>()?;
        Ok(Self {
            page,
            runtime,
            bundle,
            edge_index: None,
            matchers,
            routing,
        })
    }

    /// Whether the middleware runs for a request to `path` (canonical, see `request_url`)
    /// with these headers and query.
    ///
    /// The path is tried as written and percent-decoded, as Next.js tries both: a route is
    /// served from the decoded path, so a matcher that names `/a b` must see `/a%20b` too.
    /// Running the middleware once too often is safe; skipping it is not.
    pub fn matches(&self, path: &str, query: Option<&str>, headers: &HeaderMap) -> bool {
        // No matcher: every request, `/_next/static` included, as Next.js does.
        if self.matchers.is_empty() {
            return true;
        }
        let host = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .map_or("", host_name);
        let path = self.routing.match_path(path, host);
        let decoded = path
            .contains('%')
            .then(|| percent_encoding::percent_decode_str(&path).decode_utf8_lossy());
        self.matchers.iter().any(|matcher| {
            let path_matches = |path: &str| matcher.path.is_match(path).unwrap_or(false);
            (path_matches(&path) || decoded.as_deref().is_some_and(path_matches))
                && matcher.has.iter().all(|has| has.holds(query, headers))
                && !matcher.missing.iter().any(|has| has.holds(query, headers))
        })
    }
}

/// A `host[:port]` authority's host: `[::1]:3000` gives `[::1]`, `h:3000` gives `h`.
fn host_name(authority: &str) -> &str {
    match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => &authority[..colon],
        _ => authority,
    }
}

fn compile_matcher(matcher: &MiddlewareMatcher) -> Result<CompiledMatcher, MatcherError> {
    let error = |reason: String| MatcherError {
        source_text: matcher.original_source.clone(),
        reason,
    };
    let path = Regex::new(&matcher.regexp).map_err(|e| error(e.to_string()))?;
    let compile_all = |conditions: &[RouteHas]| {
        conditions
            .iter()
            .map(|has| compile_has(has).map_err(|e| error(e.to_string())))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(CompiledMatcher {
        path,
        has: compile_all(&matcher.has)?,
        missing: compile_all(&matcher.missing)?,
    })
}

/// A `has` value matches the whole value, as Next.js's `new RegExp(`^${value}$`)` does.
fn whole(pattern: &str) -> Result<Regex, fancy_regex::Error> {
    Regex::new(&format!("^(?:{pattern})$"))
}

fn compile_has(has: &RouteHas) -> Result<CompiledHas, Box<dyn std::error::Error>> {
    let value = |value: &Option<String>| value.as_deref().map(whole).transpose();
    Ok(match has {
        RouteHas::Header {
            key,
            value: pattern,
        } => CompiledHas::Header(HeaderName::from_bytes(key.as_bytes())?, value(pattern)?),
        RouteHas::Cookie {
            key,
            value: pattern,
        } => CompiledHas::Cookie(key.clone(), value(pattern)?),
        RouteHas::Query {
            key,
            value: pattern,
        } => CompiledHas::Query(key.clone(), value(pattern)?),
        RouteHas::Host { value } => CompiledHas::Host(whole(value)?),
    })
}

impl CompiledHas {
    fn holds(&self, query: Option<&str>, headers: &HeaderMap) -> bool {
        let fits = |pattern: &Option<Regex>, value: &str| {
            pattern
                .as_ref()
                .is_none_or(|pattern| pattern.is_match(value).unwrap_or(false))
        };
        match self {
            CompiledHas::Header(name, pattern) => headers
                .get_all(name)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .any(|value| fits(pattern, value)),
            CompiledHas::Cookie(name, pattern) => {
                cookies(headers).any(|(key, value)| &key == name && fits(pattern, &value))
            }
            CompiledHas::Query(name, pattern) => {
                url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                    .any(|(key, value)| key == name.as_str() && fits(pattern, &value))
            }
            CompiledHas::Host(pattern) => headers
                .get(header::HOST)
                .and_then(|host| host.to_str().ok())
                .map(host_name)
                .is_some_and(|host| pattern.is_match(host).unwrap_or(false)),
        }
    }
}

/// The `name=value` pairs of every Cookie header.
fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (String, String)> + '_ {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
}

/// What the middleware's response asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go on to the route the request names.
    Next,
    /// Serve this URL instead (same app when it has the request's origin, else proxied).
    Rewrite(String),
    /// Send the middleware's own response (a redirect or a body).
    Respond,
}

/// Reads the decision from the middleware response's headers.
pub fn decide(headers: &HeaderMap) -> Decision {
    if let Some(target) = headers
        .get("x-middleware-rewrite")
        .and_then(|value| value.to_str().ok())
    {
        Decision::Rewrite(target.to_owned())
    } else if headers.contains_key("x-middleware-next") {
        Decision::Next
    } else {
        Decision::Respond
    }
}

/// Applies the middleware's request-header overrides and cookies to the route's request.
pub fn apply_to_request(middleware: &HeaderMap, request: &mut HeaderMap) {
    if let Some(names) = middleware
        .get("x-middleware-override-headers")
        .and_then(|value| value.to_str().ok())
    {
        // Non-ASCII values arrive URI-encoded, listed in `x-middleware-request-encoded`.
        let encoded: Vec<&str> = middleware
            .get("x-middleware-request-encoded")
            .and_then(|value| value.to_str().ok())
            .map(|names| names.split(',').map(str::trim).collect())
            .unwrap_or_default();
        // The listed headers are the route's headers now: those not listed are dropped.
        let mut replaced = HeaderMap::new();
        for name in names
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
                continue;
            };
            // Middleware that copies the request's headers must not hand a route our own.
            if crate::internal_headers::is_internal(header_name.as_str()) {
                continue;
            }
            let carried = format!("x-middleware-request-{name}");
            let Some(value) = middleware.get(carried.as_str()) else {
                continue;
            };
            let value = if encoded.contains(&name) {
                decode_component(value).unwrap_or_else(|| value.clone())
            } else {
                value.clone()
            };
            replaced.insert(header_name, value);
        }
        *request = replaced;
    }
    if let Some(set) = middleware
        .get("x-middleware-set-cookie")
        .and_then(|value| value.to_str().ok())
    {
        merge_cookies(request, set);
    }
}

/// Undoes `encodeURIComponent` on a header value.
fn decode_component(value: &HeaderValue) -> Option<HeaderValue> {
    let decoded: Vec<u8> = percent_encoding::percent_decode(value.as_bytes()).collect();
    HeaderValue::from_bytes(&decoded).ok()
}

/// Adds `name=value` of each Set-Cookie line to the request's Cookie header, replacing
/// cookies of the same name, so the route sees what middleware set.
fn merge_cookies(request: &mut HeaderMap, set_cookies: &str) {
    let mut jar: Vec<(String, String)> = cookies(request).collect();
    for line in split_set_cookie(set_cookies) {
        let pair = line.split(';').next().unwrap_or("").trim();
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        jar.retain(|(existing, _)| existing != name);
        jar.push((name.to_owned(), value.to_owned()));
    }
    let joined = jar
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ");
    if let Ok(value) = HeaderValue::from_str(&joined) {
        request.insert(header::COOKIE, value);
    }
}

/// Splits a comma-joined list of Set-Cookie values; commas inside `Expires=` dates are not
/// separators.
fn split_set_cookie(joined: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = joined.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        if *byte != b',' {
            continue;
        }
        let rest = &joined[index + 1..];
        let next_is_cookie = rest
            .trim_start()
            .split(';')
            .next()
            .is_some_and(|pair| pair.contains('=') && !pair.contains(' '));
        if next_is_cookie {
            parts.push(joined[start..index].trim());
            start = index + 1;
        }
    }
    parts.push(joined[start..].trim());
    parts.retain(|part| !part.is_empty());
    parts
}

/// The middleware response's headers that reach the client with the route's response.
pub fn response_headers(
    middleware: &HeaderMap,
) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
    middleware.iter().filter(|(name, _)| {
        let name = name.as_str();
        !name.starts_with("x-middleware-")
            && !matches!(
                name,
                "content-length"
                    | "transfer-encoding"
                    | "connection"
                    | "keep-alive"
                    | "content-type"
            )
    })
}

/// Removes the internal headers before the middleware's own response goes to the client.
pub fn strip_internal(headers: &mut HeaderMap) {
    let internal: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("x-middleware-"))
        .cloned()
        .collect();
    for name in internal {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn middleware(regexp: &str, has: Vec<RouteHas>, missing: Vec<RouteHas>) -> LoadedMiddleware {
        let matcher = MiddlewareMatcher {
            original_source: "test".into(),
            regexp: regexp.into(),
            has,
            missing,
        };
        LoadedMiddleware::new(
            "/middleware".into(),
            Runtime::Edge,
            "edge/middleware.js".into(),
            &[matcher],
            MatchRouting::default(),
        )
        .unwrap()
    }

    #[test]
    fn no_matcher_means_every_request() {
        let all = LoadedMiddleware::new(
            "/middleware".into(),
            Runtime::Edge,
            "m".into(),
            &[],
            MatchRouting::default(),
        )
        .unwrap();
        assert!(all.matches("/_next/static/x.js", None, &HeaderMap::new()));
    }

    #[test]
    fn paths_has_and_missing_all_count() {
        let mw = middleware(
            "^/mw(?:/.*)?$",
            vec![RouteHas::Cookie {
                key: "session".into(),
                value: None,
            }],
            vec![RouteHas::Query {
                key: "skip".into(),
                value: Some("1|yes".into()),
            }],
        );
        let with_cookie = headers(&[("cookie", "a=1; session=abc")]);
        assert!(mw.matches("/mw/x", None, &with_cookie));
        assert!(!mw.matches("/other", None, &with_cookie));
        assert!(!mw.matches("/mw/x", None, &HeaderMap::new()));
        assert!(!mw.matches("/mw/x", Some("skip=yes"), &with_cookie));
        assert!(mw.matches("/mw/x", Some("skip=no"), &with_cookie));
    }

    #[test]
    fn escaped_paths_are_matched_decoded_too() {
        let guard = middleware("^/api/edge/secret(?:/.*)?$", vec![], vec![]);
        let headers = HeaderMap::new();
        assert!(guard.matches("/api/edge/secret", None, &headers));
        assert!(guard.matches("/api/edge/s%65cret", None, &headers));
        assert!(!guard.matches("/api/edge/public", None, &headers));
        let spaced = middleware("^/a b$", vec![], vec![]);
        assert!(spaced.matches("/a%20b", None, &headers));
        let grouped = middleware("^/(?:api|admin)/(.*)$", vec![], vec![]);
        assert!(grouped.matches("/%61dmin/x", None, &headers));
    }

    #[test]
    fn locales_are_supplied_before_matching() {
        let guard = LoadedMiddleware::new(
            "/middleware".into(),
            Runtime::Edge,
            "m".into(),
            &[MiddlewareMatcher {
                original_source: "/account".into(),
                regexp: "^/((?!_next/)[^/.]{1,})/account$".into(),
                has: vec![],
                missing: vec![],
            }],
            MatchRouting {
                locales: vec!["en".into(), "fr".into()],
                default_locale: "en".into(),
                ..MatchRouting::default()
            },
        )
        .unwrap();
        let headers = HeaderMap::new();
        assert!(guard.matches("/account", None, &headers));
        assert!(guard.matches("/fr/account", None, &headers));
        assert!(!guard.matches("/xx", None, &headers));
    }

    #[test]
    fn host_names_drop_only_the_port() {
        assert_eq!(host_name("h:3000"), "h");
        assert_eq!(host_name("h"), "h");
        assert_eq!(host_name("[::1]:3000"), "[::1]");
        assert_eq!(host_name("[::1]"), "[::1]");
    }

    #[test]
    fn negative_lookaheads_work() {
        let mw = middleware("^/((?!api|_next/static).*)$", vec![], vec![]);
        assert!(mw.matches("/about", None, &HeaderMap::new()));
        assert!(!mw.matches("/api/hello", None, &HeaderMap::new()));
    }

    #[test]
    fn host_and_header_conditions_match_whole_values() {
        let mw = middleware(
            "^/.*$",
            vec![
                RouteHas::Host {
                    value: "example\\.com".into(),
                },
                RouteHas::Header {
                    key: "x-flag".into(),
                    value: Some("on".into()),
                },
            ],
            vec![],
        );
        assert!(mw.matches(
            "/",
            None,
            &headers(&[("host", "example.com:3000"), ("x-flag", "on")])
        ));
        assert!(!mw.matches(
            "/",
            None,
            &headers(&[("host", "example.com"), ("x-flag", "only")])
        ));
        assert!(!mw.matches(
            "/",
            None,
            &headers(&[("host", "other.com"), ("x-flag", "on")])
        ));
    }

    #[test]
    fn decisions_follow_the_headers() {
        assert_eq!(
            decide(&headers(&[("x-middleware-next", "1")])),
            Decision::Next
        );
        assert_eq!(
            decide(&headers(&[("x-middleware-rewrite", "http://h/api/x")])),
            Decision::Rewrite("http://h/api/x".into())
        );
        assert_eq!(
            decide(&headers(&[("location", "/login")])),
            Decision::Respond
        );
    }

    #[test]
    fn overrides_replace_request_headers_and_cookies_merge() {
        let mw = headers(&[
            ("x-middleware-override-headers", "x-user,cookie"),
            ("x-middleware-request-x-user", "ada"),
            ("x-middleware-request-cookie", "theme=dark; a=1"),
            (
                "x-middleware-set-cookie",
                "a=2; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT,b=3; Path=/",
            ),
        ]);
        let mut request = headers(&[("x-user", "old"), ("x-dropped", "1")]);
        apply_to_request(&mw, &mut request);
        assert_eq!(request.get("x-user").unwrap(), "ada");
        assert!(request.get("x-dropped").is_none());
        assert_eq!(request.get("cookie").unwrap(), "theme=dark; a=2; b=3");
    }

    #[test]
    fn encoded_overrides_are_decoded() {
        let mw = headers(&[
            ("x-middleware-override-headers", "x-name"),
            ("x-middleware-request-x-name", "J%C3%BCrgen%20%2B%201"),
            ("x-middleware-request-encoded", "x-name"),
        ]);
        let mut request = HeaderMap::new();
        apply_to_request(&mw, &mut request);
        assert_eq!(
            request.get("x-name").unwrap().as_bytes(),
            "Jürgen + 1".as_bytes()
        );
    }

    #[test]
    fn internal_headers_never_reach_the_client() {
        let mw = headers(&[
            ("x-middleware-next", "1"),
            ("x-custom", "yes"),
            ("set-cookie", "a=1"),
        ]);
        let kept: Vec<_> = response_headers(&mw)
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(kept, vec!["x-custom", "set-cookie"]);
    }
}
