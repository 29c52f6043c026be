//! The rolldown plugin for the browser bundles: Switchyard's modules and the generated page
//! entries are served, Node.js built-ins become empty modules (as Next.js's client build
//! resolves them to `false`), and imports that resolve to nothing are recorded as errors.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rolldown_common::side_effects::HookSideEffects;
use rolldown_plugin::{
    HookLoadArgs, HookLoadOutput, HookLoadReturn, HookResolveIdArgs, HookResolveIdOutput,
    HookResolveIdReturn, HookTransformAstArgs, HookTransformAstReturn, HookUsage, Plugin,
    PluginContext, PluginContextResolveOptions, SharedLoadPluginContext,
};
use rolldown_resolver::ResolveError;

use crate::css;
use crate::import_report::SharedImportReport;
use crate::import_sites::import_sites;
use crate::node_builtins::is_node_builtin;
use crate::virtual_modules::{ResolveStart, VirtualModules, js_module};

/// A Node.js built-in in the browser: nothing.
const EMPTY_MODULE_ID: &str = "\0switchyard:empty";

/// The browser rules as a rolldown plugin; clones share one report.
#[derive(Debug, Clone)]
pub(crate) struct ClientPlugin {
    imports: SharedImportReport,
    virtual_modules: VirtualModules,
    /// Compiled stylesheets by module id, and the ones that did not compile (id, why).
    styles: Arc<Mutex<Styles>>,
}

/// The stylesheets one browser build met.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    /// Compiled rules by stylesheet id.
    pub compiled: BTreeMap<String, String>,
    /// Stylesheets that did not compile: id, why.
    pub failed: Vec<(String, css::CssError)>,
    /// The stylesheets each module imports, in import order. Chunks are made of modules, so
    /// this says which rules a chunk needs (a stylesheet's own stand-in module may be left out
    /// of its chunk when nothing reads it).
    pub imported_by: BTreeMap<String, Vec<String>>,
}

impl Styles {
    /// The rules the modules `ids` (a chunk's, in order) import, each stylesheet once.
    pub(crate) fn rules_for<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> String {
        let mut seen = std::collections::BTreeSet::new();
        let mut rules = String::new();
        for id in ids {
            for sheet in self.imported_by.get(id).into_iter().flatten() {
                if seen.insert(sheet.as_str())
                    && let Some(compiled) = self.compiled.get(sheet)
                {
                    rules.push_str(compiled);
                }
            }
        }
        rules
    }
}

impl ClientPlugin {
    /// A plugin recording imports in `imports` and serving `virtual_modules`.
    pub(crate) fn new(imports: SharedImportReport, virtual_modules: VirtualModules) -> Self {
        Self {
            imports,
            virtual_modules,
            styles: Arc::default(),
        }
    }

    /// The stylesheets met so far.
    pub(crate) fn styles(&self) -> MutexGuard<'_, Styles> {
        // A panic in another hook leaves the data usable: it is only added to.
        self.styles.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The module standing for the stylesheet `id`, its rules kept for the page's CSS files.
    fn load_css(&self, id: &str) -> HookLoadOutput {
        let compiled = std::fs::read_to_string(id)
            .map_err(|error| css::CssError {
                message: error.to_string(),
                line: None,
                column: None,
            })
            .and_then(|source| css::compile(self.virtual_modules.root(), id, &source));
        let module = match compiled {
            Ok(compiled) => {
                self.styles().compiled.insert(id.to_string(), compiled.code);
                compiled.module
            }
            Err(error) => {
                self.styles().failed.push((id.to_string(), error));
                "export default {};\n".to_string()
            }
        };
        HookLoadOutput {
            // Kept in its chunk even when nothing is imported from it: its rules are the point.
            side_effects: Some(HookSideEffects::True),
            ..js_module(&module)
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
        let importer = match self.virtual_modules.begin_resolve(args, &self.imports) {
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
                if css::is_css(resolved.id.as_str()) {
                    let mut styles = self.styles();
                    let sheets = styles.imported_by.entry(importer.to_string()).or_default();
                    if !sheets.iter().any(|sheet| sheet == resolved.id.as_str()) {
                        sheets.push(resolved.id.to_string());
                    }
                }
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
        if css::is_css(args.id) {
            return Ok(Some(self.load_css(args.id)));
        }
        Ok(match args.id {
            EMPTY_MODULE_ID => Some(js_module("export default {};")),
            id => self.virtual_modules.load(id).map(|code| js_module(&code)),
        })
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
    fn a_chunk_gets_the_rules_its_modules_import_once_in_order() {
        let mut styles = Styles::default();
        styles.compiled.insert("/a.css".into(), "a{}".into());
        styles
            .compiled
            .insert("/b.module.css".into(), ".b{}".into());
        styles
            .imported_by
            .insert("/app.js".into(), vec!["/a.css".into()]);
        styles.imported_by.insert(
            "/page.js".into(),
            vec!["/b.module.css".into(), "/a.css".into()],
        );
        assert_eq!(
            styles.rules_for(["/app.js", "/page.js", "/other.js"]),
            "a{}.b{}"
        );
        assert_eq!(styles.rules_for(["/other.js"]), "");
    }
}
