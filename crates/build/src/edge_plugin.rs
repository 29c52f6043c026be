//! The rolldown plugin that applies the Edge runtime's rules while bundling: Node.js built-ins
//! become throwing stubs (and warnings), imports that resolve to nothing are recorded as
//! errors, and direct `eval` is made indirect so tree-shaking stays precise for the
//! dynamic-code check.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rolldown_common::{ImportKind, ModuleType};
use rolldown_plugin::{
    HookLoadArgs, HookLoadOutput, HookLoadReturn, HookResolveIdArgs, HookResolveIdOutput,
    HookResolveIdReturn, HookTransformAstArgs, HookTransformAstReturn, HookUsage, Plugin,
    PluginContext, PluginContextResolveOptions, SharedLoadPluginContext,
};
use rolldown_resolver::ResolveError;

use crate::dynamic_code::rewrite_direct_eval;
use crate::import_sites::{ImportSite, import_sites};
use crate::node_builtins::{
    is_node_builtin, may_be_polyfilled, stub_id, stub_source, stub_specifier,
};

/// What the plugin learned during one bundling, read once it is done.
#[derive(Debug, Default)]
pub(crate) struct EdgePluginReport {
    /// The imports of each module (by module id), found while parsing; resolution only
    /// knows importer and specifier, these give the lines.
    import_sites: HashMap<String, Vec<ImportSite>>,
    /// `(importer, specifier)` pairs that were served a Node.js built-in stub.
    stubbed: BTreeSet<(String, String)>,
    /// `(importer, specifier)` pairs that resolved to nothing.
    unresolved: BTreeSet<(String, String)>,
}

impl EdgePluginReport {
    /// Each import that was served a stub: the importing module id and the import.
    pub(crate) fn stubbed_imports(&self) -> Vec<(&str, &ImportSite)> {
        self.sites_of(&self.stubbed).collect()
    }

    /// Each import that resolved to nothing, outside `try` blocks (where a missing optional
    /// dependency is expected and caught): the importing module id and the import, or `None`
    /// when the import was not found in the parsed source.
    pub(crate) fn unresolved_imports(&self) -> Vec<(&str, &str, Option<&ImportSite>)> {
        let mut found = Vec::new();
        for (importer, specifier) in &self.unresolved {
            let sites: Vec<&ImportSite> = self.sites_of_one(importer, specifier).collect();
            if sites.is_empty() {
                found.push((importer.as_str(), specifier.as_str(), None));
            }
            for site in sites.into_iter().filter(|site| !site.in_try) {
                found.push((importer.as_str(), specifier.as_str(), Some(site)));
            }
        }
        found
    }

    /// Whether the plugin recorded `specifier` as unresolved in `importer`.
    pub(crate) fn is_unresolved(&self, importer: &str, specifier: &str) -> bool {
        self.unresolved
            .contains(&(importer.to_string(), specifier.to_string()))
    }

    fn sites_of<'r>(
        &'r self,
        pairs: &'r BTreeSet<(String, String)>,
    ) -> impl Iterator<Item = (&'r str, &'r ImportSite)> + 'r {
        pairs.iter().flat_map(|(importer, specifier)| {
            self.sites_of_one(importer, specifier)
                .map(move |site| (importer.as_str(), site))
        })
    }

    fn sites_of_one<'r>(
        &'r self,
        importer: &str,
        specifier: &'r str,
    ) -> impl Iterator<Item = &'r ImportSite> + 'r {
        self.import_sites
            .get(importer)
            .into_iter()
            .flatten()
            .filter(move |site| site.specifier == specifier)
    }
}

/// The Edge rules as a rolldown plugin; clones share one report.
#[derive(Debug, Clone, Default)]
pub(crate) struct EdgePlugin {
    report: Arc<Mutex<EdgePluginReport>>,
}

impl EdgePlugin {
    /// The report so far.
    pub(crate) fn report(&self) -> MutexGuard<'_, EdgePluginReport> {
        // A panic in another hook leaves the data usable: it is only appended to.
        self.report.lock().unwrap_or_else(PoisonError::into_inner)
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
        let Some(importer) = args.importer else {
            // Entries are the route files the project model found; rolldown reports a missing one.
            return Ok(None);
        };
        if specifier.starts_with('\0')
            || !matches!(
                args.kind,
                ImportKind::Import | ImportKind::DynamicImport | ImportKind::Require
            )
        {
            return Ok(None);
        }
        let builtin = is_node_builtin(specifier);
        if !builtin || may_be_polyfilled(specifier) {
            let options = PluginContextResolveOptions {
                import_kind: args.kind,
                ..Default::default()
            };
            match ctx
                .resolve(specifier, Some(importer), Some(options))
                .await?
            {
                // A package the app installed under a built-in's name is honoured, as in Next.js.
                Ok(resolved) if !(builtin && resolved.external.is_external()) => {
                    return Ok(builtin.then(|| HookResolveIdOutput::from_resolved_id(resolved)));
                }
                // rolldown would only warn about a missing package and leave it external, and
                // it drops its warnings when another import fails: record it here instead.
                Err(ResolveError::NotFound(_)) if !builtin => {
                    self.report()
                        .unresolved
                        .insert((importer.to_string(), specifier.to_string()));
                    return Ok(None);
                }
                // Other failures (a path a package does not export, ...) rolldown reports.
                _ if !builtin => return Ok(None),
                _ => {}
            }
        }
        self.report()
            .stubbed
            .insert((importer.to_string(), specifier.to_string()));
        Ok(Some(HookResolveIdOutput::from_id(stub_id(specifier))))
    }

    async fn load(&self, _ctx: SharedLoadPluginContext, args: &HookLoadArgs<'_>) -> HookLoadReturn {
        Ok(stub_specifier(args.id).map(|specifier| HookLoadOutput {
            code: stub_source(specifier).into(),
            module_type: Some(ModuleType::Js),
            ..Default::default()
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
        if !sites.is_empty() {
            self.report()
                .import_sites
                .insert(args.id.to_string(), sites);
        }
        Ok(args.ast)
    }

    fn register_hook_usage(&self) -> HookUsage {
        HookUsage::ResolveId | HookUsage::Load | HookUsage::TransformAst
    }
}
