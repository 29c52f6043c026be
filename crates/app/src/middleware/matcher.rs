//! `config.matcher` of the middleware: checked with the messages of Next.js's
//! `MiddlewareConfigInputSchema`, and compiled as its `getMiddlewareMatchers` does.
//!
//! Each source gets an optional `/_next/data/<build id>` segment before it and an optional
//! `.json` after it, so data requests for the same page match too (`/` also matches `/index`
//! and `/index.json`); with i18n an optional locale segment (unless `locale: false`); and the
//! `basePath` in front. The regular expression is then checked with `fancy-regex`, which the
//! server matches with.

use oxc::span::Span;

use crate::const_value::ConstValue;
use crate::path_to_regexp::source_to_regexp;
use crate::{MiddlewareMatcher, NextConfig, RouteHas};

/// The longest source Next.js accepts, before and after its prefixes are added.
const MAX_SOURCE_LENGTH: usize = 4096;

/// What `config.matcher` is checked and compiled with: the parts of `next.config.*` that
/// change the regular expressions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MatcherOptions {
    /// `basePath`, `""` when unset.
    pub base_path: String,
    /// `i18n` is set.
    pub i18n: bool,
    /// `i18n.locales` is set.
    pub locales: bool,
}

impl MatcherOptions {
    /// The options `config` gives.
    pub(crate) fn from_config(config: &NextConfig) -> Self {
        let i18n = config.raw.get("i18n").filter(|i18n| i18n.is_object());
        let locales = i18n
            .and_then(|i18n| i18n.get("locales"))
            .is_some_and(|locales| {
                !locales.is_null() && locales != &serde_json::Value::Bool(false)
            });
        MatcherOptions {
            base_path: config.base_path.clone(),
            i18n: i18n.is_some(),
            locales,
        }
    }
}

/// A problem with the matcher: the node it is about and Next.js's message.
pub(crate) type MatcherProblem = (Span, String);

/// The message for a matcher that is neither a source nor a list of them.
const NOT_MATCHERS: &str = "must be an array of strings or middleware matchers";

/// Checks and compiles `matcher`, the value of `config.matcher` at `span`.
///
/// `Ok` holds one matcher per source, in order; `Err` every problem found.
pub(crate) fn compile_matchers(
    matcher: &ConstValue,
    span: Span,
    options: &MatcherOptions,
) -> Result<Vec<MiddlewareMatcher>, Vec<MatcherProblem>> {
    let items: Vec<(Span, &ConstValue)> = match matcher {
        ConstValue::Undefined => return Ok(Vec::new()),
        ConstValue::String(_) => vec![(span, matcher)],
        ConstValue::Array(items) => items.iter().map(|(span, item)| (*span, item)).collect(),
        _ => return Err(vec![(span, NOT_MATCHERS.to_string())]),
    };
    let mut matchers = Vec::new();
    let mut problems = Vec::new();
    for (span, item) in items {
        let input = match item {
            ConstValue::String(source) => check_source(source, span).map(|()| MatcherInput {
                source: source.clone(),
                has: Vec::new(),
                missing: Vec::new(),
                locale: true,
            }),
            ConstValue::Object(properties) => matcher_object(properties, span),
            _ => Err(vec![(span, NOT_MATCHERS.to_string())]),
        };
        match input.and_then(|input| compile(input, span, options)) {
            Ok(matcher) => matchers.push(matcher),
            Err(found) => problems.extend(found),
        }
    }
    if problems.is_empty() {
        Ok(matchers)
    } else {
        Err(problems)
    }
}

/// One entry of the matcher, checked.
struct MatcherInput {
    source: String,
    has: Vec<RouteHas>,
    missing: Vec<RouteHas>,
    /// `false` when the entry says `locale: false`.
    locale: bool,
}

/// Next.js's `SourceSchema`, on the source as written.
fn check_source(source: &str, span: Span) -> Result<(), Vec<MatcherProblem>> {
    let message = if source.chars().count() > MAX_SOURCE_LENGTH {
        "exceeds max built length of 4096 for route".to_string()
    } else if !source.starts_with('/') {
        "source must start with /".to_string()
    } else {
        match source_to_regexp(source) {
            Ok(_) => return Ok(()),
            Err(reason) => format!("Invalid source '{source}': {reason}"),
        }
    };
    Err(vec![(span, message)])
}

fn unrecognized_keys(
    properties: &[(String, Span, ConstValue)],
    allowed: &[&str],
) -> Option<String> {
    let unknown: Vec<String> = properties
        .iter()
        .map(|(key, _, _)| key)
        .filter(|key| !allowed.contains(&key.as_str()))
        .map(|key| format!("'{key}'"))
        .collect();
    (!unknown.is_empty()).then(|| format!("Unrecognized key(s) in object: {}", unknown.join(", ")))
}

/// A `{ source, has?, missing?, locale? }` entry.
fn matcher_object(
    properties: &[(String, Span, ConstValue)],
    span: Span,
) -> Result<MatcherInput, Vec<MatcherProblem>> {
    let mut problems = Vec::new();
    if let Some(message) = unrecognized_keys(properties, &["source", "has", "missing", "locale"]) {
        problems.push((span, message));
    }
    let property = |key: &str| {
        properties
            .iter()
            .rev()
            .find(|(name, _, value)| name == key && *value != ConstValue::Undefined)
            .map(|(_, span, value)| (*span, value))
    };
    let source = match property("source") {
        None => {
            problems.push((span, "source is required".to_string()));
            None
        }
        Some((span, ConstValue::String(source))) => match check_source(source, span) {
            Ok(()) => Some(source.clone()),
            Err(found) => {
                problems.extend(found);
                None
            }
        },
        Some((span, other)) => {
            problems.push((span, expected("string", other)));
            None
        }
    };
    let locale = match property("locale") {
        None => true,
        Some((_, ConstValue::Bool(false))) => false,
        Some((span, _)) => {
            problems.push((span, "locale must be false when it is given".to_string()));
            true
        }
    };
    let mut conditions = |key: &str| match property(key) {
        None => Vec::new(),
        Some((_, ConstValue::Array(items))) => items
            .iter()
            .filter_map(|(span, item)| match route_has(item, *span) {
                Ok(has) => Some(has),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            })
            .collect(),
        Some((span, other)) => {
            problems.push((span, expected("array", other)));
            Vec::new()
        }
    };
    let has = conditions("has");
    let missing = conditions("missing");
    match source {
        Some(source) if problems.is_empty() => Ok(MatcherInput {
            source,
            has,
            missing,
            locale,
        }),
        _ => Err(problems),
    }
}

/// One `has` or `missing` condition, as Next.js's `RouteHasSchema` checks it.
fn route_has(item: &ConstValue, span: Span) -> Result<RouteHas, MatcherProblem> {
    let problem = |message: String| (span, message);
    let ConstValue::Object(properties) = item else {
        return Err(problem(expected("object", item)));
    };
    let get = |key: &str| {
        properties
            .iter()
            .rev()
            .find(|(name, _, value)| name == key && *value != ConstValue::Undefined)
            .map(|(_, span, value)| (*span, value))
    };
    let string = |key: &str, required: &str| -> Result<Option<String>, MatcherProblem> {
        match get(key) {
            None if required.is_empty() => Ok(None),
            None => Err(problem(required.to_string())),
            Some((_, ConstValue::String(text))) => Ok(Some(text.clone())),
            Some((span, _)) if key == "value" && required.is_empty() => {
                Err((span, "value must be a string".to_string()))
            }
            Some((span, other)) => Err((span, expected("string", other))),
        }
    };
    let kind = match get("type") {
        Some((_, ConstValue::String(kind))) => kind.as_str(),
        _ => "",
    };
    match kind {
        "header" | "query" | "cookie" => {
            if let Some(message) = unrecognized_keys(properties, &["type", "key", "value"]) {
                return Err(problem(message));
            }
            let key = string(
                "key",
                "key is required when type is header, query or cookie",
            )?
            .unwrap_or_default();
            let value = string("value", "")?;
            Ok(match kind {
                "header" => RouteHas::Header { key, value },
                "query" => RouteHas::Query { key, value },
                _ => RouteHas::Cookie { key, value },
            })
        }
        "host" => {
            if let Some(message) = unrecognized_keys(properties, &["type", "value"]) {
                return Err(problem(message));
            }
            let value = string("value", "host must have a value")?.unwrap_or_default();
            Ok(RouteHas::Host { value })
        }
        _ => Err(problem(
            "Invalid discriminator value. Expected 'header' | 'query' | 'cookie' | 'host'"
                .to_string(),
        )),
    }
}

/// Zod's message for a value of the wrong type.
fn expected(kind: &str, value: &ConstValue) -> String {
    let received = match value {
        ConstValue::Undefined => "undefined",
        ConstValue::Null => "null",
        ConstValue::Bool(_) => "boolean",
        ConstValue::Number(_) => "number",
        ConstValue::String(_) => "string",
        ConstValue::Regex(_) | ConstValue::Object(_) => "object",
        ConstValue::Function => "function",
        ConstValue::Array(_) => "array",
    };
    format!("Expected {kind}, received {received}")
}

/// `getMiddlewareMatchers` for one checked entry.
fn compile(
    input: MatcherInput,
    span: Span,
    options: &MatcherOptions,
) -> Result<MiddlewareMatcher, Vec<MatcherProblem>> {
    let original = input.source;
    let is_root = original == "/";
    let mut source = original.clone();
    if options.locales && input.locale {
        source = format!(
            "/:nextInternalLocale((?!_next/)[^/.]{{1,}}){}",
            if is_root { "" } else { source.as_str() }
        );
    }
    let suffix = if is_root {
        format!(
            "({}/?index|/?index\\.json)?",
            if options.i18n { "|\\.json|" } else { "" }
        )
    } else {
        "{(\\.json)}?".to_string()
    };
    source = format!("/:nextData(_next/data/[^/]{{1,}})?{source}{suffix}");
    if !options.base_path.is_empty() {
        source = format!("{}{source}", options.base_path);
    }
    let problem = |message: String| vec![(span, message)];
    if source.chars().count() > MAX_SOURCE_LENGTH {
        return Err(problem(
            "exceeds max built length of 4096 for route".to_string(),
        ));
    }
    let regexp = source_to_regexp(&source)
        .map_err(|reason| problem(format!("Invalid source '{source}': {reason}")))?;
    // The server matches with `fancy-regex`; a pattern written for JavaScript that it cannot
    // read must fail the build rather than every request.
    if let Err(error) = fancy_regex::Regex::new(&regexp) {
        return Err(problem(format!("Invalid source '{original}': {error}")));
    }
    Ok(MiddlewareMatcher {
        original_source: original,
        regexp,
        has: input.has,
        missing: input.missing,
    })
}

/// The matcher standing for `matcher: []`: Next.js then runs the middleware for no request,
/// while an empty list of matchers means every request here.
pub(crate) fn match_nothing() -> MiddlewareMatcher {
    MiddlewareMatcher {
        original_source: String::new(),
        regexp: "^(?!)".to_string(),
        has: Vec::new(),
        missing: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use fancy_regex::Regex;
    use oxc::span::Span;

    use super::{MatcherOptions, compile_matchers, match_nothing};
    use crate::const_value::ConstValue;
    use crate::{MiddlewareMatcher, RouteHas};

    fn string(text: &str) -> ConstValue {
        ConstValue::String(text.to_string())
    }

    fn object(properties: Vec<(&str, ConstValue)>) -> ConstValue {
        ConstValue::Object(
            properties
                .into_iter()
                .map(|(key, value)| (key.to_string(), Span::default(), value))
                .collect(),
        )
    }

    fn array(items: Vec<ConstValue>) -> ConstValue {
        ConstValue::Array(
            items
                .into_iter()
                .map(|item| (Span::default(), item))
                .collect(),
        )
    }

    fn compile_with(matcher: ConstValue, options: &MatcherOptions) -> Vec<MiddlewareMatcher> {
        compile_matchers(&matcher, Span::default(), options).unwrap_or_else(|problems| {
            panic!("{problems:?}");
        })
    }

    fn one(source: &str) -> Regex {
        one_with(source, &MatcherOptions::default())
    }

    fn one_with(source: &str, options: &MatcherOptions) -> Regex {
        let matchers = compile_with(string(source), options);
        assert_eq!(matchers.len(), 1);
        assert_eq!(matchers[0].original_source, source);
        Regex::new(&matchers[0].regexp).unwrap()
    }

    fn check(regex: &Regex, matching: &[&str], not_matching: &[&str]) {
        for path in matching {
            assert!(regex.is_match(path).unwrap(), "{regex} should match {path}");
        }
        for path in not_matching {
            assert!(
                !regex.is_match(path).unwrap(),
                "{regex} should not match {path}"
            );
        }
    }

    fn problems(matcher: ConstValue) -> Vec<String> {
        compile_matchers(&matcher, Span::default(), &MatcherOptions::default())
            .unwrap_err()
            .into_iter()
            .map(|(_, message)| message)
            .collect()
    }

    #[test]
    fn the_regexp_is_the_one_next_writes_in_its_manifest() {
        let matchers = compile_with(string("/about/:path*"), &MatcherOptions::default());
        assert_eq!(
            matchers[0].regexp,
            r"^(?:\/(_next\/data\/[^/]{1,}))?\/about(?:\/((?:[^\/#\?]+?)(?:\/(?:[^\/#\?]+?))*))?(\.json)?[\/#\?]?$"
        );
        let root = compile_with(string("/"), &MatcherOptions::default());
        assert_eq!(
            root[0].regexp,
            r"^(?:\/(_next\/data\/[^/]{1,}))?(?:\/(\/?index|\/?index\.json))?[\/#\?]?$"
        );
    }

    #[test]
    fn named_parameters_with_modifiers() {
        check(
            &one("/about/:path*"),
            &[
                "/about",
                "/about/",
                "/about/a",
                "/about/a/b",
                "/about.json",
                "/_next/data/abc/about/a.json",
                "/_next/data/build-id/about.json",
            ],
            &["/aboutx", "/about-us", "/x/about", "/About"],
        );
        check(
            &one("/about/:path+"),
            &["/about/a", "/about/a/b"],
            &["/about", "/about/"],
        );
        check(
            &one("/about/:path?"),
            &["/about", "/about/a"],
            &["/about/a/b"],
        );
        check(
            &one("/about/:path"),
            &["/about/a"],
            &["/about", "/about/a/b"],
        );
        check(
            &one(r"/post/:id(\d+)"),
            &["/post/12", "/_next/data/x/post/12.json"],
            &["/post/abc", "/post"],
        );
    }

    #[test]
    fn unnamed_groups_and_lookaheads() {
        check(
            &one("/(api|trpc)(.*)"),
            &["/api", "/api/users", "/trpc/x.y", "/apix"],
            &["/", "/other", "/v1/api"],
        );
        check(
            &one("/((?!api|_next/static|favicon.ico).*)"),
            &["/", "/about", "/blog/post", "/_next/data/b/index.json"],
            &[
                "/api",
                "/api/hello",
                "/_next/static/chunk.js",
                "/favicon.ico",
            ],
        );
        check(&one("/about/(.*)"), &["/about/", "/about/x/y"], &["/about"]);
    }

    #[test]
    fn the_root_matches_its_index_and_data_routes() {
        check(
            &one("/"),
            &["/", "/index", "/index.json", "/_next/data/abc/index.json"],
            &["/a", "/indexx", "/a/index"],
        );
    }

    #[test]
    fn base_path_and_locales_are_added() {
        let options = MatcherOptions {
            base_path: "/docs".to_string(),
            ..MatcherOptions::default()
        };
        check(
            &one_with("/about", &options),
            &["/docs/about", "/docs/_next/data/x/about.json"],
            &["/about"],
        );
        let i18n = MatcherOptions {
            i18n: true,
            locales: true,
            ..MatcherOptions::default()
        };
        check(
            &one_with("/about", &i18n),
            &["/en/about", "/_next/data/x/fr/about.json"],
            &["/about", "/_next/about"],
        );
        let without_locale = compile_with(
            array(vec![object(vec![
                ("source", string("/about")),
                ("locale", ConstValue::Bool(false)),
            ])]),
            &i18n,
        );
        check(
            &Regex::new(&without_locale[0].regexp).unwrap(),
            &["/about"],
            &["/en/about"],
        );
    }

    #[test]
    fn object_matchers_keep_their_conditions() {
        let matchers = compile_with(
            array(vec![
                string("/a"),
                object(vec![
                    ("source", string("/b/:id")),
                    (
                        "has",
                        array(vec![
                            object(vec![("type", string("header")), ("key", string("x-a"))]),
                            object(vec![("type", string("host")), ("value", string("ex.com"))]),
                        ]),
                    ),
                    (
                        "missing",
                        array(vec![object(vec![
                            ("type", string("cookie")),
                            ("key", string("session")),
                            ("value", string("^yes$")),
                        ])]),
                    ),
                ]),
            ]),
            &MatcherOptions::default(),
        );
        assert_eq!(matchers.len(), 2);
        assert_eq!(matchers[1].original_source, "/b/:id");
        assert_eq!(
            matchers[1].has,
            [
                RouteHas::Header {
                    key: "x-a".to_string(),
                    value: None
                },
                RouteHas::Host {
                    value: "ex.com".to_string()
                }
            ]
        );
        assert_eq!(
            matchers[1].missing,
            [RouteHas::Cookie {
                key: "session".to_string(),
                value: Some("^yes$".to_string())
            }]
        );
    }

    #[test]
    fn invalid_matchers_get_next_messages() {
        assert_eq!(problems(string("about")), ["source must start with /"]);
        assert_eq!(
            problems(string("/about/(abc")),
            ["Invalid source '/about/(abc': Unbalanced pattern at 7"]
        );
        assert_eq!(
            problems(ConstValue::Number(1.0)),
            ["must be an array of strings or middleware matchers"]
        );
        assert_eq!(
            problems(array(vec![string("/a"), ConstValue::Bool(true)])),
            ["must be an array of strings or middleware matchers"]
        );
        assert_eq!(
            problems(array(vec![object(vec![(
                "has",
                array(vec![object(vec![("type", string("query"))])])
            )])])),
            [
                "source is required",
                "key is required when type is header, query or cookie"
            ]
        );
        assert_eq!(
            problems(array(vec![object(vec![
                ("source", string("/a")),
                (
                    "missing",
                    array(vec![object(vec![("type", string("host"))])])
                ),
            ])])),
            ["host must have a value"]
        );
        assert_eq!(
            problems(array(vec![object(vec![
                ("source", string("/a")),
                (
                    "has",
                    array(vec![object(vec![
                        ("type", string("header")),
                        ("key", string("x")),
                        ("value", ConstValue::Number(1.0)),
                    ])])
                ),
            ])])),
            ["value must be a string"]
        );
        assert_eq!(
            problems(array(vec![object(vec![
                ("source", string("/a")),
                ("regexp", string("^/a$")),
            ])])),
            ["Unrecognized key(s) in object: 'regexp'"]
        );
        assert_eq!(
            problems(array(vec![object(vec![
                ("source", string("/a")),
                ("has", array(vec![object(vec![("type", string("ip"))])])),
            ])])),
            ["Invalid discriminator value. Expected 'header' | 'query' | 'cookie' | 'host'"]
        );
        let long = format!("/{}", "a".repeat(4096));
        assert_eq!(
            problems(string(&long)),
            ["exceeds max built length of 4096 for route"]
        );
    }

    #[test]
    fn no_matcher_means_every_request_and_an_empty_list_none() {
        assert!(compile_with(ConstValue::Undefined, &MatcherOptions::default()).is_empty());
        assert!(compile_with(array(Vec::new()), &MatcherOptions::default()).is_empty());
        let nothing = Regex::new(&match_nothing().regexp).unwrap();
        check(&nothing, &[], &["/", "/a", ""]);
    }
}
