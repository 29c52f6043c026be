//! Which requests the middleware sees: its compiled matchers (path, `has`, `missing`), tried
//! on the canonical and the decoded path, with the default locale supplied as Next's router
//! does.

use fancy_regex::Regex;
use http::{HeaderMap, HeaderName, header};

use crate::cookies::cookies;
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

#[cfg(test)]
mod tests {
    use http::HeaderValue;

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
}
