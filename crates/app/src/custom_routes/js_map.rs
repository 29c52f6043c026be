//! A map whose keys come out in the order JavaScript enumerates an object's own keys.
//!
//! Next.js keeps queries and route parameters in plain objects, and the order of their keys
//! shows in what it writes: the query string of a redirect, the parameters appended to a
//! rewrite. JavaScript lists keys that are array indices (`"0"`, `"7"`) first, in numeric
//! order, then every other key in the order it was first set; setting an existing key keeps
//! its place.

/// Keys and values in JavaScript's property order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for JsMap<V> {
    fn default() -> Self {
        JsMap {
            entries: Vec::new(),
        }
    }
}

impl<V> JsMap<V> {
    /// An empty map.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// The value of `key`, to change in place.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// Whether `key` is set (`key in object`).
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// `object[key] = value`.
    pub(crate) fn insert(&mut self, key: String, value: V) {
        if let Some(slot) = self.entries.iter_mut().find(|(name, _)| *name == key) {
            slot.1 = value;
            return;
        }
        let at = match array_index(&key) {
            Some(index) => self
                .entries
                .iter()
                .position(|(name, _)| array_index(name).is_none_or(|other| other > index))
                .unwrap_or(self.entries.len()),
            None => self.entries.len(),
        };
        self.entries.insert(at, (key, value));
    }

    /// `delete object[key]`, returning the value it had.
    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        let at = self.entries.iter().position(|(name, _)| name == key)?;
        Some(self.entries.remove(at).1)
    }

    /// The entries in enumeration order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }

    /// The keys in enumeration order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(name, _)| name.as_str())
    }

    /// The values in enumeration order, to change in place.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, value)| value)
    }

    /// The values in enumeration order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, value)| value)
    }

    /// How many keys are set.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<V> FromIterator<(String, V)> for JsMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(items: I) -> Self {
        let mut map = JsMap::new();
        for (key, value) in items {
            map.insert(key, value);
        }
        map
    }
}

/// The index `key` names when it is an array index: the canonical decimal form of an integer
/// below 2³² − 1.
fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    key.parse::<u32>().ok().filter(|index| *index != u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::JsMap;

    #[test]
    fn array_indices_come_first_in_numeric_order() {
        let mut map = JsMap::new();
        for key in ["b", "10", "a", "2", "01", "-1", "4294967295", "4294967294"] {
            map.insert(key.to_owned(), ());
        }
        let keys: Vec<&str> = map.keys().collect();
        assert_eq!(
            keys,
            ["2", "10", "4294967294", "b", "a", "01", "-1", "4294967295"]
        );
    }

    #[test]
    fn setting_a_key_again_keeps_its_place() {
        let mut map = JsMap::new();
        map.insert("a".to_owned(), 1);
        map.insert("b".to_owned(), 2);
        map.insert("a".to_owned(), 3);
        assert_eq!(map.iter().collect::<Vec<_>>(), [("a", &3), ("b", &2)]);
        assert_eq!(map.remove("a"), Some(3));
        assert_eq!(map.remove("a"), None);
        assert_eq!(map.len(), 1);
    }
}
