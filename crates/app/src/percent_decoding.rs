//! `decodeURIComponent` for URL path segments, with checks and comparisons that do not allocate.

/// A URL path whose `%` escapes are malformed or decode to invalid UTF-8 (Next.js answers 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The URL path has malformed percent-encoding; it cannot be decoded as UTF-8.")]
pub struct MalformedPath;

/// Checks that every `%` starts a two-digit hex escape and the decoded bytes are UTF-8.
pub(crate) fn check(raw: &str) -> Result<(), MalformedPath> {
    let bytes = raw.as_bytes();
    let mut utf8 = Utf8Checker::default();
    let mut index = 0;
    while index < bytes.len() {
        let byte = if bytes[index] == b'%' {
            let value = escape_at(bytes, index).ok_or(MalformedPath)?;
            index += 3;
            value
        } else {
            index += 1;
            bytes[index - 1]
        };
        if !utf8.push(byte) {
            return Err(MalformedPath);
        }
    }
    if utf8.is_complete() {
        Ok(())
    } else {
        Err(MalformedPath)
    }
}

/// Whether `raw`, decoded, equals `expected`.
pub(crate) fn decoded_eq(raw: &str, expected: &str) -> bool {
    if !raw.contains('%') {
        return raw == expected;
    }
    DecodedBytes {
        bytes: raw.as_bytes(),
        index: 0,
    }
    .eq(expected.bytes())
}

/// Decodes `raw` into a new string.
pub(crate) fn decode(raw: &str) -> Result<String, MalformedPath> {
    if !raw.contains('%') {
        return Ok(raw.to_owned());
    }
    let bytes: Vec<u8> = DecodedBytes {
        bytes: raw.as_bytes(),
        index: 0,
    }
    .collect();
    String::from_utf8(bytes).map_err(|_| MalformedPath)
}

/// The decoded bytes of a segment; a malformed escape passes through as it is.
struct DecodedBytes<'a> {
    bytes: &'a [u8],
    index: usize,
}

impl Iterator for DecodedBytes<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.index)?;
        if byte == b'%'
            && let Some(value) = escape_at(self.bytes, self.index)
        {
            self.index += 3;
            return Some(value);
        }
        self.index += 1;
        Some(byte)
    }
}

/// Decodes only the `%XX` escapes of unreserved characters (`A-Z a-z 0-9 - . _ ~`), which
/// RFC 3986 §6.2.2.2 says mean the same written plainly; every other escape stays as written.
pub fn decode_unreserved(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(value) = escape_at(bytes, index)
                .filter(|value| value.is_ascii_alphanumeric() || b"-._~".contains(value))
        {
            out.push(value);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    // Only ASCII bytes were put in place of ASCII escapes, so `raw`'s UTF-8 is intact.
    String::from_utf8(out).unwrap_or_else(|_| raw.to_owned())
}

fn escape_at(bytes: &[u8], index: usize) -> Option<u8> {
    let high = hex_value(*bytes.get(index + 1)?)?;
    let low = hex_value(*bytes.get(index + 2)?)?;
    Some(high << 4 | low)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// A byte-at-a-time UTF-8 validator (the table of Unicode's well-formed sequences).
#[derive(Default)]
struct Utf8Checker {
    needed: u8,
    lower: u8,
    upper: u8,
}

impl Utf8Checker {
    fn push(&mut self, byte: u8) -> bool {
        if self.needed > 0 {
            if byte < self.lower || byte > self.upper {
                return false;
            }
            self.needed -= 1;
            self.lower = 0x80;
            self.upper = 0xBF;
            return true;
        }
        let (needed, lower, upper) = match byte {
            0x00..=0x7F => return true,
            0xC2..=0xDF => (1, 0x80, 0xBF),
            0xE0 => (2, 0xA0, 0xBF),
            0xE1..=0xEC | 0xEE..=0xEF => (2, 0x80, 0xBF),
            0xED => (2, 0x80, 0x9F),
            0xF0 => (3, 0x90, 0xBF),
            0xF1..=0xF3 => (3, 0x80, 0xBF),
            0xF4 => (3, 0x80, 0x8F),
            _ => return false,
        };
        self.needed = needed;
        self.lower = lower;
        self.upper = upper;
        true
    }

    fn is_complete(&self) -> bool {
        self.needed == 0
    }
}

#[cfg(test)]
mod tests {
    use super::{MalformedPath, check, decode, decode_unreserved, decoded_eq};

    #[test]
    fn only_unreserved_escapes_are_decoded() {
        assert_eq!(decode_unreserved("/%41%7a%30%2D%2e%5F%7E"), "/Az0-._~");
        assert_eq!(
            decode_unreserved("/a%2Fb%25%20%C3%A9"),
            "/a%2Fb%25%20%C3%A9"
        );
        assert_eq!(decode_unreserved("/é%6"), "/é%6");
    }

    #[test]
    fn decodes_like_decode_uri_component() {
        assert_eq!(decode("a%20b").unwrap(), "a b");
        assert_eq!(decode("caf%C3%A9").unwrap(), "café");
        assert_eq!(decode("a%2Fb").unwrap(), "a/b");
        assert_eq!(decode("a+b").unwrap(), "a+b");
        assert_eq!(decode("plain").unwrap(), "plain");
    }

    #[test]
    fn rejects_malformed_escapes_and_invalid_utf8() {
        for raw in [
            "%2",
            "%zz",
            "a%",
            "%FF",
            "%C3",
            "%C3%28",
            "%ED%A0%80",
            "%F4%90%80%80",
        ] {
            assert_eq!(check(raw), Err(MalformedPath), "{raw}");
        }
        for raw in ["", "abc", "%41", "%e2%82%ac", "é%20"] {
            assert_eq!(check(raw), Ok(()), "{raw}");
        }
        assert!(decode("%FF").is_err());
    }

    #[test]
    fn compares_decoded_text_without_decoding_first() {
        assert!(decoded_eq("caf%C3%A9", "café"));
        assert!(decoded_eq("caf%c3%a9", "café"));
        assert!(decoded_eq("about", "about"));
        assert!(!decoded_eq("about%20", "about"));
        assert!(!decoded_eq("abou", "about"));
    }
}
