//! Build ids: a hash of what the build produced, so identical builds share an id.

/// FNV-1a, 64-bit: stable across Rust versions, unlike `DefaultHasher`.
#[derive(Debug, Clone)]
pub(crate) struct BuildIdHasher(u64);

impl BuildIdHasher {
    /// A hasher with nothing hashed yet.
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    /// Adds `bytes`, delimited so that ("ab", "c") and ("a", "bc") differ.
    pub(crate) fn add(&mut self, bytes: &[u8]) {
        for &byte in bytes.iter().chain(&(bytes.len() as u64).to_le_bytes()) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The build id: 16 hex digits.
    pub(crate) fn finish(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(parts: &[&str]) -> String {
        let mut hasher = BuildIdHasher::new();
        parts.iter().for_each(|part| hasher.add(part.as_bytes()));
        hasher.finish()
    }

    #[test]
    fn ids_follow_content() {
        assert_eq!(id(&["a", "b"]), id(&["a", "b"]));
        assert_ne!(id(&["ab", "c"]), id(&["a", "bc"]));
        assert_eq!(id(&[]).len(), 16);
    }
}
