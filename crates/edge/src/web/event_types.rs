//! `CustomEvent`, `ErrorEvent` and `PromiseRejectionEvent`: the event interfaces beyond
//! `Event` that apps create and listen for.

pub(super) const SOURCE: &str = include_str!("event_types.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn custom_events_carry_their_detail_through_dispatch() {
        let h = harness();
        h.eval(
            r#"
            const target = new EventTarget();
            let seen;
            target.addEventListener('greet', (e) => { seen = [e.detail, e instanceof Event, e.type]; });
            target.dispatchEvent(new CustomEvent('greet', { detail: { name: 'ada' } }));
            assertEquals(seen, [{ name: 'ada' }, true, 'greet']);
            assertSame(new CustomEvent('x').detail, null);
            const legacy = new CustomEvent('a');
            legacy.initCustomEvent('b', true, true, 42);
            assertEquals([legacy.type, legacy.bubbles, legacy.cancelable, legacy.detail], ['b', true, true, 42]);
            assertEquals(Object.prototype.toString.call(legacy), '[object CustomEvent]');
            assertThrows(() => new CustomEvent(), TypeError);
            assertThrows(() => new CustomEvent('x', 5), TypeError);
            "#,
        );
    }

    #[test]
    fn error_and_rejection_events_read_their_init_as_webidl_does() {
        let h = harness();
        h.eval(
            r#"
            const cause = new Error('boom');
            const error = new ErrorEvent('error', { message: 'boom', filename: 'a.js', lineno: 3, colno: -1, error: cause, cancelable: true });
            assertEquals([error.message, error.filename, error.lineno, error.colno], ['boom', 'a.js', 3, 4294967295]);
            assertSame(error.error, cause);
            assertEquals(error.cancelable, true);
            const empty = new ErrorEvent('error');
            assertEquals([empty.message, empty.filename, empty.lineno, empty.colno, empty.error], ['', '', 0, 0, undefined]);

            const promise = Promise.resolve();
            const rejection = new PromiseRejectionEvent('unhandledrejection', { promise, reason: 'why', cancelable: true });
            assertSame(rejection.promise, promise);
            assertEquals(rejection.reason, 'why');
            assertThrows(() => new PromiseRejectionEvent('unhandledrejection', {}), TypeError);
            assertThrows(() => new PromiseRejectionEvent('unhandledrejection'), TypeError);
            assertEquals(Object.prototype.toString.call(rejection), '[object PromiseRejectionEvent]');
            "#,
        );
    }
}
