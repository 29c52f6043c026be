//! A count of calls into script on this thread, so an event loop can tell whether script ran
//! while it was away: if a round of its other tasks entered no script, the thread is idle.
//!
//! Each thread also publishes since when it has been inside script ([`Activity`]), so that
//! another thread can see a worker that a long-running script holds.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

thread_local! {
    static ENTRIES: Cell<u64> = const { Cell::new(0) };
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static ACTIVITY: Arc<Activity> = Arc::new(Activity::default());
}

/// Whether a thread is inside script, and since when; readable from any thread.
#[derive(Debug, Default)]
pub struct Activity {
    /// Nanoseconds since [`epoch`] plus one when the outermost entry began; 0 outside script.
    entered_at: AtomicU64,
}

impl Activity {
    /// How long the thread has been inside its current outermost call into script.
    pub fn busy_for(&self) -> Option<Duration> {
        match self.entered_at.load(Ordering::Relaxed) {
            0 => None,
            since => Some(Duration::from_nanos(now_nanos().saturating_sub(since - 1))),
        }
    }
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_nanos() -> u64 {
    u64::try_from(epoch().elapsed().as_nanos()).unwrap_or(u64::MAX - 1)
}

/// The calling thread's [`Activity`], to hand to whoever watches it.
pub fn thread_activity() -> Arc<Activity> {
    ACTIVITY.with(Arc::clone)
}

/// Held while Rust is inside a call into script; the outermost one marks the thread busy.
pub(crate) struct Entry {
    outermost: bool,
}

/// Records one call into script (an evaluation, a call or a construction).
pub(crate) fn enter() -> Entry {
    ENTRIES.with(|entries| entries.set(entries.get().wrapping_add(1)));
    let depth = DEPTH.with(|depth| {
        let outer = depth.get();
        depth.set(outer + 1);
        outer
    });
    let outermost = depth == 0;
    if outermost {
        let now = now_nanos() + 1;
        ACTIVITY.with(|activity| activity.entered_at.store(now, Ordering::Relaxed));
    }
    Entry { outermost }
}

impl Entry {
    /// Whether this is the outermost call into script on the thread.
    pub(crate) fn is_outermost(&self) -> bool {
        self.outermost
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
        if self.outermost {
            ACTIVITY.with(|activity| activity.entered_at.store(0, Ordering::Relaxed));
        }
    }
}

/// How many calls into script this thread has made; only differences mean anything.
pub fn script_entries() -> u64 {
    ENTRIES.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_into_script_are_counted() {
        let vm = crate::Vm::new();
        let ctx = crate::Context::new(&vm);
        let before = script_entries();
        let f = ctx.eval("(function () { return 1; })", "count.js").unwrap();
        let f = f.as_object().unwrap();
        f.call(&ctx.global(), &[]).unwrap();
        assert_eq!(script_entries() - before, 2);
    }

    #[test]
    fn another_thread_sees_how_long_script_has_run() {
        let vm = crate::Vm::new();
        let ctx = crate::Context::new(&vm);
        let activity = thread_activity();
        assert_eq!(activity.busy_for(), None);
        let seen = Arc::new(std::sync::Mutex::new(None));
        let (watcher_activity, watcher_seen) = (activity.clone(), seen.clone());
        let probe = ctx.function(move |ctx, _, _| {
            let activity = watcher_activity.clone();
            let busy = std::thread::spawn(move || activity.busy_for())
                .join()
                .ok()
                .flatten();
            *watcher_seen.lock().unwrap() = busy;
            Ok(ctx.undefined())
        });
        ctx.global().set("probe", &probe.into()).unwrap();
        ctx.eval(
            "const end = Date.now() + 30; while (Date.now() < end) {} probe();",
            "busy.js",
        )
        .unwrap();
        let busy = seen.lock().unwrap().expect("busy inside script");
        assert!(busy >= Duration::from_millis(25), "{busy:?}");
        assert_eq!(activity.busy_for(), None);
    }
}
