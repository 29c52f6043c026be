//! Running Edge bundles in tests: a JavaScriptCore context with the Edge runtime's Web APIs.

use switchyard_edge::web::{Internals, WebOptions, install};
use switchyard_jsc::{Context, JsError, Value, Vm};

/// A context with the Edge runtime's Web APIs, which bundles may use as they load (the
/// built-in `next/server` extends `Request` and `Response`).
pub(crate) fn edge_context() -> (Context, Internals) {
    let context = Context::new(&Vm::new());
    let internals = install(&context, &WebOptions::default()).expect("the Web APIs install");
    (context, internals)
}

/// Evaluates `bundle` as a classic script, then `expression`, and returns its value as JSON.
pub(crate) fn evaluate(bundle: &str, expression: &str) -> Result<String, JsError> {
    let (context, _internals) = edge_context();
    context.eval(bundle, "bundle.js")?;
    let value: Value = context.eval(&format!("JSON.stringify({expression})"), "test.js")?;
    Ok(value.as_string().unwrap_or_else(|| "undefined".to_string()))
}

/// Evaluates `bundle`, then the promise `expression`, and returns what it settled with as a
/// string (the engine runs pending jobs when an evaluation returns).
pub(crate) fn settle(bundle: &str, expression: &str) -> String {
    let (context, _internals) = edge_context();
    context.eval(bundle, "bundle.js").unwrap();
    let run = format!(
        "({expression}).then(v => {{ globalThis.settled = String(v); }}, \
         e => {{ globalThis.settled = 'rejected: ' + e; }});"
    );
    context.eval(&run, "run.js").unwrap();
    let settled = context.eval("globalThis.settled", "read.js").unwrap();
    settled.as_string().expect("the promise settled")
}

/// Calls the bundle's `default` with a request for `path` and an event, as the Edge
/// runtime does, and returns the response's status and text.
pub(crate) fn respond(bundle: &str, path: &str) -> String {
    settle(
        bundle,
        &format!(
            "Promise.resolve(__switchyard_module.default(new Request('http://localhost{path}'), \
             {{ waitUntil() {{}} }})).then(async r => r.status + ' ' + await r.text())"
        ),
    )
}
