//! The rolldown plugin for the browser bundles: Switchyard's modules and the generated page
//! entries are served, Node.js built-ins become empty modules (as Next.js's client build
//! resolves them to `false`), imports that resolve to nothing are recorded as errors, and
//! stylesheets are compiled (and checked against Next.js's global stylesheet rule).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rolldown_common::side_effects::HookSideEffects;
use rolldown_plugin::{
    HookLoadArgs, HookLoadOutput, HookLoadReturn, HookResolveIdArgs, HookResolveIdOutput,
    HookResolveIdReturn, HookTransformAstArgs, HookTransformAstReturn, HookUsage, Plugin,
    PluginContext, PluginContextResolveOptions, SharedLoadPluginContext,
};
use rolldown_resolver::ResolveError;
use switchyard_app::{Diagnostic, Severity};

use crate::css::{self, CompiledCss, GlobalCssRule, Stylesheets, Violation};
use crate::diagnostics::import_report::SharedImportReport;
use crate::diagnostics::import_sites::import_sites;
use crate::diagnostics::location::display_path;
use crate::image_import::ImageImports;
use crate::node::builtins::is_node_builtin;
use crate::virtual_modules::{ResolveStart, VirtualModules, js_module};

/// A Node.js built-in in the browser: nothing.
const EMPTY_MODULE_ID: &str = "\0switchyard:empty";

/// The browser rules as a rolldown plugin; clones share one report.
#[derive(Debug, Clone)]
pub(crate) struct ClientPlugin {
    imports: SharedImportReport,
    virtual_modules: VirtualModules,
    /// The build's stylesheets, compiled once for every bundle.
    stylesheets: Stylesheets,
    /// Which files may import global stylesheets.
    global_rule: GlobalCssRule,
    /// The stylesheets this build met.
    styles: Arc<Mutex<Styles>>,
    /// The build's imported images.
    images: ImageImports,
}

/// An import of a global stylesheet that Next.js's rule forbids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ForbiddenImport {
    /// The importing module's id.
    pub importer: String,
    /// The import as written.
    pub specifier: String,
    /// The stylesheet's id.
    pub stylesheet: String,
    pub violation: Violation,
}

/// The stylesheets one browser build met.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    /// Compiled stylesheets by id.
    pub compiled: BTreeMap<String, Arc<CompiledCss>>,
    /// Stylesheets that did not compile: id, why.
    pub failed: Vec<(String, css::CssError)>,
    /// The stylesheets each module imports, in import order. Chunks are made of modules, so
    /// this says which rules a chunk needs (a stylesheet's own stand-in module may be left out
    /// of its chunk when nothing reads it).
    pub imported_by: BTreeMap<String, Vec<String>>,
    /// Global stylesheets imported where Next.js does not allow them.
    pub forbidden: Vec<ForbiddenImport>,
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
                    rules.push_str(&compiled.code);
                }
            }
        }
        rules
    }
}

impl Styles {
    /// The build's diagnostics about stylesheets of the app at `root`: those that did not
    /// compile, forbidden imports (at the import, found in `imports`), and the tools' warnings.
    pub(crate) fn diagnostics(&self, root: &Path, imports: &SharedImportReport) -> Vec<Diagnostic> {
        let shown = |id: &str| display_path(root, Path::new(id)).display().to_string();
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for (id, error) in &self.failed {
            // A config or a missing package fails every stylesheet the same way: once is enough.
            let repeated = error.line.is_none()
                && diagnostics
                    .iter()
                    .any(|seen| seen.line.is_none() && seen.message.starts_with(&error.message));
            if repeated {
                continue;
            }
            let (file, message) = match &error.file {
                Some(file) if file != Path::new(id) => (
                    file.as_path(),
                    format!("{}\nWhile compiling {}.", error.message, shown(id)),
                ),
                _ => (Path::new(id), error.message.clone()),
            };
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: display_path(root, file),
                line: error.line,
                column: error.column,
                message,
            });
        }
        let report = imports.lock();
        for forbidden in &self.forbidden {
            let site = report
                .sites(&forbidden.importer, &forbidden.specifier)
                .next();
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: display_path(root, Path::new(&forbidden.importer)),
                line: site.map(|site| site.line),
                column: site.map(|site| site.column),
                message: format!(
                    "{}\nImport trace for requested module:\n{}\n{}",
                    forbidden.violation.message(),
                    shown(&forbidden.stylesheet),
                    shown(&forbidden.importer)
                ),
            });
        }
        for (id, compiled) in &self.compiled {
            diagnostics.extend(compiled.warnings.iter().map(|warning| Diagnostic {
                severity: Severity::Warning,
                file: display_path(root, warning.file.as_deref().unwrap_or(Path::new(id))),
                line: warning.line,
                column: warning.column,
                message: warning.message.clone(),
            }));
        }
        diagnostics
    }
}

impl ClientPlugin {
    /// A plugin recording imports in `imports`, serving `virtual_modules`, compiling
    /// `stylesheets` and making `images` modules; the app's custom App is the module `app`
    /// (absolute, or a built-in).
    pub(crate) fn new(
        imports: SharedImportReport,
        virtual_modules: VirtualModules,
        stylesheets: Stylesheets,
        images: ImageImports,
        app: &str,
    ) -> Self {
        let app = Path::new(app);
        let global_rule = stylesheets.global_rule(app.is_absolute().then(|| app.to_path_buf()));
        Self {
            imports,
            virtual_modules,
            stylesheets,
            global_rule,
            styles: Arc::default(),
            images,
        }
    }

    /// The stylesheets met so far.
    pub(crate) fn styles(&self) -> MutexGuard<'_, Styles> {
        // A panic in another hook leaves the data usable: it is only added to.
        self.styles.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that `importer` imports the stylesheet `id` as `specifier`, and whether it may.
    fn record_import(&self, importer: &str, specifier: &str, id: &str) {
        let violation = self
            .global_rule
            .check(Path::new(importer), Path::new(id))
            .err();
        let mut styles = self.styles();
        let sheets = styles.imported_by.entry(importer.to_string()).or_default();
        if !sheets.iter().any(|sheet| sheet == id) {
            sheets.push(id.to_string());
        }
        if let Some(violation) = violation {
            let forbidden = ForbiddenImport {
                importer: importer.to_string(),
                specifier: specifier.to_string(),
                stylesheet: id.to_string(),
                violation,
            };
            if !styles.forbidden.contains(&forbidden) {
                styles.forbidden.push(forbidden);
            }
        }
    }

    /// The module standing for the stylesheet `id`, its rules kept for the page's CSS files.
    async fn load_css(&self, id: &str) -> HookLoadOutput {
        let module = match self.stylesheets.compile(id).await {
            Ok(compiled) => {
                let module = compiled.module.clone();
                self.styles().compiled.insert(id.to_string(), compiled);
                module
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
        if let Some(config) = self.images.resolve(specifier) {
            return Ok(Some(config));
        }
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
                if css::is_stylesheet(resolved.id.as_str()) {
                    self.record_import(&importer, specifier, resolved.id.as_str());
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
        if css::is_stylesheet(args.id) {
            return Ok(Some(self.load_css(args.id).await));
        }
        if let Some(image) = self.images.load(args.id).await {
            return Ok(Some(image));
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
        let compiled = |code: &str| {
            Arc::new(CompiledCss {
                code: code.to_string(),
                module: String::new(),
                media: Vec::new(),
                warnings: Vec::new(),
            })
        };
        let mut styles = Styles::default();
        styles.compiled.insert("/a.css".into(), compiled("a{}"));
        styles
            .compiled
            .insert("/b.module.css".into(), compiled(".b{}"));
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
