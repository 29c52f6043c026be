//! What one bundling learned about imports: where each module imports what, and which
//! imports resolved to nothing. The plugins of both targets fill it in; it turns into the
//! `Module not found` errors, at the import's line, once bundling is done.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rolldown_error::{BuildDiagnostic, EventKind};
use switchyard_app::{Diagnostic, Severity};

use crate::diagnostics::import_sites::ImportSite;
use crate::diagnostics::location::display_path;
use crate::diagnostics::rolldown::module_not_found;
use crate::virtual_modules::no_builtin_message;

/// The imports seen during one bundling.
#[derive(Debug, Default)]
pub(crate) struct ImportReport {
    /// The imports of each module (by module id), found while parsing; resolution only
    /// knows importer and specifier, these give the lines.
    import_sites: HashMap<String, Vec<ImportSite>>,
    /// `(importer, specifier)` pairs that resolved to nothing, and why.
    unresolved: BTreeMap<(String, String), Missing>,
}

/// Why an import resolved to nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    /// No file or package answers it.
    NotFound,
    /// A `next` module Switchyard has no built-in for.
    NoBuiltin,
}

impl ImportReport {
    /// Records the imports of module `id`.
    pub(crate) fn add_sites(&mut self, id: &str, sites: Vec<ImportSite>) {
        if !sites.is_empty() {
            self.import_sites.insert(id.to_string(), sites);
        }
    }

    /// Records that `specifier` resolved to nothing in `importer`.
    pub(crate) fn add_unresolved(&mut self, importer: &str, specifier: &str) {
        self.unresolved.insert(
            (importer.to_string(), specifier.to_string()),
            Missing::NotFound,
        );
    }

    /// Records that `importer` imports `specifier`, a `next` module with no built-in.
    pub(crate) fn add_no_builtin(&mut self, importer: &str, specifier: &str) {
        self.unresolved.insert(
            (importer.to_string(), specifier.to_string()),
            Missing::NoBuiltin,
        );
    }

    /// Where `importer` imports `specifier`.
    pub(crate) fn sites<'r>(
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

    /// Each import that resolved to nothing, outside `try` blocks (where a missing optional
    /// dependency is expected and caught): the importing module id and the import, or `None`
    /// when the import was not found in the parsed source.
    fn unresolved_imports(&self) -> Vec<(&str, &str, Missing, Option<&ImportSite>)> {
        let mut found = Vec::new();
        for ((importer, specifier), missing) in &self.unresolved {
            let sites: Vec<&ImportSite> = self.sites(importer, specifier).collect();
            if sites.is_empty() {
                found.push((importer.as_str(), specifier.as_str(), *missing, None));
            }
            for site in sites.into_iter().filter(|site| !site.in_try) {
                found.push((importer.as_str(), specifier.as_str(), *missing, Some(site)));
            }
        }
        found
    }

    /// A `Module not found` error for each import that resolved to nothing outside `try`.
    pub(crate) fn unresolved_errors(&self, root: &Path) -> Vec<Diagnostic> {
        self.unresolved_imports()
            .into_iter()
            .map(|(importer, specifier, missing, site)| Diagnostic {
                severity: Severity::Error,
                file: display_path(root, Path::new(importer)),
                line: site.map(|site| site.line),
                column: site.map(|site| site.column),
                message: match missing {
                    Missing::NotFound => module_not_found(specifier),
                    Missing::NoBuiltin => no_builtin_message(specifier),
                },
            })
            .collect()
    }

    /// Whether `diagnostic` is rolldown's report of an import recorded here as unresolved
    /// (shown through [`ImportReport::unresolved_errors`] instead).
    pub(crate) fn already_reported(&self, diagnostic: &BuildDiagnostic) -> bool {
        matches!(diagnostic.kind(), EventKind::UnresolvedImport)
            && diagnostic
                .id()
                .zip(diagnostic.exporter())
                .is_some_and(|(importer, specifier)| {
                    self.unresolved
                        .contains_key(&(importer.to_string(), specifier.to_string()))
                })
    }
}

/// One [`ImportReport`] shared by a plugin (which fills it in) and the code reading it once
/// bundling is done.
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedImportReport(Arc<Mutex<ImportReport>>);

impl SharedImportReport {
    /// The report so far.
    pub(crate) fn lock(&self) -> MutexGuard<'_, ImportReport> {
        // A panic in another hook leaves the data usable: it is only appended to.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(specifier: &str, line: u32, in_try: bool) -> ImportSite {
        ImportSite {
            specifier: specifier.to_string(),
            line,
            column: 1,
            in_try,
        }
    }

    #[test]
    fn unresolved_imports_in_try_are_not_errors() {
        let mut report = ImportReport::default();
        report.add_sites(
            "/app/a.js",
            vec![site("optional", 2, true), site("./missing", 3, false)],
        );
        report.add_unresolved("/app/a.js", "optional");
        report.add_unresolved("/app/a.js", "./missing");
        report.add_unresolved("/app/b.js", "unseen");
        let errors = report.unresolved_errors(Path::new("/app"));
        let found: Vec<(&Path, Option<u32>, &str)> = errors
            .iter()
            .map(|e| (e.file.as_path(), e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Path::new("./a.js"),
                    Some(3),
                    "Module not found: Can't resolve './missing'"
                ),
                (
                    Path::new("./b.js"),
                    None,
                    "Module not found: Can't resolve 'unseen'"
                ),
            ]
        );
    }
}
