//! Owned `JSStringRef`s, converted from and to Rust strings.

use crate::ffi;

/// An owned JavaScriptCore string, released on drop.
pub(crate) struct JsString(pub(crate) ffi::JSStringRef);

impl JsString {
    /// Creates a JavaScriptCore string from UTF-8 (JSC strings are UTF-16).
    pub(crate) fn new(text: &str) -> Self {
        let utf16: Vec<u16> = text.encode_utf16().collect();
        // SAFETY: the pointer and length describe a live buffer; JSC copies it.
        Self(unsafe { ffi::JSStringCreateWithCharacters(utf16.as_ptr(), utf16.len()) })
    }

    /// Takes ownership of a string returned by a `Copy`/`Create` API call.
    ///
    /// # Safety
    /// `raw` must be a valid string the caller owns one reference to.
    pub(crate) unsafe fn from_owned(raw: ffi::JSStringRef) -> Self {
        Self(raw)
    }

    /// Converts to a Rust string, replacing lone surrogates.
    pub(crate) fn to_rust(&self) -> String {
        // SAFETY: the string is alive; JSC guarantees `len` UTF-16 units at the pointer.
        unsafe {
            let len = ffi::JSStringGetLength(self.0);
            if len == 0 {
                return String::new();
            }
            let ptr = ffi::JSStringGetCharactersPtr(self.0);
            String::from_utf16_lossy(std::slice::from_raw_parts(ptr, len))
        }
    }
}

impl Drop for JsString {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { ffi::JSStringRelease(self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_non_ascii_text() {
        let text = "héllo, 世界 🚀";
        assert_eq!(JsString::new(text).to_rust(), text);
    }

    #[test]
    fn empty_string_round_trips() {
        assert_eq!(JsString::new("").to_rust(), "");
    }
}
