//! The request's cookies, as `has: [{ type: 'cookie' }]` conditions and middleware read them.

use http::{HeaderMap, header};

/// The `name=value` pairs of every Cookie header.
pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (String, String)> + '_ {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
}
