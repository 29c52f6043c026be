//! The `x-forwarded-*` headers `next start` gives every request before app code sees it:
//! the host, port and protocol the client used and its address, each kept when a proxy in
//! front already set it (Next.js fills them only where missing).

use std::net::SocketAddr;

use http::{HeaderMap, HeaderValue, header};

/// The two ends of the connection a request came in on.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionAddresses {
    /// The client's address.
    pub peer: SocketAddr,
    /// Ours.
    pub local: SocketAddr,
}

/// Adds the `x-forwarded-*` headers a request lacks. Runs after `request_url`, so `Host` is
/// a validated authority.
pub fn add(headers: &mut HeaderMap, addresses: Option<&ConnectionAddresses>) {
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .map(str::to_owned);
    let port = addresses.map(|addresses| addresses.local.port().to_string());
    let peer = addresses.map(|addresses| addresses.peer.ip().to_string());
    // Switchyard itself serves plain HTTP; TLS ends in a proxy in front, which says so.
    let proto = Some("http".to_owned());
    for (name, value) in [
        ("x-forwarded-host", host),
        ("x-forwarded-port", port),
        ("x-forwarded-proto", proto),
        ("x-forwarded-for", peer),
    ] {
        if headers.contains_key(name) {
            continue;
        }
        if let Some(value) = value.and_then(|value| HeaderValue::from_str(&value).ok()) {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addresses() -> ConnectionAddresses {
        ConnectionAddresses {
            peer: "10.0.0.7:51000".parse().unwrap(),
            local: "127.0.0.1:3000".parse().unwrap(),
        }
    }

    #[test]
    fn missing_headers_are_filled_from_the_connection() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("example.com:3000"));
        add(&mut headers, Some(&addresses()));
        assert_eq!(headers["x-forwarded-host"], "example.com:3000");
        assert_eq!(headers["x-forwarded-port"], "3000");
        assert_eq!(headers["x-forwarded-proto"], "http");
        assert_eq!(headers["x-forwarded-for"], "10.0.0.7");
    }

    #[test]
    fn a_proxy_in_front_keeps_its_values() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        add(&mut headers, Some(&addresses()));
        assert_eq!(headers["x-forwarded-proto"], "https");
        assert_eq!(headers["x-forwarded-for"], "203.0.113.9");
        assert_eq!(headers["x-forwarded-port"], "3000");
    }
}
