//! The rolldown plugin for the browser bundles: Switchyard's modules and the generated page
//! entries are served, Node.js built-ins become empty modules (as Next.js's client build
//! resolves them to `false`), and imports that resolve to nothing are recorded as errors.

use std::borrow::Cow;

use rolldown_common::ModuleType;
use rolldown_plugin::{
    HookLoadArgs, HookLoadOutput, HookLoadReturn, HookResolveIdArgs, HookResolveIdOutput,
    HookResolveIdReturn, HookTransformAstArgs, HookTransformAstReturn, HookUsage, Plugin,
    PluginContext, PluginContextResolveOptions, SharedLoadPluginContext,
};
use rolldown_resolver::ResolveError;

use crate::import_report::SharedImportReport;
use crate::import_sites::import_sites;
use crate::node_builtins::is_node_builtin;
use crate::virtual_modules::{ResolveStart, VirtualModules};

/// A Node.js built-in in the browser: nothing.
const EMPTY_MODULE_ID: &str = "\0switchyard:empty";

/// The browser rules as a rolldown plugin; clones share one report.
#[derive(Debug, Clone)]
pub(crate) struct ClientPlugin {
    imports: SharedImportReport,
    virtual_modules: VirtualModules,
}

impl ClientPlugin {
    /// A plugin recording imports in `imports` and serving `virtual_modules`.
    pub(crate) fn new(imports: SharedImportReport, virtual_modules: VirtualModules) -> Self {
        Self {
            imports,
            virtual_modules,
        }
    }
}

impl Plugin for ClientPlugin {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("switchyard:client")
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
        let options = PluginContextResolveOptions {
            import_kind: args.kind,
            ..Default::default()
        };
        match ctx
            .resolve(specifier, Some(&importer), Some(options))
            .await?
        {
            // A package the app installed under a built-in's name is honoured.
            Ok(resolved) if !resolved.external.is_external() => {
                Ok(Some(HookResolveIdOutput::from_resolved_id(resolved)))
            }
            _ if is_node_builtin(specifier) => {
                Ok(Some(HookResolveIdOutput::from_id(EMPTY_MODULE_ID)))
            }
            Err(ResolveError::NotFound(_)) => {
                self.imports.lock().add_unresolved(&importer, specifier);
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    async fn load(&self, _ctx: SharedLoadPluginContext, args: &HookLoadArgs<'_>) -> HookLoadReturn {
        let code = match args.id {
            EMPTY_MODULE_ID => "export default {};".into(),
            id => match self.virtual_modules.load(id) {
                Some(code) => code.as_ref().into(),
                None => return Ok(None),
            },
        };
        Ok(Some(HookLoadOutput {
            code,
            module_type: Some(ModuleType::Js),
            ..Default::default()
        }))
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
