//! Next.js's middleware protocol, read from the middleware's response: `x-middleware-next`
//! continues to the route, `x-middleware-rewrite` serves another URL,
//! `x-middleware-override-headers` with `x-middleware-request-*` replaces the route's request
//! headers, `x-middleware-set-cookie` adds cookies to the route's request, and anything else
//! (a redirect, a body) is the answer itself.

use http::{HeaderMap, HeaderName, HeaderValue, header};

use crate::cookies::cookies;

/// What the middleware's response asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go on to the route the request names.
    Next,
    /// Serve this URL instead (same app when it has the request's origin, else proxied).
    Rewrite(String),
    /// Send the middleware's own response (a redirect or a body).
    Respond,
}

/// Reads the decision from the middleware response's headers.
pub fn decide(headers: &HeaderMap) -> Decision {
    if let Some(target) = headers
        .get("x-middleware-rewrite")
        .and_then(|value| value.to_str().ok())
    {
        Decision::Rewrite(target.to_owned())
    } else if headers.contains_key("x-middleware-next") {
        Decision::Next
    } else {
        Decision::Respond
    }
}

/// Applies the middleware's request-header overrides and cookies to the route's request.
pub fn apply_to_request(middleware: &HeaderMap, request: &mut HeaderMap) {
    if let Some(names) = middleware
        .get("x-middleware-override-headers")
        .and_then(|value| value.to_str().ok())
    {
        // Non-ASCII values arrive URI-encoded, listed in `x-middleware-request-encoded`.
        let encoded: Vec<&str> = middleware
            .get("x-middleware-request-encoded")
            .and_then(|value| value.to_str().ok())
            .map(|names| names.split(',').map(str::trim).collect())
            .unwrap_or_default();
        // The listed headers are the route's headers now: those not listed are dropped.
        let mut replaced = HeaderMap::new();
        for name in names
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
                continue;
            };
            // Middleware that copies the request's headers must not hand a route our own.
            if crate::front::internal_headers::is_internal(header_name.as_str()) {
                continue;
            }
            let carried = format!("x-middleware-request-{name}");
            let Some(value) = middleware.get(carried.as_str()) else {
                continue;
            };
            let value = if encoded.contains(&name) {
                decode_component(value).unwrap_or_else(|| value.clone())
            } else {
                value.clone()
            };
            replaced.insert(header_name, value);
        }
        *request = replaced;
    }
    if let Some(set) = middleware
        .get("x-middleware-set-cookie")
        .and_then(|value| value.to_str().ok())
    {
        merge_cookies(request, set);
    }
}

/// Undoes `encodeURIComponent` on a header value.
fn decode_component(value: &HeaderValue) -> Option<HeaderValue> {
    let decoded: Vec<u8> = percent_encoding::percent_decode(value.as_bytes()).collect();
    HeaderValue::from_bytes(&decoded).ok()
}

/// Adds `name=value` of each Set-Cookie line to the request's Cookie header, replacing
/// cookies of the same name, so the route sees what middleware set.
fn merge_cookies(request: &mut HeaderMap, set_cookies: &str) {
    let mut jar: Vec<(String, String)> = cookies(request).collect();
    for line in split_set_cookie(set_cookies) {
        let pair = line.split(';').next().unwrap_or("").trim();
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        jar.retain(|(existing, _)| existing != name);
        jar.push((name.to_owned(), value.to_owned()));
    }
    let joined = jar
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ");
    if let Ok(value) = HeaderValue::from_str(&joined) {
        request.insert(header::COOKIE, value);
    }
}

/// Splits a comma-joined list of Set-Cookie values; commas inside `Expires=` dates are not
/// separators.
fn split_set_cookie(joined: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = joined.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        if *byte != b',' {
            continue;
        }
        let rest = &joined[index + 1..];
        let next_is_cookie = rest
            .trim_start()
            .split(';')
            .next()
            .is_some_and(|pair| pair.contains('=') && !pair.contains(' '));
        if next_is_cookie {
            parts.push(joined[start..index].trim());
            start = index + 1;
        }
    }
    parts.push(joined[start..].trim());
    parts.retain(|part| !part.is_empty());
    parts
}

/// The middleware response's headers that reach the client with the route's response.
pub fn response_headers(
    middleware: &HeaderMap,
) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
    middleware.iter().filter(|(name, _)| {
        let name = name.as_str();
        !name.starts_with("x-middleware-")
            && !matches!(
                name,
                "content-length"
                    | "transfer-encoding"
                    | "connection"
                    | "keep-alive"
                    | "content-type"
            )
    })
}

/// Removes the internal headers before the middleware's own response goes to the client.
pub fn strip_internal(headers: &mut HeaderMap) {
    let internal: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("x-middleware-"))
        .cloned()
        .collect();
    for name in internal {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn decisions_follow_the_headers() {
        assert_eq!(
            decide(&headers(&[("x-middleware-next", "1")])),
            Decision::Next
        );
        assert_eq!(
            decide(&headers(&[("x-middleware-rewrite", "http://h/api/x")])),
            Decision::Rewrite("http://h/api/x".into())
        );
        assert_eq!(
            decide(&headers(&[("location", "/login")])),
            Decision::Respond
        );
    }

    #[test]
    fn overrides_replace_request_headers_and_cookies_merge() {
        let mw = headers(&[
            ("x-middleware-override-headers", "x-user,cookie"),
            ("x-middleware-request-x-user", "ada"),
            ("x-middleware-request-cookie", "theme=dark; a=1"),
            (
                "x-middleware-set-cookie",
                "a=2; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT,b=3; Path=/",
            ),
        ]);
        let mut request = headers(&[("x-user", "old"), ("x-dropped", "1")]);
        apply_to_request(&mw, &mut request);
        assert_eq!(request.get("x-user").unwrap(), "ada");
        assert!(request.get("x-dropped").is_none());
        assert_eq!(request.get("cookie").unwrap(), "theme=dark; a=2; b=3");
    }

    #[test]
    fn encoded_overrides_are_decoded() {
        let mw = headers(&[
            ("x-middleware-override-headers", "x-name"),
            ("x-middleware-request-x-name", "J%C3%BCrgen%20%2B%201"),
            ("x-middleware-request-encoded", "x-name"),
        ]);
        let mut request = HeaderMap::new();
        apply_to_request(&mw, &mut request);
        assert_eq!(
            request.get("x-name").unwrap().as_bytes(),
            "Jürgen + 1".as_bytes()
        );
    }

    #[test]
    fn internal_headers_never_reach_the_client() {
        let mw = headers(&[
            ("x-middleware-next", "1"),
            ("x-custom", "yes"),
            ("set-cookie", "a=1"),
        ]);
        let kept: Vec<_> = response_headers(&mw)
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(kept, vec!["x-custom", "set-cookie"]);
    }
}
