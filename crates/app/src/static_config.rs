//! Reading an entry's runtime and data-fetching exports with oxc, never running the module.
//!
//! Next.js reads `export const config = { runtime }` and `export const runtime` from the
//! top level only, as literals, and reports anything it cannot read with the messages below
//! (reference §1.2, §1.5). `runtime` wins over `config.runtime`.

use std::path::{Path, PathBuf};

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    BindingPattern, Declaration, ExportSpecifier, ImportOrExportKind, ModuleExportName, Statement,
    VariableDeclarationKind,
};
use oxc::parser::Parser;
use oxc::span::{GetSpan, SourceType, Span};

use crate::const_value::{self, ConstValue, Unsupported};
use crate::source_position::line_column;
use crate::{Diagnostic, PageInfo, RouteKind, Runtime, Severity};

/// The runtime values Next.js 13+ accepts, as its messages list them.
pub(crate) const RUNTIME_OPTIONS: &str = "edge, experimental-edge, nodejs";

/// What static analysis of one entry found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryAnalysis {
    /// Exports that matter to later stages.
    pub info: PageInfo,
    /// The runtime the entry declares, when it declares a valid one.
    pub runtime: Option<Runtime>,
    /// Problems, with the file, line and column of the offending node.
    pub diagnostics: Vec<Diagnostic>,
}

/// Analyses the entry `file` (relative to the app root; its extension picks the parser) of the
/// route `page`, whose source is `source`.
pub fn analyze_entry(source: &str, file: &Path, page: &str, kind: RouteKind) -> EntryAnalysis {
    let Some(source_type) = source_type_of(file) else {
        return EntryAnalysis::default();
    };
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, source_type).parse();
    let mut analysis = EntryAnalysis::default();
    let report = Reporter { source, file };
    if let Some(error) = parsed.diagnostics.iter().next() {
        let offset = error.labels.first().map_or(0, |label| label.offset());
        analysis.diagnostics.push(report.at_offset(
            Severity::Error,
            offset,
            format!("Syntax error: {}", error.message),
        ));
        return analysis;
    }

    let mut runtime_export: Option<(Span, ConstValue)> = None;
    let mut config_export: Option<ConstValue> = None;
    let mut re_exported: Vec<(String, Span)> = Vec::new();
    for statement in &parsed.program.body {
        match statement {
            Statement::ExportDeclaration(export) => match &export.declaration {
                Declaration::VariableDeclaration(declaration) => {
                    for declarator in &declaration.declarations {
                        let BindingPattern::BindingIdentifier(id) = &declarator.id else {
                            continue;
                        };
                        let name = id.name.as_str();
                        note_data_fetching(&mut analysis.info, name);
                        let (Some(init), VariableDeclarationKind::Const) =
                            (&declarator.init, declaration.kind)
                        else {
                            continue;
                        };
                        if name != "config" && name != "runtime" {
                            continue;
                        }
                        match const_value::extract(init, name) {
                            Ok(value) if name == "config" => config_export = Some(value),
                            Ok(value) => runtime_export = Some((init.span(), value)),
                            Err(unsupported) => analysis
                                .diagnostics
                                .push(report.unsupported(page, &unsupported)),
                        }
                    }
                }
                Declaration::FunctionDeclaration(function) => {
                    if let Some(id) = &function.id {
                        note_data_fetching(&mut analysis.info, id.name.as_str());
                    }
                }
                _ => {}
            },
            Statement::ExportNamedDeclaration(named)
                if named.export_kind == ImportOrExportKind::Value =>
            {
                note_specifiers(&named.specifiers, &mut analysis.info, &mut re_exported);
            }
            Statement::ExportFromDeclaration(from)
                if from.export_kind == ImportOrExportKind::Value =>
            {
                note_specifiers(&from.specifiers, &mut analysis.info, &mut re_exported);
            }
            _ => {}
        }
    }

    for (name, span) in re_exported {
        analysis.diagnostics.push(report.at_offset(
            Severity::Warning,
            span.start,
            format!(
                "Next.js can't recognize the exported `{name}` field in \"{page}\", it may be \
                 re-exported from another file. The default config will be used instead."
            ),
        ));
    }

    let from_config = config_export
        .as_ref()
        .and_then(|config| config.property("runtime"));
    let declared = match &runtime_export {
        Some((span, value)) if !matches!(value, ConstValue::Undefined | ConstValue::Null) => {
            Some((*span, value))
        }
        _ => from_config.or(runtime_export.as_ref().map(|(span, value)| (*span, value))),
    };
    if let Some((span, value)) = declared {
        analysis.runtime =
            resolve_runtime(value, span, page, kind, &report, &mut analysis.diagnostics);
    }
    analysis.info.config = config_export.and_then(|config| config.to_json());
    analysis
}

/// The parser settings for a file: JSX is allowed in `.js`, as Next.js allows it.
pub(crate) fn source_type_of(file: &Path) -> Option<SourceType> {
    let extension = file.extension()?.to_str()?;
    let source_type = SourceType::from_extension(extension).ok()?;
    let source_type = if source_type.is_javascript() {
        source_type.with_jsx(true)
    } else {
        source_type
    };
    Some(source_type.with_module(true))
}

fn note_data_fetching(info: &mut PageInfo, name: &str) {
    match name {
        "getServerSideProps" => info.get_server_side_props = true,
        "getStaticProps" => info.get_static_props = true,
        _ => {}
    }
}

fn note_specifiers(
    specifiers: &[ExportSpecifier<'_>],
    info: &mut PageInfo,
    re_exported: &mut Vec<(String, Span)>,
) {
    for specifier in specifiers {
        if specifier.export_kind == ImportOrExportKind::Type {
            continue;
        }
        let name = export_name(&specifier.exported);
        note_data_fetching(info, name);
        if name == "config" || name == "runtime" {
            re_exported.push((name.to_owned(), specifier.span));
        }
    }
}

pub(crate) fn export_name<'a>(name: &'a ModuleExportName<'_>) -> &'a str {
    match name {
        ModuleExportName::IdentifierName(name) => name.name.as_str(),
        ModuleExportName::IdentifierReference(name) => name.name.as_str(),
        ModuleExportName::StringLiteral(literal) => literal.value.as_str(),
    }
}

/// Checks a declared runtime value; returns the runtime when it is one Next.js accepts.
fn resolve_runtime(
    value: &ConstValue,
    span: Span,
    page: &str,
    kind: RouteKind,
    report: &Reporter<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Runtime> {
    let mut error = |message: String| {
        diagnostics.push(report.at_offset(Severity::Error, span.start, message));
    };
    let text = match value {
        ConstValue::Undefined => return None,
        ConstValue::String(text) => text.as_str(),
        _ => {
            error(format!(
                "The `runtime` config must be a string. Please leave it empty or choose one of: {RUNTIME_OPTIONS}"
            ));
            return None;
        }
    };
    match (text, kind) {
        ("edge", RouteKind::Page) => {
            error(format!(
                "Page {page} provided runtime 'edge', the edge runtime for rendering is currently \
                 experimental. Use runtime 'experimental-edge' instead."
            ));
            Some(Runtime::Edge)
        }
        ("experimental-edge", RouteKind::Api) => {
            diagnostics.push(report.at_offset(
                Severity::Warning,
                span.start,
                format!("{page} provided runtime 'experimental-edge'. It can be updated to 'edge' instead."),
            ));
            Some(Runtime::Edge)
        }
        ("edge" | "experimental-edge", _) => Some(Runtime::Edge),
        ("nodejs", _) => Some(Runtime::Nodejs),
        (other, _) => {
            error(format!(
                "Provided runtime \"{other}\" is not supported. Please leave it empty or choose one of: {RUNTIME_OPTIONS}"
            ));
            None
        }
    }
}

/// Makes diagnostics pointing into one file.
pub(crate) struct Reporter<'a> {
    pub(crate) source: &'a str,
    pub(crate) file: &'a Path,
}

impl Reporter<'_> {
    pub(crate) fn at_offset(&self, severity: Severity, offset: u32, message: String) -> Diagnostic {
        let (line, column) = line_column(self.source, offset);
        Diagnostic {
            severity,
            file: PathBuf::from(self.file),
            line: Some(line),
            column: Some(column),
            message,
        }
    }

    pub(crate) fn unsupported(&self, page: &str, unsupported: &Unsupported) -> Diagnostic {
        self.at_offset(
            Severity::Error,
            unsupported.span.start,
            format!(
                "Next.js can't recognize the exported `config` field in route \"{page}\":\n{} at \"{}\".\n\
                 Read More - https://nextjs.org/docs/messages/invalid-page-config",
                unsupported.reason, unsupported.path
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::{EntryAnalysis, analyze_entry};
    use crate::{RouteKind, Runtime, Severity};

    fn api(source: &str) -> EntryAnalysis {
        analyze_entry(
            source,
            Path::new("pages/api/x.js"),
            "/api/x",
            RouteKind::Api,
        )
    }

    fn page(source: &str) -> EntryAnalysis {
        analyze_entry(source, Path::new("pages/x.tsx"), "/x", RouteKind::Page)
    }

    fn only_message(analysis: &EntryAnalysis) -> (&str, Severity, u32, u32) {
        assert_eq!(analysis.diagnostics.len(), 1, "{:#?}", analysis.diagnostics);
        let diagnostic = &analysis.diagnostics[0];
        (
            diagnostic.message.as_str(),
            diagnostic.severity,
            diagnostic.line.unwrap(),
            diagnostic.column.unwrap(),
        )
    }

    #[test]
    fn reads_config_runtime_and_top_level_runtime() {
        assert_eq!(
            api("export const config = { runtime: 'edge' };").runtime,
            Some(Runtime::Edge)
        );
        assert_eq!(
            api("export const config = { runtime: `edge` };").runtime,
            Some(Runtime::Edge)
        );
        assert_eq!(
            api("export const runtime = 'nodejs';").runtime,
            Some(Runtime::Nodejs)
        );
        let plain = api("export default function handler() {}");
        assert_eq!(plain.runtime, None);
        assert!(plain.diagnostics.is_empty());
    }

    #[test]
    fn top_level_runtime_wins_over_config_runtime() {
        let analysis =
            api("export const config = { runtime: 'nodejs' };\nexport const runtime = 'edge';");
        assert_eq!(analysis.runtime, Some(Runtime::Edge));
        let analysis =
            api("export const runtime = undefined;\nexport const config = { runtime: 'edge' };");
        assert_eq!(analysis.runtime, Some(Runtime::Edge));
    }

    #[test]
    fn only_top_level_const_exports_count() {
        assert_eq!(
            api("export let config = { runtime: 'edge' };").runtime,
            None
        );
        assert_eq!(api("const config = { runtime: 'edge' };").runtime, None);
        assert_eq!(
            api("function f() { const config = { runtime: 'edge' }; return config; }").runtime,
            None
        );
    }

    #[test]
    fn typescript_wrappers_are_read() {
        let analysis = analyze_entry(
            "import type { PageConfig } from 'next';\nexport const config = { runtime: 'edge' } satisfies PageConfig;\nexport const other = { a: 1 } as const;",
            Path::new("pages/api/t.ts"),
            "/api/t",
            RouteKind::Api,
        );
        assert_eq!(analysis.runtime, Some(Runtime::Edge));
        assert!(
            analysis.diagnostics.is_empty(),
            "{:?}",
            analysis.diagnostics
        );
        let analysis = analyze_entry(
            "export const runtime = 'edge' as const;",
            Path::new("pages/api/t.ts"),
            "/api/t",
            RouteKind::Api,
        );
        assert_eq!(analysis.runtime, Some(Runtime::Edge));
    }

    #[test]
    fn unknown_runtime_strings_are_errors_at_the_value() {
        let analysis = api("export const config = { runtime: 'deno' };");
        assert_eq!(analysis.runtime, None);
        assert_eq!(
            only_message(&analysis),
            (
                "Provided runtime \"deno\" is not supported. Please leave it empty or choose one of: edge, experimental-edge, nodejs",
                Severity::Error,
                1,
                34
            )
        );
    }

    #[test]
    fn non_string_runtimes_are_errors() {
        let analysis = api("export const config = {\n  runtime: 42,\n};");
        assert_eq!(
            only_message(&analysis),
            (
                "The `runtime` config must be a string. Please leave it empty or choose one of: edge, experimental-edge, nodejs",
                Severity::Error,
                2,
                12
            )
        );
        for value in ["true", "null", "['edge']", "{}"] {
            let analysis = api(&format!(
                "export const runtime = {value};\nexport const config = {{ runtime: {value} }};"
            ));
            assert_eq!(analysis.diagnostics.len(), 1, "{value}");
            assert!(
                analysis.diagnostics[0]
                    .message
                    .starts_with("The `runtime` config must be a string.")
            );
        }
    }

    #[test]
    fn plain_edge_on_a_page_is_an_error() {
        let analysis = page(
            "export const config = { runtime: 'edge' };\nexport default function P() { return <p/>; }",
        );
        assert_eq!(
            only_message(&analysis),
            (
                "Page /x provided runtime 'edge', the edge runtime for rendering is currently experimental. Use runtime 'experimental-edge' instead.",
                Severity::Error,
                1,
                34
            )
        );
        let fine = page("export const config = { runtime: 'experimental-edge' };");
        assert_eq!(fine.runtime, Some(Runtime::Edge));
        assert!(fine.diagnostics.is_empty());
    }

    #[test]
    fn experimental_edge_on_an_api_route_warns() {
        let analysis = api("export const runtime = 'experimental-edge';");
        assert_eq!(analysis.runtime, Some(Runtime::Edge));
        assert_eq!(
            only_message(&analysis),
            (
                "/api/x provided runtime 'experimental-edge'. It can be updated to 'edge' instead.",
                Severity::Warning,
                1,
                24
            )
        );
    }

    #[test]
    fn non_literal_values_use_next_wording_at_the_offending_node() {
        let analysis = api("const runtime = 'edge';\nexport const config = { runtime };\n");
        assert_eq!(
            only_message(&analysis),
            (
                "Next.js can't recognize the exported `config` field in route \"/api/x\":\nUnknown identifier \"runtime\" at \"config.runtime\".\nRead More - https://nextjs.org/docs/messages/invalid-page-config",
                Severity::Error,
                2,
                25
            )
        );
        let analysis = api("export const runtime = process.env.RUNTIME;");
        assert!(
            only_message(&analysis)
                .0
                .contains("Unsupported node type \"MemberExpression\" at \"runtime\".")
        );
        let analysis = api("export const config = { runtime: `${'ed'}ge` };");
        assert!(
            only_message(&analysis)
                .0
                .contains("Unsupported template literal with expressions at \"config.runtime\".")
        );
        let analysis = api("const base = {};\nexport const config = { ...base, runtime: 'edge' };");
        let (message, _, line, column) = only_message(&analysis);
        assert!(
            message.contains("Unsupported spread operator in the Object Expression at \"config\".")
        );
        assert_eq!((line, column), (2, 25));
        let analysis = api("export const config = { runtime: pick() };");
        assert!(
            only_message(&analysis)
                .0
                .contains("Unsupported node type \"CallExpression\" at \"config.runtime\".")
        );
        assert_eq!(analysis.runtime, None);
    }

    #[test]
    fn other_exports_are_not_analysed() {
        let analysis = api("export const handler = make();\nexport const maxSize = a + b;");
        assert!(analysis.diagnostics.is_empty());
    }

    #[test]
    fn re_exports_warn_with_next_wording() {
        let analysis = api("export { config } from './shared';");
        assert_eq!(
            only_message(&analysis),
            (
                "Next.js can't recognize the exported `config` field in \"/api/x\", it may be re-exported from another file. The default config will be used instead.",
                Severity::Warning,
                1,
                10
            )
        );
        let analysis = api("const runtime = 'edge';\nexport { runtime };");
        assert!(
            only_message(&analysis)
                .0
                .contains("exported `runtime` field")
        );
        assert_eq!(analysis.runtime, None);
    }

    #[test]
    fn records_data_fetching_exports_in_every_form() {
        for source in [
            "export async function getServerSideProps() { return { props: {} }; }",
            "export const getServerSideProps = async () => ({ props: {} });",
            "export { getServerSideProps } from '../lib/data';",
            "const gssp = () => {};\nexport { gssp as getServerSideProps };",
        ] {
            let analysis = page(source);
            assert!(analysis.info.get_server_side_props, "{source}");
            assert!(!analysis.info.get_static_props, "{source}");
        }
        let analysis = page("export function getStaticProps() {}\nexport default function P() {}");
        assert!(analysis.info.get_static_props);
        assert!(!analysis.info.get_server_side_props);
    }

    #[test]
    fn keeps_the_literal_config_as_json() {
        let analysis = api(
            "export const config = { api: { bodyParser: false }, runtime: 'nodejs', hook: () => 1 };",
        );
        assert_eq!(
            analysis.info.config,
            Some(json!({ "api": { "bodyParser": false }, "runtime": "nodejs" }))
        );
    }

    #[test]
    fn syntax_errors_are_reported_with_their_position() {
        let analysis = api(
            "export const config = { runtime: 'edge' };\n\nexport default function handler() {\n  return new Response('oops';\n}\n",
        );
        let (message, severity, line, _) = only_message(&analysis);
        assert!(message.starts_with("Syntax error: "), "{message}");
        assert_eq!((severity, line), (Severity::Error, 4));
    }

    #[test]
    fn jsx_in_js_files_parses() {
        let analysis = analyze_entry(
            "export const config = { runtime: 'experimental-edge' };\nexport default () => <div>hi</div>;",
            Path::new("pages/index.js"),
            "/",
            RouteKind::Page,
        );
        assert!(
            analysis.diagnostics.is_empty(),
            "{:?}",
            analysis.diagnostics
        );
        assert_eq!(analysis.runtime, Some(Runtime::Edge));
    }

    #[test]
    fn unknown_extensions_are_skipped() {
        let analysis = analyze_entry("# hello", Path::new("pages/x.mdx"), "/x", RouteKind::Page);
        assert_eq!(analysis, EntryAnalysis::default());
    }
}
