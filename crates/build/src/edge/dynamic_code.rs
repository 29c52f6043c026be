//! Dynamic code evaluation (`eval`, `Function`, `WebAssembly.compile`) in Edge bundles.
//!
//! The check runs on the bundled output, so code that tree-shaking removed is never
//! reported; each use found is mapped back to its source file through the source map.

use std::path::Path;

use oxc::allocator::{Allocator, ArenaVec, ReplaceWith};
use oxc::ast::AstKind;
use oxc::ast::ast::{
    CallExpression, Declaration, ExportDefaultDeclarationKind, Expression, Program, Statement,
};
use oxc::ast::builder::AstBuilder;
use oxc::ast_visit::{VisitMut, walk_mut};
use oxc::parser::Parser;
use oxc::semantic::{AstNodes, NodeId, SemanticBuilder};
use oxc::span::{GetSpan, SourceType, Span};

/// Packages whose dynamic code Next.js knows never runs (`known-edge-safe-packages.json`),
/// plus `regenerator-runtime/runtime.js`, which Next.js exempts by name.
const EXEMPT_PATHS: &[&str] = &[
    "/node_modules/function-bind/",
    "/node_modules/regenerator-runtime/runtime.js",
];

/// Whether dynamic code in `file` is exempt from the build error, as in Next.js.
pub(crate) fn is_exempt(file: &Path) -> bool {
    let file = file.to_string_lossy().replace('\\', "/");
    EXEMPT_PATHS.iter().any(|exempt| file.contains(exempt))
}

/// The build error for dynamic code used by `used_by` exports, in Next.js's wording.
///
/// The space after "Runtime" is Next.js's too.
pub(crate) fn dynamic_code_error(used_by: &[String]) -> String {
    let used_by = if used_by.is_empty() {
        String::new()
    } else {
        format!("\nUsed by {}", used_by.join(", "))
    };
    format!(
        "Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not \
         allowed in Edge Runtime {used_by}\nLearn More: \
         https://nextjs.org/docs/messages/edge-dynamic-code-evaluation"
    )
}

/// Rewrites direct `eval(x)` calls to indirect `(0, eval)(x)`.
///
/// A direct `eval` makes the bundler keep every declaration of its module (the string could
/// name any of them), so an unused export calling `eval` would survive tree-shaking and fail
/// the build. Eval cannot run on Edge at all, so its scope does not matter. The new node keeps
/// the identifier's span, so source-map positions stay exact.
pub(crate) fn rewrite_direct_eval<'a>(program: &mut Program<'a>, allocator: &'a Allocator) {
    let mut rewriter = DirectEvalRewriter {
        builder: AstBuilder::new(allocator),
    };
    rewriter.visit_program(program);
}

struct DirectEvalRewriter<'a> {
    builder: AstBuilder<'a>,
}

impl<'a> VisitMut<'a> for DirectEvalRewriter<'a> {
    fn visit_call_expression(&mut self, it: &mut CallExpression<'a>) {
        if !it.optional && matches!(&it.callee, Expression::Identifier(id) if id.name == "eval") {
            let builder = &self.builder;
            it.callee.replace_with(|eval| {
                let span = eval.span();
                let zero = Expression::new_number_0(builder);
                let expressions = ArenaVec::from_array_in([zero, eval], builder);
                Expression::new_sequence_expression(span, expressions, builder)
            });
        }
        walk_mut::walk_call_expression(self, it);
    }
}

/// Byte offsets in `code` (a bundled classic script) of each call of the global `eval` or
/// `Function`, `new Function`, and `WebAssembly.compile`.
///
/// Globals are told from shadowing locals by semantic analysis: only references that
/// resolve to no binding count.
pub(crate) fn find_dynamic_code(code: &str) -> Vec<usize> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, code, SourceType::cjs()).parse();
    if parsed.panicked {
        return Vec::new();
    }
    // The node store gives each reference its parents, to see how it is used.
    let semantic = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&parsed.program)
        .semantic;
    let scoping = semantic.scoping();
    let nodes = semantic.nodes();
    let mut found = Vec::new();
    for (name, references) in scoping.root_unresolved_references() {
        let name = name.as_str();
        if !matches!(name, "eval" | "Function" | "WebAssembly") {
            continue;
        }
        for &reference in references {
            let node = scoping.get_reference(reference).node_id();
            let span = nodes.kind(node).span();
            let callee = if name == "WebAssembly" {
                wasm_compile_member(nodes, node)
            } else {
                Some(node)
            };
            if callee.is_some_and(|callee| is_called(nodes, callee)) {
                found.push(span.start as usize);
            }
        }
    }
    found.sort_unstable();
    found
}

/// The `WebAssembly.compile` member expression around the `WebAssembly` reference `node`.
fn wasm_compile_member(nodes: &AstNodes<'_>, node: NodeId) -> Option<NodeId> {
    let parent = nodes.parent_id(node);
    match nodes.kind(parent) {
        AstKind::StaticMemberExpression(member) if member.property.name == "compile" => {
            Some(parent)
        }
        _ => None,
    }
}

/// Whether `node` is what a call or `new` invokes, looking through parentheses and the
/// `(0, f)` sequence form.
fn is_called(nodes: &AstNodes<'_>, node: NodeId) -> bool {
    let mut child = node;
    loop {
        let child_span = nodes.kind(child).span();
        let parent = nodes.parent_id(child);
        if parent == child {
            return false;
        }
        match nodes.kind(parent) {
            AstKind::ParenthesizedExpression(_) => {}
            AstKind::SequenceExpression(sequence)
                if sequence.expressions.last().map(GetSpan::span) == Some(child_span) => {}
            AstKind::CallExpression(call) => return call.callee.span() == child_span,
            AstKind::NewExpression(new) => return new.callee.span() == child_span,
            _ => return false,
        }
        child = parent;
    }
}

/// The exports of the module `source` (at `path`) whose top-level declaration contains byte
/// `offset`: Next.js's "Used by" list. Empty when the use is not inside an exported
/// declaration or the source does not parse.
pub(crate) fn exports_using(path: &Path, source: &str, offset: usize) -> Vec<String> {
    let allocator = Allocator::default();
    let source_type = SourceType::from_path(path).unwrap_or_else(|_| SourceType::mjs());
    // Next.js allows JSX in `.js` files.
    let source_type = if source_type.is_typescript() {
        source_type
    } else {
        source_type.with_jsx(true)
    };
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if parsed.panicked {
        return Vec::new();
    }
    let body = &parsed.program.body;
    let Some(statement) = body
        .iter()
        .find(|statement| contains(statement.span(), offset))
    else {
        return Vec::new();
    };
    let locals = match statement {
        Statement::ExportDeclaration(export) => return declared_names(&export.declaration),
        Statement::ExportDefaultDeclaration(_) => return vec!["default".to_string()],
        Statement::ExpressionStatement(statement) => {
            return commonjs_export_name(&statement.expression)
                .into_iter()
                .collect();
        }
        Statement::FunctionDeclaration(function) => {
            function.id.iter().map(|id| id.name.to_string()).collect()
        }
        Statement::ClassDeclaration(class) => {
            class.id.iter().map(|id| id.name.to_string()).collect()
        }
        Statement::VariableDeclaration(declaration) => declaration
            .declarations
            .iter()
            .flat_map(|declarator| declarator.id.get_binding_identifiers())
            .map(|id| id.name.to_string())
            .collect(),
        _ => Vec::new(),
    };
    exported_names_of(body, &locals)
}

fn contains(span: Span, offset: usize) -> bool {
    (span.start as usize) <= offset && offset < span.end as usize
}

fn declared_names(declaration: &Declaration<'_>) -> Vec<String> {
    match declaration {
        Declaration::VariableDeclaration(declaration) => declaration
            .declarations
            .iter()
            .flat_map(|declarator| declarator.id.get_binding_identifiers())
            .map(|id| id.name.to_string())
            .collect(),
        other => other
            .id()
            .map(|id| id.name.to_string())
            .into_iter()
            .collect(),
    }
}

/// The export names `export { local as name }` and `export default local` give `locals`.
fn exported_names_of(body: &[Statement<'_>], locals: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    for statement in body {
        match statement {
            Statement::ExportNamedDeclaration(export) => {
                for specifier in &export.specifiers {
                    if locals
                        .iter()
                        .any(|local| *local == specifier.local.name().as_str())
                    {
                        names.push(specifier.exported.name().to_string());
                    }
                }
            }
            Statement::ExportDefaultDeclaration(export) => {
                if let ExportDefaultDeclarationKind::Identifier(id) = &export.declaration
                    && locals.iter().any(|local| *local == id.name.as_str())
                {
                    names.push("default".to_string());
                }
            }
            _ => {}
        }
    }
    names
}

/// `x` for `exports.x = ...` or `module.exports.x = ...`.
fn commonjs_export_name(expression: &Expression<'_>) -> Option<String> {
    let Expression::AssignmentExpression(assignment) = expression else {
        return None;
    };
    let member = assignment.left.as_member_expression()?;
    let name = member.static_property_name()?;
    let object = member.object();
    let is_exports = object.is_specific_id("exports")
        || object.as_member_expression().is_some_and(|inner| {
            inner.object().is_specific_id("module")
                && inner.static_property_name() == Some("exports")
        });
    is_exports.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(code: &str) -> Vec<&str> {
        find_dynamic_code(code)
            .into_iter()
            .map(|at| &code[at..at + 4])
            .collect()
    }

    #[test]
    fn finds_global_dynamic_code_calls() {
        assert_eq!(names("eval('1')"), ["eval"]);
        assert_eq!(names("(0, eval)('1')"), ["eval"]);
        assert_eq!(names("new Function('return 1')"), ["Func"]);
        assert_eq!(names("Function('return 1')()"), ["Func"]);
        assert_eq!(names("WebAssembly.compile(bytes)"), ["WebA"]);
    }

    #[test]
    fn ignores_shadowed_and_harmless_uses() {
        assert!(names("function f(eval) { return eval('1') }").is_empty());
        assert!(names("var Function = 1; Function('x')").is_empty());
        assert!(names("x instanceof Function; Function.prototype.call").is_empty());
        assert!(names("WebAssembly.instantiate(module)").is_empty());
        assert!(names("f(eval)").is_empty());
    }

    #[test]
    fn message_matches_nextjs() {
        assert_eq!(
            dynamic_code_error(&["default".to_string()]),
            "Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not \
             allowed in Edge Runtime \nUsed by default\nLearn More: \
             https://nextjs.org/docs/messages/edge-dynamic-code-evaluation"
        );
        assert!(!dynamic_code_error(&[]).contains("Used by"));
    }

    #[test]
    fn names_the_exports_around_a_use() {
        let source = "export function a() { return eval('1') }\n\
                      function b() { return eval('2') }\n\
                      export { b as bee };\n\
                      export default function () { eval('3') }\n\
                      eval('4');\n";
        let at = |n: &str| source.find(&format!("eval('{n}')")).unwrap();
        let path = Path::new("lib.js");
        assert_eq!(exports_using(path, source, at("1")), ["a"]);
        assert_eq!(exports_using(path, source, at("2")), ["bee"]);
        assert_eq!(exports_using(path, source, at("3")), ["default"]);
        assert!(exports_using(path, source, at("4")).is_empty());
        let cjs = "exports.run = function () { return eval('x') }";
        assert_eq!(exports_using(path, cjs, cjs.find("eval").unwrap()), ["run"]);
    }

    #[test]
    fn exempts_known_safe_packages() {
        assert!(is_exempt(Path::new(
            "/app/node_modules/function-bind/implementation.js"
        )));
        assert!(!is_exempt(Path::new("/app/pages/api/route.js")));
    }
}
