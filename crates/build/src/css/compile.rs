//! Stylesheets imported from JavaScript, as Next.js compiles them: a global `.css` file adds its
//! rules to the page (the browser build links it from the document), a CSS module
//! (`.module.css`) also gives the importer its class names, scoped to the file. lightningcss
//! parses, scopes and minifies them.

use std::path::Path;

use lightningcss::css_modules::{Config, Pattern};
use lightningcss::stylesheet::{ParserOptions, PrinterOptions, StyleSheet};

/// Whether the module `id` is a stylesheet.
pub(crate) fn is_css(id: &str) -> bool {
    id.ends_with(".css")
}

/// Whether the stylesheet `id` is a CSS module.
pub(crate) fn is_css_module(id: &str) -> bool {
    id.ends_with(".module.css")
}

/// A compiled stylesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledCss {
    /// The rules, minified, class names scoped for a CSS module.
    pub code: String,
    /// The JavaScript module that stands for it: a CSS module's class names as its default
    /// export, nothing for a global stylesheet.
    pub module: String,
}

/// Why a stylesheet did not compile, and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CssError {
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl CssError {
    fn new(message: impl ToString) -> Self {
        Self {
            message: message.to_string(),
            line: None,
            column: None,
        }
    }

    fn located<T: std::fmt::Display>(error: lightningcss::error::Error<T>) -> Self {
        let location = error.loc.as_ref();
        Self {
            message: error.kind.to_string(),
            // lightningcss counts lines from 0 and columns from 1.
            line: location.map(|location| location.line + 1),
            column: location.map(|location| location.column),
        }
    }
}

/// Compiles the stylesheet at `path` (absolute) of the app at `root`.
pub(crate) fn compile(root: &Path, path: &str, source: &str) -> Result<CompiledCss, CssError> {
    let module = is_css_module(path);
    // Class names read like Next.js's: `<file>_<class>__<hash>`, the hash from the file's place
    // in the app, so equal names in two files differ.
    let relative = Path::new(path)
        .strip_prefix(root)
        .unwrap_or(Path::new(path));
    let filename = relative.to_string_lossy().replace(".module.css", ".css");
    let options = ParserOptions {
        filename,
        css_modules: module.then(|| Config {
            pattern: Pattern::parse("[name]_[local]__[hash]").expect("a valid pattern"),
            ..Config::default()
        }),
        ..ParserOptions::default()
    };
    let sheet = StyleSheet::parse(source, options).map_err(CssError::located)?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(CssError::located)?;
    let module = match printed.exports {
        Some(exports) if module => {
            let names: serde_json::Map<String, serde_json::Value> = exports
                .into_iter()
                .map(|(local, export)| {
                    let mut name = export.name;
                    for composed in export.composes {
                        if let lightningcss::css_modules::CssModuleReference::Local {
                            name: other,
                        } = composed
                        {
                            name.push(' ');
                            name.push_str(&other);
                        }
                    }
                    (local, name.into())
                })
                .collect();
            format!("export default {};\n", serde_json::Value::Object(names))
        }
        _ => "export {};\n".to_string(),
    };
    Ok(CompiledCss {
        code: printed.code,
        module,
    })
}

/// What a server bundle imports for the stylesheet `id` of the app at `root`: the class
/// names of a CSS module (the same the browser build gives), nothing for a global one. The
/// browser build reports a stylesheet that does not compile; here it is just empty.
pub(crate) fn server_module(root: &Path, id: &str) -> String {
    // A global stylesheet gives the importer nothing: the server need not even read it.
    if !is_css_module(id) {
        return "export {};\n".to_string();
    }
    std::fs::read_to_string(id)
        .map_err(CssError::new)
        .and_then(|source| compile(root, id, &source))
        .map_or_else(
            |_| "export default {};\n".to_string(),
            |compiled| compiled.module,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_modules_scope_their_class_names_and_export_them() {
        let compiled = compile(
            Path::new("/app"),
            "/app/styles/about.module.css",
            ".title { color: blue; background: url(a.png) }\n:global(.x) .title { margin: 0 }\n",
        )
        .unwrap();
        let exports: serde_json::Value = serde_json::from_str(
            compiled
                .module
                .trim_start_matches("export default ")
                .trim_end_matches(";\n"),
        )
        .unwrap();
        let title = exports["title"].as_str().unwrap();
        assert!(title.starts_with("about_title__"), "{title}");
        assert!(
            compiled.code.contains(&format!(".{title}{{")),
            "{}",
            compiled.code
        );
        assert!(compiled.code.contains("url(a.png)"), "{}", compiled.code);
        assert!(
            compiled.code.contains(&format!(".x .{title}")),
            "{}",
            compiled.code
        );
    }

    #[test]
    fn global_stylesheets_keep_their_names_and_export_nothing() {
        let compiled = compile(
            Path::new("/app"),
            "/app/styles/globals.css",
            "body { color: red }",
        )
        .unwrap();
        assert_eq!(compiled.code, "body{color:red}");
        assert_eq!(compiled.module, "export {};\n");
    }

    #[test]
    fn errors_say_where() {
        let error = compile(
            Path::new("/app"),
            "/app/a.css",
            "a {}\nb { color: red; }}\n",
        )
        .unwrap_err();
        assert_eq!(error.message, "Unexpected end of input");
        assert_eq!((error.line, error.column), (Some(3), Some(1)));
    }
}
