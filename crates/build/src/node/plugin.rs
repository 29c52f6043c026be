//! The rolldown plugin for Node.js bundles: the app's own modules are bundled, while Node.js
//! built-ins and packages installed in `node_modules` stay external, `require`d at run time
//! as Node resolves them. Imports that resolve to nothing are recorded as errors.
//!
//! Packages that use `next` are the exception: they are bundled, so their `next/*` imports
//! are Switchyard's built-in modules, the same instances the page and the renderer use,
//! rather than the `next` package Node would find (or not) at run time. So is every package
//! module `require` would not load as the same CommonJS file (`node::externals`): ES modules,
//! packages exported only to `import`, copies the bundle would not find.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rolldown_common::ResolvedExternal;
use rolldown_plugin::{
    HookLoadArgs, HookLoadReturn, HookResolveIdArgs, HookResolveIdOutput, HookResolveIdReturn,
    HookTransformAstArgs, HookTransformAstReturn, HookUsage, Plugin, PluginContext,
    PluginContextResolveOptions, SharedLoadPluginContext,
};
use rolldown_resolver::ResolveError;
use rolldown_utils::ecmascript::is_path_like_specifier;

use crate::css::{self, Stylesheets};
use crate::diagnostics::import_report::SharedImportReport;
use crate::diagnostics::import_sites::import_sites;
use crate::image_import::ImageImports;
use crate::node::builtins::is_node_builtin;
use crate::node::externals::{NodeRequire, Placement};
use crate::virtual_modules::{ResolveStart, VirtualModules, js_module};

/// The Node.js rules as a rolldown plugin; clones share one report.
#[derive(Debug, Clone)]
pub(crate) struct NodePlugin {
    /// Where modules import what, and which imports resolved to nothing.
    imports: SharedImportReport,
    /// `next/server`, `next/adapter` and the generated entry.
    virtual_modules: VirtualModules,
    /// Whether each package directory met so far uses `next`.
    next_users: Arc<Mutex<HashMap<PathBuf, bool>>>,
    /// The build's stylesheets: CSS modules' class names, as the browser build has them.
    stylesheets: Stylesheets,
    /// The build's imported images.
    images: ImageImports,
    /// What `require` loads at run time, to keep only CommonJS packages external.
    node_require: Arc<NodeRequire>,
}

impl NodePlugin {
    /// A plugin recording imports in `imports`, serving `virtual_modules`, taking CSS
    /// modules' class names from `stylesheets` and making `images` modules.
    pub(crate) fn new(
        imports: SharedImportReport,
        virtual_modules: VirtualModules,
        stylesheets: Stylesheets,
        images: ImageImports,
    ) -> Self {
        Self {
            imports,
            virtual_modules,
            next_users: Arc::default(),
            stylesheets,
            images,
            node_require: Arc::new(NodeRequire::new()),
        }
    }

    /// Whether the package in `dir` uses `next`: it names `next` among its dependencies
    /// (peer, optional and development ones included, as packages that import `next/*`
    /// declare it one way or another), or a package it depends on does. Packages that
    /// depend on such a package must be bundled too, or their `require` of it at run time
    /// would bring the real `next` back.
    fn uses_next(&self, dir: &Path) -> bool {
        let mut known = self
            .next_users
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        uses_next(dir, &mut known)
    }
}

/// The fields of `package.json` that name a package's dependencies.
const DEPENDENCY_FIELDS: [&str; 4] = [
    "dependencies",
    "peerDependencies",
    "optionalDependencies",
    "devDependencies",
];

/// [`NodePlugin::uses_next`], with what is `known` about packages so far.
fn uses_next(dir: &Path, known: &mut HashMap<PathBuf, bool>) -> bool {
    if let Some(&answer) = known.get(dir) {
        return answer;
    }
    // A package met again while its own answer is pending (a cycle) counts as not using
    // `next` there; its dependencies are looked at where it was first met.
    known.insert(dir.to_path_buf(), false);
    let manifest: Option<serde_json::Value> = std::fs::read(dir.join("package.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let Some(manifest) = manifest else {
        return false;
    };
    let dependencies = |field: &str| -> Vec<String> {
        manifest
            .get(field)
            .and_then(serde_json::Value::as_object)
            .map(|deps| deps.keys().cloned().collect())
            .unwrap_or_default()
    };
    let answer = DEPENDENCY_FIELDS
        .iter()
        .any(|field| dependencies(field).iter().any(|name| name == "next"))
        // Development dependencies are not installed with the package: only what it needs
        // at run time can bring `next` in.
        || DEPENDENCY_FIELDS[..3]
            .iter()
            .flat_map(|field| dependencies(field))
            .filter_map(|name| installed_package(dir, &name))
            .any(|dependency| uses_next(&dependency, known));
    known.insert(dir.to_path_buf(), answer);
    answer
}

/// Where Node finds the package `name` from the package in `dir`: the nearest
/// `node_modules/name` in `dir` or above it.
fn installed_package(dir: &Path, name: &str) -> Option<PathBuf> {
    dir.ancestors()
        .map(|ancestor| ancestor.join("node_modules").join(name))
        .find(|candidate| candidate.join("package.json").is_file())
}

/// The directory of the package holding `file`, a file under `node_modules`:
/// `…/node_modules/name` or `…/node_modules/@scope/name`.
fn package_dir(file: &Path) -> Option<PathBuf> {
    let components: Vec<Component> = file.components().collect();
    let last = components
        .iter()
        .rposition(|component| *component == Component::Normal("node_modules".as_ref()))?;
    let name = components.get(last + 1)?;
    let scoped = name.as_os_str().to_string_lossy().starts_with('@');
    let end = last + if scoped { 3 } else { 2 };
    (end < components.len()).then(|| components[..end].iter().collect())
}

/// An external module kept as written: `require(specifier)` in the bundle.
fn external(specifier: &str) -> HookResolveIdOutput {
    HookResolveIdOutput {
        external: Some(ResolvedExternal::Bool(true)),
        ..HookResolveIdOutput::from_id(specifier)
    }
}

/// Whether `path` is inside a `node_modules` directory.
fn is_in_node_modules(path: &Path) -> bool {
    path.components()
        .any(|component| component == Component::Normal("node_modules".as_ref()))
}

impl Plugin for NodePlugin {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("switchyard:node")
    }

    async fn resolve_id(
        &self,
        ctx: &PluginContext,
        args: &HookResolveIdArgs<'_>,
    ) -> HookResolveIdReturn {
        let specifier = args.specifier;
        if let Some(config) = self.images.resolve(specifier) {
            return Ok(Some(config));
        }
        let importer = match self.virtual_modules.begin_resolve(args, &self.imports) {
            ResolveStart::Done(answer) => return Ok(answer),
            ResolveStart::Continue(importer) => importer,
        };
        // Node always loads its own module for a built-in's name, even when a package of
        // that name is installed.
        if is_node_builtin(specifier) {
            return Ok(Some(external(specifier)));
        }
        let options = PluginContextResolveOptions {
            import_kind: args.kind,
            ..Default::default()
        };
        match ctx
            .resolve(specifier, Some(&importer), Some(options))
            .await?
        {
            // A stylesheet, even a package's, is bundled: Node.js cannot `require` CSS.
            Ok(resolved) if css::is_stylesheet(resolved.id.as_str()) => {
                Ok(Some(HookResolveIdOutput::from_resolved_id(resolved)))
            }
            // A package: external when `require` loads it, as CommonJS, from the bundle inside
            // the app at run time. Bare specifiers that resolve elsewhere (tsconfig paths,
            // linked workspace packages) are the app's code: bundled.
            Ok(resolved)
                if !is_path_like_specifier(specifier)
                    && is_in_node_modules(Path::new(resolved.id.as_str())) =>
            {
                let uses_next = package_dir(Path::new(resolved.id.as_str()))
                    .is_some_and(|dir| self.uses_next(&dir));
                // A virtual importer resolves from the app root (see `begin_resolve`).
                let importer_dir = Path::new(importer.as_ref()).parent().unwrap_or(ctx.cwd());
                let external_at_run_time = !uses_next
                    && self
                        .node_require
                        .placement(specifier, importer_dir, ctx.cwd())
                        == Placement::External;
                if external_at_run_time {
                    Ok(Some(external(specifier)))
                } else {
                    Ok(Some(HookResolveIdOutput::from_resolved_id(resolved)))
                }
            }
            // rolldown would only warn about a missing package and leave it external, and it
            // drops its warnings when another import fails: record it here instead.
            Err(ResolveError::NotFound(_)) => {
                self.imports.lock().add_unresolved(&importer, specifier);
                Ok(None)
            }
            // The app's own modules, and failures rolldown reports (a path a package does
            // not export, ...).
            _ => Ok(None),
        }
    }

    async fn load(&self, _ctx: SharedLoadPluginContext, args: &HookLoadArgs<'_>) -> HookLoadReturn {
        if css::is_stylesheet(args.id) {
            let module = self.stylesheets.server_module(args.id).await;
            return Ok(Some(js_module(&module)));
        }
        if let Some(image) = self.images.load(args.id).await {
            return Ok(Some(image));
        }
        Ok(self.virtual_modules.load_for_server(args.id))
    }

    async fn transform_ast(
        &self,
        _ctx: &PluginContext,
        args: HookTransformAstArgs<'_>,
    ) -> HookTransformAstReturn {
        let sites = import_sites(args.ast.program(), args.ast.source());
        self.imports.lock().add_sites(args.id, sites);
        Ok(args.ast)
    }

    fn register_hook_usage(&self) -> HookUsage {
        HookUsage::ResolveId | HookUsage::Load | HookUsage::TransformAst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_node_modules_paths() {
        assert!(is_in_node_modules(Path::new(
            "/app/node_modules/pkg/index.js"
        )));
        assert!(is_in_node_modules(Path::new(
            "/app/node_modules/.pnpm/pkg@1.0.0/node_modules/pkg/index.js"
        )));
        assert!(!is_in_node_modules(Path::new("/app/lib/node_modules.js")));
        assert!(!is_in_node_modules(Path::new("/app/packages/ui/index.ts")));
    }

    #[test]
    fn a_package_uses_next_when_it_or_what_it_needs_depends_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let modules = dir.path().join("node_modules");
        for (name, manifest) in [
            ("ui", r#"{ "peerDependencies": { "next": "*" } }"#),
            (
                "kit",
                r#"{ "dependencies": { "ui": "1", "left-pad": "1" } }"#,
            ),
            ("tested", r#"{ "devDependencies": { "next": "*" } }"#),
            ("left-pad", r#"{ "devDependencies": { "ui": "1" } }"#),
            ("a", r#"{ "dependencies": { "b": "1" } }"#),
            ("b", r#"{ "dependencies": { "a": "1" } }"#),
        ] {
            std::fs::create_dir_all(modules.join(name)).unwrap();
            std::fs::write(modules.join(name).join("package.json"), manifest).unwrap();
        }
        let mut known = HashMap::new();
        let mut uses = |name: &str| uses_next(&modules.join(name), &mut known);
        assert!(uses("ui"));
        assert!(uses("kit"), "through its dependency");
        assert!(uses("tested"), "a development dependency is declared use");
        assert!(
            !uses("left-pad"),
            "another's development dependency is not installed"
        );
        assert!(!uses("a") && !uses("b"), "a cycle ends");
        assert!(!uses("missing"));
    }

    #[test]
    fn finds_the_package_of_a_file() {
        assert_eq!(
            package_dir(Path::new("/app/node_modules/ui/dist/index.js")),
            Some(PathBuf::from("/app/node_modules/ui"))
        );
        assert_eq!(
            package_dir(Path::new("/app/node_modules/a/node_modules/@s/b/i.js")),
            Some(PathBuf::from("/app/node_modules/a/node_modules/@s/b"))
        );
        assert_eq!(package_dir(Path::new("/app/node_modules/ui")), None);
    }
}
