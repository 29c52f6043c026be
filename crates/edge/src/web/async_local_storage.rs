//! `AsyncLocalStorage`, the Next.js Edge polyfill of Node's `async_hooks` class.
//!
//! JavaScriptCore exposes no async-context hooks, so the store is carried by this runtime
//! itself (see `async_local_storage.js`):
//!
//! - synchronously inside `run`/`exit` (and after `enterWith`, until the enclosing `run`
//!   returns), with `snapshot()`/`bind()` capturing the current context;
//! - into `setTimeout`/`setInterval`/`queueMicrotask` callbacks, bound at scheduling time;
//! - into promise reactions registered with `then`/`catch`/`finally`, bound when registered
//!   (the module wraps `Promise.prototype.then` when it loads, on first access of the
//!   global);
//! - **not** across `await` on a native promise inside an async function: `await` performs
//!   the promise reaction without calling `then`, so the code after the first `await` that
//!   really waits runs in whatever context is current then (normally none). Code that must
//!   read the store after an `await` should read it before, or pass it along, or run its
//!   continuation through `then`. Lowering `async`/`await` to generators plus `then` at
//!   build time would make it propagate.

pub(super) const SOURCE: &str = include_str!("async_local_storage.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn run_get_store_exit_enter_with_and_disable() {
        harness().run(
            r#"
            assertEquals(typeof AsyncLocalStorage, 'function');
            const als = new AsyncLocalStorage();
            const other = new AsyncLocalStorage();
            assertEquals(als.getStore(), undefined);
            const result = als.run({ id: 1 }, (a, b) => {
              assertEquals(als.getStore(), { id: 1 });
              assertEquals(other.getStore(), undefined, 'stores are per instance');
              other.run('nested', () => {
                assertEquals(als.getStore(), { id: 1 }, 'the outer store stays visible');
                assertEquals(other.getStore(), 'nested');
              });
              als.exit(() => assertEquals(als.getStore(), undefined));
              assertEquals(als.getStore(), { id: 1 }, 'exit restores');
              return a + b;
            }, 2, 3);
            assertEquals(result, 5);
            assertEquals(als.getStore(), undefined, 'run restores the previous context');
            assertThrows(() => als.run(1, () => { throw new RangeError('inside'); }), RangeError);
            assertEquals(als.getStore(), undefined, 'restored after a throw too');

            als.run('outer', () => {
              als.enterWith('entered');
              assertEquals(als.getStore(), 'entered');
            });
            assertEquals(als.getStore(), undefined, 'enterWith ends with the enclosing run');

            als.run('x', () => {
              als.disable();
              assertEquals(als.getStore(), undefined);
              als.run('y', () => assertEquals(als.getStore(), 'y', 'run enables again'));
            });

            const snapshot = als.run('snap', () => AsyncLocalStorage.snapshot());
            assertEquals(snapshot(() => als.getStore()), 'snap');
            assertEquals(snapshot((a) => a * 2, 21), 42);
            const bound = als.run('bound', () => AsyncLocalStorage.bind(function (x) { return [this, als.getStore(), x]; }));
            const self = {};
            assertEquals(bound.call(self, 7)[1], 'bound');
            assertEquals(bound.call(self, 7)[0] === self, true);
            assertThrows(() => AsyncLocalStorage.bind(1), TypeError);
            assertThrows(() => als.run(1, 'not a function'), TypeError);
            "#,
        );
    }

    #[test]
    fn store_follows_then_timers_and_microtasks() {
        harness().run(
            r#"
            const als = new AsyncLocalStorage();
            const seen = [];
            await als.run('ctx', () => {
              const waits = [];
              waits.push(Promise.resolve().then(() => seen.push(['then', als.getStore()])));
              waits.push(Promise.reject(new Error('x')).catch(() => seen.push(['catch', als.getStore()])));
              waits.push(Promise.resolve().finally(() => seen.push(['finally', als.getStore()])));
              waits.push(new Promise((resolve) => setTimeout(() => { seen.push(['setTimeout', als.getStore()]); resolve(); }, 1)));
              waits.push(new Promise((resolve) => queueMicrotask(() => { seen.push(['queueMicrotask', als.getStore()]); resolve(); })));
              waits.push(new Promise((resolve) => {
                const id = setInterval(() => { seen.push(['setInterval', als.getStore()]); clearInterval(id); resolve(); }, 1);
              }));
              // A chain keeps the context through every step, even after a timer.
              waits.push(sleep(1).then(() => sleep(1)).then(() => seen.push(['chain', als.getStore()])));
              return Promise.all(waits);
            });
            seen.sort();
            assertEquals(seen, [
              ['catch', 'ctx'], ['chain', 'ctx'], ['finally', 'ctx'], ['queueMicrotask', 'ctx'],
              ['setInterval', 'ctx'], ['setTimeout', 'ctx'], ['then', 'ctx'],
            ]);
            assertEquals(als.getStore(), undefined);
            // Callbacks scheduled outside any run see no store even if run from inside one.
            let outside = 'unset';
            const later = Promise.resolve();
            const reaction = later.then(() => { outside = als.getStore(); });
            await als.run('inner', () => reaction);
            assertEquals(outside, undefined);
            assertEquals(Promise.prototype.then.name, 'then');
            assertEquals(Promise.prototype.then.length, 2);
            "#,
        );
    }

    /// As Next.js's `edge-async-local-storage` test: concurrent requests interleave on timers
    /// and each sees its own store.
    #[test]
    fn concurrent_runs_stay_isolated() {
        harness().run(
            r#"
            const storage = new AsyncLocalStorage();
            const handle = (id, delays) => storage.run({ id }, () => {
              const seen = [];
              let chain = Promise.resolve();
              for (const delay of delays) {
                chain = chain
                  .then(() => new Promise((resolve) => setTimeout(resolve, delay)))
                  .then(() => seen.push(storage.getStore().id));
              }
              return chain.then(() => ({ store: storage.getStore(), seen }));
            });
            const results = await Promise.all([
              handle('req-1', [5, 1, 5]),
              handle('req-2', [1, 5, 1]),
              handle('req-3', [3, 3, 3]),
            ]);
            assertEquals(results.map((r) => r.store.id), ['req-1', 'req-2', 'req-3']);
            assertEquals(results.map((r) => r.seen), [
              ['req-1', 'req-1', 'req-1'],
              ['req-2', 'req-2', 'req-2'],
              ['req-3', 'req-3', 'req-3'],
            ]);
            assertEquals(storage.getStore(), undefined);
            "#,
        );
    }

    /// What happens with `await` (JavaScriptCore does not call `then` for it): the store is
    /// visible before the first `await` and lost after it. This test pins the limitation so
    /// that a change (an engine hook, a build-time lowering) shows up here.
    #[test]
    fn await_inside_run_loses_the_store_after_the_first_await() {
        harness().run(
            r#"
            const storage = new AsyncLocalStorage();
            const observed = await storage.run({ id: 'a' }, async () => {
              const before = storage.getStore()?.id;
              await sleep(1);
              const after = storage.getStore()?.id;
              return { before, after };
            });
            assertEquals(observed, { before: 'a', after: undefined });
            // Reading the store before awaiting, or continuing through then(), keeps it.
            const viaThen = await storage.run({ id: 'b' }, () => sleep(1).then(() => storage.getStore().id));
            assertEquals(viaThen, 'b');
            "#,
        );
    }
}
