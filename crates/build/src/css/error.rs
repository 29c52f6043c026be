//! Why a stylesheet did not compile, and problems worth a warning.

use std::path::PathBuf;

/// A stylesheet that did not compile: the message (complete sentences), and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct CssError {
    pub message: String,
    /// The file at fault when it is not the stylesheet that was compiled (one it imports,
    /// a Sass partial, the PostCSS config), absolute.
    pub file: Option<PathBuf>,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
}

impl CssError {
    /// An error with no place more precise than the stylesheet.
    pub(crate) fn new(message: impl ToString) -> Self {
        Self {
            message: message.to_string(),
            file: None,
            line: None,
            column: None,
        }
    }

    /// The same error, at `file`.
    pub(crate) fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }
}

/// Something a compiler said about a stylesheet that did not stop it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct CssWarning {
    pub message: String,
    /// The file it is about (absolute), when not the compiled stylesheet itself.
    #[serde(default)]
    pub file: Option<PathBuf>,
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub column: Option<u32>,
}
