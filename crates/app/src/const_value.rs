//! Literal values of `export const` declarations, read from the AST as Next.js reads them.
//!
//! Accepted: strings, template literals without `${}`, numbers, booleans, `null`, `undefined`,
//! regular expressions, functions (as opaque placeholders), arrays and objects of these, and
//! the TypeScript wrappers `satisfies T` and `as const`. Anything else is reported with the
//! reason and path Next.js's `extract-const-value` gives, and the span of the offending node.

use oxc::ast::ast::{
    ArrayExpressionElement, Expression, ObjectExpression, ObjectPropertyKind, PropertyKey,
    PropertyKind, TSType, TSTypeName,
};
use oxc::span::{GetSpan, Span};
use serde_json::{Map, Value as Json};

/// A literal value read from source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConstValue {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// `/pattern/flags`, as written.
    Regex(String),
    /// A function or arrow function; its body is never read.
    Function,
    /// Items in order, each with its span.
    Array(Vec<(Span, ConstValue)>),
    /// Properties in source order, each with the span of its value.
    Object(Vec<(String, Span, ConstValue)>),
}

impl ConstValue {
    /// The property `key` of an object value, with its value's span.
    pub(crate) fn property(&self, key: &str) -> Option<(Span, &ConstValue)> {
        let ConstValue::Object(properties) = self else {
            return None;
        };
        // Later duplicates win, as in an object literal.
        properties
            .iter()
            .rev()
            .find(|(name, _, _)| name == key)
            .map(|(_, span, value)| (*span, value))
    }

    /// The value as `JSON.stringify` would write it; `None` where it would be left out.
    pub(crate) fn to_json(&self) -> Option<Json> {
        Some(match self {
            ConstValue::Undefined | ConstValue::Function => return None,
            ConstValue::Null => Json::Null,
            ConstValue::Bool(value) => Json::Bool(*value),
            ConstValue::Number(value) => number_json(*value),
            ConstValue::String(value) | ConstValue::Regex(value) => Json::String(value.clone()),
            ConstValue::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|(_, item)| item.to_json().unwrap_or(Json::Null))
                    .collect(),
            ),
            ConstValue::Object(properties) => {
                let mut map = Map::new();
                for (key, _, value) in properties {
                    match value.to_json() {
                        Some(json) => map.insert(key.clone(), json),
                        None => map.remove(key),
                    };
                }
                Json::Object(map)
            }
        })
    }
}

/// A number as JSON: integers without a fraction, as JavaScript prints them; NaN and
/// infinities as `null`, as `JSON.stringify` writes them.
fn number_json(value: f64) -> Json {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if value.fract() == 0.0 && value.abs() <= SAFE {
        // The guard keeps the value integral and within i64, so the cast is exact.
        return Json::from(value as i64);
    }
    serde_json::Number::from_f64(value)
        .map(Json::Number)
        .unwrap_or(Json::Null)
}

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported {
    /// Next.js's reason: `Unknown identifier "x"`, `Unsupported node type "CallExpression"`, …
    pub reason: String,
    /// Where in the value: `config.runtime`, `config.items[0]`.
    pub path: String,
    /// The offending node.
    pub span: Span,
}

/// Reads `expression`, the value of the export named `name`.
pub(crate) fn extract(expression: &Expression<'_>, name: &str) -> Result<ConstValue, Unsupported> {
    extract_at(expression, name)
}

fn extract_at(expression: &Expression<'_>, path: &str) -> Result<ConstValue, Unsupported> {
    let unsupported = |reason: String, span: Span| Unsupported {
        reason,
        path: path.to_owned(),
        span,
    };
    match expression {
        Expression::NullLiteral(_) => Ok(ConstValue::Null),
        Expression::BooleanLiteral(literal) => Ok(ConstValue::Bool(literal.value)),
        Expression::StringLiteral(literal) => Ok(ConstValue::String(literal.value.to_string())),
        Expression::NumericLiteral(literal) => Ok(ConstValue::Number(literal.value)),
        Expression::RegExpLiteral(literal) => Ok(ConstValue::Regex(format!(
            "/{}/{}",
            literal.regex.pattern.text, literal.regex.flags
        ))),
        Expression::Identifier(identifier) => {
            if identifier.name == "undefined" {
                Ok(ConstValue::Undefined)
            } else {
                Err(unsupported(
                    format!("Unknown identifier \"{}\"", identifier.name),
                    identifier.span,
                ))
            }
        }
        Expression::TemplateLiteral(template) => {
            if !template.expressions.is_empty() {
                return Err(unsupported(
                    "Unsupported template literal with expressions".into(),
                    template.span,
                ));
            }
            let text = template
                .quasis
                .first()
                .map(|quasi| quasi.value.cooked.unwrap_or(quasi.value.raw).to_string())
                .unwrap_or_default();
            Ok(ConstValue::String(text))
        }
        Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => {
            Ok(ConstValue::Function)
        }
        Expression::ArrayExpression(array) => {
            let mut items = Vec::with_capacity(array.elements.len());
            for (index, element) in array.elements.iter().enumerate() {
                match element {
                    ArrayExpressionElement::SpreadElement(spread) => {
                        return Err(unsupported(
                            "Unsupported spread operator in the Array Expression".into(),
                            spread.span,
                        ));
                    }
                    ArrayExpressionElement::Elision(elision) => {
                        items.push((elision.span, ConstValue::Undefined));
                    }
                    other => {
                        let Some(item) = other.as_expression() else {
                            continue;
                        };
                        items.push((item.span(), extract_at(item, &format!("{path}[{index}]"))?));
                    }
                }
            }
            Ok(ConstValue::Array(items))
        }
        Expression::ObjectExpression(object) => {
            let mut properties = Vec::with_capacity(object.properties.len());
            for (key, value) in object_properties(object, path)? {
                let read = extract_at(value, &format!("{path}.{key}"))?;
                properties.push((key, value.span(), read));
            }
            Ok(ConstValue::Object(properties))
        }
        Expression::TSSatisfiesExpression(satisfies) => extract_at(&satisfies.expression, path),
        Expression::TSAsExpression(cast) if is_const_type(&cast.type_annotation) => {
            extract_at(&cast.expression, path)
        }
        // Parentheses do not change a literal; SWC drops them before Next.js sees the value.
        Expression::ParenthesizedExpression(parenthesized) => {
            extract_at(&parenthesized.expression, path)
        }
        other => Err(unsupported(
            format!("Unsupported node type \"{}\"", swc_node_type(other)),
            other.span(),
        )),
    }
}

/// The properties of an object literal, read one by one so that one unreadable value does not
/// hide the others: each key with its value's span and what could be read of it.
pub(crate) type Properties = Vec<(String, Span, Result<ConstValue, Unsupported>)>;

/// Reads the object literal `expression`, the value of the export named `name`, property by
/// property; see [`Properties`].
///
/// `Err` when the object has a spread or an odd key, or when `expression` is not an object
/// literal and cannot be read at all; a readable value that is not an object has no
/// properties.
pub(crate) fn extract_properties(
    expression: &Expression<'_>,
    name: &str,
) -> Result<Properties, Unsupported> {
    match expression {
        Expression::ObjectExpression(object) => Ok(object_properties(object, name)?
            .into_iter()
            .map(|(key, value)| {
                let read = extract_at(value, &format!("{name}.{key}"));
                (key, value.span(), read)
            })
            .collect()),
        Expression::TSSatisfiesExpression(satisfies) => {
            extract_properties(&satisfies.expression, name)
        }
        Expression::TSAsExpression(cast) if is_const_type(&cast.type_annotation) => {
            extract_properties(&cast.expression, name)
        }
        Expression::ParenthesizedExpression(parenthesized) => {
            extract_properties(&parenthesized.expression, name)
        }
        // A literal that is not an object has no properties.
        other => extract_at(other, name).map(|_| Vec::new()),
    }
}

/// The keys and values of an object literal at `path`, checking the keys as Next.js does.
fn object_properties<'o, 'a>(
    object: &'o ObjectExpression<'a>,
    path: &str,
) -> Result<Vec<(String, &'o Expression<'a>)>, Unsupported> {
    let unsupported = |reason: String, span: Span| Unsupported {
        reason,
        path: path.to_owned(),
        span,
    };
    let mut properties = Vec::with_capacity(object.properties.len());
    for property in &object.properties {
        let property = match property {
            ObjectPropertyKind::SpreadProperty(spread) => {
                return Err(unsupported(
                    "Unsupported spread operator in the Object Expression".into(),
                    spread.span,
                ));
            }
            ObjectPropertyKind::ObjectProperty(property) => property,
        };
        // Next.js reads only `key: value` pairs and names everything else a spread.
        // Shorthand `{ runtime }` is read as `{ runtime: runtime }` so the message names
        // the identifier that needs a literal.
        if property.method || property.kind != PropertyKind::Init {
            return Err(unsupported(
                "Unsupported spread operator in the Object Expression".into(),
                property.span,
            ));
        }
        let key = match &property.key {
            _ if property.computed => {
                return Err(unsupported(
                    "Unsupported key type \"Computed\" in the Object Expression".into(),
                    property.key.span(),
                ));
            }
            PropertyKey::StaticIdentifier(identifier) => identifier.name.to_string(),
            PropertyKey::StringLiteral(literal) => literal.value.to_string(),
            other => {
                return Err(unsupported(
                    format!(
                        "Unsupported key type \"{}\" in the Object Expression",
                        key_type(other)
                    ),
                    other.span(),
                ));
            }
        };
        properties.push((key, &property.value));
    }
    Ok(properties)
}

fn is_const_type(annotation: &TSType<'_>) -> bool {
    matches!(
        annotation,
        TSType::TSTypeReference(reference)
            if matches!(&reference.type_name, TSTypeName::IdentifierReference(name) if name.name == "const")
    )
}

/// The name SWC (and so Next.js's message) gives a property key's node.
fn key_type(key: &PropertyKey<'_>) -> &'static str {
    match key {
        PropertyKey::NumericLiteral(_) => "NumericLiteral",
        PropertyKey::BigIntLiteral(_) => "BigIntLiteral",
        PropertyKey::PrivateIdentifier(_) => "PrivateName",
        _ => "Computed",
    }
}

/// The name SWC gives an expression's node, which is what Next.js's messages quote.
fn swc_node_type(expression: &Expression<'_>) -> &'static str {
    match expression {
        Expression::BigIntLiteral(_) => "BigIntLiteral",
        Expression::Super(_) => "Super",
        Expression::AssignmentExpression(_) => "AssignmentExpression",
        Expression::AwaitExpression(_) => "AwaitExpression",
        Expression::BinaryExpression(_)
        | Expression::LogicalExpression(_)
        | Expression::PrivateInExpression(_) => "BinaryExpression",
        Expression::CallExpression(_)
        | Expression::ImportExpression(_)
        | Expression::V8IntrinsicExpression(_) => "CallExpression",
        Expression::ChainExpression(_) => "OptionalChainingExpression",
        Expression::ClassExpression(_) => "ClassExpression",
        Expression::ConditionalExpression(_) => "ConditionalExpression",
        Expression::NewExpression(_) => "NewExpression",
        Expression::SequenceExpression(_) => "SequenceExpression",
        Expression::TaggedTemplateExpression(_) => "TaggedTemplateExpression",
        Expression::ThisExpression(_) => "ThisExpression",
        Expression::UnaryExpression(_) => "UnaryExpression",
        Expression::UpdateExpression(_) => "UpdateExpression",
        Expression::YieldExpression(_) => "YieldExpression",
        Expression::ImportMeta(_) | Expression::NewTarget(_) => "MetaProperty",
        Expression::JSXElement(_) => "JSXElement",
        Expression::JSXFragment(_) => "JSXFragment",
        Expression::TSAsExpression(_) => "TsAsExpression",
        Expression::TSTypeAssertion(_) => "TsTypeAssertion",
        Expression::TSNonNullExpression(_) => "TsNonNullExpression",
        Expression::TSInstantiationExpression(_) => "TsInstantiation",
        Expression::ParenthesizedExpression(_) => "ParenExpression",
        other if other.is_member_expression() => "MemberExpression",
        _ => "Expression",
    }
}

#[cfg(test)]
mod tests {
    use oxc::allocator::Allocator;
    use oxc::ast::ast::{Declaration, Statement};
    use oxc::parser::Parser;
    use oxc::span::SourceType;
    use serde_json::json;

    use super::{ConstValue, Unsupported, extract};

    /// Extracts the value of `export const x = <source>` from a TypeScript module.
    fn read(source: &str) -> Result<ConstValue, (String, String, String)> {
        let text = format!("export const x = {source};");
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, &text, SourceType::ts()).parse();
        assert!(
            parsed.diagnostics.is_empty(),
            "{source}: {:?}",
            parsed.diagnostics
        );
        let Some(Statement::ExportDeclaration(export)) = parsed.program.body.first() else {
            panic!("no export in {text}");
        };
        let Declaration::VariableDeclaration(declaration) = &export.declaration else {
            panic!("not a variable");
        };
        let init = declaration.declarations[0].init.as_ref().unwrap();
        extract(init, "x").map_err(|Unsupported { reason, path, span }| {
            (
                reason,
                path,
                text[span.start as usize..span.end as usize].to_owned(),
            )
        })
    }

    fn json_of(source: &str) -> serde_json::Value {
        read(source).unwrap().to_json().unwrap()
    }

    #[test]
    fn reads_literals() {
        assert_eq!(read("'edge'").unwrap(), ConstValue::String("edge".into()));
        assert_eq!(
            read("\"a\\nb\"").unwrap(),
            ConstValue::String("a\nb".into())
        );
        assert_eq!(read("`edge`").unwrap(), ConstValue::String("edge".into()));
        assert_eq!(read("`a\\tb`").unwrap(), ConstValue::String("a\tb".into()));
        assert_eq!(read("42").unwrap(), ConstValue::Number(42.0));
        assert_eq!(read("0x10").unwrap(), ConstValue::Number(16.0));
        assert_eq!(read("true").unwrap(), ConstValue::Bool(true));
        assert_eq!(read("null").unwrap(), ConstValue::Null);
        assert_eq!(read("undefined").unwrap(), ConstValue::Undefined);
        assert_eq!(
            read("/a+b/gi").unwrap(),
            ConstValue::Regex("/a+b/gi".into())
        );
        assert_eq!(read("() => 1").unwrap(), ConstValue::Function);
        assert_eq!(read("function () {}").unwrap(), ConstValue::Function);
    }

    #[test]
    fn reads_nested_arrays_and_objects_as_json() {
        assert_eq!(
            json_of(
                "{ runtime: 'edge', 'max-duration': 5, api: { bodyParser: false }, list: [1, , 'x', undefined], gone: undefined }"
            ),
            json!({
                "runtime": "edge",
                "max-duration": 5,
                "api": { "bodyParser": false },
                "list": [1, null, "x", null]
            })
        );
    }

    #[test]
    fn unwraps_satisfies_as_const_and_parentheses() {
        assert_eq!(
            json_of("{ runtime: 'edge' } satisfies Config"),
            json!({ "runtime": "edge" })
        );
        assert_eq!(
            json_of("{ runtime: 'edge' } as const"),
            json!({ "runtime": "edge" })
        );
        assert_eq!(
            json_of("({ runtime: ('edge') })"),
            json!({ "runtime": "edge" })
        );
        assert_eq!(
            read("{ runtime: 'edge' } as Config").unwrap_err().0,
            "Unsupported node type \"TsAsExpression\""
        );
    }

    #[test]
    fn names_the_reason_path_and_node_of_unsupported_values() {
        assert_eq!(
            read("{ runtime }").unwrap_err(),
            (
                "Unknown identifier \"runtime\"".into(),
                "x.runtime".into(),
                "runtime".into()
            )
        );
        assert_eq!(
            read("{ a: { b: [1, edge] } }").unwrap_err(),
            (
                "Unknown identifier \"edge\"".into(),
                "x.a.b[1]".into(),
                "edge".into()
            )
        );
        assert_eq!(
            read("{ runtime: `e${d}ge` }").unwrap_err(),
            (
                "Unsupported template literal with expressions".into(),
                "x.runtime".into(),
                "`e${d}ge`".into()
            )
        );
        assert_eq!(
            read("{ ...base }").unwrap_err(),
            (
                "Unsupported spread operator in the Object Expression".into(),
                "x".into(),
                "...base".into()
            )
        );
        assert_eq!(
            read("[...items]").unwrap_err().0,
            "Unsupported spread operator in the Array Expression"
        );
        assert_eq!(
            read("{ runtime: pick('edge') }").unwrap_err(),
            (
                "Unsupported node type \"CallExpression\"".into(),
                "x.runtime".into(),
                "pick('edge')".into()
            )
        );
    }

    #[test]
    fn other_node_types_use_swc_names() {
        let reason = |source: &str| read(source).unwrap_err().0;
        assert_eq!(reason("a.b"), "Unsupported node type \"MemberExpression\"");
        assert_eq!(reason("-1"), "Unsupported node type \"UnaryExpression\"");
        assert_eq!(
            reason("1 + 1"),
            "Unsupported node type \"BinaryExpression\""
        );
        assert_eq!(
            reason("a ?? 'edge'"),
            "Unsupported node type \"BinaryExpression\""
        );
        assert_eq!(
            reason("a ? 'x' : 'y'"),
            "Unsupported node type \"ConditionalExpression\""
        );
        assert_eq!(
            reason("new Thing()"),
            "Unsupported node type \"NewExpression\""
        );
        assert_eq!(
            reason("a?.b"),
            "Unsupported node type \"OptionalChainingExpression\""
        );
        assert_eq!(reason("10n"), "Unsupported node type \"BigIntLiteral\"");
        assert_eq!(
            reason("x!"),
            "Unsupported node type \"TsNonNullExpression\""
        );
    }

    #[test]
    fn odd_keys_and_methods_are_rejected_like_next() {
        assert_eq!(
            read("{ 1: 'a' }").unwrap_err().0,
            "Unsupported key type \"NumericLiteral\" in the Object Expression"
        );
        assert_eq!(
            read("{ ['a']: 1 }").unwrap_err().0,
            "Unsupported key type \"Computed\" in the Object Expression"
        );
        assert_eq!(
            read("{ run() {} }").unwrap_err().0,
            "Unsupported spread operator in the Object Expression"
        );
        assert_eq!(
            read("{ get a() { return 1 } }").unwrap_err().0,
            "Unsupported spread operator in the Object Expression"
        );
    }

    #[test]
    fn properties_are_found_by_key_with_their_span() {
        let value = read("{ runtime: 'a', runtime: 'b' }").unwrap();
        let (_, found) = value.property("runtime").unwrap();
        assert_eq!(found, &ConstValue::String("b".into()));
        assert!(value.property("missing").is_none());
    }
}
