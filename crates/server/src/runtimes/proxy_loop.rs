//! Recognising a request this server proxied to itself, so a middleware rewrite to its own
//! origin under another name (`127.0.0.1` ↔ `localhost`) ends after a few hops instead of
//! opening connections until descriptors run out.
//!
//! Each proxied request carries `x-switchyard-hop: <id> <depth>`, where the id is drawn at
//! start and known only to this process, so a client cannot forge a depth for us (at worst it
//! makes up another id, which is ignored and stripped with the other internal headers).
//! Next.js bounds middleware recursion the same way, at five subrequests.

use std::sync::LazyLock;

use http::{HeaderMap, HeaderValue};

/// The header that carries the hop count.
pub const HOP_HEADER: &str = switchyard_protocol::HOP;

/// Hops through this server allowed before a request is refused (Next.js's middleware limit).
pub const MAX_DEPTH: u32 = 5;

/// This process's id in the hop header.
static INSTANCE: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without randomness the id is still unique enough to count our own hops; only the
        // guarantee that clients cannot guess it is lost.
        let seed = std::process::id() as u128
            ^ std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_nanos());
        bytes = seed.to_le_bytes();
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
});

/// How many times this server has proxied the request to itself (0 for a client's request).
pub fn depth(headers: &HeaderMap) -> u32 {
    headers
        .get(HOP_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(id, _)| *id == INSTANCE.as_str())
        .and_then(|(_, depth)| depth.parse().ok())
        .unwrap_or(0)
}

/// Marks a request this server is about to proxy, `depth` hops deep already.
pub fn mark(headers: &mut HeaderMap, depth: u32) {
    let value = format!("{} {}", INSTANCE.as_str(), depth + 1);
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(HOP_HEADER, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_marks_count_and_forged_ones_do_not() {
        let mut headers = HeaderMap::new();
        assert_eq!(depth(&headers), 0);
        mark(&mut headers, 0);
        assert_eq!(depth(&headers), 1);
        mark(&mut headers, 4);
        assert_eq!(depth(&headers), 5);
        headers.insert(HOP_HEADER, HeaderValue::from_static("0123 4"));
        assert_eq!(depth(&headers), 0);
        headers.insert(HOP_HEADER, HeaderValue::from_static("garbage"));
        assert_eq!(depth(&headers), 0);
    }
}
