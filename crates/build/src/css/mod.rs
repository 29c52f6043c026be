//! Stylesheets imported from JavaScript, compiled as `next build` compiles them:
//!
//! 1. each file through the app's own Sass (`.scss`, `.sass`) and PostCSS plugins (when the
//!    app has a PostCSS config), in one Node.js process per build (`preprocess`, `runner`);
//! 2. its `@import`s gathered and resolved, relative or from packages (`sources`, `resolve`);
//! 3. lightningcss bundles them, scopes a CSS module's class names and minifies (`compile`);
//! 4. files its `url()`s name are copied as hashed media (`assets`).
//!
//! A global stylesheet adds its rules to the page (the browser build links it from the
//! document); a CSS module also gives the importer its class names. Each stylesheet is compiled
//! once per build: the server bundles take a CSS module's class names from the same
//! compilation as the browser's, so they agree.

mod assets;
mod class_names;
mod compile;
mod error;
mod global_rule;
mod postcss_config;
mod preprocess;
mod resolve;
mod runner;
mod sass;
mod sources;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use switchyard_app::NextConfig;
use tokio::sync::OnceCell;

pub(crate) use assets::{MediaFile, media_file_of};
pub(crate) use class_names::is_css_module;
pub(crate) use error::{CssError, CssWarning};
pub(crate) use global_rule::{GlobalCssRule, Violation};

use preprocess::Preprocessor;
use sources::Sources;

/// Whether the module `id` is a stylesheet: `.css`, `.scss` or `.sass`.
pub(crate) fn is_stylesheet(id: &str) -> bool {
    id.ends_with(".css") || sass::is_sass(id)
}

/// A compiled stylesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledCss {
    /// The rules, minified, class names scoped for a CSS module, URLs rewritten.
    pub code: String,
    /// The JavaScript module that stands for it: a CSS module's class names as its default
    /// export, nothing for a global stylesheet.
    pub module: String,
    /// Files its `url()`s name, to copy into the output.
    pub media: Vec<MediaFile>,
    /// What Sass and the PostCSS plugins warned about.
    pub warnings: Vec<CssWarning>,
}

/// The outcome of compiling one stylesheet, shared by every bundle that imports it.
type Outcome = Result<Arc<CompiledCss>, CssError>;

/// The stylesheets of one build: compiled on first import, once. Clones share everything,
/// the Node.js process included, which ends when the last clone is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Stylesheets(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    root: PathBuf,
    preprocessor: Preprocessor,
    /// next.config's `transpilePackages` is set: packages may import global stylesheets.
    external_imports: bool,
    compiled: Mutex<HashMap<String, Arc<OnceCell<Outcome>>>>,
}

impl Stylesheets {
    /// The stylesheets of the app at `root` (absolute, canonical), with its next.config.
    pub(crate) fn new(root: &Path, config: Option<&NextConfig>) -> Self {
        // As in Next.js, any `transpilePackages` (even `[]`) or `experimental.craCompat`.
        let external_imports = config.is_some_and(|config| {
            config
                .raw
                .get("transpilePackages")
                .is_some_and(|value| !value.is_null())
                || config.raw.pointer("/experimental/craCompat") == Some(&true.into())
        });
        Self(Arc::new(Shared {
            root: root.to_path_buf(),
            preprocessor: Preprocessor::new(
                root,
                postcss_config::find_postcss_config(root),
                sass::sass_options(config),
            ),
            external_imports,
            compiled: Mutex::default(),
        }))
    }

    /// Next.js's global stylesheet rule for this app, whose custom App is `app` (absolute).
    pub(crate) fn global_rule(&self, app: Option<PathBuf>) -> GlobalCssRule {
        GlobalCssRule::new(&self.0.root, app, self.0.external_imports)
    }

    /// The stylesheet `id` (an absolute path), compiled.
    pub(crate) async fn compile(&self, id: &str) -> Outcome {
        let cell = self
            .0
            .compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id.to_string())
            .or_default()
            .clone();
        cell.get_or_init(|| {
            let shared = self.0.clone();
            let id = id.to_string();
            async move {
                // lightningcss, file reads and waits on Node.js all block.
                tokio::task::spawn_blocking(move || compile_blocking(&shared, Path::new(&id)))
                    .await
                    .unwrap_or_else(|error| {
                        Err(CssError::new(format!(
                            "Compiling the stylesheet stopped unexpectedly: {error}."
                        )))
                    })
                    .map(Arc::new)
            }
        })
        .await
        .clone()
    }

    /// What a server bundle imports for the stylesheet `id`: a CSS module's class names (from
    /// the same compilation as the browser's), nothing for a global stylesheet. The browser
    /// build reports a stylesheet that does not compile; here it is just empty.
    pub(crate) async fn server_module(&self, id: &str) -> String {
        // A global stylesheet gives the importer nothing: the server need not even read it.
        if !is_css_module(id) {
            return "export {};\n".to_string();
        }
        match self.compile(id).await {
            Ok(compiled) => compiled.module.clone(),
            Err(_) => "export default {};\n".to_string(),
        }
    }
}

/// Compiles the stylesheet at `path`, blocking.
fn compile_blocking(shared: &Shared, path: &Path) -> Result<CompiledCss, CssError> {
    let sources = Sources::gather(path, &shared.preprocessor)?;
    let printed = compile::bundle(&shared.root, path, &sources)?;
    let mut media = Vec::new();
    let code = assets::rewrite_urls(printed.code, printed.dependencies, &mut media, |file| {
        sources.is_exact(file)
    })?;
    Ok(CompiledCss {
        code,
        module: printed.module,
        media,
        warnings: sources.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("package.json"), "{}").unwrap();
        (dir, root)
    }

    fn write(root: &Path, name: &str, text: &str) -> String {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn compile(root: &Path, id: &str) -> Outcome {
        let stylesheets = Stylesheets::new(root, None);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(stylesheets.compile(id))
    }

    fn exports(module: &str) -> serde_json::Value {
        serde_json::from_str(
            module
                .trim_start_matches("export default ")
                .trim_end_matches(";\n"),
        )
        .unwrap()
    }

    #[test]
    fn css_modules_scope_their_class_names_and_export_them() {
        let (_dir, root) = app();
        write(&root, "styles/a.png", "png");
        let id = write(
            &root,
            "styles/about.module.css",
            ".title { color: blue; background: url(a.png) }\n:global(.x) .title { margin: 0 }\n",
        );
        let compiled = compile(&root, &id).unwrap();
        let exports = exports(&compiled.module);
        let title = exports["title"].as_str().unwrap();
        assert!(title.starts_with("about_title__"), "{title}");
        assert!(
            compiled.code.contains(&format!(".{title}{{")),
            "{}",
            compiled.code
        );
        assert!(
            compiled.code.contains(&format!(".x .{title}")),
            "{}",
            compiled.code
        );
        let media = &compiled.media[0];
        assert!(
            compiled
                .code
                .contains(&format!("url(\"/_next/{}\")", media.output)),
            "{}",
            compiled.code
        );
        assert_eq!(Path::new(&media.source), root.join("styles/a.png"));
    }

    #[test]
    fn class_names_do_not_depend_on_where_the_app_is() {
        let names: Vec<String> = (0..2)
            .map(|_| {
                let (_dir, root) = app();
                let id = write(&root, "styles/a.module.css", ".t { color: red }");
                exports(&compile(&root, &id).unwrap().module)["t"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(names[0], names[1]);
    }

    #[test]
    fn global_stylesheets_keep_their_names_and_export_nothing() {
        let (_dir, root) = app();
        let id = write(&root, "styles/globals.css", "body { color: red }");
        let compiled = compile(&root, &id).unwrap();
        assert_eq!(compiled.code, "body{color:red}");
        assert_eq!(compiled.module, "export {};\n");
    }

    #[test]
    fn imports_are_inlined_relative_and_from_packages_with_their_conditions() {
        let (_dir, root) = app();
        write(&root, "node_modules/ui/package.json", r#"{ "name": "ui" }"#);
        write(
            &root,
            "node_modules/ui/dist/style.css",
            ".ui { color: green }",
        );
        write(&root, "styles/print.css", "a { color: black }");
        let id = write(
            &root,
            "styles/globals.css",
            "@import \"ui/dist/style.css\";\n@import url(./print.css) print;\n\
             @import url(\"https://fonts.example/a.css\");\nbody { margin: 0 }",
        );
        let compiled = compile(&root, &id);
        // An external import after inlined ones would reorder rules: lightningcss refuses.
        assert!(compiled.is_err(), "{compiled:?}");

        let id = write(
            &root,
            "styles/globals.css",
            "@import url(\"https://fonts.example/a.css\");\n@import \"ui/dist/style.css\";\n\
             @import url(./print.css) print;\nbody { margin: 0 }",
        );
        let code = compile(&root, &id).unwrap().code.clone();
        assert_eq!(
            code,
            "@import \"https://fonts.example/a.css\";.ui{color:green}@media print{a{color:#000}}body{margin:0}"
        );
    }

    #[test]
    fn missing_imports_and_files_say_where() {
        let (_dir, root) = app();
        let id = write(&root, "a.css", "\n@import './gone.css';\na {}\n");
        let error = compile(&root, &id).unwrap_err();
        assert_eq!(
            error.message,
            "Module not found: Can't resolve './gone.css'."
        );
        assert_eq!(error.line, Some(2));
        let id = write(&root, "b.css", "a {}\nb { background: url(./gone.png) }\n");
        let error = compile(&root, &id).unwrap_err();
        assert_eq!(
            error.message,
            "Module not found: Can't resolve './gone.png'."
        );
        assert_eq!(error.line, Some(2));
    }

    #[test]
    fn errors_say_where() {
        let (_dir, root) = app();
        let id = write(&root, "a.css", "a {}\nb { color: red; }}\n");
        let error = compile(&root, &id).unwrap_err();
        assert_eq!(
            error.message,
            "The stylesheet could not be compiled: Unexpected end of input."
        );
        assert_eq!((error.line, error.column), (Some(3), Some(1)));
    }
}
