//! Where a module imports what: the static imports, re-exports, dynamic imports and
//! `require` calls of one parsed module, with their lines.

use oxc::ast::ast::{
    CallExpression, ExportAllDeclaration, ExportFromDeclaration, Expression, ImportDeclaration,
    ImportExpression, Program, TryStatement,
};
use oxc::ast_visit::{Visit, walk};
use oxc::span::Span;

use crate::diagnostics::location::LineIndex;

/// One import of a module by a literal specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportSite {
    /// The specifier as written: `fs`, `node:fs`, `./lib`.
    pub specifier: String,
    /// 1-based line of the import.
    pub line: u32,
    /// 1-based UTF-16 column of the import.
    pub column: u32,
    /// Whether the import is inside a `try` block, where a missing module is expected to be
    /// caught (an optional dependency).
    pub in_try: bool,
}

/// The imports in `program` (parsed from `source`), in source order.
pub(crate) fn import_sites(program: &Program<'_>, source: &str) -> Vec<ImportSite> {
    let mut collector = Collector {
        found: Vec::new(),
        try_depth: 0,
    };
    collector.visit_program(program);
    let lines = LineIndex::new(source);
    collector
        .found
        .into_iter()
        .map(|(specifier, span, in_try)| {
            let (line, column) = lines.line_column(span.start as usize);
            ImportSite {
                specifier,
                line,
                column,
                in_try,
            }
        })
        .collect()
}

struct Collector {
    found: Vec<(String, Span, bool)>,
    try_depth: usize,
}

impl Collector {
    fn add(&mut self, specifier: &str, span: Span) {
        self.found
            .push((specifier.to_string(), span, self.try_depth > 0));
    }
}

impl<'a> Visit<'a> for Collector {
    fn visit_try_statement(&mut self, it: &TryStatement<'a>) {
        self.try_depth += 1;
        self.visit_block_statement(&it.block);
        self.try_depth -= 1;
        if let Some(handler) = &it.handler {
            self.visit_catch_clause(handler);
        }
        if let Some(finalizer) = &it.finalizer {
            self.visit_block_statement(finalizer);
        }
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        self.add(&it.source.value, it.span);
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        self.add(&it.source.value, it.span);
    }

    fn visit_export_all_declaration(&mut self, it: &ExportAllDeclaration<'a>) {
        self.add(&it.source.value, it.span);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        if let Expression::StringLiteral(literal) = &it.source {
            self.add(&literal.value, it.span);
        }
        walk::walk_import_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        if let Some(literal) = it.common_js_require() {
            self.add(&literal.value, it.span);
        }
        walk::walk_call_expression(self, it);
    }
}

#[cfg(test)]
mod tests {
    use oxc::allocator::Allocator;
    use oxc::parser::Parser;
    use oxc::span::SourceType;

    use super::*;

    #[test]
    fn finds_every_kind_of_import() {
        let source = "import fs from 'fs';\nexport { x } from 'node:path';\n\
                      async function f() {\n  await import('crypto');\n  require('os');\n  \
                      try { require('optional'); } catch { require('./fallback'); }\n}\n\
                      export * from 'stream';\n";
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, source, SourceType::mjs()).parse();
        let sites = import_sites(&parsed.program, source);
        let found: Vec<(&str, u32, bool)> = sites
            .iter()
            .map(|site| (site.specifier.as_str(), site.line, site.in_try))
            .collect();
        assert_eq!(
            found,
            [
                ("fs", 1, false),
                ("node:path", 2, false),
                ("crypto", 4, false),
                ("os", 5, false),
                ("optional", 6, true),
                ("./fallback", 6, false),
                ("stream", 8, false),
            ]
        );
        assert_eq!(sites[2].column, 9);
    }
}
