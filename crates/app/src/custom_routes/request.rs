//! The parts of a request custom routes look at, read as Node.js presents them to Next.js.

use http::HeaderMap;

use super::js_map::JsMap;
use super::query::Query;
use super::url_text::decode_uri_component;
use crate::ParamValue;

/// A request as the router holds it at one step of routing.
///
/// After an internal rewrite the router routes on with the rewritten path and query.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// The pathname being routed, as Next.js's `parsedUrl.pathname`: percent-encoded as the
    /// client sent it (the canonical path), and with i18n the locale already inserted by
    /// [`CustomRoutes::localized_path`](super::CustomRoutes::localized_path).
    pub path: &'a str,
    /// The query at this step.
    pub query: &'a Query,
    /// The request's headers.
    pub headers: &'a HeaderMap,
    /// The host the client asked for, port included (`Host`, or `:authority` over HTTP/2).
    pub host: Option<&'a str>,
}

impl RequestFacts<'_> {
    /// `req.headers[name]` in Node.js: duplicates joined with `, ` (`; ` for `cookie`), only
    /// the first kept for headers that allow one value, `set-cookie` as a list. Bytes are read
    /// as Latin-1, as Node.js reads them.
    pub(crate) fn header(&self, name: &str) -> Option<ParamValue> {
        let mut values = self.headers.get_all(name).iter().map(|value| {
            value
                .as_bytes()
                .iter()
                .map(|byte| char::from(*byte))
                .collect::<String>()
        });
        let first = values.next()?;
        if name == "set-cookie" {
            return Some(ParamValue::Many(
                std::iter::once(first).chain(values).collect(),
            ));
        }
        if SINGLE_VALUE_HEADERS.contains(&name) {
            return Some(ParamValue::One(first));
        }
        let separator = if name == "cookie" { "; " } else { ", " };
        Some(ParamValue::One(
            std::iter::once(first)
                .chain(values)
                .collect::<Vec<_>>()
                .join(separator),
        ))
    }

    /// The request's cookies, parsed as Next.js's `getCookieParser` does.
    pub(crate) fn cookies(&self) -> JsMap<String> {
        match self.header("cookie") {
            Some(ParamValue::One(header)) => parse_cookies(&header),
            _ => JsMap::new(),
        }
    }

    /// The host name without port, lower-cased (`host.split(':', 1)[0].toLowerCase()`).
    pub(crate) fn hostname(&self) -> Option<String> {
        let host = self.host?;
        Some(host.split(':').next().unwrap_or_default().to_lowercase())
    }
}

/// Headers Node.js keeps only the first value of when they are repeated.
const SINGLE_VALUE_HEADERS: [&str; 18] = [
    "age",
    "authorization",
    "content-length",
    "content-type",
    "etag",
    "expires",
    "from",
    "host",
    "if-modified-since",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "proxy-authorization",
    "referer",
    "retry-after",
    "server",
    "user-agent",
];

/// The `cookie` package's `parse`: `name=value` pairs split at `;`, trimmed, the first of a
/// name kept, surrounding double quotes dropped, values percent-decoded when that succeeds.
pub(crate) fn parse_cookies(header: &str) -> JsMap<String> {
    let mut cookies = JsMap::new();
    for pair in header.split(';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if cookies.contains_key(name) {
            continue;
        }
        let mut value = value.trim();
        if value.starts_with('"') {
            // `val.slice(1, -1)`: the last character goes whatever it is.
            let mut chars = value.chars();
            chars.next();
            chars.next_back();
            value = chars.as_str();
        }
        let value = decode_uri_component(value).unwrap_or_else(|| value.to_owned());
        cookies.insert(name.to_owned(), value);
    }
    cookies
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::{RequestFacts, parse_cookies};
    use crate::ParamValue;
    use crate::custom_routes::query::Query;

    #[test]
    fn headers_are_joined_as_node_joins_them() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("x-a", "1"),
            ("x-a", "2"),
            ("cookie", "a=1"),
            ("cookie", "b=2"),
            ("user-agent", "first"),
            ("user-agent", "second"),
            ("set-cookie", "s=1"),
            ("set-cookie", "t=2"),
        ] {
            headers.append(name, HeaderValue::from_static(value));
        }
        headers.append("x-latin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let query = Query::new();
        let facts = RequestFacts {
            path: "/",
            query: &query,
            headers: &headers,
            host: Some("Example.COM:3000"),
        };
        assert_eq!(facts.header("x-a"), Some(ParamValue::One("1, 2".into())));
        assert_eq!(
            facts.header("cookie"),
            Some(ParamValue::One("a=1; b=2".into()))
        );
        assert_eq!(
            facts.header("user-agent"),
            Some(ParamValue::One("first".into()))
        );
        assert_eq!(
            facts.header("set-cookie"),
            Some(ParamValue::Many(vec!["s=1".into(), "t=2".into()]))
        );
        assert_eq!(
            facts.header("x-latin"),
            Some(ParamValue::One("café".into()))
        );
        assert_eq!(facts.header("x-none"), None);
        assert_eq!(facts.cookies().get("b").map(String::as_str), Some("2"));
        assert_eq!(facts.hostname().as_deref(), Some("example.com"));
    }

    #[test]
    fn cookies_are_parsed_as_the_cookie_package_does() {
        let cookies = parse_cookies(" a = 1 ; b=\"two\"; a=3; c=%E3%81%82; d=%zz; junk; e=");
        let pairs: Vec<(&str, &str)> = cookies.iter().map(|(k, v)| (k, v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("a", "1"),
                ("b", "two"),
                ("c", "あ"),
                ("d", "%zz"),
                ("e", "")
            ]
        );
    }
}
