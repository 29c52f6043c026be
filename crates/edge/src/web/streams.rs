//! `ReadableStream`, its default controller and reader, `tee`, async iteration and `ReadableStream.from`.

pub(super) const SOURCE: &str = include_str!("streams.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn reads_enqueued_chunks_then_done() {
        harness().run(
            r#"
            const stream = new ReadableStream({
              start(controller) {
                controller.enqueue('a');
                controller.enqueue('b');
                controller.close();
              },
            });
            assertEquals(stream.locked, false);
            const reader = stream.getReader();
            assert(reader instanceof ReadableStreamDefaultReader);
            assertEquals(stream.locked, true);
            assertEquals(await reader.read(), { value: 'a', done: false });
            assertEquals(await reader.read(), { value: 'b', done: false });
            assertEquals(await reader.read(), { value: undefined, done: true });
            assertEquals(await reader.read(), { value: undefined, done: true });
            await reader.closed;
            assertThrows(() => stream.getReader(), TypeError, /locked/);
            reader.releaseLock();
            assertEquals(stream.locked, false);
            await assertRejects(reader.closed, TypeError);
            await assertRejects(reader.read(), TypeError);
            "#,
        );
    }

    #[test]
    fn pull_respects_the_high_water_mark() {
        harness().run(
            r#"
            const pulls = [];
            let n = 0;
            let controller;
            const stream = new ReadableStream({
              start(c) { controller = c; },
              pull(c) {
                pulls.push(c.desiredSize);
                c.enqueue(n++);
              },
            }, { highWaterMark: 3 });
            await sleep(5);
            assertEquals(pulls, [3, 2, 1], 'fills the queue up to the high-water mark, then stops');
            assertEquals(controller.desiredSize, 0);
            const reader = stream.getReader();
            assertEquals((await reader.read()).value, 0);
            await sleep(5);
            assertEquals(pulls.length, 4, 'one read makes room for one more pull');
            assertEquals(controller.desiredSize, 0);
            "#,
        );
    }

    #[test]
    fn size_strategy_and_backpressure_from_enqueue() {
        harness().run(
            r#"
            let controller;
            let pulls = 0;
            const stream = new ReadableStream({
              start(c) { controller = c; },
              pull() { pulls++; },
            }, { highWaterMark: 10, size: (chunk) => chunk.length });
            await sleep(1);
            assertEquals(pulls, 1, 'one pull after start');
            controller.enqueue('12345');
            assertEquals(controller.desiredSize, 5);
            assertEquals(pulls, 2, 'room left: enqueue pulls again');
            await sleep(1);
            controller.enqueue('1234567');
            assertEquals(controller.desiredSize, -2);
            await sleep(1);
            assertEquals(pulls, 2, 'no pull while the queue is over the mark');
            const reader = stream.getReader();
            await reader.read();
            assertEquals(controller.desiredSize, 3);
            assertThrows(() => new ReadableStream({}, { highWaterMark: -1 }), RangeError);
            assertThrows(() => new ReadableStream({}, { size: 1 }), TypeError);
            const bad = new ReadableStream({ start(c) { assertThrows(() => c.enqueue('x'), RangeError); } }, { size: () => -1 });
            await assertRejects(bad.getReader().read(), RangeError);
            "#,
        );
    }

    #[test]
    fn errors_and_invalid_states() {
        harness().run(
            r#"
            let controller;
            const stream = new ReadableStream({ start(c) { controller = c; } });
            const reader = stream.getReader();
            const pending = reader.read();
            controller.error(new TypeError('broken'));
            await assertRejects(pending, TypeError, /broken/);
            await assertRejects(reader.closed, TypeError, /broken/);
            await assertRejects(reader.read(), TypeError, /broken/);
            assertEquals(controller.desiredSize, null);
            assertThrows(() => controller.enqueue('x'), TypeError);

            const closed = new ReadableStream({ start(c) { c.close(); assertThrows(() => c.enqueue(1), TypeError); assertThrows(() => c.close(), TypeError); } });
            assertEquals(await closed.getReader().read(), { value: undefined, done: true });

            const failingStart = new ReadableStream({ start() { return Promise.reject(new Error('start failed')); } });
            await assertRejects(failingStart.getReader().read(), Error, /start failed/);
            assertThrows(() => new ReadableStream({ start() { throw new SyntaxError('sync'); } }), SyntaxError);
            const failingPull = new ReadableStream({ pull() { throw new Error('pull failed'); } });
            await assertRejects(failingPull.getReader().read(), Error, /pull failed/);
            assertThrows(() => new ReadableStream({ type: 'other' }), TypeError);
            assertThrows(() => new ReadableStreamDefaultReader({}), TypeError);
            "#,
        );
    }

    #[test]
    fn release_lock_rejects_pending_reads() {
        harness().run(
            r#"
            const stream = new ReadableStream();
            const reader = stream.getReader();
            const pending = reader.read();
            reader.releaseLock();
            await assertRejects(pending, TypeError);
            const again = stream.getReader();
            assert(again !== reader);
            "#,
        );
    }

    #[test]
    fn cancel_reaches_the_source() {
        harness().run(
            r#"
            const reasons = [];
            const stream = new ReadableStream({
              start(c) { c.enqueue('queued'); },
              cancel(reason) { reasons.push(reason); return new Promise((r) => setTimeout(r, 1)); },
            });
            const reader = stream.getReader();
            const pending = reader.cancel('bye');
            assertEquals(await pending, undefined);
            assertEquals(reasons, ['bye']);
            assertEquals(await reader.read(), { value: undefined, done: true }, 'the queue was dropped');
            await assertRejects(new ReadableStream().getReader().cancel && (() => { const s = new ReadableStream(); s.getReader(); return s.cancel(); }), TypeError);
            const failing = new ReadableStream({ cancel() { throw new Error('cancel failed'); } });
            await assertRejects(failing.cancel(), Error, /cancel failed/);
            "#,
        );
    }

    #[test]
    fn tee_delivers_every_chunk_to_both_branches() {
        harness().run(
            r#"
            let pulls = 0;
            const source = new ReadableStream({
              pull(c) {
                pulls++;
                if (pulls <= 3) c.enqueue(pulls);
                else c.close();
              },
            });
            const [left, right] = source.tee();
            assertEquals(source.locked, true);
            const collect = async (stream) => { const out = []; for await (const chunk of stream) out.push(chunk); return out; };
            const [a, b] = await Promise.all([collect(left), collect(right)]);
            assertEquals(a, [1, 2, 3]);
            assertEquals(b, [1, 2, 3]);
            "#,
        );
    }

    #[test]
    fn tee_branches_read_at_their_own_pace_and_cancel_together() {
        harness().run(
            r#"
            let cancelReason;
            let controller;
            const source = new ReadableStream({
              start(c) { controller = c; },
              cancel(reason) { cancelReason = reason; },
            });
            const [left, right] = source.tee();
            controller.enqueue('x');
            controller.enqueue('y');
            const leftReader = left.getReader();
            assertEquals((await leftReader.read()).value, 'x');
            assertEquals((await leftReader.read()).value, 'y');
            const rightReader = right.getReader();
            assertEquals((await rightReader.read()).value, 'x', 'the slow branch keeps its chunks');
            const leftCanceled = leftReader.cancel('left');
            await sleep(1);
            assertEquals(cancelReason, undefined, 'one branch alone does not cancel the source');
            await Promise.all([leftCanceled, rightReader.cancel('right')]);
            assertEquals(cancelReason, ['left', 'right']);

            let errorController;
            const erroring = new ReadableStream({ start(c) { errorController = c; } });
            const [e1, e2] = erroring.tee();
            errorController.error(new RangeError('source error'));
            await assertRejects(e1.getReader().read(), RangeError);
            await assertRejects(e2.getReader().read(), RangeError);
            "#,
        );
    }

    #[test]
    fn async_iteration_cancels_unless_prevented() {
        harness().run(
            r#"
            const make = (log) => new ReadableStream({
              start(c) { c.enqueue(1); c.enqueue(2); c.enqueue(3); },
              cancel(reason) { log.push(['cancel', reason]); },
            });
            const log = [];
            const stream = make(log);
            for await (const chunk of stream) {
              log.push(chunk);
              if (chunk === 2) break;
            }
            assertEquals(log, [1, 2, ['cancel', undefined]]);
            assertEquals(stream.locked, false);

            const kept = [];
            const keep = make(kept);
            for await (const chunk of keep.values({ preventCancel: true })) {
              kept.push(chunk);
              break;
            }
            assertEquals(kept, [1]);
            const reader = keep.getReader();
            assertEquals((await reader.read()).value, 2, 'preventCancel left the stream readable');

            const iterator = make([])[Symbol.asyncIterator]();
            assertEquals(Object.prototype.toString.call(iterator), '[object ReadableStream AsyncIterator]');
            const [first, second] = await Promise.all([iterator.next(), iterator.next()]);
            assertEquals([first.value, second.value], [1, 2]);
            assertEquals(await iterator.return('r'), { value: 'r', done: true });
            assertEquals(await iterator.next(), { value: undefined, done: true });

            let errorController;
            const failing = new ReadableStream({ start(c) { errorController = c; } });
            const failed = (async () => { for await (const _ of failing) {} })();
            errorController.error(new Error('mid-iteration'));
            await assertRejects(failed, Error, /mid-iteration/);
            "#,
        );
    }

    #[test]
    fn from_iterables() {
        harness().run(
            r#"
            const collect = async (stream) => { const out = []; for await (const chunk of stream) out.push(chunk); return out; };
            assertEquals(await collect(ReadableStream.from([1, 2, 3])), [1, 2, 3]);
            assertEquals(await collect(ReadableStream.from([Promise.resolve('p')])), ['p']);
            async function* generate() { yield 'a'; await sleep(1); yield 'b'; }
            assertEquals(await collect(ReadableStream.from(generate())), ['a', 'b']);
            let finalized = false;
            function* endless() { try { for (let i = 0; ; i++) yield i; } finally { finalized = true; } }
            const stream = ReadableStream.from(endless());
            for await (const i of stream) if (i === 2) break;
            assert(finalized, 'cancel calls return() on the iterator');
            assertThrows(() => ReadableStream.from(42), TypeError);
            "#,
        );
    }

    #[test]
    fn byte_sources_as_react_uses_them() {
        harness().run(
            r#"
            const encoder = new TextEncoder();
            let step = 0;
            const stream = new ReadableStream({
              type: 'bytes',
              pull(controller) {
                assertEquals(controller.byobRequest, null);
                step++;
                if (step === 1) controller.enqueue(encoder.encode('<div>'));
                else if (step === 2) controller.enqueue(new DataView(encoder.encode('hi').buffer));
                else controller.close();
              },
            }, { highWaterMark: 0 });
            const chunks = [];
            for await (const chunk of stream) {
              assert(chunk instanceof Uint8Array);
              chunks.push(new TextDecoder().decode(chunk));
            }
            assertEquals(chunks, ['<div>', 'hi']);
            const bytes = new ReadableStream({ type: 'bytes', start(c) { assertThrows(() => c.enqueue('str'), TypeError); assertThrows(() => c.enqueue(new Uint8Array(0)), TypeError); } });
            assertThrows(() => bytes.getReader({ mode: 'byob' }), TypeError);
            assertThrows(() => new ReadableStream({ type: 'bytes' }, { size: () => 1 }), RangeError);
            "#,
        );
    }

    #[test]
    fn inspects_and_brands() {
        let h = harness();
        h.eval(
            r#"
            const stream = new ReadableStream();
            assertEquals(Object.prototype.toString.call(stream), '[object ReadableStream]');
            console.log(stream);
            const controllerClass = (() => { let c; new ReadableStream({ start(x) { c = x; } }); return c.constructor; })();
            assertThrows(() => new controllerClass(), TypeError, /Illegal constructor/);
            assertEquals(typeof ReadableStreamDefaultController, 'undefined', 'not a global in the Edge runtime');
            "#,
        );
        assert_eq!(
            h.log_lines(),
            vec!["ReadableStream { locked: false, state: 'readable', supportsBYOB: false }"]
        );
    }
}
