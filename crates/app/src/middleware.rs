//! The middleware (or proxy) file: where it is, which runtime runs it, which requests it sees.

pub(crate) mod config;
pub(crate) mod file;
pub(crate) mod matcher;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Runtime;

/// Which file convention the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MiddlewareKind {
    /// `middleware.{js,ts}`: Edge unless its config says `runtime: 'nodejs'`.
    Middleware,
    /// `proxy.{js,ts}` (Next.js 16): always Node.js.
    Proxy,
}

/// The app's middleware.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Middleware {
    /// The file, relative to the app root.
    pub file: PathBuf,
    /// Middleware or proxy.
    pub kind: MiddlewareKind,
    /// Where it runs.
    pub runtime: Runtime,
    /// Which requests it runs for; empty means every request.
    pub matchers: Vec<MiddlewareMatcher>,
    /// `config.unstable_allowDynamic`: globs of modules (relative to the app root, starting
    /// with `/`, e.g. `/lib/legacy.js` or `**/node_modules/function-bind/**`) whose dynamic code
    /// evaluation does not fail the Edge build.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_dynamic: Vec<String>,
    /// What the server needs to put a request's pathname in the form the matchers expect.
    #[serde(default)]
    pub routing: MatchRouting,
}

/// The parts of `next.config.*` that shape the pathname middleware matchers see.
///
/// With `i18n.locales`, Next.js's matchers require a locale segment, and its router gives a
/// path without one the default locale before matching (`/account` is matched as
/// `/en/account`), so a guard on `/account` covers every locale and the bare path alike.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchRouting {
    /// `basePath`, `""` when unset.
    #[serde(default)]
    pub base_path: String,
    /// `i18n.locales`, empty without i18n.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locales: Vec<String>,
    /// `i18n.defaultLocale`.
    #[serde(default)]
    pub default_locale: String,
    /// `i18n.domains`: the default locale each domain serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<LocaleDomain>,
}

/// One entry of `i18n.domains`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocaleDomain {
    /// The host name, without a port.
    pub domain: String,
    /// The locale the domain serves by default.
    pub default_locale: String,
}

impl MatchRouting {
    /// The routing `config` describes.
    pub fn from_config(config: &crate::NextConfig) -> Self {
        let i18n = config.raw.get("i18n").filter(|i18n| i18n.is_object());
        let text = |value: Option<&serde_json::Value>| {
            value
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let strings = |value: Option<&serde_json::Value>| -> Vec<String> {
            value
                .and_then(serde_json::Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| item.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let domains = i18n
            .and_then(|i18n| i18n.get("domains"))
            .and_then(serde_json::Value::as_array)
            .map(|domains| {
                domains
                    .iter()
                    .filter_map(|entry| {
                        Some(LocaleDomain {
                            domain: entry.get("domain")?.as_str()?.to_owned(),
                            default_locale: entry.get("defaultLocale")?.as_str()?.to_owned(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        MatchRouting {
            base_path: config.base_path.clone(),
            locales: strings(i18n.and_then(|i18n| i18n.get("locales"))),
            default_locale: text(i18n.and_then(|i18n| i18n.get("defaultLocale"))),
            domains,
        }
    }

    /// The pathname as the matchers see it: with the default locale (of the request's
    /// domain, else the app's) inserted when the path names no locale, as Next.js's router
    /// does before it runs the middleware. `host` is the request's host, without a port.
    pub fn match_path<'a>(&self, path: &'a str, host: &str) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        if self.locales.is_empty() {
            return Cow::Borrowed(path);
        }
        let (base, rest) = match strip_prefix_segment(path, &self.base_path) {
            Some(rest) if !self.base_path.is_empty() => (self.base_path.as_str(), rest),
            _ => ("", path),
        };
        let first = rest.trim_start_matches('/').split('/').next().unwrap_or("");
        let has_locale = self
            .locales
            .iter()
            .any(|locale| locale.eq_ignore_ascii_case(first));
        if has_locale || rest.starts_with("/_next/") {
            return Cow::Borrowed(path);
        }
        let default = self
            .domains
            .iter()
            .find(|domain| domain.domain.eq_ignore_ascii_case(host))
            .map_or(self.default_locale.as_str(), |domain| {
                domain.default_locale.as_str()
            });
        if default.is_empty() {
            return Cow::Borrowed(path);
        }
        let rest = if rest == "/" || rest.is_empty() {
            String::new()
        } else {
            rest.to_owned()
        };
        Cow::Owned(format!("{base}/{default}{rest}"))
    }
}

/// `path` without `prefix` when `prefix` is a whole leading segment run of it.
fn strip_prefix_segment<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

impl Middleware {
    /// The page Next.js names the file by in its messages and manifests: `/middleware`,
    /// `/src/middleware`, `/proxy` or `/src/proxy`.
    pub fn page(&self) -> String {
        let in_src = self
            .file
            .parent()
            .is_some_and(|parent| parent == std::path::Path::new("src"));
        format!("{}/{}", if in_src { "/src" } else { "" }, self.kind.name())
    }
}

impl MiddlewareKind {
    /// The file convention's name: `middleware` or `proxy`.
    pub fn name(self) -> &'static str {
        match self {
            MiddlewareKind::Middleware => "middleware",
            MiddlewareKind::Proxy => "proxy",
        }
    }

    /// The name as Next.js capitalises it in messages: `Middleware` or `Proxy`.
    pub fn title(self) -> &'static str {
        match self {
            MiddlewareKind::Middleware => "Middleware",
            MiddlewareKind::Proxy => "Proxy",
        }
    }
}

/// One compiled entry of `config.matcher`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MiddlewareMatcher {
    /// The source as written (`/about/:path*`).
    pub original_source: String,
    /// An anchored regular expression over the pathname, in the syntax of the `fancy-regex`
    /// crate (lookaheads allowed), as Next.js's `getMiddlewareMatchers` builds it.
    pub regexp: String,
    /// Conditions that must all hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub has: Vec<RouteHas>,
    /// Conditions that must all fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<RouteHas>,
}

/// A `has`/`missing` condition on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum RouteHas {
    /// A header; `value` is a regular expression when given.
    Header {
        /// Header name.
        key: String,
        /// Pattern the value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// A cookie.
    Cookie {
        /// Cookie name.
        key: String,
        /// Pattern the value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// A query parameter.
    Query {
        /// Parameter name.
        key: String,
        /// Pattern the value must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// The host (without port).
    Host {
        /// Pattern the host must match.
        value: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routing(base_path: &str) -> MatchRouting {
        MatchRouting {
            base_path: base_path.into(),
            locales: vec!["en".into(), "fr".into(), "de-CH".into()],
            default_locale: "en".into(),
            domains: vec![LocaleDomain {
                domain: "example.fr".into(),
                default_locale: "fr".into(),
            }],
        }
    }

    #[test]
    fn paths_without_a_locale_get_the_default_one() {
        let routing = routing("");
        assert_eq!(routing.match_path("/", "h"), "/en");
        assert_eq!(routing.match_path("/account", "h"), "/en/account");
        assert_eq!(routing.match_path("/account/x", "h"), "/en/account/x");
        assert_eq!(routing.match_path("/fr/account", "h"), "/fr/account");
        assert_eq!(routing.match_path("/DE-ch/account", "h"), "/DE-ch/account");
        assert_eq!(routing.match_path("/xx/account", "h"), "/en/xx/account");
        assert_eq!(
            routing.match_path("/_next/data/b/x.json", "h"),
            "/_next/data/b/x.json"
        );
        assert_eq!(routing.match_path("/account", "example.fr"), "/fr/account");
    }

    #[test]
    fn the_base_path_stays_in_front() {
        let routing = routing("/docs");
        assert_eq!(routing.match_path("/docs", "h"), "/docs/en");
        assert_eq!(routing.match_path("/docs/account", "h"), "/docs/en/account");
        assert_eq!(
            routing.match_path("/docs/fr/account", "h"),
            "/docs/fr/account"
        );
        assert_eq!(
            routing.match_path("/docsx/account", "h"),
            "/en/docsx/account"
        );
    }

    #[test]
    fn without_locales_paths_are_unchanged() {
        let routing = MatchRouting::default();
        assert_eq!(routing.match_path("/account", "h"), "/account");
    }
}
