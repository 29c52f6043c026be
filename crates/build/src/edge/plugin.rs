//! The rolldown plugin that applies the Edge runtime's rules while bundling: Node.js built-ins
//! become throwing stubs (and warnings), imports that resolve to nothing are recorded as
//! errors, and direct `eval` is made indirect so tree-shaking stays precise for the
//! dynamic-code check.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rolldown_plugin::{
    HookLoadArgs, HookLoadReturn, HookResolveIdArgs, HookResolveIdOutput, HookResolveIdReturn,
    HookTransformAstArgs, HookTransformAstReturn, HookUsage, Plugin, PluginContext,
    PluginContextResolveOptions, SharedLoadPluginContext,
};
use rolldown_resolver::ResolveError;

use crate::css::{self, Stylesheets};
use crate::diagnostics::import_report::SharedImportReport;
use crate::diagnostics::import_sites::{ImportSite, import_sites};
use crate::edge::dynamic_code::rewrite_direct_eval;
use crate::image_import::ImageImports;
use crate::node::builtins::{
    is_node_builtin, may_be_polyfilled, stub_id, stub_source, stub_specifier,
};
use crate::virtual_modules::{ResolveStart, VirtualModules, js_module};

/// The Edge rules as a rolldown plugin; clones share one report.
#[derive(Debug, Clone)]
pub(crate) struct EdgePlugin {
    /// Where modules import what, and which imports resolved to nothing.
    imports: SharedImportReport,
    /// `(importer, specifier)` pairs that were served a Node.js built-in stub.
    stubbed: Arc<Mutex<BTreeSet<(String, String)>>>,
    /// `next/server`, `next/adapter` and the generated entry.
    virtual_modules: VirtualModules,
    /// The build's stylesheets: CSS modules' class names, as the browser build has them.
    stylesheets: Stylesheets,
    /// The build's imported images.
    images: ImageImports,
}

impl EdgePlugin {
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
            stubbed: Arc::default(),
            virtual_modules,
            stylesheets,
            images,
        }
    }

    /// Each import that was served a stub: the importing module id and the import.
    pub(crate) fn stubbed_imports(&self) -> Vec<(String, ImportSite)> {
        let imports = self.imports.lock();
        self.stubbed()
            .iter()
            .flat_map(|(importer, specifier)| {
                imports
                    .sites(importer, specifier)
                    .map(|site| (importer.clone(), site.clone()))
            })
            .collect()
    }

    fn stubbed(&self) -> MutexGuard<'_, BTreeSet<(String, String)>> {
        // A panic in another hook leaves the data usable: it is only appended to.
        self.stubbed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Plugin for EdgePlugin {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("switchyard:edge")
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
        let builtin = is_node_builtin(specifier);
        if !builtin || may_be_polyfilled(specifier) {
            let options = PluginContextResolveOptions {
                import_kind: args.kind,
                ..Default::default()
            };
            match ctx
                .resolve(specifier, Some(&importer), Some(options))
                .await?
            {
                // A package the app installed under a built-in's name is honoured, as in Next.js.
                Ok(resolved) if !(builtin && resolved.external.is_external()) => {
                    return Ok(builtin.then(|| HookResolveIdOutput::from_resolved_id(resolved)));
                }
                // rolldown would only warn about a missing package and leave it external, and
                // it drops its warnings when another import fails: record it here instead.
                Err(ResolveError::NotFound(_)) if !builtin => {
                    self.imports.lock().add_unresolved(&importer, specifier);
                    return Ok(None);
                }
                // Other failures (a path a package does not export, ...) rolldown reports.
                _ if !builtin => return Ok(None),
                _ => {}
            }
        }
        self.stubbed()
            .insert((importer.to_string(), specifier.to_string()));
        Ok(Some(HookResolveIdOutput::from_id(stub_id(specifier))))
    }

    async fn load(&self, _ctx: SharedLoadPluginContext, args: &HookLoadArgs<'_>) -> HookLoadReturn {
        if css::is_stylesheet(args.id) {
            let module = self.stylesheets.server_module(args.id).await;
            return Ok(Some(js_module(&module)));
        }
        if let Some(image) = self.images.load(args.id).await {
            return Ok(Some(image));
        }
        Ok(self.virtual_modules.load_for_server(args.id).or_else(|| {
            stub_specifier(args.id).map(|specifier| js_module(&stub_source(specifier)))
        }))
    }

    async fn transform_ast(
        &self,
        _ctx: &PluginContext,
        mut args: HookTransformAstArgs<'_>,
    ) -> HookTransformAstReturn {
        let sites = args.ast.program.with_mut(|fields| {
            rewrite_direct_eval(fields.program, fields.allocator);
            import_sites(fields.program, fields.source)
        });
        self.imports.lock().add_sites(args.id, sites);
        Ok(args.ast)
    }

    fn register_hook_usage(&self) -> HookUsage {
        HookUsage::ResolveId | HookUsage::Load | HookUsage::TransformAst
    }
}
