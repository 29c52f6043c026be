//! Bundling one Edge route entry with rolldown into a classic script.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rolldown::{BundlerOptions, OutputFormat, Platform, ResolveOptions, SourceMapType};
use switchyard_app::{Diagnostic, Severity};

use crate::css::Stylesheets;
use crate::diagnostics::import_report::SharedImportReport;
use crate::diagnostics::location::{LineIndex, display_path};
use crate::diagnostics::original_position::{OriginalPosition, OriginalPositions};
use crate::edge::dynamic_code::{dynamic_code_error, exports_using, find_dynamic_code, is_exempt};
use crate::edge::plugin::EdgePlugin;
use crate::error::BuildError;
use crate::image_import::ImageImports;
use crate::node::builtins::node_module_warning;
use crate::route_bundle::{Generated, RouteBundle, base_options, generate};
use crate::virtual_modules::{BundleEntry, VirtualModules};

/// The global a bundle leaves behind: the entry's module namespace (`default`, `config`).
pub const MODULE_GLOBAL: &str = "__switchyard_module";

/// Package conditions for Edge resolution, after `edge-light` in Next.js's order. rolldown
/// adds `import` or `require` by import kind, and `default`.
const CONDITIONS: [&str; 3] = ["edge-light", "browser", "module"];

/// package.json fields for packages without `exports`, in the same order.
const MAIN_FIELDS: [&str; 4] = ["edge-light", "browser", "module", "main"];

/// Bundles the Edge entry `entry` of the app at `root` (absolute, canonical).
///
/// Dynamic code in modules matching one of the `allow_dynamic` globs (Next.js's
/// `unstable_allowDynamic`: paths relative to the root, starting with `/`) does not fail it.
/// CSS modules' class names come from the build's `stylesheets`, imported images from its
/// `images`.
pub(crate) async fn bundle_edge_entry(
    root: PathBuf,
    entry: BundleEntry,
    allow_dynamic: Vec<String>,
    build_info: Arc<str>,
    stylesheets: Stylesheets,
    env: Arc<[(String, String)]>,
    images: ImageImports,
) -> Result<RouteBundle, BuildError> {
    let imports = SharedImportReport::default();
    let modules = VirtualModules::new(&root, &entry, build_info);
    let plugin = EdgePlugin::new(imports.clone(), modules, stylesheets, images);
    let Generated {
        chunk,
        mut diagnostics,
    } = generate(
        &root,
        &entry,
        options(&root, &entry, &env),
        plugin.clone(),
        &imports,
    )
    .await?;
    diagnostics.extend(stub_warnings(&plugin, &root));
    let code = chunk.map(|chunk| {
        let entry_name = display_path(&root, &entry.file);
        diagnostics.extend(dynamic_code_errors(
            &chunk.code,
            chunk.map.as_ref(),
            &root,
            &entry_name,
            &allow_dynamic,
        ));
        chunk.code.clone()
    });
    Ok(RouteBundle::new(code, diagnostics))
}

fn options(root: &Path, entry: &BundleEntry, env: &[(String, String)]) -> BundlerOptions {
    let mut options = base_options(root, entry, "edge", env);
    options.define.get_or_insert_default().insert(
        "process.env.NODE_ENV".to_string(),
        "\"production\"".to_string(),
    );
    BundlerOptions {
        platform: Some(Platform::Browser),
        format: Some(OutputFormat::Iife),
        name: Some(MODULE_GLOBAL.to_string()),
        // Kept out of the file; used to map dynamic-code uses back to their source.
        sourcemap: Some(SourceMapType::Hidden),
        resolve: Some(ResolveOptions {
            condition_names: Some(CONDITIONS.map(str::to_string).to_vec()),
            main_fields: Some(MAIN_FIELDS.map(str::to_string).to_vec()),
            ..ResolveOptions::default()
        }),
        ..options
    }
}

/// A warning for each import the plugin served a Node.js built-in stub.
fn stub_warnings(plugin: &EdgePlugin, root: &Path) -> Vec<Diagnostic> {
    plugin
        .stubbed_imports()
        .into_iter()
        .map(|(importer, site)| Diagnostic {
            severity: Severity::Warning,
            file: display_path(root, Path::new(&importer)),
            line: Some(site.line),
            column: Some(site.column),
            message: node_module_warning(&site.specifier, site.line),
        })
        .collect()
}

/// An error for each use of dynamic code that survived into `code`, at its source, unless
/// the source matches one of the `allow_dynamic` globs.
fn dynamic_code_errors(
    code: &str,
    map: Option<&rolldown_sourcemap::SourceMap>,
    root: &Path,
    entry_name: &Path,
    allow_dynamic: &[String],
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
            Some(position)
                if is_exempt(&position.file) || is_allowed(&position.file, root, allow_dynamic) =>
            {
                continue;
            }
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

/// Whether `file` matches one of the `allow_dynamic` globs, as Next.js matches
/// `unstable_allowDynamic`: with picomatch (`dot: true`) against the path with the app root
/// removed.
fn is_allowed(file: &Path, root: &Path, allow_dynamic: &[String]) -> bool {
    if allow_dynamic.is_empty() {
        return false;
    }
    let name = match file.strip_prefix(root) {
        Ok(relative) => format!("/{}", relative.to_string_lossy()),
        Err(_) => file.to_string_lossy().into_owned(),
    };
    allow_dynamic
        .iter()
        .any(|glob| fast_glob::glob_match(glob.as_bytes(), name.as_bytes()))
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
