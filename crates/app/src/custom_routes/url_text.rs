//! The JavaScript and Node.js string functions Next.js builds URLs with: `encodeURIComponent`,
//! `decodeURIComponent`, `querystring`'s unescaping, legacy `url.format` and Next.js's
//! `normalizeRepeatedSlashes`.

use std::borrow::Cow;

/// Bytes `encodeURIComponent` (and Node's `querystring.escape`) leave as they are.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
}

/// `encodeURIComponent(text)`.
pub(crate) fn encode_uri_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if is_unreserved(byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// The bytes of `text` with every well-formed `%XX` escape decoded; other `%` signs stay.
fn percent_decoded_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escape = (byte == b'%')
            .then(|| {
                let high = hex_value(*bytes.get(index + 1)?)?;
                let low = hex_value(*bytes.get(index + 2)?)?;
                Some(high * 16 + low)
            })
            .flatten();
        match escape {
            Some(value) => {
                decoded.push(value);
                index += 3;
            }
            None => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    decoded
}

/// Node's `querystring.unescape`: `%XX` escapes decoded, malformed ones kept, and bytes that
/// are not UTF-8 replaced by U+FFFD (what `Buffer#toString` does when `decodeURIComponent`
/// throws).
pub(crate) fn unescape_lossy(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    String::from_utf8_lossy(&percent_decoded_bytes(text)).into_owned()
}

/// `decodeURIComponent(text)`, or `None` where it throws (a malformed escape, or bytes that
/// are not UTF-8).
pub(crate) fn decode_uri_component(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(index, byte)| {
        *byte == b'%'
            && !(bytes.get(index + 1).copied().and_then(hex_value).is_some()
                && bytes.get(index + 2).copied().and_then(hex_value).is_some())
    });
    if malformed {
        return None;
    }
    String::from_utf8(percent_decoded_bytes(text)).ok()
}

/// The parts of a URL Node's legacy `url.format` joins, as Next.js holds them after
/// `prepareDestination`.
#[derive(Debug, Default)]
pub(crate) struct UrlParts<'a> {
    /// `https:`; empty for a path.
    pub protocol: &'a str,
    /// Whether the URL was written with `//` after the protocol.
    pub slashes: bool,
    /// The host name, without port.
    pub hostname: &'a str,
    /// The port; empty for the scheme's default.
    pub port: &'a str,
    /// The path.
    pub pathname: &'a str,
    /// The query string, with or without its `?`.
    pub search: &'a str,
    /// The fragment, with or without its `#`.
    pub hash: &'a str,
}

/// Protocols legacy `url.format` always writes with `//`.
const SLASHED_PROTOCOLS: [&str; 7] = ["http:", "https:", "ftp:", "gopher:", "file:", "ws:", "wss:"];

/// Node's legacy `url.format` for `parts`.
pub(crate) fn format_url(parts: &UrlParts<'_>) -> String {
    let mut protocol = parts.protocol.to_owned();
    if !protocol.is_empty() && !protocol.ends_with(':') {
        protocol.push(':');
    }
    let mut host = String::new();
    if !parts.hostname.is_empty() {
        let hostname = parts.hostname;
        let bracketed = hostname.starts_with('[') && hostname.ends_with(']');
        if hostname.contains(':') && !bracketed {
            host = format!("[{hostname}]");
        } else {
            host = hostname.to_owned();
        }
        if !parts.port.is_empty() {
            host.push(':');
            host.push_str(parts.port);
        }
    }
    let mut pathname = parts.pathname.replace('#', "%23").replace('?', "%3F");
    if parts.slashes || SLASHED_PROTOCOLS.contains(&protocol.as_str()) {
        if parts.slashes || !host.is_empty() {
            if !pathname.is_empty() && !pathname.starts_with('/') {
                pathname.insert(0, '/');
            }
            host.insert_str(0, "//");
        } else if protocol.len() >= 4 && protocol.starts_with("file") && pathname.starts_with('/') {
            host.insert_str(0, "//");
        }
    }
    let mut search = parts.search.replace('#', "%23");
    if !search.is_empty() && !search.starts_with('?') {
        search.insert(0, '?');
    }
    let mut hash = parts.hash.to_owned();
    if !hash.is_empty() && !hash.starts_with('#') {
        hash.insert(0, '#');
    }
    format!("{protocol}{host}{pathname}{search}{hash}")
}

/// Next.js's `normalizeRepeatedSlashes`: before the first `?`, backslashes become `/` and runs
/// of `/` one.
pub(crate) fn normalize_repeated_slashes(url: &str) -> Cow<'_, str> {
    let mut parts = url.split('?');
    let path = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let needs_work = path.contains('\\') || path.contains("//");
    let keeps_query = rest.first().is_some_and(|first| !first.is_empty());
    if !needs_work && (keeps_query || rest.is_empty()) {
        return Cow::Borrowed(url);
    }
    let mut normalized = String::with_capacity(url.len());
    for char in path.chars() {
        let char = if char == '\\' { '/' } else { char };
        if char == '/' && normalized.ends_with('/') {
            continue;
        }
        normalized.push(char);
    }
    if keeps_query {
        normalized.push('?');
        normalized.push_str(&rest.join("?"));
    }
    Cow::Owned(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_encode_uri_component() {
        assert_eq!(
            encode_uri_component("a b&c=d/é~*'()!"),
            "a%20b%26c%3Dd%2F%C3%A9~*'()!"
        );
        assert_eq!(
            encode_uri_component("テスト"),
            "%E3%83%86%E3%82%B9%E3%83%88"
        );
    }

    #[test]
    fn decodes_as_querystring_and_decode_uri_component() {
        assert_eq!(unescape_lossy("a%20b%zz%"), "a b%zz%");
        assert_eq!(unescape_lossy("%E3%81%82"), "あ");
        assert_eq!(unescape_lossy("%FF"), "\u{FFFD}");
        assert_eq!(decode_uri_component("a%20b").as_deref(), Some("a b"));
        assert_eq!(decode_uri_component("a%2"), None);
        assert_eq!(decode_uri_component("%FF"), None);
    }

    #[test]
    fn formats_as_legacy_url_format() {
        let url = |parts: UrlParts<'_>| format_url(&parts);
        assert_eq!(
            url(UrlParts {
                pathname: "/a?b#c",
                search: "x=1#",
                hash: "h",
                ..UrlParts::default()
            }),
            "/a%3Fb%23c?x=1%23#h"
        );
        assert_eq!(
            url(UrlParts {
                protocol: "https:",
                hostname: "example.com",
                port: "8080",
                pathname: "/p",
                ..UrlParts::default()
            }),
            "https://example.com:8080/p"
        );
        assert_eq!(
            url(UrlParts {
                protocol: "mailto:",
                pathname: "someone@example.com",
                ..UrlParts::default()
            }),
            "mailto:someone@example.com"
        );
    }

    #[test]
    fn repeated_slashes_are_collapsed_before_the_query() {
        assert_eq!(normalize_repeated_slashes("//a\\\\b//c"), "/a/b/c");
        assert_eq!(normalize_repeated_slashes("/a//b?c//d?e"), "/a/b?c//d?e");
        assert_eq!(normalize_repeated_slashes("/a?"), "/a");
        assert_eq!(normalize_repeated_slashes("/a/b"), "/a/b");
    }
}
