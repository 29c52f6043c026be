//! The first step for each stylesheet file: its text, through the app's Sass and PostCSS
//! plugins when it needs them (in the build's one Node.js process), as they come before
//! `css-loader` in Next.js. A file that needs neither is read as it is, and an app with no
//! PostCSS config and no Sass never starts Node.js for CSS.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::error::{CssError, CssWarning};
use super::postcss_config::PostcssConfig;
use super::runner::{Failure, FailureKind, RunError, Runner, Settings};
use super::sass::{MISSING_SASS, is_sass};
use crate::diagnostics::location::display_path;

/// A file's text, ready for lightningcss.
#[derive(Debug, Clone)]
pub(super) struct Preprocessed {
    pub code: Arc<str>,
    /// Whether a tool rewrote it: lightningcss's lines then no longer match the file's.
    pub transformed: bool,
    pub warnings: Vec<CssWarning>,
}

/// Preprocesses the stylesheets of one build; each file once.
#[derive(Debug)]
pub(super) struct Preprocessor {
    root: PathBuf,
    postcss: Option<PostcssConfig>,
    sass_options: serde_json::Value,
    runner: OnceLock<Result<Runner, RunError>>,
    done: Mutex<HashMap<PathBuf, Result<Preprocessed, CssError>>>,
}

impl Preprocessor {
    /// For the app at `root`, with its PostCSS config and next.config's `sassOptions`.
    pub(super) fn new(
        root: &Path,
        postcss: Option<PostcssConfig>,
        sass_options: serde_json::Value,
    ) -> Self {
        Self {
            root: root.to_path_buf(),
            postcss,
            sass_options,
            runner: OnceLock::new(),
            done: Mutex::default(),
        }
    }

    /// The text of the stylesheet `file` (absolute), preprocessed. Blocks while Node.js works.
    pub(super) fn read(&self, file: &Path) -> Result<Preprocessed, CssError> {
        if let Some(done) = self
            .done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(file)
        {
            return done.clone();
        }
        let result = self.preprocess(file);
        self.done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file.to_path_buf(), result.clone());
        result
    }

    fn preprocess(&self, file: &Path) -> Result<Preprocessed, CssError> {
        let sass = is_sass(&file.to_string_lossy());
        let postcss = self.postcss.is_some();
        if !sass && !postcss {
            let code = std::fs::read_to_string(file).map_err(|error| {
                CssError::new(format!("The stylesheet could not be read: {error}."))
            })?;
            return Ok(Preprocessed {
                code: Arc::from(code),
                transformed: false,
                warnings: Vec::new(),
            });
        }
        let runner = self.runner.get_or_init(|| {
            Runner::start(&Settings {
                root: &self.root,
                postcss: self.postcss.as_ref(),
                sass_options: &self.sass_options,
            })
        });
        let compiled = runner
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|runner| runner.compile(file, sass, postcss))
            .map_err(|error| self.error(file, error))?;
        Ok(Preprocessed {
            code: Arc::from(compiled.css),
            transformed: true,
            warnings: compiled.warnings,
        })
    }

    /// The config file, as messages show it.
    fn config_name(&self) -> String {
        self.postcss.as_ref().map_or_else(
            || "the PostCSS config".to_string(),
            |config| display_path(&self.root, &config.file).display().to_string(),
        )
    }

    /// The build error for `error`, met compiling `file`.
    fn error(&self, file: &Path, error: RunError) -> CssError {
        let RunError::Failed(failure) = error else {
            return CssError::new(error);
        };
        let Failure {
            kind,
            message,
            tool,
            file: at,
            line,
            column,
        } = failure;
        let config = self.config_name();
        let text = match kind {
            FailureKind::Syntax => {
                let tool = tool.unwrap_or_else(|| "PostCSS".to_string());
                let message = message.trim_end();
                let stop = if message.ends_with(['.', '!', '?']) {
                    ""
                } else {
                    "."
                };
                format!("{tool} could not compile this stylesheet: {message}{stop}")
            }
            FailureKind::MissingPostcss => format!(
                "The app has a PostCSS config ({config}), but not the `postcss` package that runs it. Run `npm install postcss` in the app."
            ),
            FailureKind::MissingPlugin => format!(
                "The PostCSS plugin `{message}` that {config} names is not installed. Run `npm install {message}` in the app."
            ),
            FailureKind::MissingSass => MISSING_SASS.to_string(),
            FailureKind::MissingModule => format!(
                "The package `{message}`, which this stylesheet's PostCSS plugins or Sass load, is not installed. Run `npm install {message}` in the app."
            ),
            FailureKind::Config => format!(
                "The PostCSS config {config} cannot be used. {}",
                message.trim_end()
            ),
            FailureKind::Failed => {
                let tool = if is_sass(&file.to_string_lossy()) {
                    "Sass or PostCSS"
                } else {
                    "PostCSS"
                };
                format!("{tool} failed on this stylesheet: {}", message.trim_end())
            }
        };
        // Errors of the config or a missing package are reported at the stylesheet that met
        // them (the message names the config); a tool's error at the file it points to.
        CssError {
            message: text,
            file: at.filter(|at| at != file),
            line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::postcss_config::ConfigFormat;
    use super::*;

    fn preprocessor() -> Preprocessor {
        let config = PostcssConfig {
            file: PathBuf::from("/app/postcss.config.js"),
            format: ConfigFormat::Module,
            value: None,
        };
        Preprocessor::new(Path::new("/app"), Some(config), serde_json::json!({}))
    }

    fn failure(kind: FailureKind, message: &str) -> RunError {
        RunError::Failed(Failure {
            kind,
            message: message.to_string(),
            tool: None,
            file: None,
            line: None,
            column: None,
        })
    }

    #[test]
    fn missing_packages_say_what_to_install() {
        let error = preprocessor().error(
            Path::new("/app/styles/a.css"),
            failure(FailureKind::MissingPlugin, "autoprefixer"),
        );
        assert_eq!(
            error.message,
            "The PostCSS plugin `autoprefixer` that ./postcss.config.js names is not installed. \
             Run `npm install autoprefixer` in the app."
        );
        assert_eq!(error.file, None, "reported at the stylesheet");
        let error = preprocessor().error(
            Path::new("/app/styles/a.scss"),
            failure(FailureKind::MissingSass, "sass"),
        );
        assert_eq!(error.message, MISSING_SASS);
    }

    #[test]
    fn tool_errors_keep_their_place_in_other_files() {
        let error = preprocessor().error(
            Path::new("/app/styles/a.scss"),
            RunError::Failed(Failure {
                kind: FailureKind::Syntax,
                message: "Undefined variable".to_string(),
                tool: Some("Sass".to_string()),
                file: Some(PathBuf::from("/app/styles/_partial.scss")),
                line: Some(3),
                column: Some(10),
            }),
        );
        assert_eq!(
            error.message,
            "Sass could not compile this stylesheet: Undefined variable."
        );
        assert_eq!(error.file, Some(PathBuf::from("/app/styles/_partial.scss")));
        assert_eq!((error.line, error.column), (Some(3), Some(10)));
    }

    #[test]
    fn files_that_need_no_tool_are_read_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.css");
        std::fs::write(&file, "a{}").unwrap();
        let preprocessor = Preprocessor::new(dir.path(), None, serde_json::json!({}));
        let read = preprocessor.read(&file).unwrap();
        assert_eq!(&*read.code, "a{}");
        assert!(!read.transformed);
        assert!(preprocessor.runner.get().is_none(), "no Node.js process");
    }
}
