//! Reading `headers`, `redirects` and `rewrites` from the evaluated config, as Next.js's
//! `loadCustomRoutes` does: each list checked, given the basePath and locale prefixes
//! (`processRoutes`), checked again, and the trailing-slash redirects put in front.

use serde_json::{Map, Value as Json};

use super::error::{CustomRouteKind, CustomRoutesError};
use super::manifest::{HeaderData, HeaderPair, Manifest, RedirectData, RewriteData, RewritesData};
use super::routing::Routing;
use super::trailing_slash::trailing_slash_redirects;
use super::validate::{ALLOWED_STATUS_CODES, check_routes, truthy};
use crate::{NextConfig, RouteHas};

/// Above this many routes Next.js warns that routing gets slower.
const MANY_ROUTES: usize = 1000;

/// The routes of `config` and the warnings Next.js prints about them.
pub(crate) fn load(config: &NextConfig) -> Result<(Manifest, Vec<String>), CustomRoutesError> {
    let routing = Routing::from_config(config);
    let raw = &config.raw;
    // Next.js loads the three together; its checks run in this order.
    let headers = load_list(raw.get("headers"), CustomRouteKind::Header, &routing)?;
    let rewrites = load_rewrites(raw.get("rewrites"), &routing)?;
    let redirects = load_list(raw.get("redirects"), CustomRouteKind::Redirect, &routing)?;

    let headers: Vec<HeaderData> = headers.iter().map(header_data).collect();
    let rewrites = RewritesData {
        before_files: rewrites.before_files.iter().map(rewrite_data).collect(),
        after_files: rewrites.after_files.iter().map(rewrite_data).collect(),
        fallback: rewrites.fallback.iter().map(rewrite_data).collect(),
    };
    let redirects: Vec<RedirectData> = redirects.iter().map(redirect_data).collect();
    let warnings = warnings(&headers, &rewrites, &redirects);

    let skip = raw.get("skipTrailingSlashRedirect").is_some_and(truthy);
    let mut all_redirects = if skip {
        Vec::new()
    } else {
        trailing_slash_redirects(&routing)
    };
    all_redirects.extend(redirects);
    Ok((
        Manifest {
            routing,
            headers,
            redirects: all_redirects,
            rewrites,
        },
        warnings,
    ))
}

/// One list: checked, processed, checked again. A missing (or `null`) list is empty.
fn load_list(
    value: Option<&Json>,
    kind: CustomRouteKind,
    routing: &Routing,
) -> Result<Vec<Json>, CustomRoutesError> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return Ok(Vec::new());
    };
    check_routes(value, kind)?;
    let processed = process_routes(value.as_array().cloned().unwrap_or_default(), routing, kind);
    let processed = Json::Array(processed);
    check_routes(&processed, kind)?;
    Ok(match processed {
        Json::Array(routes) => routes,
        _ => Vec::new(),
    })
}

/// The three lists of rewrites, processed.
struct Phases {
    before_files: Vec<Json>,
    after_files: Vec<Json>,
    fallback: Vec<Json>,
}

/// The three phases of rewrites: `rewrites()` returns either a list (the `afterFiles`) or
/// an object with only `beforeFiles`, `afterFiles` and `fallback`.
fn load_rewrites(value: Option<&Json>, routing: &Routing) -> Result<Phases, CustomRoutesError> {
    const KIND: CustomRouteKind = CustomRouteKind::Rewrite;
    let empty = Json::Array(Vec::new());
    let (before, after, fallback) = match value.filter(|value| !value.is_null()) {
        None => (empty.clone(), empty.clone(), empty),
        Some(Json::Object(phases))
            if phases
                .keys()
                .all(|key| matches!(key.as_str(), "beforeFiles" | "afterFiles" | "fallback")) =>
        {
            let phase = |key: &str| {
                phases
                    .get(key)
                    .filter(|value| truthy(value))
                    .cloned()
                    .unwrap_or_else(|| Json::Array(Vec::new()))
            };
            (phase("beforeFiles"), phase("afterFiles"), phase("fallback"))
        }
        Some(list) => (empty.clone(), list.clone(), empty),
    };
    for phase in [&before, &after, &fallback] {
        check_routes(phase, KIND)?;
    }
    let process = |phase: Json| {
        let routes = match phase {
            Json::Array(routes) => routes,
            _ => Vec::new(),
        };
        process_routes(routes, routing, KIND)
    };
    let mut before = process(before);
    let after = process(after);
    let fallback = process(fallback);
    for phase in [&before, &after, &fallback] {
        check_routes(&Json::Array(phase.clone()), KIND)?;
    }
    if let Some(prefix) = &routing.asset_prefix
        && *prefix != routing.base_path
    {
        // Assets requested under `assetPrefix` are served from `/_next` (not checked).
        let mut rewrite = Map::new();
        rewrite.insert(
            "source".into(),
            Json::String(format!("{prefix}/_next/:path+")),
        );
        rewrite.insert(
            "destination".into(),
            Json::String(format!("{}/_next/:path+", routing.base_path)),
        );
        before.insert(0, Json::Object(rewrite));
    }
    Ok(Phases {
        before_files: before,
        after_files: after,
        fallback,
    })
}

/// `processRoutes`: basePath and locale prefixes on sources and internal destinations, and
/// for redirects with i18n a copy per default locale that drops the locale.
fn process_routes(routes: Vec<Json>, routing: &Routing, kind: CustomRouteKind) -> Vec<Json> {
    let trailing_slash = routing.trailing_slash;
    // `/` becomes empty after a prefix unless trailing slashes are kept.
    let after_prefix = |path: &str| -> String {
        if path == "/" && !trailing_slash {
            String::new()
        } else {
            path.to_owned()
        }
    };
    let mut default_locales: Vec<(String, String)> = Vec::new();
    if let Some(i18n) = &routing.i18n
        && kind == CustomRouteKind::Redirect
    {
        for domain in &i18n.domains {
            let scheme = if domain.http { "http" } else { "https" };
            default_locales.push((
                domain.default_locale.clone(),
                format!("{scheme}://{}", domain.domain),
            ));
        }
        default_locales.push((i18n.default_locale.clone(), String::new()));
    }

    let mut processed = Vec::with_capacity(routes.len());
    for route in routes {
        let Json::Object(mut route) = route else {
            processed.push(route);
            continue;
        };
        let text = |route: &Map<String, Json>, key: &str| {
            route.get(key).and_then(Json::as_str).map(str::to_owned)
        };
        let source = text(&route, "source").unwrap_or_default();
        let destination = text(&route, "destination");
        let src_base_path = if route.get("basePath") == Some(&Json::Bool(false)) {
            ""
        } else {
            routing.base_path.as_str()
        };
        let is_external = !destination.as_deref().is_some_and(|d| d.starts_with('/'));
        let dest_base_path = if is_external { "" } else { src_base_path };

        let mut source = source;
        let mut destination = destination;
        if let Some(i18n) = &routing.i18n
            && route.get("locale") != Some(&Json::Bool(false))
        {
            if !is_external {
                for (locale, base) in &default_locales {
                    let mut copy = route.clone();
                    if let Some(destination) = &destination {
                        copy.insert(
                            "destination".into(),
                            Json::String(format!("{base}{dest_base_path}{destination}")),
                        );
                    }
                    copy.insert(
                        "source".into(),
                        Json::String(format!("{src_base_path}/{locale}{}", after_prefix(&source))),
                    );
                    processed.push(Json::Object(copy));
                }
            }
            let locales: Vec<String> = i18n
                .locales
                .iter()
                .map(|l| escape_string_regexp(l))
                .collect();
            source = format!(
                "/:nextInternalLocale({}){}",
                locales.join("|"),
                after_prefix(&source)
            );
            if let Some(internal) = destination.as_ref().filter(|d| d.starts_with('/')) {
                destination = Some(format!("/:nextInternalLocale{}", after_prefix(internal)));
            }
        }
        let source = if source == "/" && !src_base_path.is_empty() {
            src_base_path.to_owned()
        } else {
            format!("{src_base_path}{source}")
        };
        route.insert("source".into(), Json::String(source));
        if let Some(destination) = destination.filter(|d| !d.is_empty()) {
            let destination = if destination == "/" && !dest_base_path.is_empty() {
                dest_base_path.to_owned()
            } else {
                format!("{dest_base_path}{destination}")
            };
            route.insert("destination".into(), Json::String(destination));
        }
        processed.push(Json::Object(route));
    }
    processed
}

/// Next.js's `escapeStringRegexp`.
fn escape_string_regexp(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for char in text.chars() {
        if "|\\{}()[]^$+*?.-".contains(char) {
            escaped.push('\\');
        }
        escaped.push(char);
    }
    escaped
}

fn text(route: &Json, key: &str) -> String {
    route
        .get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The conditions of a checked route. Checking guarantees every item has the shape
/// [`RouteHas`] reads, so none is dropped here.
fn conditions(route: &Json, key: &str) -> Vec<RouteHas> {
    route
        .get(key)
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| serde_json::from_value(item.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

fn header_data(route: &Json) -> HeaderData {
    let headers = route
        .get("headers")
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| HeaderPair {
                    key: text(item, "key"),
                    value: text(item, "value"),
                })
                .collect()
        })
        .unwrap_or_default();
    HeaderData {
        source: text(route, "source"),
        headers,
        has: conditions(route, "has"),
        missing: conditions(route, "missing"),
    }
}

fn redirect_data(route: &Json) -> RedirectData {
    // `getRedirectStatus`: a (checked) `statusCode`, else 308 or 307 by `permanent`.
    let status = route
        .get("statusCode")
        .filter(|status| truthy(status))
        .and_then(Json::as_f64)
        .and_then(|code| {
            ALLOWED_STATUS_CODES
                .into_iter()
                .find(|allowed| f64::from(*allowed) == code)
        });
    let permanent = route.get("permanent").is_some_and(truthy);
    RedirectData {
        source: text(route, "source"),
        destination: text(route, "destination"),
        status_code: status.unwrap_or(if permanent { 308 } else { 307 }),
        has: conditions(route, "has"),
        missing: conditions(route, "missing"),
        internal: false,
    }
}

fn rewrite_data(route: &Json) -> RewriteData {
    RewriteData {
        source: text(route, "source"),
        destination: text(route, "destination"),
        has: conditions(route, "has"),
        missing: conditions(route, "missing"),
    }
}

/// The warnings `loadCustomRoutes` prints: too many routes, and `Cache-Control` set for
/// `/_next/` paths.
fn warnings(
    headers: &[HeaderData],
    rewrites: &RewritesData,
    redirects: &[RedirectData],
) -> Vec<String> {
    let mut warnings = Vec::new();
    let total_rewrites =
        rewrites.before_files.len() + rewrites.after_files.len() + rewrites.fallback.len();
    if headers.len() + redirects.len() + total_rewrites > MANY_ROUTES {
        warnings.push(format!(
            "Warning: total number of custom routes exceeds 1000, this can reduce performance. Route counts:\nheaders: {}\nrewrites: {total_rewrites}\nredirects: {}\nSee more info: https://nextjs.org/docs/messages/max-custom-routes-reached",
            headers.len(),
            redirects.len()
        ));
    }
    let cache_control: Vec<String> = headers
        .iter()
        .filter(|route| route.source.starts_with("/_next/"))
        .filter(|route| {
            route
                .headers
                .iter()
                .any(|header| header.key.eq_ignore_ascii_case("cache-control"))
        })
        .map(|route| format!("  - {}", route.source))
        .collect();
    if !cache_control.is_empty() {
        warnings.push(format!(
            "Warning: Custom Cache-Control headers detected for the following routes:\n{}\n\nSetting a custom Cache-Control header can break Next.js development behavior.",
            cache_control.join("\n")
        ));
    }
    warnings
}
