//! `Event` and `EventTarget` (DOM §2), enough for `AbortSignal` and `FetchEvent`.

pub(super) const SOURCE: &str = include_str!("events.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn dispatches_to_listeners_in_order_with_options() {
        let h = harness();
        h.eval(
            r#"
            const target = new EventTarget();
            const seen = [];
            const first = (e) => seen.push(['first', e.type, e.target === target, e.currentTarget === target, e.eventPhase]);
            target.addEventListener('ping', first);
            target.addEventListener('ping', first); // duplicate: ignored
            target.addEventListener('ping', { handleEvent(e) { seen.push(['object', this !== target]); } });
            target.addEventListener('ping', () => seen.push(['once']), { once: true });
            assertEquals(target.dispatchEvent(new Event('ping')), true);
            target.dispatchEvent(new Event('ping'));
            assertEquals(seen, [
              ['first', 'ping', true, true, 2], ['object', true], ['once'],
              ['first', 'ping', true, true, 2], ['object', true],
            ]);
            target.removeEventListener('ping', first);
            seen.length = 0;
            target.dispatchEvent(new Event('ping'));
            assertEquals(seen, [['object', true]]);
            "#,
        );
    }

    #[test]
    fn cancelation_propagation_and_state() {
        let h = harness();
        h.eval(
            r#"
            const target = new EventTarget();
            const seen = [];
            target.addEventListener('x', (e) => { e.preventDefault(); seen.push(1); e.stopImmediatePropagation(); });
            target.addEventListener('x', () => seen.push(2));
            const cancelable = new Event('x', { cancelable: true });
            assertEquals(target.dispatchEvent(cancelable), false);
            assertEquals(cancelable.defaultPrevented, true);
            assertEquals(seen, [1]);
            const plain = new Event('x');
            assertEquals(target.dispatchEvent(plain), true, 'not cancelable');
            assertEquals(plain.defaultPrevented, false);
            assertEquals(plain.eventPhase, 0);
            assertEquals(plain.currentTarget, null);
            assertSame(plain.target, target);
            assertEquals(plain.isTrusted, false);
            const passive = new EventTarget();
            passive.addEventListener('p', (e) => e.preventDefault(), { passive: true });
            const p = new Event('p', { cancelable: true });
            passive.dispatchEvent(p);
            assertEquals(p.defaultPrevented, false, 'passive listeners cannot cancel');
            assertThrows(() => new Event(), TypeError);
            assertThrows(() => target.dispatchEvent({ type: 'x' }), TypeError);
            "#,
        );
    }

    #[test]
    fn listener_errors_are_reported_and_dispatch_continues() {
        let h = harness();
        h.eval(
            r#"
            const target = new EventTarget();
            let reached = false;
            target.addEventListener('boom', () => { throw new RangeError('listener failed'); });
            target.addEventListener('boom', () => { reached = true; });
            target.dispatchEvent(new Event('boom'));
            assert(reached);
            "#,
        );
        assert_eq!(h.uncaught_messages(), vec!["RangeError: listener failed"]);
    }

    #[test]
    fn redispatching_an_event_in_flight_is_an_invalid_state() {
        harness().eval(
            r#"
            const target = new EventTarget();
            let error;
            target.addEventListener('x', (e) => {
              try { target.dispatchEvent(e); } catch (caught) { error = caught; }
            });
            target.dispatchEvent(new Event('x'));
            assert(error instanceof DOMException);
            assertEquals(error.name, 'InvalidStateError');
            "#,
        );
    }

    #[test]
    fn signal_option_removes_the_listener() {
        harness().eval(
            r#"
            const target = new EventTarget();
            const controller = new AbortController();
            let count = 0;
            target.addEventListener('x', () => count++, { signal: controller.signal });
            target.dispatchEvent(new Event('x'));
            controller.abort();
            target.dispatchEvent(new Event('x'));
            assertEquals(count, 1);
            target.addEventListener('x', () => count++, { signal: controller.signal });
            target.dispatchEvent(new Event('x'));
            assertEquals(count, 1, 'an aborted signal adds nothing');
            "#,
        );
    }
}
