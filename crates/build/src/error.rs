//! Why a build failed.

use std::fmt::Write;
use std::io;
use std::path::PathBuf;

use switchyard_app::Diagnostic;

use switchyard_output::ManifestError;

/// A build that produced no output.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The app has errors: every one found, and the warnings that came with them.
    #[error("{}", failed_message(errors))]
    Failed {
        /// Every error found, in route order.
        errors: Vec<Diagnostic>,
        /// The warnings found on the way.
        warnings: Vec<Diagnostic>,
    },
    /// Reading the app or writing the output failed.
    #[error("Could not {action} {}: {source}.", path.display())]
    Io {
        /// What was being done: "read", "write", ...
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Writing the manifest failed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The bundler failed in a way that is not the app's fault.
    #[error("The bundler failed unexpectedly: {0}.")]
    Internal(String),
}

impl BuildError {
    /// An [`BuildError::Io`] for `action` on `path`.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> BuildError {
        let path = path.into();
        move |source| BuildError::Io {
            action,
            path,
            source,
        }
    }
}

fn failed_message(errors: &[Diagnostic]) -> String {
    let count = errors.len();
    let mut message = if count == 1 {
        "The build failed with 1 error:".to_string()
    } else {
        format!("The build failed with {count} errors:")
    };
    for error in errors {
        let _ = write!(message, "\n\n{error}");
    }
    message
}

#[cfg(test)]
mod tests {
    use switchyard_app::Severity;

    use super::*;

    #[test]
    fn failure_lists_every_error() {
        let error = |message: &str| Diagnostic {
            severity: Severity::Error,
            file: PathBuf::from("./pages/api/a.js"),
            line: Some(2),
            column: Some(5),
            message: message.to_string(),
        };
        let failed = BuildError::Failed {
            errors: vec![error("one"), error("two")],
            warnings: Vec::new(),
        };
        assert_eq!(
            failed.to_string(),
            "The build failed with 2 errors:\n\nerror: ./pages/api/a.js:2:5\n  one\n\n\
             error: ./pages/api/a.js:2:5\n  two"
        );
    }
}
