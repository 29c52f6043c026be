//! A count of calls into script on this thread, so an event loop can tell whether script ran
//! while it was away: if a round of its other tasks entered no script, the thread is idle.

use std::cell::Cell;

thread_local! {
    static ENTRIES: Cell<u64> = const { Cell::new(0) };
}

/// Records one call into script (an evaluation, a call or a construction).
pub(crate) fn enter() {
    ENTRIES.with(|entries| entries.set(entries.get().wrapping_add(1)));
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
}
