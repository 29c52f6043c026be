//! The rolldown plugin for Node.js bundles: the app's own modules are bundled, while Node.js
//! built-ins and packages installed in `node_modules` stay external, `require`d at run time
//! as Node resolves them. Imports that resolve to nothing are recorded as errors.

use std::borrow::Cow;
use std::path::{Component, Path};

use rolldown_common::ResolvedExternal;
use rolldown_plugin::{
    HookLoadArgs, HookLoadReturn, HookResolveIdArgs, HookResolveIdOutput, HookResolveIdReturn,
    HookTransformAstArgs, HookTransformAstReturn, HookUsage, Plugin, PluginContext,
    PluginContextResolveOptions, SharedLoadPluginContext,
};
use rolldown_resolver::ResolveError;
use rolldown_utils::ecmascript::is_path_like_specifier;

use crate::css;
use crate::import_report::SharedImportReport;
use crate::import_sites::import_sites;
use crate::node_builtins::is_node_builtin;
use crate::virtual_modules::{ResolveStart, VirtualModules};

/// The Node.js rules as a rolldown plugin; clones share one report.
#[derive(Debug, Clone)]
pub(crate) struct NodePlugin {
    /// Where modules import what, and which imports resolved to nothing.
    imports: SharedImportReport,
    /// `next/server`, `next/adapter` and the generated entry.
    virtual_modules: VirtualModules,
}

impl NodePlugin {
    /// A plugin recording imports in `imports` and serving `virtual_modules`.
    pub(crate) fn new(imports: SharedImportReport, virtual_modules: VirtualModules) -> Self {
        Self {
            imports,
            virtual_modules,
        }
    }
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
        let importer = match self.virtual_modules.begin_resolve(args) {
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
            Ok(resolved) if css::is_css(resolved.id.as_str()) => {
                Ok(Some(HookResolveIdOutput::from_resolved_id(resolved)))
            }
            // A package: the bundle lives inside the app, so `require` finds the same
            // package from there at run time. Bare specifiers that resolve elsewhere
            // (tsconfig paths, linked workspace packages) are the app's code: bundled.
            Ok(resolved)
                if !is_path_like_specifier(specifier)
                    && is_in_node_modules(Path::new(resolved.id.as_str())) =>
            {
                Ok(Some(external(specifier)))
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
}
