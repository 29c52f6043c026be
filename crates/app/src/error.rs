//! Errors that stop the project model from loading, and page paths Next.js rejects.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a project could not be loaded at all (problems inside pages are diagnostics instead).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Neither `pages/` nor `src/pages/` exists.
    #[error(
        "No pages directory was found in {root}: looked for {root}/pages and {root}/src/pages. \
         Create one of them with at least one page (for example pages/index.js), \
         or run Switchyard on the app's root folder."
    )]
    NoPagesDir {
        /// The app root that was searched.
        root: PathBuf,
    },
    /// A file or folder of the app could not be read.
    #[error(
        "Could not read {path}: {source}. Check that it exists and that Switchyard may read it."
    )]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// `next.config.*` could not be evaluated or is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A problem with `next.config.*`, with where it is when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The config file, relative to the app root.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What went wrong.
    pub kind: ConfigErrorKind,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.kind)
    }
}

/// The kinds of `next.config.*` problems.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigErrorKind {
    /// The file could not be read.
    #[error("The config could not be read: {message}. Check that the file is readable UTF-8.")]
    Read {
        /// The I/O error.
        message: String,
    },
    /// The file does not parse.
    #[error("The config has a syntax error: {message}. Fix the syntax and run again.")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// Evaluating the config (or calling its exported function) threw.
    #[error(
        "Evaluating the config threw {name}: {message}. Fix the error in the config and run again."
    )]
    Threw {
        /// The error's name (`Error`, `TypeError`, …).
        name: String,
        /// The error's message.
        message: String,
    },
    /// The config needs Node.js APIs and Node.js could not be run.
    #[error(
        "The config loads \"{module}\", which needs Node.js to evaluate, but `node` could not be run \
         ({reason}). Install Node.js 18 or later and put it on PATH, or remove the import."
    )]
    NeedsNode {
        /// The module the config asked for.
        module: String,
        /// Why `node` could not be run.
        reason: String,
    },
    /// The config's promise (or exported async function) never settled.
    #[error(
        "The config returned a promise that never settled. Make the exported function resolve \
         without waiting on timers or I/O, or export a plain object."
    )]
    Unsettled,
    /// Evaluating the config took too long.
    #[error(
        "Evaluating the config took longer than {} seconds and was stopped. Remove the \
         long-running code (an endless loop or a pending request) from the config.",
        *milliseconds as f64 / 1000.0
    )]
    Timeout {
        /// The limit, in milliseconds.
        milliseconds: u64,
    },
    /// The config exported something other than an object.
    #[error(
        "The config must export an object (or a function that returns one), but it exported \
         {found}. Use `module.exports = {{ ... }}` or `export default {{ ... }}`."
    )]
    NotAnObject {
        /// What it exported, as `typeof` names it.
        found: String,
    },
    /// A config value Next.js rejects; the message is Next.js's.
    #[error("{message}")]
    Invalid {
        /// Next.js's message.
        message: String,
    },
}

/// A page path that Next.js rejects, with Next.js's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// The page path does not start with `/`.
    #[error("Page paths must start with a /, found \"{0}\".")]
    NotAbsolute(String),
    /// `[[id]]`-style names.
    #[error("Segment names may not start or end with extra brackets ('{0}').")]
    ExtraBrackets(String),
    /// `[.id]`.
    #[error("Segment names may not start with erroneous periods ('{0}').")]
    ErroneousPeriods(String),
    /// `[]` or `[...]`.
    #[error("Segment names may not be empty ('{0}'). Give the parameter a name, like [id].")]
    EmptyName(String),
    /// A segment after `[...x]` or `[[...x]]`.
    #[error("Catch-all must be the last part of the URL.")]
    CatchAllNotLast,
    /// `[[id]]` without `...`.
    #[error("Optional route parameters are not yet supported (\"{0}\").")]
    OptionalParameter(String),
    /// The same name twice in one path.
    #[error("You cannot have the same slug name \"{0}\" repeat within a single dynamic path")]
    RepeatedSlug(String),
    /// Names equal once non-word characters are dropped.
    #[error(
        "You cannot have the slug names \"{0}\" and \"{1}\" differ only by non-word symbols within a single dynamic path"
    )]
    SlugsDifferBySymbols(String, String),
    /// `pages/[a]/x.js` and `pages/[b]/y.js`.
    #[error("You cannot use different slug names for the same dynamic path ('{0}' !== '{1}').")]
    DifferentSlugNames(String, String),
    /// `[...a]` then `[[...b]]` at one level.
    #[error(
        "You cannot use both an required and optional catch-all route at the same level (\"[...{0}]\" and \"{1}\" )."
    )]
    RequiredThenOptional(String, String),
    /// `[[...a]]` then `[...b]` at one level.
    #[error(
        "You cannot use both an optional and required catch-all route at the same level (\"[[...{0}]]\" and \"{1}\")."
    )]
    OptionalThenRequired(String, String),
    /// `/x` and `/x/[[...y]]` both exist.
    #[error(
        "You cannot define a route with the same specificity as a optional catch-all route (\"{0}\" and \"{0}[[...{1}]]\")."
    )]
    SameSpecificity(String, String),
}
