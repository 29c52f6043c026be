//! Reading the middleware (or proxy) file without running it: `export const config = {
//! matcher, runtime, unstable_allowDynamic, regions }`, a top-level `export const runtime`,
//! and whether it exports a handler.
//!
//! Runtime choices (reference §1.4, §1.5, §5.7):
//! - `middleware.*` runs on Edge unless it says `'nodejs'`. `'edge'` and `'experimental-edge'`
//!   both mean Edge, in `config.runtime` and in `export const runtime` alike. Next.js analyses
//!   the middleware as a page and so rejects a plain `'edge'` there ("provided runtime 'edge'
//!   ... Use runtime 'experimental-edge' instead"); Switchyard accepts it, since it names the
//!   middleware's default and Next.js's own docs write it.
//! - `proxy.*` always runs on Node.js; any `runtime` in it is Next.js 16's build error.
//!
//! A `matcher` that is not a literal is an error here, with Next.js's wording: Next.js only
//! warns and then runs the middleware for every request, which is rarely what was meant.

use std::path::Path;

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    BindingPattern, Declaration, ExportDefaultDeclarationKind, ImportOrExportKind, Statement,
    VariableDeclarationKind,
};
use oxc::parser::Parser;
use oxc::span::{GetSpan, Span};

use crate::const_value::{self, ConstValue, Unsupported};
use crate::middleware::matcher::{MatcherOptions, compile_matchers, match_nothing};
use crate::static_config::{RUNTIME_OPTIONS, Reporter, export_name, source_type_of};
use crate::{Diagnostic, MiddlewareKind, MiddlewareMatcher, Runtime, Severity};

/// What static analysis of the middleware file found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MiddlewareAnalysis {
    /// Where it runs.
    pub runtime: Runtime,
    /// The compiled matchers; empty for every request.
    pub matchers: Vec<MiddlewareMatcher>,
    /// `config.unstable_allowDynamic`.
    pub allow_dynamic: Vec<String>,
    /// Problems, with file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

/// The message Next.js's docs give for a matcher that is not a literal.
const MATCHER_NOT_CONSTANT: &str = "The `matcher` values need to be constants so they can be \
     statically analyzed at build-time. Dynamic values such as variables will be ignored.";

/// Analyses the middleware `file` (relative to the app root) of `kind`, named `page`
/// (`/middleware`, `/src/proxy`), whose source is `source`.
pub(crate) fn analyze_middleware(
    source: &str,
    file: &Path,
    kind: MiddlewareKind,
    page: &str,
    options: &MatcherOptions,
) -> MiddlewareAnalysis {
    let mut analysis = MiddlewareAnalysis {
        runtime: match kind {
            MiddlewareKind::Middleware => Runtime::Edge,
            MiddlewareKind::Proxy => Runtime::Nodejs,
        },
        matchers: Vec::new(),
        allow_dynamic: Vec::new(),
        diagnostics: Vec::new(),
    };
    let report = Reporter { source, file };
    let Some(source_type) = source_type_of(file) else {
        analysis.diagnostics.push(report.at_offset(
            Severity::Error,
            0,
            format!(
                "The {} file must be JavaScript or TypeScript (.js, .jsx, .mjs, .ts or .tsx).",
                kind.name()
            ),
        ));
        return analysis;
    };
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if let Some(error) = parsed.diagnostics.iter().next() {
        let offset = error.labels.first().map_or(0, |label| label.offset());
        analysis.diagnostics.push(report.at_offset(
            Severity::Error,
            offset,
            format!("Syntax error: {}", error.message),
        ));
        return analysis;
    }

    let mut exports = Exports::default();
    let mut runtime_export: Option<(Span, ConstValue)> = None;
    let mut config_runtime: Option<(Span, ConstValue)> = None;
    for statement in &parsed.program.body {
        exports.note(statement);
        let Statement::ExportDeclaration(export) = statement else {
            if let Some(span) = re_exported_config(statement) {
                analysis.diagnostics.push(report.at_offset(
                    Severity::Warning,
                    span.start,
                    format!(
                        "Next.js can't recognize the exported `config` field in \"{page}\", it \
                         may be re-exported from another file. The default config will be used \
                         instead."
                    ),
                ));
            }
            continue;
        };
        let Declaration::VariableDeclaration(declaration) = &export.declaration else {
            continue;
        };
        if declaration.kind != VariableDeclarationKind::Const {
            continue;
        }
        for declarator in &declaration.declarations {
            let (BindingPattern::BindingIdentifier(id), Some(init)) =
                (&declarator.id, &declarator.init)
            else {
                continue;
            };
            match id.name.as_str() {
                "runtime" => match const_value::extract(init, "runtime") {
                    Ok(value) => runtime_export = Some((init.span(), value)),
                    Err(unsupported) => analysis
                        .diagnostics
                        .push(report.unsupported(page, &unsupported)),
                },
                "config" => {
                    config_runtime = read_config(init, page, options, &report, &mut analysis);
                }
                _ => {}
            }
        }
    }

    // A top-level `runtime` wins over `config.runtime`, as for pages.
    let declared = match runtime_export {
        Some((span, value)) if !matches!(value, ConstValue::Undefined | ConstValue::Null) => {
            Some((span, value))
        }
        other => config_runtime.or(other),
    };
    match kind {
        MiddlewareKind::Middleware => {
            if let Some((span, value)) = declared {
                let runtime = middleware_runtime(&value)
                    .map_err(|message| report.at_offset(Severity::Error, span.start, message));
                match runtime {
                    Ok(Some(runtime)) => analysis.runtime = runtime,
                    Ok(None) => {}
                    Err(diagnostic) => analysis.diagnostics.push(diagnostic),
                }
            }
        }
        MiddlewareKind::Proxy => {
            if let Some((span, _)) = declared {
                analysis.diagnostics.push(report.at_offset(
                    Severity::Error,
                    span.start,
                    format!(
                        "Route segment config is not allowed in Proxy file at \"./{}\". Proxy \
                         always runs on Node.js runtime. Learn more: \
                         https://nextjs.org/docs/messages/middleware-to-proxy",
                        file.display()
                    ),
                ));
            }
        }
    }

    if let Some(message) = exports.missing_handler(kind, page) {
        analysis
            .diagnostics
            .push(report.at_offset(Severity::Error, 0, message));
    }
    analysis.diagnostics.sort_by_key(|d| (d.line, d.column));
    analysis
}

/// Reads `export const config`: matchers, `unstable_allowDynamic` and `regions` into
/// `analysis`; returns `config.runtime` with its span, which the caller resolves.
fn read_config(
    init: &oxc::ast::ast::Expression<'_>,
    page: &str,
    options: &MatcherOptions,
    report: &Reporter<'_>,
    analysis: &mut MiddlewareAnalysis,
) -> Option<(Span, ConstValue)> {
    let invalid = |span: Span, message: &str| {
        report.at_offset(
            Severity::Error,
            span.start,
            format!("{page} contains invalid middleware config: {message}"),
        )
    };
    let properties = match const_value::extract_properties(init, "config") {
        Ok(properties) => properties,
        Err(unsupported) => {
            analysis
                .diagnostics
                .push(unreadable(page, &unsupported, report));
            return None;
        }
    };
    let mut runtime = None;
    // Later duplicates win, as in an object literal.
    let mut seen = std::collections::BTreeSet::new();
    for (key, span, value) in properties.into_iter().rev() {
        if !seen.insert(key.clone()) {
            continue;
        }
        let value = match value {
            Ok(value) => value,
            Err(unsupported) => {
                analysis
                    .diagnostics
                    .push(unreadable(page, &unsupported, report));
                continue;
            }
        };
        match key.as_str() {
            "matcher" => match compile_matchers(&value, span, options) {
                Ok(matchers) if matchers.is_empty() && matches!(value, ConstValue::Array(_)) => {
                    analysis.diagnostics.push(report.at_offset(
                        Severity::Warning,
                        span.start,
                        format!(
                            "The `matcher` of {page} is an empty array, so it runs for no \
                             request. Remove `matcher` to run it for every request."
                        ),
                    ));
                    analysis.matchers = vec![match_nothing()];
                }
                Ok(matchers) => analysis.matchers = matchers,
                Err(problems) => analysis.diagnostics.extend(
                    problems
                        .into_iter()
                        .map(|(span, message)| invalid(span, &message)),
                ),
            },
            "runtime" => runtime = Some((span, value)),
            "unstable_allowDynamic" => match strings(&value) {
                Some(globs) => analysis.allow_dynamic = globs,
                None => analysis.diagnostics.push(invalid(
                    span,
                    "unstable_allowDynamic must be a glob string or an array of glob strings",
                )),
            },
            // Regions mean nothing to a single server; only their shape is checked.
            "regions" if strings(&value).is_none() => {
                analysis.diagnostics.push(invalid(
                    span,
                    "regions must be a string or an array of strings",
                ));
            }
            _ => {}
        }
    }
    runtime
}

/// A value Next.js cannot read: the matcher's own message for `config.matcher`, the general
/// one otherwise.
fn unreadable(page: &str, unsupported: &Unsupported, report: &Reporter<'_>) -> Diagnostic {
    if unsupported.path.starts_with("config.matcher") {
        report.at_offset(
            Severity::Error,
            unsupported.span.start,
            format!(
                "{MATCHER_NOT_CONSTANT}\n{} at \"{}\".",
                unsupported.reason, unsupported.path
            ),
        )
    } else {
        report.unsupported(page, unsupported)
    }
}

/// A string or an array of strings, as a list; `None` for anything else.
fn strings(value: &ConstValue) -> Option<Vec<String>> {
    match value {
        ConstValue::Undefined => Some(Vec::new()),
        ConstValue::String(text) => Some(vec![text.clone()]),
        ConstValue::Array(items) => items
            .iter()
            .map(|(_, item)| match item {
                ConstValue::String(text) => Some(text.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The runtime a middleware declares; `Ok(None)` keeps the default (Edge).
fn middleware_runtime(value: &ConstValue) -> Result<Option<Runtime>, String> {
    match value {
        ConstValue::Undefined | ConstValue::Null => Ok(None),
        ConstValue::String(text) => match text.as_str() {
            "edge" | "experimental-edge" => Ok(Some(Runtime::Edge)),
            "nodejs" => Ok(Some(Runtime::Nodejs)),
            other => Err(format!(
                "Provided runtime \"{other}\" is not supported. Please leave it empty or choose \
                 one of: {RUNTIME_OPTIONS}"
            )),
        },
        _ => Err(format!(
            "The `runtime` config must be a string. Please leave it empty or choose one of: \
             {RUNTIME_OPTIONS}"
        )),
    }
}

/// `export { config } from './shared'` or `export { config }`: the span of the specifier.
fn re_exported_config(statement: &Statement<'_>) -> Option<Span> {
    let specifiers = match statement {
        Statement::ExportNamedDeclaration(named)
            if named.export_kind == ImportOrExportKind::Value =>
        {
            &named.specifiers
        }
        Statement::ExportFromDeclaration(from) if from.export_kind == ImportOrExportKind::Value => {
            &from.specifiers
        }
        _ => return None,
    };
    specifiers
        .iter()
        .find(|specifier| {
            specifier.export_kind == ImportOrExportKind::Value
                && export_name(&specifier.exported) == "config"
        })
        .map(|specifier| specifier.span)
}

/// The names a module exports, as far as they can be known without following imports.
#[derive(Debug, Default)]
struct Exports {
    names: Vec<String>,
    /// An `export * from` or `export =` may export anything.
    open: bool,
    /// The file uses `import`/`export`; without them it is CommonJS and not checked.
    module_syntax: bool,
}

impl Exports {
    fn note(&mut self, statement: &Statement<'_>) {
        match statement {
            Statement::ImportDeclaration(_) => self.module_syntax = true,
            Statement::ExportDefaultDeclaration(export) => {
                self.module_syntax = true;
                if !matches!(
                    export.declaration,
                    ExportDefaultDeclarationKind::TSInterfaceDeclaration(_)
                ) {
                    self.names.push("default".to_string());
                }
            }
            Statement::ExportDeclaration(export) => {
                self.module_syntax = true;
                match &export.declaration {
                    Declaration::VariableDeclaration(declaration) => {
                        for declarator in &declaration.declarations {
                            match &declarator.id {
                                BindingPattern::BindingIdentifier(id) => {
                                    self.names.push(id.name.to_string());
                                }
                                // Destructuring exports names this check does not follow.
                                _ => self.open = true,
                            }
                        }
                    }
                    Declaration::FunctionDeclaration(function) => {
                        if let Some(id) = &function.id {
                            self.names.push(id.name.to_string());
                        }
                    }
                    Declaration::ClassDeclaration(class) => {
                        if let Some(id) = &class.id {
                            self.names.push(id.name.to_string());
                        }
                    }
                    _ => {}
                }
            }
            Statement::ExportNamedDeclaration(named) => {
                self.module_syntax = true;
                for specifier in &named.specifiers {
                    self.names
                        .push(export_name(&specifier.exported).to_string());
                }
            }
            Statement::ExportFromDeclaration(from) => {
                self.module_syntax = true;
                for specifier in &from.specifiers {
                    self.names
                        .push(export_name(&specifier.exported).to_string());
                }
            }
            Statement::ExportAllDeclaration(all) => {
                self.module_syntax = true;
                match &all.exported {
                    Some(name) => self.names.push(export_name(name).to_string()),
                    None => self.open = true,
                }
            }
            Statement::TSExportAssignment(_) => {
                self.module_syntax = true;
                self.open = true;
            }
            _ => {}
        }
    }

    /// Next.js's message when the file surely exports no handler. Switchyard's adapter takes
    /// `middleware`, `proxy` or `default` from either file, so any of them will do.
    fn missing_handler(&self, kind: MiddlewareKind, page: &str) -> Option<String> {
        let name = kind.name();
        let found = self
            .names
            .iter()
            .any(|export| matches!(export.as_str(), "default" | "middleware" | "proxy"));
        (self.module_syntax && !self.open && !found).then(|| {
            format!(
                "The {} \"{page}\" must export a `{name}` or a `default` function",
                kind.title()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{MiddlewareAnalysis, analyze_middleware};
    use crate::middleware::matcher::MatcherOptions;
    use crate::{MiddlewareKind, Runtime, Severity};

    fn middleware(source: &str) -> MiddlewareAnalysis {
        analyze_middleware(
            source,
            Path::new("middleware.ts"),
            MiddlewareKind::Middleware,
            "/middleware",
            &MatcherOptions::default(),
        )
    }

    fn proxy(source: &str) -> MiddlewareAnalysis {
        analyze_middleware(
            source,
            Path::new("src/proxy.js"),
            MiddlewareKind::Proxy,
            "/src/proxy",
            &MatcherOptions::default(),
        )
    }

    const HANDLER: &str = "export function middleware() {}\n";

    fn messages(analysis: &MiddlewareAnalysis) -> Vec<(Severity, u32, u32, &str)> {
        analysis
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.severity,
                    d.line.unwrap(),
                    d.column.unwrap(),
                    d.message.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn middleware_defaults_to_edge_and_may_choose_nodejs() {
        let plain = middleware(HANDLER);
        assert_eq!(plain.runtime, Runtime::Edge);
        assert!(plain.matchers.is_empty());
        assert!(plain.diagnostics.is_empty(), "{:?}", plain.diagnostics);
        for (config, runtime) in [
            ("{ runtime: 'nodejs' }", Runtime::Nodejs),
            ("{ runtime: 'edge' }", Runtime::Edge),
            ("{ runtime: 'experimental-edge' }", Runtime::Edge),
        ] {
            let analysis = middleware(&format!("{HANDLER}export const config = {config};"));
            assert_eq!(analysis.runtime, runtime, "{config}");
            assert!(
                analysis.diagnostics.is_empty(),
                "{:?}",
                analysis.diagnostics
            );
        }
        let top_level = middleware(&format!(
            "{HANDLER}export const runtime = 'nodejs';\nexport const config = {{ runtime: 'edge' }};"
        ));
        assert_eq!(top_level.runtime, Runtime::Nodejs);
    }

    #[test]
    fn invalid_runtimes_are_errors() {
        let analysis = middleware(&format!(
            "{HANDLER}export const config = {{ runtime: 'deno' }};"
        ));
        assert_eq!(analysis.runtime, Runtime::Edge);
        assert_eq!(
            messages(&analysis),
            [(
                Severity::Error,
                2,
                34,
                "Provided runtime \"deno\" is not supported. Please leave it empty or choose one of: edge, experimental-edge, nodejs"
            )]
        );
        let analysis = middleware(&format!("{HANDLER}export const runtime = 1;"));
        assert!(
            analysis.diagnostics[0]
                .message
                .starts_with("The `runtime` config must be a string."),
        );
    }

    #[test]
    fn a_runtime_in_a_proxy_is_an_error() {
        let analysis = proxy(
            "export function proxy() {}\nexport const config = { matcher: '/a', runtime: 'nodejs' };",
        );
        assert_eq!(analysis.runtime, Runtime::Nodejs);
        assert_eq!(
            messages(&analysis),
            [(
                Severity::Error,
                2,
                49,
                "Route segment config is not allowed in Proxy file at \"./src/proxy.js\". Proxy always runs on Node.js runtime. Learn more: https://nextjs.org/docs/messages/middleware-to-proxy"
            )]
        );
        assert_eq!(analysis.matchers.len(), 1);
        let analysis = proxy("export default function () {}\nexport const runtime = 'edge';");
        assert_eq!(analysis.runtime, Runtime::Nodejs);
        assert_eq!(analysis.diagnostics.len(), 1);
        let fine =
            proxy("export default function () {}\nexport const config = { matcher: ['/a'] };");
        assert!(fine.diagnostics.is_empty(), "{:?}", fine.diagnostics);
    }

    #[test]
    fn reads_matchers_and_allow_dynamic() {
        let analysis = middleware(&format!(
            "{HANDLER}export const config = {{\n  matcher: ['/about/:path*', {{ source: '/api/:path*', has: [{{ type: 'header', key: 'x-a' }}] }}],\n  unstable_allowDynamic: '/lib/legacy.js',\n  regions: ['iad1'],\n}} satisfies Config;"
        ));
        assert!(
            analysis.diagnostics.is_empty(),
            "{:?}",
            analysis.diagnostics
        );
        let sources: Vec<&str> = analysis
            .matchers
            .iter()
            .map(|m| m.original_source.as_str())
            .collect();
        assert_eq!(sources, ["/about/:path*", "/api/:path*"]);
        assert_eq!(analysis.matchers[1].has.len(), 1);
        assert_eq!(analysis.allow_dynamic, ["/lib/legacy.js"]);
    }

    #[test]
    fn invalid_matchers_name_the_page_and_position() {
        let analysis = middleware(&format!(
            "{HANDLER}export const config = {{\n  matcher: ['/ok', 'nope', {{ source: '/x', has: [{{ type: 'host' }}] }}],\n}};"
        ));
        assert_eq!(
            messages(&analysis),
            [
                (
                    Severity::Error,
                    3,
                    20,
                    "/middleware contains invalid middleware config: source must start with /"
                ),
                (
                    Severity::Error,
                    3,
                    50,
                    "/middleware contains invalid middleware config: host must have a value"
                ),
            ]
        );
        let analysis = middleware(&format!(
            "{HANDLER}export const config = {{ matcher: 42 }};"
        ));
        assert_eq!(
            messages(&analysis)[0].3,
            "/middleware contains invalid middleware config: must be an array of strings or middleware matchers"
        );
    }

    #[test]
    fn a_dynamic_matcher_is_an_error_with_next_wording() {
        let analysis = middleware(&format!(
            "{HANDLER}const paths = ['/a'];\nexport const config = {{ runtime: 'nodejs', matcher: paths }};"
        ));
        assert_eq!(
            messages(&analysis),
            [(
                Severity::Error,
                3,
                53,
                "The `matcher` values need to be constants so they can be statically analyzed at build-time. Dynamic values such as variables will be ignored.\nUnknown identifier \"paths\" at \"config.matcher\"."
            )]
        );
        // The rest of the config is still read.
        assert_eq!(analysis.runtime, Runtime::Nodejs);
        assert!(analysis.matchers.is_empty());
        let analysis = middleware(&format!(
            "{HANDLER}export const config = {{ matcher: [`/${{base}}/:path*`] }};"
        ));
        assert!(
            analysis.diagnostics[0].message.ends_with(
                "Unsupported template literal with expressions at \"config.matcher[0]\"."
            )
        );
    }

    #[test]
    fn an_unreadable_config_uses_the_page_config_message() {
        let analysis = middleware(&format!("{HANDLER}export const config = makeConfig();"));
        assert_eq!(
            messages(&analysis)[0].3,
            "Next.js can't recognize the exported `config` field in route \"/middleware\":\nUnsupported node type \"CallExpression\" at \"config\".\nRead More - https://nextjs.org/docs/messages/invalid-page-config"
        );
    }

    #[test]
    fn an_empty_matcher_list_runs_for_nothing_and_warns() {
        let analysis = middleware(&format!(
            "{HANDLER}export const config = {{ matcher: [] }};"
        ));
        assert_eq!(analysis.matchers.len(), 1);
        assert_eq!(analysis.diagnostics[0].severity, Severity::Warning);
    }

    #[test]
    fn a_missing_handler_is_an_error() {
        let analysis =
            middleware("export const config = { matcher: '/a' };\nexport function handler() {}");
        assert_eq!(
            messages(&analysis),
            [(
                Severity::Error,
                1,
                1,
                "The Middleware \"/middleware\" must export a `middleware` or a `default` function"
            )]
        );
        let analysis = proxy("export function handler() {}");
        assert_eq!(
            messages(&analysis)[0].3,
            "The Proxy \"/src/proxy\" must export a `proxy` or a `default` function"
        );
        for fine in [
            "export default function () {}",
            "export const middleware = () => {};",
            "const m = () => {};\nexport { m as middleware };",
            "export { default } from './impl';",
            "export * from './impl';",
            "module.exports = function () {};",
        ] {
            assert!(middleware(fine).diagnostics.is_empty(), "{fine}");
        }
    }

    #[test]
    fn re_exported_config_warns() {
        let analysis = middleware(&format!("{HANDLER}export {{ config }} from './config';"));
        assert_eq!(analysis.diagnostics.len(), 1);
        assert_eq!(analysis.diagnostics[0].severity, Severity::Warning);
        assert!(analysis.diagnostics[0].message.contains("re-exported"));
    }

    #[test]
    fn syntax_errors_are_reported() {
        let analysis = middleware("export default function (\n");
        assert!(
            analysis.diagnostics[0]
                .message
                .starts_with("Syntax error: ")
        );
    }
}
