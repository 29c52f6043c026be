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
  // A deep equality that looks at what JSON.stringify cannot see (binary data, Map and Set
  // entries, symbol keys, prototypes), so that two different values never compare equal.
  const tag = (value) => Object.prototype.toString.call(value);
  const bytes = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const sameBytes = (a, b) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const ownKeys = (value) =>
    Reflect.ownKeys(value).filter((key) => Object.prototype.propertyIsEnumerable.call(value, key));
  // Objects of other classes (the platform's URLSearchParams, EventTarget, Headers…) keep
  // their state in internal slots or private fields that script cannot enumerate, so two of
  // them can only be told apart by identity.
  const structural = (value) =>
    [Object.prototype, Array.prototype, null].includes(Object.getPrototypeOf(value)) ||
    value instanceof Map || value instanceof Set || value instanceof Date ||
    value instanceof RegExp || value instanceof ArrayBuffer || ArrayBuffer.isView(value) ||
    value instanceof Error || value instanceof Boolean || value instanceof Number ||
    value instanceof String;
  const deepEqual = (a, b, seen, path) => {
    if (Object.is(a, b)) return null;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
      return `${path}: ${show(a)} is not ${show(b)}`;
    }
    const pairs = seen.get(a);
    if (pairs && pairs.has(b)) return null;
    if (pairs) pairs.add(b);
    else seen.set(a, new Set([b]));
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
      return `${path}: a ${tag(a)} with another prototype than the expected ${tag(b)}`;
    }
    if (tag(a) !== tag(b)) return `${path}: ${tag(a)} is not ${tag(b)}`;
    if (!structural(a)) {
      return `${path}: two different ${tag(a)} objects (their state is internal, so only the same object is equal)`;
    }
    if (a instanceof ArrayBuffer) {
      if (!sameBytes(new Uint8Array(a), new Uint8Array(b))) {
        return `${path}: ArrayBuffer bytes [${new Uint8Array(a)}] are not [${new Uint8Array(b)}]`;
      }
    } else if (ArrayBuffer.isView(a)) {
      if (!(a instanceof DataView) && a.length !== b.length) {
        return `${path}: length ${a.length} is not ${b.length}`;
      }
      if (!sameBytes(bytes(a), bytes(b))) {
        return `${path}: bytes [${bytes(a)}] are not [${bytes(b)}]`;
      }
    } else if (a instanceof Date) {
      if (!Object.is(a.getTime(), b.getTime())) return `${path}: ${a.toISOString?.()} is not ${b.toISOString?.()}`;
    } else if (a instanceof RegExp) {
      if (a.source !== b.source || a.flags !== b.flags) return `${path}: ${a} is not ${b}`;
    } else if (a instanceof Boolean || a instanceof Number || a instanceof String) {
      if (!Object.is(a.valueOf(), b.valueOf())) return `${path}: ${a} is not ${b}`;
    } else if (a instanceof Error) {
      if (a.name !== b.name || a.message !== b.message) {
        return `${path}: ${a.name}: ${a.message} is not ${b.name}: ${b.message}`;
      }
    } else if (a instanceof Map) {
      if (a.size !== b.size) return `${path}: a Map of ${a.size} entries is not one of ${b.size}`;
      const left = [...a];
      const right = [...b];
      for (let i = 0; i < left.length; i++) {
        const key = deepEqual(left[i][0], right[i][0], seen, `${path}.keys[${i}]`);
        if (key) return key;
        const value = deepEqual(left[i][1], right[i][1], seen, `${path}.get(${show(left[i][0])})`);
        if (value) return value;
      }
    } else if (a instanceof Set) {
      if (a.size !== b.size) return `${path}: a Set of ${a.size} values is not one of ${b.size}`;
      const left = [...a];
      const right = [...b];
      for (let i = 0; i < left.length; i++) {
        const value = deepEqual(left[i], right[i], seen, `${path}.values[${i}]`);
        if (value) return value;
      }
    }
    if (Array.isArray(a) && a.length !== b.length) {
      return `${path}: length ${a.length} is not ${b.length}`;
    }
    // Typed arrays' indices were compared as bytes; their own keys are the indices again.
    if (ArrayBuffer.isView(a)) return null;
    const keysA = ownKeys(a);
    const keysB = ownKeys(b);
    if (keysA.length !== keysB.length || keysA.some((key) => !keysB.includes(key))) {
      return `${path}: keys [${keysA.map(String)}] are not [${keysB.map(String)}]`;
    }
    for (const key of keysA) {
      const inner = deepEqual(a[key], b[key], seen, `${path}[${show(typeof key === 'symbol' ? key : String(key))}]`);
      if (inner) return inner;
    }
    return null;
  };
  const difference = (a, b) => deepEqual(a, b, new Map(), 'value');
  globalThis.deepEqual = (a, b) => difference(a, b) === null;
  globalThis.assert = (condition, message = 'assertion failed') => {
    if (!condition) throw new Error(message);
  };
  globalThis.assertEquals = (actual, expected, message = '') => {
    const why = difference(actual, expected);
    if (why !== null) {
      throw new Error(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)} (${why})`);
    }
  };
  globalThis.assertSame = (actual, expected, message = '') => {
    if (!Object.is(actual, expected)) {
      const why = difference(actual, expected);
      throw new Error(`${message ? `${message}: ` : ''}expected the same value as ${show(expected)}, got ${why === null ? 'an equal but different one' : `${show(actual)} (${why})`}`);
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
    // The Web APIs are tested with the built-ins wrapped as in production.
    harness_with(env, Some(crate::pool::DEFAULT_MEMORY_LIMIT))
}

/// A harness whose single allocations are limited to `memory_limit` bytes.
pub(crate) fn harness_with_limit(memory_limit: Option<usize>) -> Harness {
    harness_with(Vec::new(), memory_limit)
}

fn harness_with(env: Vec<(String, String)>, memory_limit: Option<usize>) -> Harness {
    let ctx = Context::new(&Vm::new());
    let logs = Rc::new(RefCell::new(Vec::new()));
    let uncaught = Rc::new(RefCell::new(Vec::new()));
    let log_sink = logs.clone();
    let error_sink = uncaught.clone();
    let options = WebOptions {
        console: Rc::new(move |level, text| log_sink.borrow_mut().push((level, text.to_owned()))),
        env,
        on_uncaught: Rc::new(move |error| error_sink.borrow_mut().push(error)),
        memory_limit,
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

#[cfg(test)]
mod tests {
    use super::harness;

    #[test]
    fn assert_equals_tells_apart_what_json_cannot_see() {
        harness().eval(
            r#"
            const different = [
              [new ArrayBuffer(2), new Uint8Array([1, 2]).buffer],
              [new Uint8Array([1, 2]), new Uint8Array([1, 3])],
              [new Uint8Array([1, 2]), new Int8Array([1, 2])],
              [new DataView(new Uint8Array([1]).buffer), new DataView(new Uint8Array([2]).buffer)],
              [new Map([['a', 1]]), new Map([['a', 2]])],
              [new Map([['a', 1]]), new Map()],
              [new Set([1]), new Set([2])],
              [new URLSearchParams('a=1'), new URLSearchParams('a=2')],
              [new URLSearchParams('a=1'), new URLSearchParams('a=1')],
              [new EventTarget(), new EventTarget()],
              [new Date(1), new Date(2)],
              [/a/g, /a/i],
              [/a/, /b/],
              [{ [Symbol.for('k')]: 1 }, { [Symbol.for('k')]: 2 }],
              [{ a: undefined }, {}],
              [[1], [1, 2]],
              [[1, , 3], [1, undefined, 3]],
              [Object.create(null), {}],
              [new TypeError('x'), new RangeError('x')],
              [new Error('x'), new Error('y')],
              [[NaN], [0]],
              [[0], [-0]],
            ];
            for (const [a, b] of different) {
              let threw = false;
              try { assertEquals(a, b); } catch { threw = true; }
              if (!threw) throw new Error(`${String(a)} and ${String(b)} compared equal`);
            }
            const cyclicA = { name: 'a' }; cyclicA.self = cyclicA;
            const cyclicB = { name: 'a' }; cyclicB.self = cyclicB;
            const params = new URLSearchParams('a=1');
            const same = [
              [new Uint8Array([1, 2]).buffer, new Uint8Array([1, 2]).buffer],
              [new Uint8Array([0, 1, 2]).subarray(1), new Uint8Array([1, 2])],
              [new Map([[1, { a: [1] }]]), new Map([[1, { a: [1] }]])],
              [new Set(['x']), new Set(['x'])],
              [new Date(5), new Date(5)],
              [/a/g, /a/g],
              [{ [Symbol.for('k')]: 1, b: [NaN] }, { [Symbol.for('k')]: 1, b: [NaN] }],
              [cyclicA, cyclicB],
              [params, params],
              [new Error('x'), new Error('x')],
            ];
            for (const [a, b] of same) assertEquals(a, b);
            "#,
        );
    }
}
