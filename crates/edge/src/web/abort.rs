//! `AbortController` and `AbortSignal`, including `AbortSignal.abort`, `.timeout` and `.any`.

pub(super) const SOURCE: &str = include_str!("abort.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn abort_sets_reason_and_fires_once() {
        harness().eval(
            r#"
            const controller = new AbortController();
            const signal = controller.signal;
            assertEquals(signal.aborted, false);
            assertEquals(signal.reason, undefined);
            signal.throwIfAborted();
            const seen = [];
            signal.onabort = (e) => seen.push(['onabort', e.type, e.isTrusted]);
            signal.addEventListener('abort', () => seen.push(['listener', signal.aborted]));
            controller.abort();
            controller.abort('again');
            assertEquals(seen, [['onabort', 'abort', true], ['listener', true]]);
            assert(signal.reason instanceof DOMException);
            assertEquals(signal.reason.name, 'AbortError');
            assertEquals(signal.reason.message, 'This operation was aborted');
            assertEquals(assertThrows(() => signal.throwIfAborted()), signal.reason);
            const custom = new AbortController();
            custom.abort(42);
            assertEquals(custom.signal.reason, 42);
            assertThrows(() => new AbortSignal(), TypeError);
            assertEquals(Object.prototype.toString.call(signal), '[object AbortSignal]');
            assert(signal instanceof EventTarget);
            "#,
        );
    }

    #[test]
    fn static_abort_and_any() {
        harness().eval(
            r#"
            const aborted = AbortSignal.abort('why');
            assertEquals([aborted.aborted, aborted.reason], [true, 'why']);
            assertEquals(AbortSignal.abort().reason.name, 'AbortError');

            const a = new AbortController();
            const b = new AbortController();
            const any = AbortSignal.any([a.signal, b.signal]);
            const nested = AbortSignal.any([any]);
            const order = [];
            any.addEventListener('abort', () => order.push('any'));
            nested.addEventListener('abort', () => order.push('nested'));
            b.abort('b first');
            a.abort('a later');
            assertEquals([any.aborted, any.reason], [true, 'b first']);
            assertEquals([nested.aborted, nested.reason], [true, 'b first']);
            assertEquals(order, ['any', 'nested']);

            const already = AbortSignal.any([new AbortController().signal, AbortSignal.abort('done')]);
            assertEquals([already.aborted, already.reason], [true, 'done']);
            assertThrows(() => AbortSignal.any([{}]), TypeError);
            "#,
        );
    }

    #[test]
    fn timeout_aborts_with_a_timeout_error_without_holding_the_runner() {
        let h = harness();
        h.run(
            r#"
            const signal = AbortSignal.timeout(10);
            assertEquals(signal.aborted, false);
            const event = await new Promise((resolve) => signal.addEventListener('abort', resolve));
            assertEquals(event.type, 'abort');
            assert(signal.reason instanceof DOMException);
            assertEquals(signal.reason.name, 'TimeoutError');
            assertThrows(() => AbortSignal.timeout(-1), TypeError);
            "#,
        );
        h.in_local_set(|| {
            h.eval("globalThis.pendingSignal = AbortSignal.timeout(60000)");
            assert_eq!(
                h.internals.pending_timers(),
                0,
                "timeout timers are unref'd"
            );
            h.eval("setTimeout(() => {}, 60000)");
            assert_eq!(h.internals.pending_timers(), 1);
        });
    }
}
