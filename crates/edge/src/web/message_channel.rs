//! `MessageChannel`, `MessagePort` and `MessageEvent`, within one context. A posted message is
//! cloned with `structuredClone` and delivered as a task (after microtasks, in the order tasks
//! and timers become due; see `$.queueTask` in `timers.js`), so, like a timer, it needs a tokio
//! `LocalSet` and keeps [`super::Timers::idle`] waiting until delivered. An open port does not.
//! Transfer lists may hold `ArrayBuffer`s only: a `MessagePort` in one throws a
//! `DataCloneError`.

pub(super) const SOURCE: &str = include_str!("message_channel.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn messages_arrive_as_trusted_message_events_with_cloned_data() {
        harness().run(
            r#"
            const channel = new MessageChannel();
            assertEquals(Object.prototype.toString.call(channel), '[object MessageChannel]');
            const { port1, port2 } = channel;
            assert(port1 instanceof MessagePort && port1 instanceof EventTarget);
            assert(channel.port1 === port1, 'the same port every time');
            const received = [];
            port2.onmessage = (event) => received.push(event);
            const sent = { nested: [1, 2], date: new Date(0) };
            port1.postMessage(sent);
            port1.postMessage('second');
            assertEquals(received.length, 0, 'delivery is asynchronous');
            await sleep(5);
            assertEquals(received.length, 2);
            const [event, second] = received;
            assert(event instanceof MessageEvent && event instanceof Event);
            assertEquals([event.type, event.isTrusted, event.origin, event.lastEventId, event.source], ['message', true, '', '', null]);
            assert(event.target === port2 && event.currentTarget === null);
            assertEquals(event.ports, []);
            assert(Object.isFrozen(event.ports) && event.ports === event.ports);
            assertEquals(event.data.nested, [1, 2]);
            assert(event.data !== sent && event.data.date instanceof Date, 'a structured clone');
            assertEquals(second.data, 'second');

            // Both directions work.
            let reply;
            port1.onmessage = (e) => { reply = e.data; };
            port2.postMessage('pong');
            await sleep(5);
            assertEquals(reply, 'pong');
            "#,
        );
    }

    #[test]
    fn messages_run_after_microtasks_and_in_order_with_timers() {
        harness().run(
            r#"
            const order = [];
            const { port1, port2 } = new MessageChannel();
            port2.onmessage = (e) => order.push(e.data);
            port1.postMessage('message 1');
            Promise.resolve().then(() => order.push('microtask'));
            queueMicrotask(() => order.push('queueMicrotask'));
            port1.postMessage('message 2');
            // Messages are due at once, setTimeout(0) after 1 ms: the messages come first.
            setTimeout(() => order.push('timeout'), 0);
            order.push('sync');
            await sleep(10);
            assertEquals(order, ['sync', 'microtask', 'queueMicrotask', 'message 1', 'message 2', 'timeout']);

            // A timer that is already due when the message is posted runs first.
            const later = [];
            port2.onmessage = (e) => later.push(e.data);
            setTimeout(() => later.push('due timer'), 0);
            const start = performance.now();
            while (performance.now() - start < 3) {}
            port1.postMessage('message');
            await sleep(10);
            assertEquals(later, ['due timer', 'message']);

            // React's scheduler loop: each handler posts the next message.
            const channel = new MessageChannel();
            let rounds = 0;
            const ticks = [];
            channel.port1.onmessage = () => {
              rounds++;
              Promise.resolve().then(() => ticks.push(`microtask after round ${rounds}`));
              if (rounds < 3) channel.port2.postMessage(null);
            };
            channel.port2.postMessage(null);
            await sleep(10);
            assertEquals(rounds, 3);
            assertEquals(ticks, ['microtask after round 1', 'microtask after round 2', 'microtask after round 3']);
            "#,
        );
    }

    #[test]
    fn the_port_message_queue_waits_for_start_or_onmessage() {
        harness().run(
            r#"
            const { port1, port2 } = new MessageChannel();
            const seen = [];
            port2.addEventListener('message', (e) => seen.push(e.data));
            port1.postMessage('queued');
            await sleep(5);
            assertEquals(seen, [], 'addEventListener alone does not start the port');
            port2.start();
            port2.start();
            await sleep(5);
            assertEquals(seen, ['queued'], 'start() delivers what waited, once');
            port1.postMessage('direct');
            await sleep(5);
            assertEquals(seen, ['queued', 'direct']);

            const other = new MessageChannel();
            other.port1.postMessage('early');
            await sleep(5);
            const handled = [];
            other.port2.onmessage = (e) => handled.push(e.data);
            assertEquals(typeof other.port2.onmessage, 'function');
            await sleep(5);
            assertEquals(handled, ['early'], 'setting onmessage starts the port');
            other.port2.onmessage = null;
            other.port1.postMessage('nobody listens');
            await sleep(5);
            assertEquals(handled, ['early']);
            "#,
        );
    }

    #[test]
    fn close_stops_delivery() {
        harness().run(
            r#"
            const delivered = [];
            const listen = (port, name) => { port.onmessage = (e) => delivered.push(`${name}: ${e.data}`); };

            // Sent to a closed port, or from one: nothing arrives.
            const a = new MessageChannel();
            listen(a.port1, 'a1');
            a.port1.close();
            a.port2.postMessage('to closed');
            a.port1.postMessage('from closed');
            const b = new MessageChannel();
            listen(b.port1, 'b1');
            listen(b.port2, 'b2');
            b.port2.close();
            b.port2.postMessage('from closed');
            b.port1.postMessage('to closed');
            b.port2.close();

            // A message already queued when the sender closes is still delivered.
            const c = new MessageChannel();
            listen(c.port2, 'c2');
            c.port1.postMessage('before close');
            c.port1.close();
            c.port1.postMessage('after close');
            await sleep(10);
            assertEquals(delivered, ['c2: before close']);
            // An unclonable message still throws on a closed port.
            assertThrows(() => a.port1.postMessage(() => {}), DOMException);
            "#,
        );
    }

    #[test]
    fn cloning_and_transfer_lists() {
        let h = harness();
        h.run(
            r#"
            const { port1, port2 } = new MessageChannel();
            const got = [];
            port2.onmessage = (e) => got.push(e.data);
            const error = assertThrows(() => port1.postMessage(() => {}), DOMException);
            assertEquals(error.name, 'DataCloneError');
            assertEquals(assertThrows(() => port1.postMessage(Symbol('s')), DOMException).name, 'DataCloneError');
            assertEquals(assertThrows(() => port1.postMessage(port2), DOMException).name, 'DataCloneError', 'ports are not serializable');
            assertEquals(assertThrows(() => port1.postMessage(null, [port1]), DOMException).name, 'DataCloneError');
            const third = new MessageChannel().port1;
            assertEquals(assertThrows(() => port1.postMessage(third, [third]), DOMException).name, 'DataCloneError');
            assertEquals(assertThrows(() => port1.postMessage(null, { transfer: [port2] }), DOMException).name, 'DataCloneError');
            assertThrows(() => port1.postMessage(null, [1]), TypeError);
            assertThrows(() => port1.postMessage(null, 1), TypeError);
            assertThrows(() => port1.postMessage(), TypeError);
            const bytes = new Uint8Array([1, 2, 3]);
            port1.postMessage(bytes, [bytes.buffer]);
            assertEquals(bytes.byteLength, 0, 'the ArrayBuffer was transferred');
            const kept = new Uint8Array([4]);
            port1.postMessage(kept, { transfer: [] });
            port1.postMessage('plain', undefined);
            await sleep(5);
            assertEquals(got.length, 3, 'failed posts sent nothing');
            assertEquals([...got[0]], [1, 2, 3]);
            assertEquals([...got[1]], [4]);
            assertEquals(kept.byteLength, 1);
            assertEquals(got[2], 'plain');
            assertThrows(() => structuredClone(new MessageChannel()), DOMException);
            assertThrows(() => new MessagePort(), TypeError, /Illegal constructor/);
            "#,
        );
        assert!(h.uncaught_messages().is_empty());
    }

    #[test]
    fn listener_errors_are_reported_and_delivery_continues() {
        let h = harness();
        h.run(
            r#"
            const { port1, port2 } = new MessageChannel();
            const seen = [];
            port2.onmessage = (e) => { seen.push(e.data); if (e.data === 1) throw new Error('handler failed'); };
            port1.postMessage(1);
            port1.postMessage(2);
            await sleep(5);
            assertEquals(seen, [1, 2]);
            "#,
        );
        assert_eq!(h.uncaught_messages(), vec!["Error: handler failed"]);
    }

    #[test]
    fn message_event_constructor() {
        harness().eval(
            r#"
            const { port1 } = new MessageChannel();
            const event = new MessageEvent('message', { data: { x: 1 }, origin: 'https://a.com', lastEventId: 7, source: port1, ports: [port1], bubbles: true });
            assertEquals([event.type, event.data.x, event.origin, event.lastEventId, event.bubbles, event.isTrusted], ['message', 1, 'https://a.com', '7', true, false]);
            assert(event.source === port1 && event.ports[0] === port1 && Object.isFrozen(event.ports));
            const bare = new MessageEvent('custom');
            assertEquals([bare.data, bare.origin, bare.source, bare.ports.length], [null, '', null, 0]);
            assertEquals(new MessageEvent('m', { data: undefined }).data, null);
            assertThrows(() => new MessageEvent(), TypeError);
            assertThrows(() => new MessageEvent('m', { source: {} }), TypeError);
            assertThrows(() => new MessageEvent('m', { ports: [{}] }), TypeError);
            assertThrows(() => new MessageEvent('m', { ports: 1 }), TypeError);
            assertEquals(Object.prototype.toString.call(bare), '[object MessageEvent]');
            // Dispatched by script: untrusted, reaches listeners like any event.
            let got;
            port1.addEventListener('message', (e) => { got = e; });
            port1.dispatchEvent(event);
            assert(got === event);
            "#,
        );
    }

    #[test]
    fn a_pending_message_keeps_the_runner_waiting_and_an_open_port_does_not() {
        let h = harness();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async {
            h.eval(
                r#"
                globalThis.channel = new MessageChannel();
                channel.port2.onmessage = (e) => { globalThis.received = e.data; };
                channel.port1.postMessage('hello');
                "#,
            );
            assert_eq!(h.internals.pending_timers(), 1);
            tokio::time::timeout(
                std::time::Duration::from_secs(5),
                h.internals.timers().idle(),
            )
            .await
            .expect("the message is delivered");
            assert_eq!(h.string("received"), "hello");
            assert_eq!(h.internals.pending_timers(), 0, "open ports hold nothing");
        });
    }

    #[test]
    fn react_hot_path_globals_behave() {
        harness().run(
            r#"
            // React's scheduler picks MessageChannel when setImmediate is absent.
            assertEquals(typeof setImmediate, 'undefined');
            assertEquals(typeof MessageChannel, 'function');
            // Fizz (react-dom/server.edge) writes with encodeInto into a 2 KB view, then
            // encode() for what does not fit.
            const encoder = new TextEncoder();
            const view = new Uint8Array(8);
            assertEquals(encoder.encodeInto('<p>héllo</p>', view), { read: 7, written: 8 });
            assertEquals(new TextDecoder().decode(view), '<p>héll');
            assertEquals(encoder.encodeInto('ab😀', new Uint8Array(5)), { read: 2, written: 2 }, 'a character that does not fit is left whole');
            assertEquals(encoder.encodeInto('', view), { read: 0, written: 0 });
            assertEquals([...encoder.encode('é')], [0xc3, 0xa9]);
            const order = [];
            setTimeout(() => order.push('timeout'), 0);
            queueMicrotask(() => order.push('microtask'));
            await sleep(5);
            assertEquals(order, ['microtask', 'timeout']);
            "#,
        );
    }
}
