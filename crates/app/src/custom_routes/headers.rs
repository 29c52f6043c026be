//! `headers()` applied to a request: every route that matches adds its headers, in order.
//!
//! As in Next.js's router, `:name` in a header's key and value is filled in when the route
//! captured any parameter; a later route's value replaces an earlier one for the same name
//! (compared without case, as Node's `setHeader` does), except `Set-Cookie` values written
//! with the same spelling, which accumulate.

use super::destination::{DestinationError, compile_non_path};
use super::js_map::JsMap;
use super::manifest::HeaderData;
use super::matcher::RouteMatcher;
use super::request::RequestFacts;

/// A compiled `headers()` route.
#[derive(Debug, Clone)]
pub(crate) struct HeaderRule {
    pub data: HeaderData,
    pub matcher: RouteMatcher,
}

/// A header as the router collects it before setting it on the response.
enum Collected {
    One(String),
    Cookies(Vec<String>),
}

/// The response headers `rules` give `facts`, in the order Node.js would send them.
pub(crate) fn headers_for(
    rules: &[HeaderRule],
    facts: &RequestFacts<'_>,
) -> Result<Vec<(String, String)>, DestinationError> {
    // `resHeaders`: keyed by the name exactly as written.
    let mut collected: JsMap<Collected> = JsMap::new();
    for rule in rules {
        let Some(params) = rule.matcher.params(facts) else {
            continue;
        };
        for header in &rule.data.headers {
            let (key, value) = if params.is_empty() {
                (header.key.clone(), header.value.clone())
            } else {
                (
                    compile_non_path(&header.key, &params)?,
                    compile_non_path(&header.value, &params)?,
                )
            };
            if key.eq_ignore_ascii_case("set-cookie") {
                // A `set-cookie` key only ever holds a list.
                if let Some(Collected::Cookies(cookies)) = collected.get_mut(&key) {
                    cookies.push(value);
                } else {
                    collected.insert(key, Collected::Cookies(vec![value]));
                }
            } else {
                collected.insert(key, Collected::One(value));
            }
        }
    }
    // `res.setHeader` for each: names compared without case, the last spelling kept.
    let mut set: JsMap<(String, Vec<String>)> = JsMap::new();
    for (key, value) in collected.iter() {
        let values = match value {
            Collected::One(value) => vec![value.clone()],
            Collected::Cookies(values) => values.clone(),
        };
        set.insert(key.to_ascii_lowercase(), (key.to_owned(), values));
    }
    Ok(set
        .values()
        .flat_map(|(name, values)| values.iter().map(|value| (name.clone(), value.clone())))
        .collect())
}
