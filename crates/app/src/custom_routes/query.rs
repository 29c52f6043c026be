//! A request's query as Next.js holds it: Node's `querystring.parse` of the search string.

use std::borrow::Cow;

use super::js_map::JsMap;
use super::url_text::{encode_uri_component, unescape_lossy};
use crate::ParamValue;

/// The most pairs `querystring.parse` reads (its default `maxKeys`).
const MAX_KEYS: usize = 1000;

/// A query (`url.parse(url, true).query`): keys in JavaScript's property order, a key given
/// more than once holding the list of its values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    map: JsMap<ParamValue>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Query {
        Query::default()
    }

    /// Parses `search` (without its `?`) as Node's `querystring.parse`: pairs split at `&`
    /// and the first `=`, `+` read as a space, `%XX` escapes decoded (malformed ones kept),
    /// at most 1000 pairs.
    pub fn parse(search: &str) -> Query {
        let mut query = Query::new();
        for (read, pair) in search.split('&').enumerate() {
            if read == MAX_KEYS {
                break;
            }
            if pair.is_empty() {
                continue;
            }
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            query.append(decode(key), decode(value));
        }
        query
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&ParamValue> {
        self.map.get(key)
    }

    /// Sets `key` (`query[key] = value`): an existing key keeps its place.
    pub fn insert(&mut self, key: impl Into<String>, value: ParamValue) {
        self.map.insert(key.into(), value);
    }

    /// Adds `value` to `key`, making a list when the key is already set.
    pub fn append(&mut self, key: String, value: String) {
        append_value(&mut self.map, key, value);
    }

    /// Unsets `key`.
    pub fn remove(&mut self, key: &str) -> Option<ParamValue> {
        self.map.remove(key)
    }

    /// The keys and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.map.iter()
    }

    /// How many keys are set.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// `querystring.stringify(query)`, as Next.js writes a rewritten URL: keys and values
    /// escaped as `encodeURIComponent` does, a list written as repeated pairs, empty lists
    /// left out. No leading `?`.
    pub fn to_query_string(&self) -> String {
        self.stringify_with(|text| Cow::Owned(encode_uri_component(text)))
    }

    /// `querystring.stringify` with a custom `encodeURIComponent`, applied to keys and values.
    pub(crate) fn stringify_with<'a>(&'a self, encode: impl Fn(&'a str) -> Cow<'a, str>) -> String {
        let mut fields: Vec<String> = Vec::new();
        for (key, value) in self.map.iter() {
            let key = encode(key);
            match value {
                ParamValue::One(value) => fields.push(format!("{key}={}", encode(value))),
                ParamValue::Many(values) => {
                    for value in values {
                        fields.push(format!("{key}={}", encode(value)));
                    }
                }
            }
        }
        fields.join("&")
    }

    /// The underlying map.
    pub(crate) fn as_map(&self) -> &JsMap<ParamValue> {
        &self.map
    }

    /// A query holding `map`.
    pub(crate) fn from_map(map: JsMap<ParamValue>) -> Query {
        Query { map }
    }
}

impl<K: Into<String>> FromIterator<(K, ParamValue)> for Query {
    fn from_iter<I: IntoIterator<Item = (K, ParamValue)>>(items: I) -> Self {
        let mut query = Query::new();
        for (key, value) in items {
            query.insert(key, value);
        }
        query
    }
}

/// Adds `value` to `key` of `map`, making a list when the key is already set (how both
/// `querystring.parse` and `searchParamsToUrlQuery` collect repeated keys).
pub(crate) fn append_value(map: &mut JsMap<ParamValue>, key: String, value: String) {
    let Some(existing) = map.get_mut(&key) else {
        map.insert(key, ParamValue::One(value));
        return;
    };
    *existing = match std::mem::replace(existing, ParamValue::Many(Vec::new())) {
        ParamValue::One(first) => ParamValue::Many(vec![first, value]),
        ParamValue::Many(mut values) => {
            values.push(value);
            ParamValue::Many(values)
        }
    };
}

/// One key or value as `querystring.parse` decodes it.
fn decode(text: &str) -> String {
    unescape_lossy(&text.replace('+', " "))
}

#[cfg(test)]
mod tests {
    use super::Query;
    use crate::ParamValue;

    fn one(text: &str) -> ParamValue {
        ParamValue::One(text.to_owned())
    }

    #[test]
    fn parses_as_node_querystring() {
        let query = Query::parse("a=1&b=x+y%20z&a=2&&c&=e&d=%zz&a=3&f=1=2");
        assert_eq!(
            query.iter().collect::<Vec<_>>(),
            [
                (
                    "a",
                    &ParamValue::Many(vec!["1".into(), "2".into(), "3".into()])
                ),
                ("b", &one("x y z")),
                ("c", &one("")),
                ("", &one("e")),
                ("d", &one("%zz")),
                ("f", &one("1=2")),
            ]
        );
        assert!(Query::parse("").is_empty());
        assert_eq!(Query::parse("%2B=%2b").get("+"), Some(&one("+")));
    }

    #[test]
    fn array_index_keys_come_first() {
        let query = Query::parse("b=1&2=x&a=2&0=y");
        assert_eq!(query.to_query_string(), "0=y&2=x&b=1&a=2");
    }

    #[test]
    fn reads_at_most_a_thousand_pairs() {
        let search: Vec<String> = (0..1005).map(|n| format!("k{n}=v")).collect();
        assert_eq!(Query::parse(&search.join("&")).len(), 1000);
    }

    #[test]
    fn stringifies_as_querystring() {
        let mut query = Query::parse("a=1&a=2&b=x y");
        query.insert("c", ParamValue::Many(Vec::new()));
        query.insert("é", one("/?&"));
        assert_eq!(query.to_query_string(), "a=1&a=2&b=x%20y&%C3%A9=%2F%3F%26");
    }
}
