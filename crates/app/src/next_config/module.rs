//! `next.config.*` source turned into one JavaScript function both engines can run.
//!
//! JavaScriptCore's C API evaluates classic scripts only, so ES module syntax is rewritten with
//! oxc spans into CommonJS (`export default x` becomes `module.exports = x`, imports become
//! `require` calls) and the whole file is wrapped in a function that receives `module`,
//! `exports` and `require`. TypeScript is stripped with oxc's transformer first. Rewrites keep
//! the line structure, so a line in an error points at the same line of the user's file.

use std::path::Path;

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    ExportDefaultDeclarationKind, ImportDeclarationSpecifier, ImportExpression, ImportMeta,
    ImportOrExportKind, ModuleExportName, Program, Statement,
};
use oxc::ast_visit::{Visit, walk};
use oxc::codegen::{Codegen, CodegenOptions};
use oxc::parser::Parser;
use oxc::semantic::SemanticBuilder;
use oxc::span::{GetSpan, SourceType};
use oxc::transformer::{TransformOptions, Transformer};

use crate::source_position::line_column;

/// The names the wrapper function binds; the driver scripts pass them in this order.
const WRAPPER_PARAMETERS: &str = "module, exports, require, __filename, __dirname, __switchyard_import_meta, __switchyard_import";

/// A config file ready to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct PreparedConfig {
    /// `(function (module, exports, require, …) { <code> })`, an expression.
    pub function_source: String,
    /// The source used ES module syntax (so it runs strict, in an async function).
    pub is_module: bool,
    /// Characters of wrapper before the code on line 1.
    header_columns: u32,
    /// For TypeScript: the original line of each generated line.
    line_map: Option<Vec<u32>>,
}

/// A syntax error in the config, at a 1-based line and column of the original file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

impl PreparedConfig {
    /// Maps a 1-based position in `function_source` back to the user's file.
    pub(crate) fn original_position(&self, line: u32, column: u32) -> (u32, Option<u32>) {
        let column = if line == 1 {
            column.saturating_sub(self.header_columns).max(1)
        } else {
            column
        };
        match &self.line_map {
            None => (line, Some(column)),
            Some(map) => {
                let index = (line as usize)
                    .saturating_sub(1)
                    .min(map.len().saturating_sub(1));
                (map.get(index).copied().unwrap_or(line), None)
            }
        }
    }
}

/// Prepares `source`, the contents of the config file named `file`.
pub(crate) fn prepare(source: &str, file: &Path) -> Result<PreparedConfig, SyntaxError> {
    let extension = file
        .extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or("js");
    let (javascript, line_map) = match extension {
        "ts" | "mts" | "cts" => {
            let (code, map) = strip_types(source, file)?;
            (code, Some(map))
        }
        _ => (source.to_owned(), None),
    };
    let source_type = match extension {
        "mjs" | "ts" | "mts" => SourceType::mjs(),
        "cjs" | "cts" => SourceType::cjs(),
        _ => SourceType::unambiguous(),
    };
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, &javascript, source_type).parse();
    if let Some(error) = parsed.diagnostics.iter().next() {
        let offset = error.labels.first().map_or(0, |label| label.offset());
        let (line, column) = line_column(&javascript, offset);
        let line = line_map
            .as_ref()
            .and_then(|map| map.get(line as usize - 1).copied())
            .unwrap_or(line);
        return Err(SyntaxError {
            message: error.message.to_string(),
            line,
            column,
        });
    }
    let is_module = parsed.module_record.has_module_syntax;
    let code = if is_module {
        apply(&javascript, module_edits(&parsed.program))
    } else {
        javascript
    };
    let (async_keyword, strict) = if is_module {
        ("async ", "\"use strict\";")
    } else {
        ("", "")
    };
    let header = format!("({async_keyword}function ({WRAPPER_PARAMETERS}) {{{strict}");
    Ok(PreparedConfig {
        function_source: format!("{header}{code}\n}})"),
        is_module,
        header_columns: u32::try_from(header.chars().count()).unwrap_or(0),
        line_map,
    })
}

/// Strips TypeScript with oxc's transformer; returns the JavaScript and, for each of its
/// lines, the original line.
fn strip_types(source: &str, file: &Path) -> Result<(String, Vec<u32>), SyntaxError> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::ts()).parse();
    if let Some(error) = parsed.diagnostics.iter().next() {
        let offset = error.labels.first().map_or(0, |label| label.offset());
        let (line, column) = line_column(source, offset);
        return Err(SyntaxError {
            message: error.message.to_string(),
            line,
            column,
        });
    }
    let mut program = parsed.program;
    let scoping = SemanticBuilder::new()
        .build(&program)
        .semantic
        .into_scoping();
    let transformed = Transformer::new(&allocator, file, &TransformOptions::default())
        .build_with_scoping(scoping, &mut program);
    if let Some(error) = transformed.diagnostics.iter().next() {
        let offset = error.labels.first().map_or(0, |label| label.offset());
        let (line, column) = line_column(source, offset);
        return Err(SyntaxError {
            message: error.message.to_string(),
            line,
            column,
        });
    }
    let generated = Codegen::new()
        .with_options(CodegenOptions {
            source_map_path: Some(file.to_path_buf()),
            ..CodegenOptions::default()
        })
        .build(&program);
    let line_count = generated.code.lines().count().max(1);
    let mut map: Vec<Option<u32>> = vec![None; line_count];
    if let Some(source_map) = &generated.map {
        for token in source_map.get_tokens() {
            let slot = map.get_mut(token.get_dst_line() as usize);
            if let Some(slot @ None) = slot {
                *slot = Some(token.get_src_line() + 1);
            }
        }
    }
    // A generated line with no mapping belongs to the statement above it.
    let mut last = 1;
    let lines = map
        .into_iter()
        .map(|line| {
            last = line.unwrap_or(last);
            last
        })
        .collect();
    Ok((generated.code, lines))
}

/// One replacement of a byte range of the source.
struct Edit {
    start: u32,
    end: u32,
    text: String,
}

/// The rewrites that turn module syntax into CommonJS.
fn module_edits(program: &Program<'_>) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut temporaries = 0;
    let mut temporary = || {
        temporaries += 1;
        format!("__switchyard_m{temporaries}")
    };
    for statement in &program.body {
        match statement {
            Statement::ImportDeclaration(import) => {
                let text = if import.import_kind == ImportOrExportKind::Type {
                    String::new()
                } else {
                    let source = quote(import.source.value.as_str());
                    match import.specifiers.as_ref().filter(|list| !list.is_empty()) {
                        None => format!("require({source});"),
                        Some(specifiers) => {
                            let module = temporary();
                            let mut bindings = vec![format!("{module} = require({source})")];
                            for specifier in specifiers {
                                bindings.push(match specifier {
                                    ImportDeclarationSpecifier::ImportSpecifier(named) => format!(
                                        "{} = {module}[{}]",
                                        named.local.name,
                                        quote(export_name(&named.imported))
                                    ),
                                    ImportDeclarationSpecifier::ImportDefaultSpecifier(default) => {
                                        format!(
                                            "{} = {}",
                                            default.local.name,
                                            interop_default(&module)
                                        )
                                    }
                                    ImportDeclarationSpecifier::ImportNamespaceSpecifier(all) => {
                                        format!("{} = {module}", all.local.name)
                                    }
                                });
                            }
                            format!("const {};", bindings.join(", "))
                        }
                    }
                };
                edits.push(Edit {
                    start: import.span.start,
                    end: import.span.end,
                    text,
                });
            }
            Statement::ExportDeclaration(export) => edits.push(Edit {
                start: export.span.start,
                end: export.declaration.span().start,
                text: String::new(),
            }),
            Statement::ExportDefaultDeclaration(export) => {
                let declaration = &export.declaration;
                let named = match declaration {
                    ExportDefaultDeclarationKind::FunctionDeclaration(function) => {
                        function.id.as_ref().map(|id| id.name.to_string())
                    }
                    ExportDefaultDeclarationKind::ClassDeclaration(class) => {
                        class.id.as_ref().map(|id| id.name.to_string())
                    }
                    _ => None,
                };
                let prefix_end = declaration.span().start;
                match named {
                    // Keep the declaration so its name stays bound (and hoisted).
                    Some(name) => {
                        edits.push(Edit {
                            start: export.span.start,
                            end: prefix_end,
                            text: String::new(),
                        });
                        edits.push(Edit {
                            start: export.span.end,
                            end: export.span.end,
                            text: format!(";module.exports = {name};"),
                        });
                    }
                    None => {
                        edits.push(Edit {
                            start: export.span.start,
                            end: prefix_end,
                            text: "module.exports = ".to_owned(),
                        });
                        edits.push(Edit {
                            start: export.span.end,
                            end: export.span.end,
                            text: ";".to_owned(),
                        });
                    }
                }
            }
            Statement::ExportNamedDeclaration(named) => {
                let default = named
                    .specifiers
                    .iter()
                    .find(|specifier| export_name(&specifier.exported) == "default");
                edits.push(Edit {
                    start: named.span.start,
                    end: named.span.end,
                    text: default
                        .map(|specifier| {
                            format!("module.exports = {};", export_name(&specifier.local))
                        })
                        .unwrap_or_default(),
                });
            }
            Statement::ExportFromDeclaration(from) => {
                let source = quote(from.source.value.as_str());
                let default = from
                    .specifiers
                    .iter()
                    .find(|specifier| export_name(&specifier.exported) == "default");
                let text = match default {
                    None => format!("require({source});"),
                    Some(specifier) => {
                        let module = temporary();
                        let local = export_name(&specifier.local);
                        let value = if local == "default" {
                            interop_default(&module)
                        } else {
                            format!("{module}[{}]", quote(local))
                        };
                        format!("const {module} = require({source}); module.exports = {value};")
                    }
                };
                edits.push(Edit {
                    start: from.span.start,
                    end: from.span.end,
                    text,
                });
            }
            Statement::ExportAllDeclaration(all) => edits.push(Edit {
                start: all.span.start,
                end: all.span.end,
                text: format!("require({});", quote(all.source.value.as_str())),
            }),
            _ => {}
        }
    }
    let mut finder = DynamicModuleSyntax { edits: Vec::new() };
    finder.visit_program(program);
    edits.extend(finder.edits);
    edits
}

/// `import.meta` and `import()` anywhere in the file.
struct DynamicModuleSyntax {
    edits: Vec<Edit>,
}

impl<'a> Visit<'a> for DynamicModuleSyntax {
    fn visit_import_meta(&mut self, it: &ImportMeta) {
        self.edits.push(Edit {
            start: it.span.start,
            end: it.span.end,
            text: "__switchyard_import_meta".to_owned(),
        });
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        self.edits.push(Edit {
            start: it.span.start,
            end: it.span.start + "import".len() as u32,
            text: "__switchyard_import".to_owned(),
        });
        walk::walk_import_expression(self, it);
    }
}

fn export_name<'a>(name: &'a ModuleExportName<'_>) -> &'a str {
    match name {
        ModuleExportName::IdentifierName(name) => name.name.as_str(),
        ModuleExportName::IdentifierReference(name) => name.name.as_str(),
        ModuleExportName::StringLiteral(literal) => literal.value.as_str(),
    }
}

/// What an ES module's default import of a CommonJS module is.
fn interop_default(module: &str) -> String {
    format!("({module} && {module}.__esModule ? {module}.default : {module})")
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Applies non-overlapping edits; each keeps the newlines of the text it replaces.
fn apply(source: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|edit| (edit.start, edit.end));
    let mut out = String::with_capacity(source.len() + 64);
    let mut cursor = 0usize;
    for edit in edits {
        let (start, end) = (edit.start as usize, edit.end as usize);
        if start < cursor || end > source.len() {
            continue;
        }
        out.push_str(&source[cursor..start]);
        out.push_str(&edit.text);
        let newlines = source[start..end].matches('\n').count();
        out.extend(std::iter::repeat_n('\n', newlines));
        cursor = end;
    }
    out.push_str(&source[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::prepare;

    fn body(source: &str, file: &str) -> String {
        let prepared = prepare(source, Path::new(file)).unwrap();
        let start = prepared.function_source.find('{').unwrap() + 1;
        prepared.function_source[start..].to_owned()
    }

    #[test]
    fn commonjs_is_wrapped_unchanged() {
        let prepared = prepare("module.exports = { a: 1 };", Path::new("next.config.js")).unwrap();
        assert!(!prepared.is_module);
        assert!(
            prepared
                .function_source
                .starts_with("(function (module, exports, require")
        );
        assert!(
            prepared
                .function_source
                .ends_with("{module.exports = { a: 1 };\n})")
        );
    }

    #[test]
    fn export_default_becomes_an_assignment() {
        let code = body(
            "const config = { a: 1 };\nexport default config;\n",
            "next.config.mjs",
        );
        assert!(
            code.starts_with(
                "\"use strict\";const config = { a: 1 };\nmodule.exports = config;;\n"
            ),
            "{code}"
        );
        let code = body(
            "export default function config(phase) { return {}; }",
            "next.config.mjs",
        );
        assert!(
            code.contains("function config(phase) { return {}; };module.exports = config;"),
            "{code}"
        );
        let code = body("export default async () => ({})", "next.config.mjs");
        assert!(
            code.contains("module.exports = async () => ({});"),
            "{code}"
        );
    }

    #[test]
    fn imports_become_requires_and_keep_lines() {
        let code = body(
            "import a, { b as c, d } from 'pkg';\nimport * as ns from \"./ns\";\nimport {\n  e\n} from 'x';\nimport 'side';\nexport const f = 1;\nexport { f as default };\n",
            "next.config.mjs",
        );
        let expected = [
            "\"use strict\";const __switchyard_m1 = require(\"pkg\"), a = (__switchyard_m1 && __switchyard_m1.__esModule ? __switchyard_m1.default : __switchyard_m1), c = __switchyard_m1[\"b\"], d = __switchyard_m1[\"d\"];",
            "const __switchyard_m2 = require(\"./ns\"), ns = __switchyard_m2;",
            "const __switchyard_m3 = require(\"x\"), e = __switchyard_m3[\"e\"];",
            "",
            "",
            "require(\"side\");",
            "const f = 1;",
            "module.exports = f;",
            "",
            "})",
        ];
        assert_eq!(code.split('\n').collect::<Vec<_>>(), expected);
    }

    #[test]
    fn re_exports_and_dynamic_syntax_are_rewritten() {
        let code = body("export { default } from './base.mjs';", "next.config.mjs");
        assert!(
            code.contains(
                "const __switchyard_m1 = require(\"./base.mjs\"); module.exports = (__switchyard_m1"
            ),
            "{code}"
        );
        let code = body(
            "export * from './x';\nexport default { url: import.meta.url, m: await import('./m') };",
            "next.config.mjs",
        );
        assert!(code.contains("require(\"./x\");"), "{code}");
        assert!(code.contains("url: __switchyard_import_meta.url"), "{code}");
        assert!(code.contains("await __switchyard_import('./m')"), "{code}");
    }

    #[test]
    fn modules_run_async_so_top_level_await_works() {
        let prepared = prepare(
            "const x = await 1;\nexport default { x };",
            Path::new("next.config.mjs"),
        )
        .unwrap();
        assert!(prepared.is_module);
        assert!(prepared.function_source.starts_with("(async function"));
    }

    #[test]
    fn syntax_errors_point_at_the_original_file() {
        let error = prepare(
            "module.exports = {\n  a: 1,,\n};",
            Path::new("next.config.js"),
        )
        .unwrap_err();
        assert_eq!(error.line, 2);
        let error = prepare(
            "const x: number = ;\nexport default {};",
            Path::new("next.config.ts"),
        )
        .unwrap_err();
        assert_eq!((error.line, error.column), (1, 19));
    }

    #[test]
    fn typescript_is_stripped_and_lines_map_back() {
        let source = "import type { NextConfig } from 'next';\n\ninterface Extra { a: number }\nconst config: NextConfig = {\n  basePath: '/docs' as string,\n};\n\nexport default config;\n";
        let prepared = prepare(source, Path::new("next.config.ts")).unwrap();
        assert!(prepared.is_module);
        assert!(
            !prepared.function_source.contains("interface"),
            "{}",
            prepared.function_source
        );
        assert!(
            !prepared.function_source.contains("NextConfig"),
            "{}",
            prepared.function_source
        );
        let line_of = |needle: &str| {
            prepared
                .function_source
                .lines()
                .position(|line| line.contains(needle))
                .unwrap() as u32
                + 1
        };
        // Codegen reflows the code; the source map takes each line back to where it was.
        assert_eq!(prepared.original_position(line_of("const config"), 3).0, 4);
        assert_eq!(
            prepared
                .original_position(line_of("module.exports = config"), 1)
                .0,
            8
        );
    }

    #[test]
    fn the_header_is_taken_off_line_one_columns() {
        let prepared = prepare("throw new Error('x');", Path::new("next.config.js")).unwrap();
        let header = prepared.function_source.find("throw").unwrap() as u32;
        assert_eq!(prepared.original_position(1, header + 1), (1, Some(1)));
        assert_eq!(prepared.original_position(3, 7), (3, Some(7)));
    }
}
