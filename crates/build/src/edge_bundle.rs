//! Bundling one Edge route entry with rolldown into a classic script.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rolldown::{
    BundleOutput, Bundler, BundlerOptions, CodeSplittingMode, InputItem, ModuleType, OutputExports,
    OutputFormat, Platform, ResolveOptions, SourceMapType,
};
use rolldown_common::Output;
use rolldown_error::{BuildDiagnostic, EventKind};
use rolldown_utils::indexmap::FxIndexMap;
use switchyard_app::{Diagnostic, Severity};

use crate::dynamic_code::{dynamic_code_error, exports_using, find_dynamic_code, is_exempt};
use crate::edge_plugin::EdgePlugin;
use crate::error::BuildError;
use crate::location::{LineIndex, display_path};
use crate::node_builtins::node_module_warning;
use crate::original_position::{OriginalPosition, OriginalPositions};
use crate::rolldown_diagnostics::{convert, module_not_found};

/// The global a bundle leaves behind: the entry's module namespace (`default`, `config`).
pub const MODULE_GLOBAL: &str = "__switchyard_module";

/// Package conditions for Edge resolution, after `edge-light` in Next.js's order. rolldown
/// adds `import` or `require` by import kind, and `default`.
const CONDITIONS: [&str; 3] = ["edge-light", "browser", "module"];

/// package.json fields for packages without `exports`, in the same order.
const MAIN_FIELDS: [&str; 4] = ["edge-light", "browser", "module", "main"];

/// What bundling one entry produced.
#[derive(Debug)]
pub(crate) struct EdgeBundle {
    /// The script, unless bundling failed.
    pub code: Option<String>,
    /// Errors and warnings about the entry and the modules it pulled in.
    pub diagnostics: Vec<Diagnostic>,
}

/// Bundles the Edge entry `entry` (absolute) of the app at `root` (absolute, canonical).
pub(crate) async fn bundle_edge_entry(
    root: PathBuf,
    entry: PathBuf,
) -> Result<EdgeBundle, BuildError> {
    let plugin = EdgePlugin::default();
    let mut bundler = Bundler::with_plugins(options(&root, &entry), vec![Arc::new(plugin.clone())])
        .map_err(|errors| BuildError::Internal(errors.to_string()))?;
    let result = bundler.generate().await;
    // Closing only runs plugin `closeBundle` hooks; ours has none, so its result adds nothing.
    let _ = bundler.close().await;

    let entry_name = display_path(&root, &entry);
    let mut diagnostics = import_diagnostics(&plugin, &root);
    let code = match result {
        Err(errors) => {
            diagnostics.extend(rolldown_diagnostics(
                errors.into_vec(),
                &plugin,
                &root,
                &entry_name,
            ));
            if !diagnostics
                .iter()
                .any(|diagnostic| diagnostic.severity == Severity::Error)
            {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    file: entry_name,
                    line: None,
                    column: None,
                    message: "The bundler failed without saying why.".to_string(),
                });
            }
            None
        }
        Ok(BundleOutput { warnings, assets }) => {
            diagnostics.extend(rolldown_diagnostics(warnings, &plugin, &root, &entry_name));
            let chunk = assets
                .into_iter()
                .find_map(|asset| match asset {
                    Output::Chunk(chunk) if chunk.is_entry => Some(chunk),
                    _ => None,
                })
                .ok_or_else(|| {
                    BuildError::Internal("rolldown produced no entry chunk".to_string())
                })?;
            diagnostics.extend(dynamic_code_errors(
                &chunk.code,
                chunk.map.as_ref(),
                &root,
                &entry_name,
            ));
            Some(chunk.code.clone())
        }
    };
    // They come from several checks; in file and line order they read like the source.
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(EdgeBundle { code, diagnostics })
}

fn options(root: &Path, entry: &Path) -> BundlerOptions {
    let mut define = FxIndexMap::default();
    define.insert(
        "process.env.NEXT_RUNTIME".to_string(),
        "\"edge\"".to_string(),
    );
    define.insert(
        "process.env.NODE_ENV".to_string(),
        "\"production\"".to_string(),
    );
    // Next.js compiles `.js` with JSX enabled; rolldown would reject JSX there otherwise.
    let module_types = [(".js".to_string(), ModuleType::Jsx)].into_iter().collect();
    BundlerOptions {
        input: Some(vec![InputItem {
            name: Some("route".to_string()),
            import: entry.to_string_lossy().into_owned(),
        }]),
        cwd: Some(root.to_path_buf()),
        platform: Some(Platform::Browser),
        // The chunk is never written by rolldown; placing it in the app root makes the source
        // map's `sources` relative to the root.
        dir: Some(root.to_string_lossy().into_owned()),
        format: Some(OutputFormat::Iife),
        name: Some(MODULE_GLOBAL.to_string()),
        // Always a namespace object, even when the entry has only a default export.
        exports: Some(OutputExports::Named),
        // One classic script: dynamic imports are inlined.
        code_splitting: Some(CodeSplittingMode::Bool(false)),
        // Kept out of the file; used to map dynamic-code uses back to their source.
        sourcemap: Some(SourceMapType::Hidden),
        resolve: Some(ResolveOptions {
            condition_names: Some(CONDITIONS.map(str::to_string).to_vec()),
            main_fields: Some(MAIN_FIELDS.map(str::to_string).to_vec()),
            ..ResolveOptions::default()
        }),
        define: Some(define),
        module_types: Some(module_types),
        ..BundlerOptions::default()
    }
}

/// A warning for each import the plugin served a Node.js built-in stub, and an error for
/// each import that resolved to nothing.
fn import_diagnostics(plugin: &EdgePlugin, root: &Path) -> Vec<Diagnostic> {
    let report = plugin.report();
    let warnings = report
        .stubbed_imports()
        .into_iter()
        .map(|(importer, site)| Diagnostic {
            severity: Severity::Warning,
            file: display_path(root, Path::new(importer)),
            line: Some(site.line),
            column: Some(site.column),
            message: node_module_warning(&site.specifier, site.line),
        });
    let errors = report
        .unresolved_imports()
        .into_iter()
        .map(|(importer, specifier, site)| Diagnostic {
            severity: Severity::Error,
            file: display_path(root, Path::new(importer)),
            line: site.map(|site| site.line),
            column: site.map(|site| site.column),
            message: module_not_found(specifier),
        });
    warnings.chain(errors).collect()
}

/// rolldown's diagnostics, without the missing imports the plugin already reported.
fn rolldown_diagnostics(
    diagnostics: Vec<BuildDiagnostic>,
    plugin: &EdgePlugin,
    root: &Path,
    entry_name: &Path,
) -> Vec<Diagnostic> {
    let report = plugin.report();
    diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let reported = matches!(diagnostic.kind(), EventKind::UnresolvedImport)
                && diagnostic.id().zip(diagnostic.exporter()).is_some_and(
                    |(importer, specifier)| report.is_unresolved(&importer, &specifier),
                );
            !reported
        })
        .filter_map(|diagnostic| convert(diagnostic, root, entry_name))
        .collect()
}

/// An error for each use of dynamic code that survived into `code`, at its source.
fn dynamic_code_errors(
    code: &str,
    map: Option<&rolldown_sourcemap::SourceMap>,
    root: &Path,
    entry_name: &Path,
) -> Vec<Diagnostic> {
    let offsets = find_dynamic_code(code);
    if offsets.is_empty() {
        return Vec::new();
    }
    let positions = match map {
        Some(map) => OriginalPositions::new(map, root).lookup(code, &offsets),
        None => vec![None; offsets.len()],
    };
    let mut seen = BTreeSet::new();
    let mut errors = Vec::new();
    for position in positions {
        let error = match position {
            Some(position) if is_exempt(&position.file) => continue,
            Some(position) => error_at(&position, root),
            // Without a mapping the use is still in the bundle, so it still fails the build.
            None => Diagnostic {
                severity: Severity::Error,
                file: entry_name.to_path_buf(),
                line: None,
                column: None,
                message: dynamic_code_error(&[]),
            },
        };
        if seen.insert((error.file.clone(), error.line, error.column)) {
            errors.push(error);
        }
    }
    errors
}

fn error_at(position: &OriginalPosition, root: &Path) -> Diagnostic {
    let used_by = position
        .source
        .as_deref()
        .and_then(|source| {
            let offset = LineIndex::new(source).offset(position.line, position.column)?;
            Some(exports_using(&position.file, source, offset))
        })
        .unwrap_or_default();
    Diagnostic {
        severity: Severity::Error,
        file: display_path(root, &position.file),
        line: Some(position.line + 1),
        column: Some(position.column + 1),
        message: dynamic_code_error(&used_by),
    }
}
