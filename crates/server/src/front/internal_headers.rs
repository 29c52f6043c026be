//! Headers that only Switchyard and its runtimes may write: removed from every client request
//! before anything reads it.
//!
//! The server tells its runtimes what to run in `x-switchyard-*` request headers, and
//! middleware answers in `x-middleware-*` response headers; Next.js likewise drops its
//! internal headers (`x-middleware-subrequest` among them) from incoming requests, since a
//! client that could write them could pick the code a route runs or skip the middleware.

use http::HeaderMap;

use crate::runtimes::proxy_loop;

/// Prefixes of header names no client may send.
const INTERNAL_PREFIXES: &[&str] = &[switchyard_protocol::PREFIX, "x-middleware-"];

/// Whole names no client may send (Next.js's routing headers).
const INTERNAL_NAMES: &[&str] = &["x-now-route-matches", "x-matched-path"];

/// Whether a client-sent header of this name must be dropped.
pub fn is_internal(name: &str) -> bool {
    INTERNAL_PREFIXES
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || INTERNAL_NAMES.contains(&name)
}

/// Removes every internal header from a client's request, and returns how many times this
/// server has already proxied the request to itself (see [`proxy_loop`]).
pub fn strip(headers: &mut HeaderMap) -> u32 {
    let depth = proxy_loop::depth(headers);
    if headers.keys().any(|name| is_internal(name.as_str())) {
        let names: Vec<_> = headers
            .keys()
            .filter(|name| is_internal(name.as_str()))
            .cloned()
            .collect();
        for name in names {
            headers.remove(name);
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn every_internal_name_is_removed_and_others_stay() {
        let mut headers = HeaderMap::new();
        for name in [
            "x-switchyard-kind",
            "x-switchyard-render",
            "x-switchyard-bundle",
            "x-switchyard-page",
            "x-switchyard-params",
            "x-switchyard-url",
            "x-switchyard-not-found",
            "x-switchyard-hop",
            "x-middleware-subrequest",
            "x-middleware-rewrite",
            "x-middleware-next",
            "x-middleware-override-headers",
            "x-middleware-request-cookie",
            "x-matched-path",
            "x-now-route-matches",
        ] {
            headers.append(name, HeaderValue::from_static("1"));
            headers.append(name, HeaderValue::from_static("2"));
        }
        headers.insert("x-nextjs-data", HeaderValue::from_static("1"));
        headers.insert("x-switchyard", HeaderValue::from_static("kept"));
        headers.insert("cookie", HeaderValue::from_static("a=b"));
        assert_eq!(strip(&mut headers), 0);
        let mut left: Vec<_> = headers.keys().map(|name| name.as_str()).collect();
        left.sort_unstable();
        assert_eq!(left, ["cookie", "x-nextjs-data", "x-switchyard"]);
    }
}
