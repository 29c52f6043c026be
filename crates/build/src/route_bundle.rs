//! Bundling one route entry with rolldown, the part every target shares: the base options,
//! running the bundler, and turning what it reports into diagnostics.

use std::path::Path;
use std::sync::Arc;

use rolldown::{
    BundleOutput, Bundler, BundlerOptions, CodeSplittingMode, InputItem, ModuleType, OutputExports,
};
use rolldown_common::{BundlerTransformOptions, Either, JsxOptions, Output, OutputChunk, TsConfig};
use rolldown_error::BuildDiagnostic;
use rolldown_plugin::Plugin;
use rolldown_utils::indexmap::FxIndexMap;
use switchyard_app::{Diagnostic, Severity};

use crate::diagnostics::import_report::SharedImportReport;
use crate::diagnostics::location::display_path;
use crate::diagnostics::rolldown::{convert, module_not_found};
use crate::error::BuildError;
use crate::virtual_modules::BundleEntry;

/// What bundling one entry produced.
#[derive(Debug)]
pub(crate) struct RouteBundle {
    /// The bundle's code, unless bundling failed.
    pub code: Option<String>,
    /// Errors and warnings about the entry and the modules it pulled in.
    pub diagnostics: Vec<Diagnostic>,
}

impl RouteBundle {
    /// `code` with `diagnostics` in file and line order: they come from several checks, and
    /// read like the source that way.
    pub(crate) fn new(code: Option<String>, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        Self { code, diagnostics }
    }
}

/// The options every target starts from: `entry` of the app at `root` (absolute, canonical)
/// as one output file with the entry's exports as named exports, `process.env.NEXT_RUNTIME`
/// replaced with `next_runtime`, and the build's inlined `env` (`process.env.NAME`, JSON).
pub(crate) fn base_options(
    root: &Path,
    entry: &BundleEntry,
    next_runtime: &str,
    env: &[(String, String)],
) -> BundlerOptions {
    let mut define: FxIndexMap<String, String> = env.iter().cloned().collect();
    define.insert(
        "process.env.NEXT_RUNTIME".to_string(),
        serde_json::to_string(next_runtime).expect("a string always serializes"),
    );
    // Next.js compiles `.js` with JSX enabled; rolldown would reject JSX there otherwise.
    let module_types = [(".js".to_string(), ModuleType::Jsx)].into_iter().collect();
    BundlerOptions {
        input: Some(vec![InputItem {
            name: Some("route".to_string()),
            import: entry.input(),
        }]),
        cwd: Some(root.to_path_buf()),
        // The chunk is never written by rolldown; placing it in the app root makes the source
        // map's `sources` relative to the root.
        dir: Some(root.to_string_lossy().into_owned()),
        // Always named exports (`default`, `config`), even when the entry has only a default
        // export.
        exports: Some(OutputExports::Named),
        // One file per route: dynamic imports are inlined.
        code_splitting: Some(CodeSplittingMode::Bool(false)),
        define: Some(define),
        module_types: Some(module_types),
        transform: Some(transform_options()),
        tsconfig: Some(tsconfig(root)),
        ..BundlerOptions::default()
    }
}

/// How every target compiles JSX: React's automatic runtime, as Next.js always does.
///
/// Set explicitly because rolldown otherwise follows `compilerOptions.jsx` of the nearest
/// tsconfig, and `"preserve"` (what `create-next-app` wrote for years, since Next.js compiles
/// JSX itself) would leave JSX in the bundles. `jsxImportSource` still comes from the
/// tsconfig when set (`import_source` is left unset here), as Next.js honours it;
/// `jsxFactory` is ignored by the automatic runtime.
pub(crate) fn transform_options() -> BundlerTransformOptions {
    BundlerTransformOptions {
        jsx: Some(Either::Right(JsxOptions {
            runtime: Some("automatic".to_string()),
            ..JsxOptions::default()
        })),
        ..BundlerTransformOptions::default()
    }
}

/// Where the bundler reads `paths`, `baseUrl` (and what they `extends`) for the app at
/// `root`: the root's `tsconfig.json`, or its `jsconfig.json`, as Next.js reads them, for
/// every module. Named explicitly: the resolver never looks for a `jsconfig.json`, and
/// its own per-file discovery missed `paths` such as `@/components/*`.
pub(crate) fn tsconfig(root: &Path) -> TsConfig {
    ["tsconfig.json", "jsconfig.json"]
        .into_iter()
        .map(|name| root.join(name))
        .find(|file| file.is_file())
        .map_or(TsConfig::Auto(true), TsConfig::Manual)
}

/// What rolldown made of one entry, before a target's own checks.
pub(crate) struct Generated {
    /// The entry chunk, unless bundling failed.
    pub chunk: Option<Arc<OutputChunk>>,
    /// rolldown's errors and warnings, and an error for each import that resolved to nothing.
    pub diagnostics: Vec<Diagnostic>,
}

/// Bundles `entry` of the app at `root` (absolute, canonical) with `options` and `plugin`,
/// which records the imports it sees in `imports`.
pub(crate) async fn generate(
    root: &Path,
    entry: &BundleEntry,
    options: BundlerOptions,
    plugin: impl Plugin,
    imports: &SharedImportReport,
) -> Result<Generated, BuildError> {
    let entry_name = display_path(root, &entry.file);
    // Checked here because a generated entry would report the file as its own import.
    if !entry.is_builtin() && !entry.file.is_file() {
        return Ok(Generated {
            chunk: None,
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                message: module_not_found(&entry_name.to_string_lossy()),
                file: entry_name,
                line: None,
                column: None,
            }],
        });
    }
    let Bundled {
        assets,
        diagnostics,
    } = run_bundler(options, plugin, imports, root, &entry_name).await?;
    let chunk = match assets {
        None => None,
        Some(assets) => Some(
            assets
                .into_iter()
                .find_map(|asset| match asset {
                    Output::Chunk(chunk) if chunk.is_entry => Some(chunk),
                    _ => None,
                })
                .ok_or_else(|| {
                    BuildError::Internal("rolldown produced no entry chunk".to_string())
                })?,
        ),
    };
    Ok(Generated { chunk, diagnostics })
}

/// What one run of rolldown produced.
pub(crate) struct Bundled {
    /// The output files, unless bundling failed.
    pub assets: Option<Vec<Output>>,
    /// An error for each import that resolved to nothing, then rolldown's errors and warnings;
    /// at least one error when bundling failed.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs rolldown with `options` and `plugin`, which records the imports it sees in
/// `imports`; `entry_name` stands for diagnostics without a file.
pub(crate) async fn run_bundler(
    options: BundlerOptions,
    plugin: impl Plugin,
    imports: &SharedImportReport,
    root: &Path,
    entry_name: &Path,
) -> Result<Bundled, BuildError> {
    let mut bundler = Bundler::with_plugins(options, vec![Arc::new(plugin)])
        .map_err(|errors| BuildError::Internal(errors.to_string()))?;
    let result = bundler.generate().await;
    // Closing only runs plugin `closeBundle` hooks; ours have none, so its result adds nothing.
    let _ = bundler.close().await;

    let mut diagnostics = imports.lock().unresolved_errors(root);
    let assets = match result {
        Err(errors) => {
            diagnostics.extend(rolldown_diagnostics(
                errors.into_vec(),
                imports,
                root,
                entry_name,
            ));
            if !diagnostics
                .iter()
                .any(|diagnostic| diagnostic.severity == Severity::Error)
            {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    file: entry_name.to_path_buf(),
                    line: None,
                    column: None,
                    message: "The bundler failed without saying why.".to_string(),
                });
            }
            None
        }
        Ok(BundleOutput { warnings, assets }) => {
            diagnostics.extend(rolldown_diagnostics(warnings, imports, root, entry_name));
            Some(assets)
        }
    };
    Ok(Bundled {
        assets,
        diagnostics,
    })
}

/// rolldown's diagnostics, without the missing imports `imports` already reports;
/// `entry_name` stands for diagnostics without a file.
fn rolldown_diagnostics(
    diagnostics: Vec<BuildDiagnostic>,
    imports: &SharedImportReport,
    root: &Path,
    entry_name: &Path,
) -> Vec<Diagnostic> {
    let imports = imports.lock();
    diagnostics
        .into_iter()
        .filter(|diagnostic| !imports.already_reported(diagnostic))
        .filter_map(|diagnostic| convert(diagnostic, root, entry_name))
        .collect()
}
