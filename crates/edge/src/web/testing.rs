//! Test support: a context with the Web APIs installed, JS assertion helpers, and a runner
//! that drives async snippets (timers, streams) on a current-thread runtime in a LocalSet.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use switchyard_jsc::{Context, JsError, Value, Vm};

use super::{ConsoleLevel, Internals, WebOptions, install};

/// Assertion helpers, defined as globals in test contexts only.
const ASSERTIONS: &str = r#"
(function () {
  const show = (value) => {
    try {
      if (typeof value === 'string') return JSON.stringify(value);
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'symbol' || typeof value === 'function') return String(value);
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  };
  const same = (a, b) => {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    return JSON.stringify(a) === JSON.stringify(b);
  };
  globalThis.assert = (condition, message = 'assertion failed') => {
    if (!condition) throw new Error(message);
  };
  globalThis.assertEquals = (actual, expected, message = '') => {
    if (!same(actual, expected)) {
      throw new Error(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
    }
  };
  const check = (error, Type, pattern, what) => {
    if (Type !== undefined && !(error instanceof Type)) {
      throw new Error(`${what}: expected ${Type.name}, got ${error && error.name}: ${error && error.message}`);
    }
    if (pattern !== undefined && !pattern.test(String(error && error.message))) {
      throw new Error(`${what}: message ${show(error && error.message)} does not match ${pattern}`);
    }
    return error;
  };
  globalThis.assertThrows = (fn, Type, pattern) => {
    try {
      fn();
    } catch (error) {
      return check(error, Type, pattern, 'assertThrows');
    }
    throw new Error(`expected ${fn} to throw`);
  };
  globalThis.assertRejects = async (promiseOrFn, Type, pattern) => {
    try {
      await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
    } catch (error) {
      return check(error, Type, pattern, 'assertRejects');
    }
    throw new Error('expected a rejection');
  };
  globalThis.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
})();
"#;

pub(crate) struct Harness {
    pub(crate) ctx: Context,
    pub(crate) internals: Internals,
    pub(crate) logs: Rc<RefCell<Vec<(ConsoleLevel, String)>>>,
    pub(crate) uncaught: Rc<RefCell<Vec<JsError>>>,
}

/// A fresh VM and context with the Web APIs and the assertion helpers installed.
pub(crate) fn harness() -> Harness {
    harness_with_env(Vec::new())
}

pub(crate) fn harness_with_env(env: Vec<(String, String)>) -> Harness {
    let ctx = Context::new(&Vm::new());
    let logs = Rc::new(RefCell::new(Vec::new()));
    let uncaught = Rc::new(RefCell::new(Vec::new()));
    let log_sink = logs.clone();
    let error_sink = uncaught.clone();
    let options = WebOptions {
        console: Rc::new(move |level, text| log_sink.borrow_mut().push((level, text.to_owned()))),
        env,
        on_uncaught: Rc::new(move |error| error_sink.borrow_mut().push(error)),
    };
    let internals = match install(&ctx, &options) {
        Ok(internals) => internals,
        Err(error) => panic!("install failed: {}", error.detail()),
    };
    ctx.eval(ASSERTIONS, "switchyard:test/assertions.js")
        .expect("assertions install");
    Harness {
        ctx,
        internals,
        logs,
        uncaught,
    }
}

impl Harness {
    /// Evaluates a script, panicking with the stack if it throws.
    pub(crate) fn eval(&self, source: &str) -> Value {
        match self.ctx.eval(source, "test.js") {
            Ok(value) => value,
            Err(error) => panic!("{}\n--- in ---\n{source}", error.detail()),
        }
    }

    /// Evaluates a script and returns its result as a string.
    pub(crate) fn string(&self, source: &str) -> String {
        let value = self.eval(source);
        value
            .as_string()
            .unwrap_or_else(|| panic!("expected a string, got {}", value.type_name()))
    }

    /// Runs `body` as an async function; drives timers until its promise settles.
    pub(crate) fn run(&self, body: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let local = tokio::task::LocalSet::new();
        let outcome = local.block_on(&runtime, self.run_async(body));
        self.internals.timers().clear_all();
        if let Err(message) = outcome {
            panic!("{message}\n--- in ---\n{body}");
        }
    }

    /// Runs `f` inside a LocalSet (so script it runs may start timers).
    pub(crate) fn in_local_set<R>(&self, f: impl FnOnce() -> R) -> R {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let local = tokio::task::LocalSet::new();
        let result = local.block_on(&runtime, async { f() });
        self.internals.timers().clear_all();
        result
    }

    /// Like [`Harness::run`], for callers already inside a LocalSet.
    pub(crate) async fn run_async(&self, body: &str) -> Result<(), String> {
        let source = format!("(async () => {{\n{body}\n}})()");
        let promise = self
            .ctx
            .eval(&source, "test.js")
            .map_err(|error| error.detail())?
            .as_object()
            .ok_or("not a promise")?;
        let settled: Rc<RefCell<Option<Result<(), String>>>> = Rc::new(RefCell::new(None));
        let on_fulfilled = {
            let settled = settled.clone();
            self.ctx.function(move |ctx, _, _| {
                *settled.borrow_mut() = Some(Ok(()));
                Ok(ctx.undefined())
            })
        };
        let on_rejected = {
            let settled = settled.clone();
            self.ctx.function(move |ctx, _, args| {
                let reason = args.first().cloned().unwrap_or_else(|| ctx.undefined());
                *settled.borrow_mut() = Some(Err(reason.to_error().detail()));
                Ok(ctx.undefined())
            })
        };
        promise
            .call_method("then", &[on_fulfilled.into(), on_rejected.into()])
            .map_err(|error| error.detail())?;
        let wait = async {
            loop {
                if let Some(outcome) = settled.borrow_mut().take() {
                    return outcome;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .unwrap_or_else(|_| Err("the test's promise did not settle within 10 s".into()))
    }

    /// The console lines written so far.
    pub(crate) fn log_lines(&self) -> Vec<String> {
        self.logs
            .borrow()
            .iter()
            .map(|(_, line)| line.clone())
            .collect()
    }

    /// The uncaught errors reported so far, as "Name: message".
    pub(crate) fn uncaught_messages(&self) -> Vec<String> {
        self.uncaught
            .borrow()
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}
