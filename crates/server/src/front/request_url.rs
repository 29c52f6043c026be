//! The request's URL as every later stage sees it: a validated authority and one canonical
//! path, so that what middleware reads from `request.nextUrl` is what the router serves.
//!
//! Clients write both parts. A `Host` like `h#` or `h\` pasted into `http://{host}{path}`
//! would move the real path into a fragment for the WHATWG URL parser (the one scripts use)
//! while the router still served it; an escape like `%73ecret` would pass a matcher that
//! `secret` does not. So the authority must be a plain host name, IPv4 or bracketed IPv6
//! address with an optional port (anything else is a 400, as RFC 9112 §3.2 asks), and the
//! path is put through the WHATWG parser once (dot segments, `\`, characters it escapes) and
//! has its escaped unreserved characters decoded (RFC 3986 §6.2.2.2), which changes no
//! meaning. The router and the middleware then both start from that one string.

use http::request::Parts;
use http::uri::PathAndQuery;
use http::{HeaderMap, HeaderValue, Uri, header};

use crate::options::ServerOptions;

/// Why a request's target cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestUrlError {
    /// More than one `Host` header.
    #[error("The request has more than one Host header.")]
    ManyHosts,
    /// A `Host` that is not `host[:port]`.
    #[error("The request's Host header {0:?} is not a host name or address with an optional port.")]
    BadHost(String),
    /// A path the URL parser cannot read.
    #[error("The request's path {0:?} is not a valid URL path.")]
    BadPath(String),
}

/// The authority to build the request's URL with: the request's own when it is valid (the
/// target's for HTTP/2 and absolute-form requests, else the `Host` header), lower-cased; `ours`
/// (the address we listen on) when the request names none.
pub fn authority(uri: &Uri, headers: &HeaderMap, ours: &str) -> Result<String, RequestUrlError> {
    let mut hosts = headers.get_all(header::HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return Err(RequestUrlError::ManyHosts);
    }
    // RFC 9112 §3.2.2: an absolute-form target's authority replaces the Host header.
    let written = match (uri.authority(), host) {
        (Some(authority), _) => authority.as_str(),
        (None, Some(host)) => host.to_str().map_err(|_| {
            RequestUrlError::BadHost(String::from_utf8_lossy(host.as_bytes()).into())
        })?,
        (None, None) => return Ok(ours.to_owned()),
    };
    if written.is_empty() {
        return Ok(ours.to_owned());
    }
    if is_authority(written) {
        Ok(written.to_ascii_lowercase())
    } else {
        Err(RequestUrlError::BadHost(written.to_owned()))
    }
}

/// `host[:port]` where host is a DNS name or IPv4 address (letters, digits, `-._~`) or a
/// bracketed IPv6 address, and port is at most five digits.
fn is_authority(text: &str) -> bool {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        if address.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => ("", port),
                None => return false,
            },
        }
    } else {
        match text.split_once(':') {
            Some((host, port)) => (host, port),
            None => (text, ""),
        }
    };
    let host_ok = text.starts_with('[')
        || (!host.is_empty()
            && host
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)));
    let port_ok = (port.is_empty() && !text.ends_with(':'))
        || (port.len() <= 5
            && port.bytes().all(|byte| byte.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|port| port <= 65_535));
    host_ok && port_ok
}

/// The canonical form of a request target's path and query (see the module's notes).
pub fn canonical_target(uri: &Uri) -> Result<PathAndQuery, RequestUrlError> {
    let written = uri.path_and_query().map_or("/", PathAndQuery::as_str);
    let bad = || RequestUrlError::BadPath(written.to_owned());
    if !written.starts_with('/') {
        // `*` (OPTIONS) and other forms name no resource of the app.
        return Err(bad());
    }
    if is_plain(written) {
        // Most targets: nothing the parser would change, nothing to decode.
        return written.parse().map_err(|_| bad());
    }
    let parsed = whatwg(written).ok_or_else(bad)?;
    let decoded = switchyard_app::decode_unreserved(parsed.path());
    // Decoding cannot make a dot segment (the parser already took `%2e` for a dot), but the
    // parser's answer is the one scripts will see, so it has the last word.
    let path = match whatwg(&decoded) {
        Some(again) => again.path().to_owned(),
        None => return Err(bad()),
    };
    let target = match parsed.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    target.parse().map_err(|_| bad())
}

/// Whether the WHATWG parser leaves `target` as it is and it has no escape to decode: only
/// letters, digits and `-._~!$&'()*+,;=:@/?`, no `.` or `..` segment, and no `//` right
/// after the start (the parser keeps it, but checking is cheaper than knowing).
fn is_plain(target: &str) -> bool {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let plain_byte =
        |byte: u8| byte.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/".contains(&byte);
    path.bytes().all(plain_byte)
        && query
            .bytes()
            .all(|byte| plain_byte(byte) || byte == b'?' || byte == b'%')
        && !path.starts_with("//")
        && !path
            .split('/')
            .any(|segment| segment == "." || segment == "..")
}

/// Parses the target as scripts will: pasted after an origin (so `//x` stays a path).
fn whatwg(path_and_query: &str) -> Option<url::Url> {
    // The host only anchors the parse; it never reaches the result.
    url::Url::parse(&format!("http://switchyard.invalid{path_and_query}")).ok()
}

/// Puts the canonical target and authority into the request head.
pub fn canonicalize(
    uri: &mut Uri,
    headers: &mut HeaderMap,
    ours: &str,
) -> Result<(), RequestUrlError> {
    let authority = authority(uri, headers, ours)?;
    let target = canonical_target(uri)?;
    *uri = Uri::from(target);
    let host = HeaderValue::from_str(&authority)
        .map_err(|_| RequestUrlError::BadHost(authority.clone()))?;
    headers.insert(header::HOST, host);
    Ok(())
}

/// The request's Host (validated by [`canonicalize`] when the request came in), or the address
/// we listen on.
pub fn request_host<'a>(head: &'a Parts, options: &'a ServerOptions) -> &'a str {
    head.headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or(&options.authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(value: &str) -> Result<String, RequestUrlError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(value).unwrap());
        authority(&Uri::from_static("/"), &headers, "127.0.0.1:3000")
    }

    fn target(raw: &str) -> String {
        canonical_target(&raw.parse::<Uri>().unwrap())
            .unwrap()
            .as_str()
            .to_owned()
    }

    #[test]
    fn plain_authorities_are_kept_lower_cased() {
        assert_eq!(host("Example.COM").unwrap(), "example.com");
        assert_eq!(host("localhost:3000").unwrap(), "localhost:3000");
        assert_eq!(host("127.0.0.1:8080").unwrap(), "127.0.0.1:8080");
        assert_eq!(host("[::1]:3000").unwrap(), "[::1]:3000");
        assert_eq!(host("[::1]").unwrap(), "[::1]");
        assert_eq!(host("my_host.internal").unwrap(), "my_host.internal");
    }

    #[test]
    fn hosts_that_would_move_the_path_are_refused() {
        for value in [
            "h#",
            "h?",
            "h/#",
            "h\\",
            "h/",
            "h:3000#",
            "user@h",
            "h h",
            "h:",
            "h:99999",
            "h:30a",
            "[::1",
            "[nothost]",
            "[::1]x",
            "h%2f",
            ":3000",
            "h;x",
            "h:3000/x",
        ] {
            assert!(
                matches!(host(value), Err(RequestUrlError::BadHost(_))),
                "{value:?} was accepted"
            );
        }
    }

    #[test]
    fn missing_or_empty_host_is_ours_and_two_are_refused() {
        let ours = "127.0.0.1:3000";
        assert_eq!(
            authority(&Uri::from_static("/"), &HeaderMap::new(), ours).unwrap(),
            ours
        );
        assert_eq!(host("").unwrap(), ours);
        let mut two = HeaderMap::new();
        two.append(header::HOST, HeaderValue::from_static("a"));
        two.append(header::HOST, HeaderValue::from_static("b"));
        assert_eq!(
            authority(&Uri::from_static("/"), &two, ours),
            Err(RequestUrlError::ManyHosts)
        );
    }

    #[test]
    fn an_absolute_target_names_the_authority() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("other"));
        let uri = Uri::from_static("http://Example.com:81/x");
        assert_eq!(authority(&uri, &headers, "o").unwrap(), "example.com:81");
    }

    #[test]
    fn escaped_unreserved_characters_are_decoded() {
        assert_eq!(target("/api/edge/%73ecret"), "/api/edge/secret");
        assert_eq!(target("/api/%65dge/secret"), "/api/edge/secret");
        assert_eq!(target("/api/edge/secre%74"), "/api/edge/secret");
        assert_eq!(target("/%41%7a%30%2D%2e%5F%7E"), "/Az0-._~");
        assert_eq!(target("/a?q=%73"), "/a?q=%73", "the query is not the path");
    }

    #[test]
    fn reserved_and_other_escapes_stay() {
        assert_eq!(target("/a%2Fb"), "/a%2Fb");
        assert_eq!(target("/a%25b"), "/a%25b");
        assert_eq!(target("/a%20b"), "/a%20b");
        assert_eq!(target("/caf%C3%A9"), "/caf%C3%A9");
        assert_eq!(target("/a%3Fb"), "/a%3Fb");
    }

    #[test]
    fn dot_segments_are_resolved_as_scripts_resolve_them() {
        assert_eq!(target("/a/../b"), "/b");
        assert_eq!(target("/a/%2e%2E/b"), "/b");
        assert_eq!(target("/a/./b"), "/a/b");
        assert_eq!(target("/../../etc/passwd"), "/etc/passwd");
        assert_eq!(target("/a/.%2e/b?x=1"), "/b?x=1");
    }

    #[test]
    fn the_path_scripts_see_is_the_path_routed() {
        for (host_value, raw) in [
            ("h", "/api/edge/%73ecret"),
            ("localhost:3000", "/a/%2e%2e/api/secret?x#y"),
            ("[::1]:1", "/x%2Fy/%7e"),
            ("h", "/a//b"),
            ("h", "//evil.example/x"),
        ] {
            let mut uri: Uri = raw.parse().unwrap();
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(host_value).unwrap());
            canonicalize(&mut uri, &mut headers, "o").unwrap();
            let url = format!(
                "http://{}{}",
                headers[header::HOST].to_str().unwrap(),
                uri.path_and_query().unwrap()
            );
            let seen = url::Url::parse(&url).unwrap();
            assert_eq!(seen.path(), uri.path(), "{raw}");
            assert_eq!(seen.query(), uri.query(), "{raw}");
            assert_eq!(seen.fragment(), None, "{raw}");
        }
    }

    #[test]
    fn plain_targets_are_what_the_parser_would_make_of_them() {
        for target in [
            "/",
            "/api/edge-hello",
            "/a/b.c/d-e_f~g",
            "/x?a=1&b=two&c=%20",
            "/a!$&()*+,;=:@b",
            "/.well-known/x",
            "/a/.b/..c",
        ] {
            assert!(is_plain(target), "{target}");
            let parsed = whatwg(target).unwrap();
            let again = match parsed.query() {
                Some(query) => format!("{}?{query}", parsed.path()),
                None => parsed.path().to_owned(),
            };
            assert_eq!(again, target);
        }
        for target in [
            "/a/../b", "/a/./b", "/%41", "//x", "/a b", "/a'b", "/x?a'b", "/é",
        ] {
            assert!(!is_plain(target), "{target}");
        }
    }

    #[test]
    fn targets_that_are_not_paths_are_refused() {
        assert!(canonical_target(&Uri::from_static("*")).is_err());
    }
}
