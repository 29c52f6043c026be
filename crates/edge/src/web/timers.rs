//! `setTimeout`, `setInterval`, their `clear*` twins, `queueMicrotask` and `performance`.
//!
//! Rust owns the schedule; JS (`timers.js`) owns the callbacks. One driver task per context
//! (`tokio::task::spawn_local`, so the caller runs inside a `LocalSet`) sleeps until the
//! earliest deadline and calls the JS `fire(id)` for every due timer in deadline order, ties
//! broken by creation order. The driver exits when no timer is left, so an idle context holds
//! no task. A callback that throws is reported to `on_uncaught`; an interval keeps running.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::time::Duration;

use switchyard_jsc::{Context, JsError, Object, Value};
use tokio::sync::Notify;
use tokio::task::AbortHandle;
use tokio::time::Instant;

pub(super) const SOURCE: &str = include_str!("timers.js");

/// The timers of one context: a handle for the script runner.
///
/// Cheap to clone. Timers need a tokio `LocalSet` on the current thread: the first
/// `setTimeout` spawns the context's driver task with `spawn_local`.
#[derive(Clone)]
pub struct Timers(Rc<TimerState>);

type Key = (Instant, u64);

struct Entry {
    key: Key,
    repeat: Option<Duration>,
    /// Whether the timer keeps [`Timers::idle`] waiting (false for `AbortSignal.timeout`).
    refed: bool,
}

struct TimerState {
    queue: RefCell<BTreeMap<Key, u32>>,
    entries: RefCell<HashMap<u32, Entry>>,
    next_id: Cell<u32>,
    next_seq: Cell<u64>,
    refed: Cell<usize>,
    driver: RefCell<Option<AbortHandle>>,
    /// Wakes the driver when a timer is added (it may be due before the one it sleeps for).
    wake: Notify,
    /// Notified whenever the number of referenced timers drops to zero.
    idle: Notify,
    on_uncaught: super::UncaughtSink,
}

impl Timers {
    pub(super) fn new(on_uncaught: super::UncaughtSink) -> Self {
        Timers(Rc::new(TimerState {
            queue: RefCell::new(BTreeMap::new()),
            entries: RefCell::new(HashMap::new()),
            next_id: Cell::new(1),
            next_seq: Cell::new(0),
            refed: Cell::new(0),
            driver: RefCell::new(None),
            wake: Notify::new(),
            idle: Notify::new(),
            on_uncaught,
        }))
    }

    /// The number of scheduled timers a script runner should wait for (intervals included,
    /// `AbortSignal.timeout` timers excluded).
    pub fn pending(&self) -> usize {
        self.0.refed.get()
    }

    /// Resolves once [`Timers::pending`] is zero. Intervals never end on their own: a runner
    /// that must finish should bound this wait or call [`Timers::clear_all`].
    pub async fn idle(&self) {
        loop {
            let notified = self.0.idle.notified();
            if self.pending() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Cancels every timer and stops the driver task (which holds the context alive).
    pub fn clear_all(&self) {
        let state = &self.0;
        state.queue.borrow_mut().clear();
        state.entries.borrow_mut().clear();
        if let Some(driver) = state.driver.borrow_mut().take() {
            driver.abort();
        }
        state.set_refed(0);
    }

    fn start(&self, delay: Duration, repeat: bool, refed: bool, fire: &Object) -> u32 {
        let state = &self.0;
        if state.driver.borrow().is_none() {
            // Spawn first: outside a LocalSet this panics, and nothing has changed yet.
            let task = tokio::task::spawn_local(drive(self.0.clone(), fire.clone()));
            *state.driver.borrow_mut() = Some(task.abort_handle());
        } else {
            state.wake.notify_one();
        }
        let id = state.next_id.get();
        state.next_id.set(id.wrapping_add(1).max(1));
        let key = state.next_key(Instant::now() + delay);
        state.queue.borrow_mut().insert(key, id);
        state.entries.borrow_mut().insert(
            id,
            Entry {
                key,
                repeat: repeat.then_some(delay),
                refed,
            },
        );
        if refed {
            state.set_refed(state.refed.get() + 1);
        }
        id
    }

    fn cancel(&self, id: u32) {
        let state = &self.0;
        let removed = state.entries.borrow_mut().remove(&id);
        if let Some(entry) = removed {
            state.queue.borrow_mut().remove(&entry.key);
            if entry.refed {
                state.set_refed(state.refed.get() - 1);
            }
        }
    }
}

impl TimerState {
    fn next_key(&self, deadline: Instant) -> Key {
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        (deadline, seq)
    }

    fn set_refed(&self, count: usize) {
        self.refed.set(count);
        if count == 0 {
            self.idle.notify_waiters();
        }
    }

    /// Takes the first timer due at `now` and created before the batch began.
    fn pop_due(&self, now: Instant, batch_end: u64) -> Option<(u32, Option<Duration>)> {
        let mut queue = self.queue.borrow_mut();
        let (&key, &id) = queue.iter().next()?;
        if key.0 > now || key.1 >= batch_end {
            return None;
        }
        queue.remove(&key);
        let mut entries = self.entries.borrow_mut();
        let repeat = entries.get(&id).and_then(|entry| entry.repeat);
        if repeat.is_none()
            && let Some(entry) = entries.remove(&id)
            && entry.refed
        {
            drop(entries);
            self.set_refed(self.refed.get() - 1);
        }
        Some((id, repeat))
    }

    fn reschedule(&self, id: u32, period: Duration) {
        let key = self.next_key(Instant::now() + period);
        let mut entries = self.entries.borrow_mut();
        // A callback that cleared its own interval removed the entry.
        if let Some(entry) = entries.get_mut(&id) {
            entry.key = key;
            self.queue.borrow_mut().insert(key, id);
        }
    }
}

async fn drive(state: Rc<TimerState>, fire: Object) {
    let ctx = fire.context();
    loop {
        let next = state.queue.borrow().keys().next().copied();
        let Some((deadline, _)) = next else { break };
        if deadline > Instant::now() {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {}
                _ = state.wake.notified() => continue,
            }
        }
        // Fire what is due now; timers added by these callbacks wait for the next round, so a
        // callback that re-arms itself with a zero delay cannot starve the thread.
        let now = Instant::now();
        let batch_end = state.next_seq.get();
        while let Some((id, repeat)) = state.pop_due(now, batch_end) {
            let result = fire.call(&ctx.undefined(), &[ctx.number(f64::from(id))]);
            if let Err(error) = result {
                (state.on_uncaught)(error);
            }
            if let Some(period) = repeat {
                state.reschedule(id, period);
            }
        }
        tokio::task::yield_now().await;
    }
    state.driver.borrow_mut().take();
}

pub(super) fn install_host(
    ctx: &Context,
    host: &Object,
    timers: &Timers,
    origin: std::time::Instant,
) -> Result<(), JsError> {
    let start = timers.clone();
    ctx.define_function(host, "timerStart", move |ctx, _, args| {
        let delay = number_arg(args, 0);
        let repeat = args.get(1).is_some_and(Value::to_bool);
        let refed = args.get(2).is_some_and(Value::to_bool);
        let Some(fire) = args.get(3).and_then(Value::as_object) else {
            return Err(ctx.error_of("TypeError", "timerStart: missing callback"));
        };
        let delay = Duration::from_secs_f64(delay.max(0.0) / 1000.0);
        if tokio::runtime::Handle::try_current().is_err() {
            // (Inside a runtime but outside a LocalSet, spawn_local panics; that panic is
            // caught and thrown as an Error too.)
            return Err(ctx.error_of(
                "Error",
                "Timers need a tokio LocalSet on this thread (no runtime is running)",
            ));
        }
        let id = start.start(delay, repeat, refed, &fire);
        Ok(ctx.number(f64::from(id)))
    })?;
    let cancel = timers.clone();
    ctx.define_function(host, "timerCancel", move |ctx, _, args| {
        let id = number_arg(args, 0);
        if id >= 1.0 && id <= f64::from(u32::MAX) {
            cancel.cancel(id as u32);
        }
        Ok(ctx.undefined())
    })?;
    ctx.define_function(host, "performanceNow", move |ctx, _, _| {
        Ok(ctx.number(origin.elapsed().as_secs_f64() * 1000.0))
    })?;
    let time_origin = std::time::SystemTime::now()
        .checked_sub(origin.elapsed())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    host.set("timeOrigin", &ctx.number(time_origin))?;
    Ok(())
}

fn number_arg(args: &[Value], index: usize) -> f64 {
    args.get(index)
        .filter(|value| value.is_number())
        .and_then(|value| value.to_number().ok())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn timers_fire_in_deadline_then_creation_order() {
        let h = harness();
        h.run(
            r#"
            const order = [];
            setTimeout(() => order.push('30'), 30);
            setTimeout(() => order.push('10'), 10);
            setTimeout(() => order.push('0a'), 0);
            setTimeout(() => order.push('0b'));
            setTimeout(() => order.push('1'), 1);
            setTimeout((a, b) => order.push(`args ${a} ${b}`), 5, 'x', 'y');
            Promise.resolve().then(() => order.push('microtask'));
            await sleep(60);
            assertEquals(order, ['microtask', '0a', '0b', '1', 'args x y', '10', '30']);
            "#,
        );
    }

    #[test]
    fn zero_delays_are_not_clamped_until_timers_nest_more_than_five_deep() {
        let h = harness();
        h.run(
            r#"
            // A chain of setTimeout(0): the first five run without waiting, deeper ones wait
            // 4 ms each (the HTML rule), so 20 links take at least 60 ms, not 20 × 1 ms.
            const times = [];
            await new Promise((resolve) => {
              const step = () => {
                times.push(performance.now());
                if (times.length === 20) resolve();
                else setTimeout(step, 0);
              };
              setTimeout(step, 0);
            });
            const gaps = times.slice(1).map((t, i) => t - times[i]);
            // Four 1 ms clamps would add up to 4 ms at least.
            const shallow = gaps.slice(0, 4).reduce((sum, gap) => sum + gap, 0);
            assert(shallow < 4, `shallow gaps ${gaps}`);
            assert(gaps.slice(5).every((gap) => gap >= 3.9), `nested gaps ${gaps}`);
            "#,
        );
    }

    #[test]
    fn ids_are_numbers_and_clearing_works() {
        let h = harness();
        h.run(
            r#"
            const fired = [];
            const a = setTimeout(() => fired.push('a'), 5);
            const b = setTimeout(() => fired.push('b'), 5);
            assertEquals(typeof a, 'number');
            assert(b > a);
            clearTimeout(a);
            clearTimeout(undefined);
            clearTimeout(123456);
            let ticks = 0;
            const interval = setInterval(() => {
              ticks++;
              if (ticks === 3) clearInterval(interval);
            }, 2);
            while (ticks < 3) await sleep(2);
            await sleep(10);
            assertEquals(fired, ['b']);
            assertEquals(ticks, 3, 'stopped by clearInterval inside the callback');
            "#,
        );
        assert_eq!(h.internals.pending_timers(), 0);
    }

    #[test]
    fn timers_outside_a_runtime_throw() {
        let h = harness();
        h.eval("assertThrows(() => setTimeout(() => {}, 1), Error, /LocalSet/)");
        assert_eq!(h.internals.pending_timers(), 0);
    }

    #[test]
    fn string_callbacks_are_refused() {
        let h = harness();
        h.in_local_set(|| {
            h.eval(
                r#"
                assertThrows(() => setTimeout('globalThis.evaluated = true', 0), TypeError,
                  /The "callback" argument must be of type function. Received type string/);
                assertThrows(() => setInterval(null), TypeError);
                "#,
            );
            assert_eq!(h.internals.pending_timers(), 0);
        });
    }

    #[test]
    fn callback_errors_go_to_on_uncaught_and_intervals_continue() {
        let h = harness();
        h.run(
            r#"
            let runs = 0;
            const id = setInterval(() => {
              runs++;
              if (runs === 2) clearInterval(id);
              throw new Error(`tick ${runs}`);
            }, 1);
            setTimeout(() => { throw new TypeError('timeout failed'); }, 1);
            while (runs < 2) await sleep(2);
            await sleep(10);
            assertEquals(runs, 2);
            "#,
        );
        let mut messages = h.uncaught_messages();
        messages.sort();
        assert_eq!(
            messages,
            vec![
                "Error: tick 1",
                "Error: tick 2",
                "TypeError: timeout failed"
            ]
        );
    }

    #[test]
    fn the_runner_can_wait_until_no_timer_is_left() {
        let h = harness();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async {
            h.eval(
                r#"
                globalThis.done = [];
                setTimeout(() => {
                  done.push(1);
                  setTimeout(() => done.push(2), 5);
                }, 5);
                "#,
            );
            assert_eq!(h.internals.pending_timers(), 1);
            tokio::time::timeout(
                std::time::Duration::from_secs(5),
                h.internals.timers().idle(),
            )
            .await
            .expect("timers finish");
            assert_eq!(h.internals.pending_timers(), 0);
            h.eval("assertEquals(done, [1, 2])");
        });
    }

    #[test]
    fn zero_delay_rearming_does_not_starve_other_timers() {
        let h = harness();
        h.run(
            r#"
            let spins = 0;
            let stop = false;
            const spin = () => { spins++; if (!stop) setTimeout(spin, 0); };
            spin();
            // The sleep below must still fire while `spin` keeps re-arming itself.
            await sleep(20);
            stop = true;
            assert(spins > 1, `spun ${spins} times`);
            "#,
        );
    }

    #[test]
    fn clear_all_stops_everything() {
        let h = harness();
        h.in_local_set(|| {
            h.eval("setInterval(() => {}, 1); setTimeout(() => {}, 1000);");
            assert_eq!(h.internals.pending_timers(), 2);
            h.internals.timers().clear_all();
            assert_eq!(h.internals.pending_timers(), 0);
        });
    }

    #[test]
    fn dropping_the_internals_releases_the_context() {
        let h = harness();
        let timers = h.internals.timers().clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async {
            h.eval("setTimeout(() => { globalThis.fired = true; }, 5)");
            assert_eq!(timers.pending(), 1);
            drop(h);
            assert_eq!(timers.pending(), 0);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        });
        // The LocalSet has no task left: the driver (and its hold on the context) is gone.
        runtime.block_on(local);
    }

    #[test]
    fn queue_microtask_runs_before_timers_and_reports_errors() {
        let h = harness();
        h.run(
            r#"
            const order = [];
            setTimeout(() => order.push('timeout'), 0);
            queueMicrotask(() => order.push('micro 1'));
            queueMicrotask(() => { throw new Error('micro failed'); });
            Promise.resolve().then(() => order.push('promise'));
            queueMicrotask(() => order.push('micro 2'));
            order.push('sync');
            await sleep(10);
            assertEquals(order, ['sync', 'micro 1', 'promise', 'micro 2', 'timeout']);
            assertThrows(() => queueMicrotask('code'), TypeError);
            "#,
        );
        assert_eq!(h.uncaught_messages(), vec!["Error: micro failed"]);
    }

    #[test]
    fn performance_now_is_monotonic() {
        harness().eval(
            r#"
            const a = performance.now();
            const b = performance.now();
            assert(typeof a === 'number' && b >= a && a >= 0);
            assert(Math.abs(performance.timeOrigin + a - Date.now()) < 1000);
            assertEquals(typeof performance.toJSON().timeOrigin, 'number');
            "#,
        );
    }
}
