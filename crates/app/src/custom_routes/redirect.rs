//! `redirects()` applied to a request: the first route that matches answers.

use std::borrow::Cow;

use super::destination::{DestinationError, prepare};
use super::manifest::RedirectData;
use super::matcher::RouteMatcher;
use super::query::Query;
use super::request::RequestFacts;
use super::url_text::{UrlParts, encode_uri_component, format_url, normalize_repeated_slashes};
use crate::ParamValue;

/// The answer to a request a redirect matched.
///
/// Next.js answers with `status`, a `Location` of `location`, the location as the body, and
/// for 308 a `Refresh` header ([`Redirect::refresh`]). Headers of `headers()` routes are not
/// added to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Where to: a path with query (`/blog/1?a=b`) or an absolute URL.
    pub location: String,
    /// 301, 302, 303, 307 or 308.
    pub status: u16,
}

impl Redirect {
    /// The `Refresh` header Next.js adds to permanent (308) redirects: `0;url=<location>`.
    pub fn refresh(&self) -> Option<String> {
        (self.status == 308).then(|| format!("0;url={}", self.location))
    }
}

/// A compiled redirect.
#[derive(Debug, Clone)]
pub(crate) struct RedirectRule {
    pub data: RedirectData,
    pub matcher: RouteMatcher,
}

/// The redirect the first matching rule gives.
pub(crate) fn redirect_for(
    rules: &[RedirectRule],
    facts: &RequestFacts<'_>,
) -> Result<Option<Redirect>, DestinationError> {
    for rule in rules {
        let Some(params) = rule.matcher.params(facts) else {
            continue;
        };
        let prepared = prepare(&rule.data.destination, &params, facts.query, false)?;
        let query = Query::from_map(prepared.query);
        let search = redirect_query_string(&query, facts.query);
        let location = format_url(&UrlParts {
            protocol: prepared.protocol.as_deref().unwrap_or_default(),
            slashes: prepared.slashes,
            hostname: &prepared.hostname,
            port: &prepared.port,
            pathname: &normalize_repeated_slashes(&prepared.pathname),
            search: &search,
            hash: &prepared.hash,
        });
        return Ok(Some(Redirect {
            location,
            status: rule.data.status_code,
        }));
    }
    Ok(None)
}

/// Next.js's `stringifyQuery`: keys and values that appear in the request's own query are
/// escaped (`querystring.parse` had decoded them); those the destination wrote, or that came
/// from parameters, are written as they are.
fn redirect_query_string(query: &Query, initial: &Query) -> String {
    query.stringify_with(|text| {
        let from_request = initial.get(text).is_some()
            || initial.iter().any(|(_, value)| match value {
                ParamValue::One(value) => value == text,
                ParamValue::Many(values) => values.iter().any(|value| value == text),
            });
        if from_request {
            Cow::Owned(encode_uri_component(text))
        } else {
            Cow::Borrowed(text)
        }
    })
}
