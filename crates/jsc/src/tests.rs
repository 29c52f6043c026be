//! Behaviour of the wrapper against the real engine.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crate::{Context, JsError, Vm};

fn context() -> Context {
    Context::new(&Vm::new())
}

#[test]
fn evaluates_scripts_and_converts_values() {
    let ctx = context();
    let value = ctx.eval("1 + 2", "test.js").unwrap();
    assert_eq!(value.to_number().unwrap(), 3.0);
    let text = ctx.eval("'a' + 'é'", "test.js").unwrap();
    assert_eq!(text.as_string().as_deref(), Some("aé"));
}

#[test]
fn exceptions_carry_name_message_and_stack() {
    let ctx = context();
    let error = ctx
        .eval(
            "function boom() { throw new TypeError('bad'); }\nboom()",
            "boom.js",
        )
        .unwrap_err();
    match error {
        JsError::Thrown {
            name,
            message,
            stack,
        } => {
            assert_eq!(name, "TypeError");
            assert_eq!(message, "bad");
            assert!(stack.unwrap().contains("boom.js:1"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn syntax_errors_are_reported_with_their_line() {
    let ctx = context();
    let error = ctx.eval("let x = ;", "syntax.js").unwrap_err();
    assert!(error.to_string().starts_with("SyntaxError"), "{error}");
}

#[test]
fn non_error_throws_are_readable() {
    let ctx = context();
    let error = ctx.eval("throw 'plain'", "t.js").unwrap_err();
    assert_eq!(error.to_string(), "Uncaught: plain");
}

#[test]
fn host_functions_receive_arguments_and_return_values() {
    let ctx = context();
    let add = ctx.function(|ctx, _this, args| {
        let sum: f64 = args.iter().map(|a| a.to_number().unwrap()).sum();
        Ok(ctx.number(sum))
    });
    ctx.global().set("add", &add).unwrap();
    assert_eq!(
        ctx.eval("add(1, 2, 3)", "t.js")
            .unwrap()
            .to_number()
            .unwrap(),
        6.0
    );
}

#[test]
fn host_functions_can_throw() {
    let ctx = context();
    ctx.define_function(&ctx.global(), "fail", |ctx, _, _| {
        Err(ctx.error_of("RangeError", "out of range"))
    })
    .unwrap();
    let caught = ctx
        .eval(
            "try { fail() } catch (e) { e instanceof RangeError && e.message }",
            "t.js",
        )
        .unwrap();
    assert_eq!(caught.as_string().as_deref(), Some("out of range"));
}

#[test]
fn a_panicking_host_function_throws_instead_of_unwinding() {
    let ctx = context();
    ctx.define_function(&ctx.global(), "panics", |_, _, _| panic!("oops"))
        .unwrap();
    let error = ctx.eval("panics()", "t.js").unwrap_err();
    assert!(error.to_string().contains("oops"), "{error}");
}

#[test]
fn values_survive_garbage_collection_while_held() {
    let ctx = context();
    let held = ctx
        .eval("({ answer: 42 })", "t.js")
        .unwrap()
        .as_object()
        .unwrap();
    ctx.eval("for (let i = 0; i < 100000; i++) ({ i })", "t.js")
        .unwrap();
    ctx.collect_garbage();
    assert_eq!(held.get("answer").unwrap().to_number().unwrap(), 42.0);
}

#[test]
fn deferred_promises_run_reactions_when_settled_from_rust() {
    let ctx = context();
    let deferred = ctx.deferred_promise().unwrap();
    ctx.global().set("pending", &deferred.promise).unwrap();
    ctx.eval(
        "globalThis.seen = 'no'; pending.then(v => { globalThis.seen = v; })",
        "t.js",
    )
    .unwrap();
    deferred.resolve(&ctx.string("yes")).unwrap();
    assert_eq!(
        ctx.eval("seen", "t.js").unwrap().as_string().as_deref(),
        Some("yes")
    );
}

#[test]
fn typed_arrays_cross_without_copies() {
    let ctx = context();
    let array = ctx.uint8_array(vec![1, 2, 3, 4]).unwrap();
    ctx.global().set("bytes", &array).unwrap();
    let sum = ctx
        .eval("bytes.reduce((a, b) => a + b, 0)", "t.js")
        .unwrap();
    assert_eq!(sum.to_number().unwrap(), 10.0);
    let view = ctx
        .eval("new Uint8Array([9, 8, 7, 6]).subarray(1, 3)", "t.js")
        .unwrap();
    let bytes = view
        .as_object()
        .unwrap()
        .with_bytes(|b| b.to_vec())
        .unwrap();
    assert_eq!(bytes, vec![8, 7]);
    let plain = ctx.eval("({})", "t.js").unwrap().as_object().unwrap();
    assert!(plain.with_bytes(|b| b.len()).is_none());
}

#[test]
fn eval_and_function_constructors_can_be_disabled() {
    let ctx = context();
    ctx.disable_eval("Code generation from strings disallowed for this context");
    for source in [
        "eval('1')",
        "new Function('return 1')",
        "Function('return 1')",
        "(async function(){}).constructor('return 1')",
        "(function*(){}).constructor('return 1')",
    ] {
        let error = ctx.eval(source, "t.js").unwrap_err();
        match error {
            JsError::Thrown { name, .. } => assert_eq!(name, "EvalError", "{source}"),
            other => panic!("{source}: {other:?}"),
        }
    }
    assert!(
        ctx.eval("(() => 1) instanceof Function", "t.js")
            .unwrap()
            .to_bool()
    );
}

#[test]
fn the_execution_time_limit_stops_runaway_scripts() {
    let vm = Vm::new();
    vm.set_execution_time_limit(Duration::from_millis(100));
    let ctx = Context::new(&vm);
    let error = ctx.eval("for (;;) {}", "loop.js").unwrap_err();
    assert!(matches!(error, JsError::Terminated), "{error:?}");
    // The VM keeps working for the next script.
    let fresh = Context::new(&vm);
    assert_eq!(
        fresh.eval("2 * 21", "t.js").unwrap().to_number().unwrap(),
        42.0
    );
}

#[test]
fn unhandled_rejections_reach_the_callback() {
    let ctx = context();
    let seen = Rc::new(RefCell::new(None));
    let sink = seen.clone();
    let callback = ctx.function(move |ctx, _, args| {
        *sink.borrow_mut() = args.get(1).and_then(|reason| reason.to_string().ok());
        Ok(ctx.undefined())
    });
    ctx.set_unhandled_rejection_callback(&callback).unwrap();
    ctx.eval("Promise.reject(new Error('lost'))", "t.js")
        .unwrap();
    ctx.eval("0", "t.js").unwrap();
    assert_eq!(seen.borrow().as_deref(), Some("Error: lost"));
}

#[test]
fn json_round_trips() {
    let ctx = context();
    let value = ctx.parse_json(r#"{"a":[1,2],"b":"x"}"#).unwrap();
    assert_eq!(
        value.to_json().unwrap().as_deref(),
        Some(r#"{"a":[1,2],"b":"x"}"#)
    );
    assert!(ctx.parse_json("{nope").is_none());
    assert_eq!(ctx.undefined().to_json().unwrap(), None);
}
