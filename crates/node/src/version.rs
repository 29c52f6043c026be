//! Checking that the `node` on PATH can run our worker.

use std::path::Path;

use crate::error::StartError;

/// The oldest Node.js major version the worker supports.
pub const MINIMUM_MAJOR: u32 = 18;

/// Runs `node --version` and checks it is at least [`MINIMUM_MAJOR`].
pub async fn check(node: &Path) -> Result<String, StartError> {
    let output = tokio::process::Command::new(node)
        .arg("--version")
        .output()
        .await
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => StartError::NodeMissing,
            _ => StartError::Io(error),
        })?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    match major(&version) {
        Some(major) if major >= MINIMUM_MAJOR => Ok(version),
        _ => Err(StartError::NodeTooOld { found: version }),
    }
}

/// The major version of `v20.1.0`.
fn major(version: &str) -> Option<u32> {
    version.strip_prefix('v')?.split('.').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_major_version() {
        assert_eq!(major("v20.20.2"), Some(20));
        assert_eq!(major("v16.0.0"), Some(16));
        assert_eq!(major("20.1"), None);
        assert_eq!(major(""), None);
    }

    #[tokio::test]
    async fn a_missing_binary_says_how_to_fix_it() {
        let error = check(Path::new("/nonexistent/node")).await.unwrap_err();
        assert!(matches!(error, StartError::NodeMissing));
        assert!(error.to_string().contains("Install Node.js 18 or newer"));
    }
}
