//! The parts of `next.config.*` that shape how custom routes are built and matched: basePath,
//! trailing slash, case sensitivity, i18n.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::NextConfig;

/// How the app's paths are laid out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Routing {
    /// `basePath`, `""` when unset.
    #[serde(default)]
    pub base_path: String,
    /// `trailingSlash`.
    #[serde(default)]
    pub trailing_slash: bool,
    /// `experimental.caseSensitiveRoutes`.
    #[serde(default)]
    pub case_sensitive: bool,
    /// `skipProxyUrlNormalize` (or its older name `skipMiddlewareUrlNormalize`): the router
    /// then adds no trailing slash of its own.
    #[serde(default)]
    pub skip_url_normalize: bool,
    /// The path of `assetPrefix`, when it has one other than `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_prefix: Option<String>,
    /// `i18n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i18n: Option<I18n>,
}

/// `i18n` of the config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct I18n {
    /// `i18n.locales`.
    #[serde(default)]
    pub locales: Vec<String>,
    /// `i18n.defaultLocale`.
    #[serde(default)]
    pub default_locale: String,
    /// `i18n.domains`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
}

/// One entry of `i18n.domains`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Domain {
    /// `domain`, possibly with a port.
    pub domain: String,
    /// `defaultLocale`.
    pub default_locale: String,
    /// `http: true`: links to the domain use `http://`.
    #[serde(default)]
    pub http: bool,
}

impl Routing {
    /// The routing `config` describes.
    pub(crate) fn from_config(config: &NextConfig) -> Routing {
        let raw = &config.raw;
        let flag = |value: Option<&Json>| value.is_some_and(truthy);
        Routing {
            base_path: config.base_path.clone(),
            trailing_slash: config.trailing_slash,
            case_sensitive: flag(
                raw.get("experimental")
                    .and_then(|e| e.get("caseSensitiveRoutes")),
            ),
            skip_url_normalize: flag(raw.get("skipProxyUrlNormalize"))
                || flag(raw.get("skipMiddlewareUrlNormalize")),
            asset_prefix: raw
                .get("assetPrefix")
                .and_then(Json::as_str)
                .and_then(asset_prefix_path),
            i18n: raw.get("i18n").and_then(I18n::from_json),
        }
    }

    /// `maybeAddTrailingSlash` of Next.js's router.
    pub(crate) fn maybe_add_trailing_slash(&self, path: String) -> String {
        if self.trailing_slash && !self.skip_url_normalize && !path.ends_with('/') {
            path + "/"
        } else {
            path
        }
    }

    /// The path as Next.js routes it with i18n: when it names no locale (and is not under
    /// `/_next/`), the default locale of the request's domain is inserted after the basePath.
    pub(crate) fn localized_path<'a>(&self, path: &'a str, hostname: Option<&str>) -> Cow<'a, str> {
        let Some(i18n) = &self.i18n else {
            return Cow::Borrowed(path);
        };
        let had_trailing_slash = path.ends_with('/');
        let had_base_path = has_prefix(path, &self.base_path);
        let mut normalized = path;
        if !self.base_path.is_empty() && had_base_path {
            normalized = remove_prefix(normalized, &self.base_path);
        } else if let Some(prefix) = self.asset_prefix.as_deref()
            && has_prefix(normalized, prefix)
        {
            normalized = remove_prefix(normalized, prefix);
        }
        let (locale, rest) = i18n.split_locale(normalized);
        if locale.is_some() || rest.starts_with("/_next/") {
            return Cow::Borrowed(path);
        }
        let default = i18n.default_locale_for(hostname);
        let localized = if rest == "/" {
            format!("/{default}")
        } else {
            add_prefix(rest, &format!("/{default}"))
        };
        let localized = add_prefix(&localized, if had_base_path { &self.base_path } else { "" });
        if had_trailing_slash {
            Cow::Owned(self.maybe_add_trailing_slash(localized))
        } else {
            Cow::Owned(localized)
        }
    }

    /// The path Next.js matches its own (internal) routes against with i18n: the default
    /// locale taken out, so `/en/about/` meets the trailing-slash redirect as `/about/`.
    pub(crate) fn internal_path<'a>(&self, path: &'a str, hostname: Option<&str>) -> Cow<'a, str> {
        let Some(i18n) = &self.i18n else {
            return Cow::Borrowed(path);
        };
        let had_trailing_slash = path.ends_with('/');
        let mut current = path;
        if !self.base_path.is_empty() {
            current = remove_prefix(current, &self.base_path);
        }
        let had_base_path = current != path;
        let (locale, rest) = i18n.split_locale(current);
        let is_default = locale.is_some_and(|locale| locale == i18n.default_locale_for(hostname));
        let mut result = if is_default {
            if rest == "/" && had_base_path {
                self.base_path.clone()
            } else {
                add_prefix(rest, if had_base_path { &self.base_path } else { "" })
            }
        } else if had_base_path {
            if current == "/" {
                self.base_path.clone()
            } else {
                add_prefix(current, &self.base_path)
            }
        } else {
            current.to_owned()
        };
        if (is_default || had_base_path) && had_trailing_slash {
            result = self.maybe_add_trailing_slash(result);
        }
        if result == path {
            Cow::Borrowed(path)
        } else {
            Cow::Owned(result)
        }
    }
}

impl I18n {
    /// `i18n` when the config has it: an object; missing parts read as empty.
    fn from_json(value: &Json) -> Option<I18n> {
        let object = value.as_object()?;
        let text =
            |value: Option<&Json>| value.and_then(Json::as_str).unwrap_or_default().to_owned();
        let locales = object
            .get("locales")
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let domains = object
            .get("domains")
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        Some(Domain {
                            domain: item.get("domain")?.as_str()?.to_owned(),
                            default_locale: text(item.get("defaultLocale")),
                            http: item.get("http").is_some_and(truthy),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(I18n {
            locales,
            default_locale: text(object.get("defaultLocale")),
            domains,
        })
    }

    /// `normalizeLocalePath`: the locale the first segment names (compared without case, given
    /// back as configured) and the path without it.
    pub(crate) fn split_locale<'a>(&self, path: &'a str) -> (Option<&str>, &'a str) {
        let first = path.split('/').nth(1).unwrap_or_default();
        if first.is_empty() {
            return (None, path);
        }
        let Some(locale) = self
            .locales
            .iter()
            .find(|locale| locale.to_lowercase() == first.to_lowercase())
        else {
            return (None, path);
        };
        let rest = path.get(locale.len() + 1..).filter(|rest| !rest.is_empty());
        (Some(locale.as_str()), rest.unwrap_or("/"))
    }

    /// The default locale for a request to `hostname` (`detectDomainLocale`, else
    /// `i18n.defaultLocale`).
    pub(crate) fn default_locale_for(&self, hostname: Option<&str>) -> &str {
        hostname
            .and_then(|hostname| {
                self.domains.iter().find(|domain| {
                    domain
                        .domain
                        .split(':')
                        .next()
                        .unwrap_or_default()
                        .to_lowercase()
                        == hostname
                })
            })
            .map_or(self.default_locale.as_str(), |domain| {
                domain.default_locale.as_str()
            })
    }
}

/// The path of `assetPrefix` as Next.js's `loadRewrites` takes it: a full URL's pathname,
/// with a leading `/`; `None` for `/` or nothing.
fn asset_prefix_path(prefix: &str) -> Option<String> {
    let mut path = prefix.to_owned();
    if (prefix.contains("http://") || prefix.contains("https://"))
        && let Ok(url) = url::Url::parse(prefix)
    {
        path = url.path().to_owned();
    }
    if path.is_empty() || path == "/" {
        return None;
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    Some(path)
}

/// `pathHasPrefix`: `path` is `prefix` or starts with `prefix/`.
pub(crate) fn has_prefix(path: &str, prefix: &str) -> bool {
    let pathname = path.split(['?', '#']).next().unwrap_or_default();
    pathname == prefix || pathname.starts_with(&format!("{prefix}/"))
}

/// `removePathPrefix`.
fn remove_prefix<'a>(path: &'a str, prefix: &str) -> &'a str {
    if !has_prefix(path, prefix) {
        return path;
    }
    match path.get(prefix.len()..) {
        Some(rest) if rest.starts_with('/') => rest,
        // `/docs` without its prefix is `/`; a query or hash cannot follow here.
        _ => "/",
    }
}

/// `addPathPrefix`.
fn add_prefix(path: &str, prefix: &str) -> String {
    if !path.starts_with('/') || prefix.is_empty() {
        return path.to_owned();
    }
    format!("{prefix}{path}")
}

/// JavaScript truthiness of a JSON value.
pub(crate) fn truthy(value: &Json) -> bool {
    match value {
        Json::Null => false,
        Json::Bool(flag) => *flag,
        Json::Number(number) => number.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Json::String(text) => !text.is_empty(),
        Json::Array(_) | Json::Object(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Routing;
    use crate::NextConfig;

    fn routing(raw: serde_json::Value) -> Routing {
        Routing::from_config(&NextConfig::from_json(raw).unwrap())
    }

    fn i18n(extra: serde_json::Value) -> Routing {
        let mut raw = json!({
            "i18n": {
                "locales": ["en", "fr", "de-CH"],
                "defaultLocale": "en",
                "domains": [{ "domain": "example.fr:8080", "defaultLocale": "fr", "http": true }],
            },
        });
        if let (Some(raw), Some(extra)) = (raw.as_object_mut(), extra.as_object()) {
            raw.extend(extra.clone());
        }
        routing(raw)
    }

    #[test]
    fn reads_the_config() {
        let routing = routing(json!({
            "basePath": "/docs",
            "trailingSlash": true,
            "experimental": { "caseSensitiveRoutes": true },
            "skipMiddlewareUrlNormalize": true,
            "assetPrefix": "https://cdn.example.com/assets",
        }));
        assert_eq!(routing.base_path, "/docs");
        assert!(routing.trailing_slash && routing.case_sensitive && routing.skip_url_normalize);
        assert_eq!(routing.asset_prefix.as_deref(), Some("/assets"));
        assert_eq!(routing.i18n, None);
    }

    #[test]
    fn the_default_locale_is_inserted_as_next_does() {
        let routing = i18n(json!({}));
        let path = |path: &str, host: Option<&str>| routing.localized_path(path, host).into_owned();
        assert_eq!(path("/", None), "/en");
        assert_eq!(path("/about", None), "/en/about");
        assert_eq!(path("/about/", None), "/en/about/");
        assert_eq!(path("/fr/about", None), "/fr/about");
        assert_eq!(path("/DE-ch", None), "/DE-ch");
        assert_eq!(path("/_next/data/x.json", None), "/_next/data/x.json");
        assert_eq!(path("/about", Some("example.fr")), "/fr/about");

        let routing = i18n(json!({ "basePath": "/docs", "trailingSlash": true }));
        let path = |path: &str| routing.localized_path(path, None).into_owned();
        assert_eq!(path("/docs"), "/docs/en");
        assert_eq!(path("/docs/"), "/docs/en/");
        assert_eq!(path("/docs/about/"), "/docs/en/about/");
        assert_eq!(path("/other"), "/en/other");
    }

    #[test]
    fn internal_routes_see_the_path_without_the_default_locale() {
        let routing = i18n(json!({}));
        let path = |path: &str| routing.internal_path(path, None).into_owned();
        assert_eq!(path("/en/about/"), "/about/");
        assert_eq!(path("/en"), "/");
        assert_eq!(path("/fr/about/"), "/fr/about/");

        let routing = i18n(json!({ "basePath": "/docs", "trailingSlash": true }));
        let path = |path: &str| routing.internal_path(path, None).into_owned();
        assert_eq!(path("/docs/en/about"), "/docs/about");
        assert_eq!(path("/docs/en/"), "/docs/");
        assert_eq!(path("/docs/en"), "/docs");
        assert_eq!(path("/docs/fr/x/"), "/docs/fr/x/");
    }
}
