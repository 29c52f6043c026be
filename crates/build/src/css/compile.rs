//! lightningcss's part: a stylesheet's files bundled into one (`@import`s inlined with their
//! conditions), a CSS module's class names scoped, the rules minified, and the class names
//! exported to the importer.

use std::path::Path;

use lightningcss::bundler::Bundler;
use lightningcss::css_modules::{Config, CssModuleExports, CssModuleReference, Pattern};
use lightningcss::dependencies::{Dependency, DependencyOptions};
use lightningcss::stylesheet::{ParserOptions, PrinterOptions};

use super::class_names::{is_css_module, pattern};
use super::error::CssError;
use super::sources::Sources;

/// A stylesheet bundled and printed.
#[derive(Debug)]
pub(super) struct Printed {
    /// The rules, minified; each `url()` a quoted placeholder named in `dependencies`.
    pub code: String,
    /// The JavaScript module that stands for it: a CSS module's class names as its default
    /// export, nothing for a global stylesheet.
    pub module: String,
    pub dependencies: Vec<Dependency>,
}

/// Bundles the stylesheet `entry` of the app at `root` from its `sources`.
pub(super) fn bundle(root: &Path, entry: &Path, sources: &Sources) -> Result<Printed, CssError> {
    let module = is_css_module(&entry.to_string_lossy());
    let pattern_text = pattern(entry);
    let css_modules = if module {
        let pattern = Pattern::parse(&pattern_text).map_err(|error| {
            CssError::new(format!("The class name pattern is invalid: {error}."))
        })?;
        Some(Config {
            pattern,
            ..Config::default()
        })
    } else {
        None
    };
    let options = ParserOptions {
        css_modules,
        ..ParserOptions::default()
    };
    let mut bundler = Bundler::new(sources, None, options);
    let sheet = bundler
        .bundle(entry)
        .map_err(|error| located(entry, sources, error.kind.to_string(), error.loc))?;
    let root_text = root.to_string_lossy();
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            // Class name hashes come from paths relative to the app: the same on every machine.
            project_root: Some(&root_text),
            analyze_dependencies: Some(DependencyOptions {
                remove_imports: false,
            }),
            ..PrinterOptions::default()
        })
        .map_err(|error| located(entry, sources, error.kind.to_string(), error.loc))?;
    let module = match printed.exports {
        Some(exports) if module => module_source(exports),
        _ => "export {};\n".to_string(),
    };
    Ok(Printed {
        code: printed.code,
        module,
        dependencies: printed.dependencies.unwrap_or_default(),
    })
}

/// The error `message` at lightningcss's `location` (a file, a 0-based line, a 1-based column).
fn located(
    entry: &Path,
    sources: &Sources,
    message: String,
    location: Option<lightningcss::error::ErrorLocation>,
) -> CssError {
    let mut error = CssError::new(format!("The stylesheet could not be compiled: {message}."));
    if let Some(location) = location {
        let file = Path::new(&location.filename);
        if !location.filename.is_empty() && file != entry {
            error.file = Some(file.to_path_buf());
        }
        let file = if location.filename.is_empty() {
            entry
        } else {
            file
        };
        if sources.is_exact(file) {
            error.line = Some(location.line + 1);
            error.column = Some(location.column);
        }
    }
    error
}

/// The module exporting a CSS module's class names, `composes` included.
fn module_source(exports: CssModuleExports) -> String {
    let names: serde_json::Map<String, serde_json::Value> = exports
        .into_iter()
        .map(|(local, export)| {
            let mut name = export.name;
            for composed in export.composes {
                if let CssModuleReference::Local { name: other } = composed {
                    name.push(' ');
                    name.push_str(&other);
                }
            }
            (local, name.into())
        })
        .collect();
    format!("export default {};\n", serde_json::Value::Object(names))
}
