//! A destination filled in for one request, as Next.js's `prepareDestination` does.
//!
//! The destination is parsed as a URL (a path against a dummy origin), after `:name` of every
//! parameter and query key is protected from the URL parser. Its path (with the fragment)
//! and host name are then `path-to-regexp` templates filled with the parameters, inserted as
//! they were captured (still percent-encoded); its query values are filled the same way
//! (`compileNonPath`). For rewrites, parameters the destination's path and host do not use
//! are added to its query. The request's query comes first, the destination's overrides it.

use super::js_map::JsMap;
use super::query::{Query, append_value};
use super::source::Params;
use crate::ParamValue;
use crate::path_to_regexp::{
    CompileValue, DELIMITER, KeyName, Token, capturing_keys, compile_tokens, parse_with,
};

/// What a destination cannot be built from for one request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    /// A parameter that matched several segments is used without `*` or `+`.
    #[error(
        "To use a multi-match in the destination you must add `*` at the end of the param name to signify it should repeat. https://nextjs.org/docs/messages/invalid-multi-match (destination `{destination}`)"
    )]
    MultiMatch {
        /// The destination (or header value) being built.
        destination: String,
    },
    /// `path-to-regexp` could not read or fill the template.
    #[error(
        "`{destination}` could not be built for this request: {reason}. Use only parameters the source or a `has` condition captures."
    )]
    Template {
        /// The destination (or header value) being built.
        destination: String,
        /// `path-to-regexp`'s message.
        reason: String,
    },
    /// The destination is not a URL once its parameters are protected.
    #[error(
        "The destination `{destination}` is not a valid URL ({reason}). Write it as a path starting with `/` or a full `http://` or `https://` URL."
    )]
    InvalidUrl {
        /// The destination.
        destination: String,
        /// The URL parser's message.
        reason: String,
    },
}

/// A destination filled in for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prepared {
    /// `https:`, or `None` for a path.
    pub protocol: Option<String>,
    /// Whether the URL has `//` after its protocol.
    pub slashes: bool,
    /// The host name, for a URL.
    pub hostname: String,
    /// The port, when not the scheme's default.
    pub port: String,
    /// The path.
    pub pathname: String,
    /// The fragment with its `#`, or empty.
    pub hash: String,
    /// The request's query (without `_rsc`) overridden by the destination's.
    pub query: JsMap<ParamValue>,
}

/// The query key of React Server Components requests, which Next.js never forwards.
const RSC_QUERY: &str = "_rsc";

/// The marker `:` of a parameter becomes while the URL parser reads the destination.
const ESCAPED_COLON: &str = "__ESC_COLON_";

/// `prepareDestination({ destination, params, query, appendParamsToQuery })`.
pub(crate) fn prepare(
    destination: &str,
    params: &Params,
    query: &Query,
    append_params_to_query: bool,
) -> Result<Prepared, DestinationError> {
    let template = |reason: String| DestinationError::Template {
        destination: destination.to_owned(),
        reason,
    };
    let mut escaped = destination.to_owned();
    for name in params.keys().chain(query.as_map().keys()) {
        if !name.is_empty() {
            escaped = escaped.replace(&format!(":{name}"), &format!("{ESCAPED_COLON}{name}"));
        }
    }
    let relative = escaped.starts_with('/');
    let parsed = if relative {
        url::Url::parse(&format!("http://n{escaped}"))
    } else {
        url::Url::parse(&escaped)
    }
    .map_err(|error| DestinationError::InvalidUrl {
        destination: destination.to_owned(),
        reason: error.to_string(),
    })?;

    let pathname = unescape(parsed.path());
    let hash = match parsed.fragment() {
        Some(fragment) if !fragment.is_empty() => unescape(&format!("#{fragment}")),
        _ => String::new(),
    };
    let hostname = if relative {
        String::new()
    } else {
        unescape(parsed.host_str().unwrap_or_default())
    };
    // `searchParamsToUrlQuery(url.searchParams)`.
    let mut dest_query: JsMap<ParamValue> = JsMap::new();
    for (key, value) in url::form_urlencoded::parse(parsed.query().unwrap_or_default().as_bytes()) {
        append_value(&mut dest_query, key.into_owned(), value.into_owned());
    }

    let dest_path = format!("{pathname}{hash}");
    let path_tokens = parse_with(&dest_path, DELIMITER).map_err(template)?;
    let host_tokens = if hostname.is_empty() {
        Vec::new()
    } else {
        parse_with(&hostname, DELIMITER).map_err(template)?
    };
    let used: Vec<&str> = capturing_keys(&path_tokens)
        .into_iter()
        .chain(capturing_keys(&host_tokens))
        .filter_map(|key| match &key.name {
            KeyName::Named(name) => Some(name.as_str()),
            KeyName::Index(_) | KeyName::None => None,
        })
        .collect();

    for value in dest_query_values(&mut dest_query) {
        *value = compile_non_path(&unescape(value), params)?;
    }

    let appended: Vec<&str> = params
        .keys()
        .filter(|name| *name != "nextInternalLocale")
        .collect();
    if append_params_to_query && !appended.iter().any(|name| used.contains(name)) {
        for name in appended {
            if !dest_query.contains_key(name)
                && let Some(value) = params.get(name)
            {
                dest_query.insert(name.to_owned(), value.clone());
            }
        }
    }

    let built = fill(&path_tokens, params, destination)?;
    let mut pieces = built.splitn(3, '#');
    let new_pathname = pieces.next().unwrap_or_default().to_owned();
    let new_hash = pieces
        .next()
        .filter(|hash| !hash.is_empty())
        .map(|hash| format!("#{hash}"))
        .unwrap_or_default();
    let hostname = if host_tokens.is_empty() {
        hostname
    } else {
        fill(&host_tokens, params, destination)?
    };

    let mut merged = query.as_map().clone();
    merged.remove(RSC_QUERY);
    for (key, value) in dest_query.iter() {
        merged.insert(key.to_owned(), value.clone());
    }

    let (protocol, slashes, port) = if relative {
        (None, false, String::new())
    } else {
        let scheme = parsed.scheme();
        let slashes = parsed
            .as_str()
            .get(scheme.len() + 1..)
            .is_some_and(|rest| rest.starts_with("//"));
        let port = parsed
            .port()
            .map(|port| port.to_string())
            .unwrap_or_default();
        (Some(format!("{scheme}:")), slashes, port)
    };
    Ok(Prepared {
        protocol,
        slashes,
        hostname,
        port,
        pathname: new_pathname,
        hash: new_hash,
        query: merged,
    })
}

/// Every string value of `query`, lists included.
fn dest_query_values(query: &mut JsMap<ParamValue>) -> Vec<&mut String> {
    let mut values = Vec::new();
    for value in query.values_mut() {
        match value {
            ParamValue::One(text) => values.push(text),
            ParamValue::Many(texts) => values.extend(texts.iter_mut()),
        }
    }
    values
}

/// `compile(template, { validate: false })(params)` with Next.js's message for lists used
/// without `*`.
fn fill(tokens: &[Token], params: &Params, destination: &str) -> Result<String, DestinationError> {
    compile_tokens(tokens, |name| lookup(params, name)).map_err(|reason| {
        if reason.ends_with("to not repeat, but got an array") {
            DestinationError::MultiMatch {
                destination: destination.to_owned(),
            }
        } else {
            DestinationError::Template {
                destination: destination.to_owned(),
                reason,
            }
        }
    })
}

fn lookup<'a>(params: &'a Params, name: &str) -> Option<CompileValue<'a>> {
    params.get(name).map(|value| match value {
        ParamValue::One(text) => CompileValue::One(text),
        ParamValue::Many(texts) => CompileValue::Many(texts),
    })
}

/// `unescapeSegments`: the protected `:` back, whatever the case the URL parser left.
fn unescape(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let marker = ESCAPED_COLON.to_ascii_lowercase();
    if !lower.contains(&marker) {
        return text.to_owned();
    }
    let mut result = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower.match_indices(&marker) {
        if at < rest {
            continue;
        }
        result.push_str(text.get(rest..at).unwrap_or_default());
        result.push(':');
        rest = at + marker.len();
    }
    result.push_str(text.get(rest..).unwrap_or_default());
    result
}

/// `compileNonPath`: `value` (a header or query value) with `:name`, `:name*`, `:name?` and
/// `:name+` of each parameter filled in, and every other `:`, `*`, `?`, `+`, `(`, `)`, `{`,
/// `}` kept as written.
pub(crate) fn compile_non_path(value: &str, params: &Params) -> Result<String, DestinationError> {
    if !value.contains(':') {
        return Ok(value.to_owned());
    }
    const ASTERISKS: &str = "--ESCAPED_PARAM_ASTERISKS";
    const QUESTION: &str = "--ESCAPED_PARAM_QUESTION";
    const PLUS: &str = "--ESCAPED_PARAM_PLUS";
    const COLON: &str = "--ESCAPED_PARAM_COLON";
    let mut text = value.to_owned();
    for name in params.keys() {
        let reference = format!(":{name}");
        if !text.contains(&reference) {
            continue;
        }
        text = text
            .replace(&format!("{reference}*"), &format!("{reference}{ASTERISKS}"))
            .replace(&format!("{reference}?"), &format!("{reference}{QUESTION}"))
            .replace(&format!("{reference}+"), &format!("{reference}{PLUS}"));
        text = replace_not_followed_by_word(&text, &reference, &format!("{COLON}{name}"));
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for char in text.chars() {
        if matches!(char, ':' | '*' | '?' | '+' | '(' | ')' | '{' | '}') {
            escaped.push('\\');
        }
        escaped.push(char);
    }
    let template = escaped
        .replace(PLUS, "+")
        .replace(COLON, ":")
        .replace(QUESTION, "?")
        .replace(ASTERISKS, "*");
    let template = format!("/{template}");
    let tokens = parse_with(&template, DELIMITER).map_err(|reason| DestinationError::Template {
        destination: value.to_owned(),
        reason,
    })?;
    let built = fill(&tokens, params, value)?;
    Ok(built.get(1..).unwrap_or_default().to_owned())
}

/// `text.replace(new RegExp(`${needle}(?!\\w)`, 'g'), replacement)`.
fn replace_not_followed_by_word(text: &str, needle: &str, replacement: &str) -> String {
    let mut result = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices(needle) {
        if at < rest {
            continue;
        }
        let end = at + needle.len();
        let followed_by_word = text[end..]
            .chars()
            .next()
            .is_some_and(|next| next.is_ascii_alphanumeric() || next == '_');
        if followed_by_word {
            continue;
        }
        result.push_str(&text[rest..at]);
        result.push_str(replacement);
        rest = end;
    }
    result.push_str(&text[rest..]);
    result
}

#[cfg(test)]
mod tests {
    use super::{DestinationError, compile_non_path, prepare};
    use crate::ParamValue;
    use crate::custom_routes::query::Query;
    use crate::custom_routes::source::Params;

    fn params(pairs: &[(&str, ParamValue)]) -> Params {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect()
    }

    fn one(text: &str) -> ParamValue {
        ParamValue::One(text.to_owned())
    }

    #[test]
    fn non_path_values_fill_only_known_parameters() {
        let path = params(&[("path", one("my-path"))]);
        let cases = [
            (":path", "my-path"),
            ("some:path", "somemy-path"),
            ("some:value*", "some:value*"),
            (":value?", ":value?"),
            (":hello(world)", ":hello(world)"),
            ("hello{1,}", "hello{1,}"),
            ("https://example.com/:path", "https://example.com/my-path"),
            (":pathname", ":pathname"),
            ("no colon (here)", "no colon (here)"),
        ];
        for (value, expected) in cases {
            assert_eq!(compile_non_path(value, &path).unwrap(), expected, "{value}");
        }
        let list = params(&[("path", ParamValue::Many(vec!["a".into(), "b".into()]))]);
        assert_eq!(compile_non_path(":path*", &list).unwrap(), "a/b");
        // `compile` gives no prefix to a list after text that is not `/` or `.`.
        assert_eq!(compile_non_path("x=:path+", &list).unwrap(), "x=ab");
        assert!(matches!(
            compile_non_path(":path", &list),
            Err(DestinationError::MultiMatch { .. })
        ));
    }

    #[test]
    fn hosts_named_like_parameters_survive_the_url_parser() {
        // From Next.js's `parseDestination` test: `o:foo.com` is kept from the URL parser.
        let query = Query::parse("foo=bar");
        let prepared = prepare(
            "https://o:foo.com/hello/:name#bar",
            &params(&[("name", one("world")), ("foo", one("bar"))]),
            &query,
            false,
        )
        .unwrap();
        assert_eq!(prepared.hostname, "obar.com");
        assert_eq!(prepared.pathname, "/hello/world");
        assert_eq!(prepared.hash, "#bar");
        assert_eq!(prepared.protocol.as_deref(), Some("https:"));
        // A query key is protected too, but only parameters fill the template.
        let only_query = prepare("https://o:foo.com/", &Params::new(), &query, false);
        assert_eq!(
            only_query,
            Err(DestinationError::Template {
                destination: "https://o:foo.com/".into(),
                reason: "Expected \"foo\" to be a string".into()
            })
        );
    }

    #[test]
    fn missing_parameters_are_errors_and_optional_ones_are_left_out() {
        let none = Params::new();
        let query = Query::new();
        assert_eq!(
            prepare("/a/:rest*", &none, &query, true).unwrap().pathname,
            "/a"
        );
        assert!(matches!(
            prepare("/a/:id", &none, &query, true),
            Err(DestinationError::Template { .. })
        ));
        assert!(matches!(
            prepare("https://:sub.example.com/", &none, &query, true),
            Err(DestinationError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn the_destination_is_a_url_path() {
        let query = Query::new();
        let prepared = prepare("/a b/../c/%7Bx%7D", &Params::new(), &query, true).unwrap();
        assert_eq!(prepared.pathname, "/c/%7Bx%7D");
        let prepared = prepare("/x?a=1&a=2&b=%20", &Params::new(), &query, true).unwrap();
        assert_eq!(
            prepared.query.iter().collect::<Vec<_>>(),
            [
                ("a", &ParamValue::Many(vec!["1".into(), "2".into()])),
                ("b", &one(" "))
            ]
        );
    }
}
