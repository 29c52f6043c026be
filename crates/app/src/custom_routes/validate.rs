//! Next.js's `checkCustomRoutes`: every rule a route of `headers()`, `redirects()` or
//! `rewrites()` must keep, with its messages.

use serde_json::Value as Json;

use super::error::{
    BrokenRoute, CustomRouteKind, CustomRoutesError, InvalidRoute, InvalidRoutes, ParseError,
    RouteProblem,
};
use crate::path_to_regexp::{
    DELIMITER, KeyName, Token, normalize_repeats, parse_with, tokens_regexp_source,
};

/// The longest regular expression Next.js accepts for a source or destination.
const MAX_REGEX_LENGTH: usize = 4096;

/// The redirect status codes Next.js allows.
pub(crate) const ALLOWED_STATUS_CODES: [u16; 5] = [301, 302, 303, 307, 308];

const CONDITION_TYPES: [&str; 4] = ["header", "cookie", "query", "host"];

/// Checks `routes`, the list a config function returned.
pub(crate) fn check_routes(routes: &Json, kind: CustomRouteKind) -> Result<(), CustomRoutesError> {
    let Json::Array(routes) = routes else {
        return Err(CustomRoutesError::NotAnArray {
            kind,
            received: type_of(Some(routes)).to_owned(),
        });
    };
    let invalid: Vec<InvalidRoute> = routes
        .iter()
        .filter_map(|route| check_route(route, kind))
        .collect();
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(CustomRoutesError::Invalid(InvalidRoutes {
            kind,
            routes: invalid,
        }))
    }
}

fn allowed_keys(kind: CustomRouteKind) -> &'static [&'static str] {
    match kind {
        CustomRouteKind::Rewrite => &[
            "source",
            "locale",
            "has",
            "missing",
            "basePath",
            "destination",
        ],
        CustomRouteKind::Redirect => &[
            "source",
            "locale",
            "has",
            "missing",
            "basePath",
            "statusCode",
            "permanent",
            "destination",
        ],
        CustomRouteKind::Header => &["source", "locale", "has", "missing", "basePath", "headers"],
    }
}

fn check_route(route: &Json, kind: CustomRouteKind) -> Option<InvalidRoute> {
    let Json::Object(object) = route else {
        return Some(InvalidRoute::NotAnObject {
            route: stringify(route),
        });
    };
    let get = |key: &str| object.get(key);
    let destination = get("destination").and_then(Json::as_str);
    if kind == CustomRouteKind::Rewrite
        && get("basePath") == Some(&Json::Bool(false))
        && !destination.is_some_and(|d| d.starts_with("http://") || d.starts_with("https://"))
    {
        return Some(InvalidRoute::OutsideBasePath {
            source_path: js_string(get("source")),
        });
    }

    let allowed = allowed_keys(kind);
    let invalid_fields: Vec<String> = object
        .keys()
        .filter(|key| !allowed.contains(&key.as_str()))
        .cloned()
        .collect();
    let mut problems = Vec::new();
    let mut parse_errors = Vec::new();

    if get("basePath").is_some_and(|value| *value != Json::Bool(false)) {
        problems.push(RouteProblem::BasePathNotFalse);
    }
    if get("locale").is_some_and(|value| *value != Json::Bool(false)) {
        problems.push(RouteProblem::LocaleNotFalse);
    }
    let has_items = check_conditions(get("has"), "has", &mut problems);
    let missing_items = check_conditions(get("missing"), "missing", &mut problems);

    let source = get("source");
    match source {
        Some(value) if !truthy(value) => problems.push(RouteProblem::SourceMissing),
        None => problems.push(RouteProblem::SourceMissing),
        Some(Json::String(text)) if !text.starts_with('/') => {
            problems.push(RouteProblem::SourceNotAbsolute);
        }
        Some(Json::String(_)) => {}
        Some(_) => problems.push(RouteProblem::SourceNotString),
    }

    if kind == CustomRouteKind::Header {
        check_headers(get("headers"), &mut problems);
    } else {
        match get("destination") {
            Some(value) if !truthy(value) => problems.push(RouteProblem::DestinationMissing),
            None => problems.push(RouteProblem::DestinationMissing),
            Some(Json::String(text)) => {
                let is_url = text.starts_with('/')
                    || text.starts_with("https://")
                    || text.starts_with("http://");
                if kind == CustomRouteKind::Rewrite && !is_url {
                    problems.push(RouteProblem::DestinationNotUrl);
                }
            }
            Some(_) => problems.push(RouteProblem::DestinationNotString),
        }
    }

    if kind == CustomRouteKind::Redirect {
        let status = get("statusCode");
        if let Some(status) = status.filter(|status| truthy(status)) {
            let allowed = status.as_f64().is_some_and(|code| {
                ALLOWED_STATUS_CODES
                    .iter()
                    .any(|allowed| f64::from(*allowed) == code)
            });
            if !allowed {
                problems.push(RouteProblem::StatusCodeInvalid);
            }
        }
        if !matches!(get("permanent"), Some(Json::Bool(_))) && !status.is_some_and(truthy) {
            problems.push(RouteProblem::PermanentNotBoolean);
        }
    }

    let mut source_tokens = None;
    if let Some(Json::String(source)) = source
        && source.starts_with('/')
    {
        match parse_path(source, source) {
            Ok((tokens, regexp)) => {
                if utf16_len(&regexp) > MAX_REGEX_LENGTH {
                    problems.push(RouteProblem::SourceTooLong);
                }
                source_tokens = Some(tokens);
            }
            Err(error) => {
                parse_errors.push(error);
                problems.push(RouteProblem::SourceParseFailed);
            }
        }
    }

    if let (Some(destination), Some(tokens)) = (destination, &source_tokens)
        && destination.starts_with('/')
    {
        check_destination(
            destination,
            tokens,
            &has_segments(get("has")),
            &mut problems,
            &mut parse_errors,
        );
    }

    if invalid_fields.is_empty() && problems.is_empty() {
        return None;
    }
    Some(InvalidRoute::Broken(BrokenRoute {
        route: stringify(route),
        problems,
        invalid_fields,
        has_items,
        missing_items,
        parse_errors,
    }))
}

/// `checkInvalidHasMissing`: the lines describing invalid items.
fn check_conditions(
    items: Option<&Json>,
    field: &'static str,
    problems: &mut Vec<RouteProblem>,
) -> Vec<String> {
    let items = match items {
        None => return Vec::new(),
        Some(Json::Array(items)) => items,
        Some(_) => {
            problems.push(RouteProblem::ConditionsNotArray { field });
            return Vec::new();
        }
    };
    let mut lines = Vec::new();
    for item in items {
        let property = |key: &str| item.as_object().and_then(|object| object.get(key));
        let kind = property("type");
        let is_host = kind == Some(&Json::String("host".to_owned()));
        let mut parts = Vec::new();
        if !kind
            .and_then(Json::as_str)
            .is_some_and(|kind| CONDITION_TYPES.contains(&kind))
        {
            parts.push(format!("invalid type \"{}\"", js_string(kind)));
        }
        let key = property("key");
        if !matches!(key, Some(Json::String(_))) && !is_host {
            parts.push(format!("invalid key \"{}\"", js_string(key)));
        }
        let value = property("value");
        if value.is_some_and(|value| !value.is_string()) {
            parts.push(format!("invalid value \"{}\"", js_string(value)));
        }
        if value.is_none() && is_host {
            parts.push("value is required for \"host\" type".to_owned());
        }
        if !parts.is_empty() {
            lines.push(format!("{} for {}", parts.join(", "), stringify(item)));
        }
    }
    if !lines.is_empty() {
        problems.push(RouteProblem::InvalidConditionItems {
            field,
            count: lines.len(),
        });
    }
    lines
}

/// `checkHeader`.
fn check_headers(headers: Option<&Json>, problems: &mut Vec<RouteProblem>) {
    let Some(Json::Array(headers)) = headers else {
        problems.push(RouteProblem::HeadersNotArray);
        return;
    };
    if headers.is_empty() {
        problems.push(RouteProblem::HeadersEmpty);
        return;
    }
    for header in headers {
        let Json::Object(header) = header else {
            problems.push(RouteProblem::HeaderNotObject);
            break;
        };
        if !matches!(header.get("key"), Some(Json::String(_))) {
            problems.push(RouteProblem::HeaderKeyNotString);
            break;
        }
        if !matches!(header.get("value"), Some(Json::String(_))) {
            problems.push(RouteProblem::HeaderValueNotString);
            break;
        }
    }
}

/// A parameter name as JavaScript holds it: named parameters have string names, unnamed
/// groups numbers, and the two never compare equal.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SegmentName {
    Text(String),
    Number(usize),
}

impl SegmentName {
    fn of(name: &KeyName) -> SegmentName {
        match name {
            KeyName::Named(name) => SegmentName::Text(name.clone()),
            KeyName::Index(index) => SegmentName::Number(*index),
            KeyName::None => SegmentName::Text(String::new()),
        }
    }

    fn is_truthy(&self) -> bool {
        match self {
            SegmentName::Text(text) => !text.is_empty(),
            SegmentName::Number(number) => *number != 0,
        }
    }

    fn print(&self) -> String {
        match self {
            SegmentName::Text(text) => text.clone(),
            SegmentName::Number(number) => number.to_string(),
        }
    }
}

/// The names `has` items make available to the destination.
fn has_segments(has: Option<&Json>) -> Vec<SegmentName> {
    let mut names = Vec::new();
    let Some(Json::Array(items)) = has else {
        return names;
    };
    for item in items {
        let Some(item) = item.as_object() else {
            continue;
        };
        let value = item.get("value").filter(|value| truthy(value));
        if value.is_none()
            && let Some(key) = item.get("key").filter(|key| truthy(key))
        {
            names.push(SegmentName::Text(js_string(Some(key))));
        }
        if let Some(value) = value {
            if let Some(value) = value.as_str() {
                names.extend(named_groups(value).into_iter().map(SegmentName::Text));
            }
            if item.get("type").and_then(Json::as_str) == Some("host") {
                names.push(SegmentName::Text("host".to_owned()));
            }
        }
    }
    names
}

/// The names of `(?<name>` groups (`/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g`).
fn named_groups(pattern: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = pattern;
    while let Some(at) = rest.find("(?<") {
        rest = &rest[at + 3..];
        let name: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let well_formed = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && rest[name.len()..].starts_with('>');
        if well_formed {
            names.push(name);
        }
    }
    names
}

fn check_destination(
    destination: &str,
    source_tokens: &[Token],
    has_segments: &[SegmentName],
    problems: &mut Vec<RouteProblem>,
    parse_errors: &mut Vec<ParseError>,
) {
    let mut unnamed: Vec<String> = Vec::new();
    for token in source_tokens {
        if let Token::Key(key) = token
            && let KeyName::Index(index) = key.name
        {
            let reference = format!(":{index}");
            let used = destination.match_indices(&reference).any(|(at, _)| {
                !destination[at + reference.len()..].starts_with(|c: char| c.is_ascii_digit())
            });
            if used && !unnamed.contains(&reference) {
                unnamed.push(reference);
            }
        }
    }
    if !unnamed.is_empty() {
        problems.push(RouteProblem::DestinationUnnamedParams(unnamed));
        return;
    }
    let parsed_path = legacy_path_and_hash(destination);
    match parse_path(&parsed_path, destination) {
        Err(error) => {
            parse_errors.push(error);
            problems.push(RouteProblem::DestinationParseFailed);
        }
        Ok((tokens, regexp)) => {
            if utf16_len(&regexp) > MAX_REGEX_LENGTH {
                problems.push(RouteProblem::DestinationTooLong);
            }
            let source_names: Vec<SegmentName> = source_tokens
                .iter()
                .filter_map(|token| match token {
                    Token::Key(key) => Some(SegmentName::of(&key.name)),
                    Token::Text(_) => None,
                })
                .filter(SegmentName::is_truthy)
                .collect();
            let mut unknown: Vec<SegmentName> = Vec::new();
            for token in &tokens {
                let Token::Key(key) = token else { continue };
                let name = SegmentName::of(&key.name);
                if !source_names.contains(&name)
                    && !has_segments.contains(&name)
                    && !unknown.contains(&name)
                {
                    unknown.push(name);
                }
            }
            if !unknown.is_empty() {
                problems.push(RouteProblem::DestinationUnknownParams(
                    unknown.iter().map(SegmentName::print).collect(),
                ));
            }
        }
    }
}

/// `tryToParsePath`: the tokens and the regular expression with `path-to-regexp`'s defaults.
fn parse_path(path: &str, route: &str) -> Result<(Vec<Token>, String), ParseError> {
    let tokens = parse_with(path, DELIMITER).map_err(|reason| ParseError {
        route: route.to_owned(),
        parsed_path: path.to_owned(),
        reason,
    })?;
    let regexp = tokens_regexp_source(&normalize_repeats(tokens.clone()), DELIMITER, false);
    Ok((tokens, regexp))
}

/// The pathname and hash Node's legacy `url.parse` finds in a destination starting with `/`.
fn legacy_path_and_hash(url: &str) -> String {
    let url = url.trim_matches(|c: char| c <= ' ');
    let split_at = url.find(['?', '#']).unwrap_or(url.len());
    let rest = format!("{}{}", url[..split_at].replace('\\', "/"), &url[split_at..]);
    let has_space = rest.chars().any(char::is_whitespace);
    if !rest.contains('#') && !rest.contains('@') && !has_space && is_simple_path(&rest) {
        return rest.split('?').next().unwrap_or_default().to_owned();
    }
    let mut escaped = String::with_capacity(rest.len());
    for char in rest.chars() {
        match char {
            '\t' => escaped.push_str("%09"),
            '\n' => escaped.push_str("%0A"),
            '\r' => escaped.push_str("%0D"),
            ' ' => escaped.push_str("%20"),
            '"' => escaped.push_str("%22"),
            '\'' => escaped.push_str("%27"),
            '<' => escaped.push_str("%3C"),
            '>' => escaped.push_str("%3E"),
            '\\' => escaped.push_str("%5C"),
            '^' => escaped.push_str("%5E"),
            '`' => escaped.push_str("%60"),
            '{' => escaped.push_str("%7B"),
            '|' => escaped.push_str("%7C"),
            '}' => escaped.push_str("%7D"),
            other => escaped.push(other),
        }
    }
    let (before_hash, hash) = match escaped.find('#') {
        Some(at) => escaped.split_at(at),
        None => (escaped.as_str(), ""),
    };
    let pathname = before_hash.split('?').next().unwrap_or_default();
    format!("{pathname}{hash}")
}

/// `/^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/` without the whitespace test done by the caller.
fn is_simple_path(url: &str) -> bool {
    let rest = url
        .strip_prefix('/')
        .map(|rest| rest.strip_prefix('/').unwrap_or(rest));
    rest.is_some_and(|rest| !rest.starts_with('/'))
}

/// The length of `text` in UTF-16 code units, as JavaScript counts it.
fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `JSON.stringify(value)`.
pub(crate) fn stringify(value: &Json) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `typeof value`.
pub(crate) fn type_of(value: Option<&Json>) -> &'static str {
    match value {
        None => "undefined",
        Some(Json::Bool(_)) => "boolean",
        Some(Json::Number(_)) => "number",
        Some(Json::String(_)) => "string",
        Some(Json::Null | Json::Array(_) | Json::Object(_)) => "object",
    }
}

/// `String(value)`, as a template literal prints it.
pub(crate) fn js_string(value: Option<&Json>) -> String {
    match value {
        None => "undefined".to_owned(),
        Some(Json::Null) => "null".to_owned(),
        Some(Json::String(text)) => text.clone(),
        Some(Json::Array(items)) => items
            .iter()
            .map(|item| match item {
                Json::Null => String::new(),
                other => js_string(Some(other)),
            })
            .collect::<Vec<_>>()
            .join(","),
        Some(Json::Object(_)) => "[object Object]".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// JavaScript truthiness.
pub(crate) fn truthy(value: &Json) -> bool {
    super::routing::truthy(value)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::check_routes;
    use crate::custom_routes::error::{CustomRouteKind, CustomRoutesError};

    fn report(routes: Json, kind: CustomRouteKind) -> String {
        match check_routes(&routes, kind) {
            Err(error) => error.to_string(),
            Ok(()) => panic!("expected invalid routes"),
        }
    }

    fn assert_lines(report: &str, lines: &[&str]) {
        for line in lines {
            assert!(report.contains(line), "missing {line:?} in:\n{report}");
        }
    }

    /// Next.js's `invalid-custom-routes` test, for `redirects()`.
    #[test]
    fn invalid_redirects_are_reported_as_next_reports_them() {
        let report = report(
            json!([
                { "source": "/hello", "permanent": false },
                { "source": 123, "destination": "/another", "permanent": false },
                { "source": "/hello", "destination": "/another", "statusCode": "301" },
                { "source": "/hello", "destination": "/another", "statusCode": 404 },
                { "source": "/hello", "destination": "/another", "permanent": "yes" },
                { "source": "/hello/world/(.*)", "destination": "/:0", "permanent": true },
                null,
                "string",
                { "source": "/hello", "destination": "/another", "has": [{ "type": "cookiee", "key": "loggedIn" }], "permanent": false },
                { "source": "/hello", "destination": "/another", "permanent": false, "has": [{ "type": "headerr" }, { "type": "queryr", "key": "hello" }] },
            ]),
            CustomRouteKind::Redirect,
        );
        assert_lines(
            &report,
            &[
                "`destination` is missing for route {\"source\":\"/hello\",\"permanent\":false}",
                "`source` is not a string for route {\"source\":123,\"destination\":\"/another\",\"permanent\":false}",
                "`statusCode` is not undefined or valid statusCode for route {\"source\":\"/hello\",\"destination\":\"/another\",\"statusCode\":\"301\"}",
                "`statusCode` is not undefined or valid statusCode for route {\"source\":\"/hello\",\"destination\":\"/another\",\"statusCode\":404}",
                "`permanent` is not set to `true` or `false` for route {\"source\":\"/hello\",\"destination\":\"/another\",\"permanent\":\"yes\"}",
                "`destination` has unnamed params :0 for route {\"source\":\"/hello/world/(.*)\",\"destination\":\"/:0\",\"permanent\":true}",
                "The route null is not a valid object with `source` and `destination`",
                "The route \"string\" is not a valid object with `source` and `destination`",
                "Invalid `has` item:\ninvalid type \"cookiee\" for {\"type\":\"cookiee\",\"key\":\"loggedIn\"}",
                "invalid `has` item found for route {\"source\":\"/hello\",\"destination\":\"/another\",\"has\":[{\"type\":\"cookiee\",\"key\":\"loggedIn\"}],\"permanent\":false}",
                "Invalid `has` items:\ninvalid type \"headerr\", invalid key \"undefined\" for {\"type\":\"headerr\"}\ninvalid type \"queryr\" for {\"type\":\"queryr\",\"key\":\"hello\"}",
                "invalid `has` items found for route {\"source\":\"/hello\",\"destination\":\"/another\",\"permanent\":false,\"has\":[{\"type\":\"headerr\"},{\"type\":\"queryr\",\"key\":\"hello\"}]}",
                "\nValid redirect statusCode values are 301, 302, 303, 307, 308\n",
                "\nValid `has` object shape is {\n  \"type\": \"header, cookie, query, host\",\n  \"key\": \"the key to check for\",\n  \"value\": \"undefined or a value string to match against\"\n}\n",
                "\nError: Invalid redirects found\n",
                "fix those routes in `redirects()` of next.config.js",
            ],
        );
        assert!(!report.contains("Valid `missing` object shape"));
    }

    /// Next.js's `invalid-custom-routes` test, for `rewrites()`.
    #[test]
    fn invalid_rewrites_are_reported_as_next_reports_them() {
        let report = report(
            json!([
                { "source": "/hello" },
                { "source": 123, "destination": "/another" },
                { "source": "/hello", "destination": "/another", "headers": "not-allowed" },
                { "source": "hello", "destination": "/another" },
                { "source": "/hello", "destination": "another" },
                { "source": "/feedback/(?!general)", "destination": "/feedback/general" },
                { "source": "/hello/world/(.*)", "destination": "/:0" },
                { "source": "/hello", "destination": "/world", "basePath": false },
                null,
                "string",
            ]),
            CustomRouteKind::Rewrite,
        );
        assert_lines(
            &report,
            &[
                "`destination` is missing for route {\"source\":\"/hello\"}",
                "`source` is not a string for route {\"source\":123,\"destination\":\"/another\"}",
                "\n invalid field: headers for route {\"source\":\"/hello\",\"destination\":\"/another\",\"headers\":\"not-allowed\"}",
                "`source` does not start with / for route {\"source\":\"hello\",\"destination\":\"/another\"}",
                "`destination` does not start with `/`, `http://`, or `https://` for route {\"source\":\"/hello\",\"destination\":\"another\"}",
                "\nError parsing `/feedback/(?!general)` https://nextjs.org/docs/messages/invalid-route-source\nReason: Pattern cannot start with \"?\" at 11\n\n  /feedback/(?!general)\n             ^\n",
                "`source` parse failed for route {\"source\":\"/feedback/(?!general)\",\"destination\":\"/feedback/general\"}",
                "`destination` has unnamed params :0 for route {\"source\":\"/hello/world/(.*)\",\"destination\":\"/:0\"}",
                "The route /hello rewrites urls outside of the basePath. Please use a destination that starts with `http://` or `https://` https://nextjs.org/docs/messages/invalid-external-rewrite",
                "The route null is not a valid object with `source` and `destination`",
                "\nError: Invalid rewrites found\n",
            ],
        );
        assert!(!report.contains("Valid redirect statusCode values"));
    }

    /// Next.js's `invalid-custom-routes` test, for `headers()`.
    #[test]
    fn invalid_headers_are_reported_as_next_reports_them() {
        let report = report(
            json!([
                { "headers": [{ "x-first": "first" }] },
                { "source": "/hello", "headers": { "x-first": "first" } },
                { "source": "/again", "headers": [{ "value": "idk" }] },
                { "source": "/again", "headers": [{ "key": "idk" }] },
                { "source": "/again", "destination": "/another", "headers": [{ "key": "x-first", "value": "idk" }] },
                { "source": "/valid-header", "headers": [{ "key": "x-first", "value": "first" }, { "key": "x-another", "value": "again" }] },
                null,
                "string",
                { "source": "/hello", "has": [{ "type": "cookiee", "key": "loggedIn" }], "headers": [{ "key": "x-hello", "value": "world" }] },
                { "source": "/:path*", "headers": [] },
            ]),
            CustomRouteKind::Header,
        );
        assert_lines(
            &report,
            &[
                "`source` is missing, `key` in header item must be string for route {\"headers\":[{\"x-first\":\"first\"}]}",
                "`headers` field must be an array for route {\"source\":\"/hello\",\"headers\":{\"x-first\":\"first\"}}",
                "`key` in header item must be string for route {\"source\":\"/again\",\"headers\":[{\"value\":\"idk\"}]}",
                "`value` in header item must be string for route {\"source\":\"/again\",\"headers\":[{\"key\":\"idk\"}]}",
                "invalid field: destination for route {\"source\":\"/again\",\"destination\":\"/another\",\"headers\":[{\"key\":\"x-first\",\"value\":\"idk\"}]}",
                "The route null is not a valid object with `source` and `headers`",
                "The route \"string\" is not a valid object with `source` and `headers`",
                "invalid `has` item found for route {\"source\":\"/hello\",\"has\":[{\"type\":\"cookiee\",\"key\":\"loggedIn\"}],\"headers\":[{\"key\":\"x-hello\",\"value\":\"world\"}]}",
                "`headers` field cannot be empty for route {\"source\":\"/:path*\"",
                "\nError: Invalid headers found\n",
            ],
        );
        assert!(!report.contains("/valid-header"));
    }

    #[test]
    fn sources_and_destinations_are_parsed() {
        let report = report(
            json!([
                { "source": "/learning/?", "destination": "/learning", "permanent": true },
                { "source": format!("/{}", "a".repeat(4095)), "destination": "/another", "permanent": false },
                { "source": "/", "destination": format!("/{}", "a".repeat(4095)), "permanent": false },
                { "source": "/a/:id", "destination": "/b/:other", "permanent": false },
                { "source": "/a/:id", "destination": "/b/(unbalanced", "permanent": false },
            ]),
            CustomRouteKind::Redirect,
        );
        assert_lines(
            &report,
            &[
                "\nError parsing `/learning/?` https://nextjs.org/docs/messages/invalid-route-source\nReason: Unexpected MODIFIER at 10, expected END\n\n  /learning/?\n            ^\n",
                "`source` exceeds max built length of 4096 for route {\"source\":\"/aaaa",
                "`destination` exceeds max built length of 4096 for route {\"source\":\"/\",\"destination\":\"/aaaa",
                "`destination` has segments not in `source` or `has` (other) for route",
                "`destination` parse failed for route {\"source\":\"/a/:id\",\"destination\":\"/b/(unbalanced\",\"permanent\":false}",
                "Error: Invalid redirects found",
            ],
        );
    }

    #[test]
    fn valid_routes_pass() {
        let routes = json!([
            { "source": "/a/:id", "destination": "/b/:id?x=:other", "permanent": true },
            { "source": "/h", "has": [{ "type": "header", "key": "x-id", "value": "(?<id>.*)" }, { "type": "host", "value": "(.*)" }], "destination": "/:id/:host", "statusCode": 301 },
            { "source": "/q", "has": [{ "type": "query", "key": "page" }], "destination": "/p/:page", "statusCode": 302, "locale": false, "basePath": false },
            { "source": "/e", "destination": "https://example.com/:x", "permanent": false },
        ]);
        assert_eq!(check_routes(&routes, CustomRouteKind::Redirect), Ok(()));
        assert_eq!(check_routes(&json!([]), CustomRouteKind::Header), Ok(()));
        assert!(matches!(
            check_routes(&json!("x"), CustomRouteKind::Header),
            Err(CustomRoutesError::NotAnArray { .. })
        ));
    }

    #[test]
    fn invalid_missing_items_and_values_are_named() {
        let report = report(
            json!([
                { "source": "/a", "destination": "/b", "permanent": true, "missing": [{ "type": "host" }, { "type": "query", "key": "k", "value": 1 }], "has": {} },
                { "source": "/a", "destination": "/b", "permanent": true, "basePath": true, "locale": true },
            ]),
            CustomRouteKind::Redirect,
        );
        assert_lines(
            &report,
            &[
                "Invalid `missing` items:\nvalue is required for \"host\" type for {\"type\":\"host\"}\ninvalid value \"1\" for {\"type\":\"query\",\"key\":\"k\",\"value\":1}",
                "`has` must be undefined or valid has object, invalid `missing` items found for route",
                "`basePath` must be undefined or false, `locale` must be undefined or false for route",
                "\nValid `has` object shape is {",
                "\nValid `missing` object shape is {",
            ],
        );
    }
}
