//! rolldown's errors and warnings as app diagnostics, in Next.js's wording where it has one.

use std::path::Path;

use rolldown_error::{
    BuildDiagnostic, DiagnosableResolveError, DiagnosticOptions, EventKind,
    Severity as RolldownSeverity,
};
use switchyard_app::{Diagnostic, Severity};

use crate::diagnostics::location::display_path;

/// `diagnostic` as an app diagnostic, or `None` when it is not worth showing.
///
/// `entry` names the file for diagnostics that belong to no module (a missing entry).
pub(crate) fn convert(
    mut diagnostic: BuildDiagnostic,
    root: &Path,
    entry: &Path,
) -> Option<Diagnostic> {
    let kind = diagnostic.kind();
    let options = DiagnosticOptions {
        cwd: root.to_path_buf(),
    };
    let (severity, message) = match kind {
        // rolldown warns about direct `eval` in every module it parses; the Edge check reports
        // only what survives tree-shaking, with Next.js's message.
        EventKind::Eval => return None,
        // The only option Switchyard sets that a tsconfig can also set is the JSX runtime,
        // which Switchyard overrides on purpose (a `"jsx": "preserve"` is normal in Next.js
        // apps): not worth a warning.
        EventKind::ConfigurationFieldConflict => return None,
        EventKind::UnresolvedEntry => (Severity::Error, module_not_found(&entry.to_string_lossy())),
        // rolldown treats an unresolvable bare import as external, with a warning; a package
        // that is not installed is an error on either runtime, as in Next.js.
        EventKind::UnresolvedImport | EventKind::ResolveError => {
            let mut message = module_not_found(&diagnostic.exporter().unwrap_or_default());
            if matches!(kind, EventKind::ResolveError)
                && let Some(resolve_error) = diagnostic.downcast_mut::<DiagnosableResolveError>()
            {
                message.push('\n');
                message.push_str(&resolve_error.reason);
            }
            (Severity::Error, message)
        }
        _ => {
            let severity = match diagnostic.severity() {
                RolldownSeverity::Error => Severity::Error,
                RolldownSeverity::Warning | RolldownSeverity::Info => Severity::Warning,
            };
            let mut message = diagnostic.to_message_with(&options);
            if message.is_empty() {
                // Plugin errors carry their text only in the rendered form.
                message = diagnostic.to_diagnostic_with(&options).to_string();
            }
            (severity, message)
        }
    };
    let file = diagnostic.id().filter(|id| !id.contains('\0')).map_or_else(
        || entry.to_path_buf(),
        |id| display_path(root, Path::new(&id)),
    );
    let location = diagnostic
        .to_diagnostic_with(&options)
        .get_primary_location();
    let (line, column) = match location {
        Some((_, line, column, _)) => (u32::try_from(line).ok(), u32::try_from(column + 1).ok()),
        None => (None, None),
    };
    Some(Diagnostic {
        severity,
        file,
        line,
        column,
        message,
    })
}

/// The error for an import of `specifier` that resolves to nothing, in Next.js's wording.
pub(crate) fn module_not_found(specifier: &str) -> String {
    format!("Module not found: Can't resolve '{specifier}'")
}
