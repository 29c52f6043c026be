//! `ReadableStream` (default controller and reader, `tee`, async iteration, `ReadableStream.from`,
//! `pipeTo`, `pipeThrough`), `WritableStream` (default writer and controller) and
//! `TransformStream` (default controller), following WHATWG Streams. Byte streams and BYOB
//! readers are in `byte_streams.rs`.

pub(super) const SOURCE: &str = include_str!("streams.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn queuing_strategies_size_chunks_as_the_spec_says() {
        let h = harness();
        h.eval(
            r#"
            const bytes = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
            const count = new CountQueuingStrategy({ highWaterMark: '4' });
            assertEquals([bytes.highWaterMark, count.highWaterMark], [16, 4]);
            assertEquals(bytes.size(new Uint8Array(5)), 5);
            assertEquals(count.size('anything'), 1);
            assertSame(bytes.size, new ByteLengthQueuingStrategy({ highWaterMark: 1 }).size);
            assertEquals([bytes.size.name, count.size.name], ['size', 'size']);
            assertThrows(() => new bytes.size(), TypeError);
            assertThrows(() => new CountQueuingStrategy(), TypeError);
            assertThrows(() => new CountQueuingStrategy({}), TypeError);
            // A stream takes them as its strategy.
            const seen = [];
            const stream = new ReadableStream({ start(c) { seen.push(c.desiredSize); } }, bytes);
            assertEquals(seen, [16]);
            assertEquals(Object.prototype.toString.call(count), '[object CountQueuingStrategy]');
            "#,
        );
    }

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

    #[test]
    fn writable_stream_writes_in_order_and_closes() {
        harness().run(
            r#"
            const log = [];
            let controllerSeen;
            const stream = new WritableStream({
              start(c) { controllerSeen = c; log.push('start'); return sleep(1); },
              async write(chunk, c) { assertEquals(c, controllerSeen); log.push(`write ${chunk}`); await sleep(1); },
              close() { log.push('close'); },
            });
            assertEquals(Object.prototype.toString.call(stream), '[object WritableStream]');
            assertEquals(stream.locked, false);
            const writer = stream.getWriter();
            assert(writer instanceof WritableStreamDefaultWriter);
            assertEquals(stream.locked, true);
            assertThrows(() => stream.getWriter(), TypeError, /locked/);
            assertThrows(() => new WritableStreamDefaultWriter(stream), TypeError, /locked/);
            const writes = [writer.write('a'), writer.write('b')];
            const closed = writer.close();
            await Promise.all(writes);
            await closed;
            await writer.closed;
            assertEquals(log, ['start', 'write a', 'write b', 'close']);
            await assertRejects(writer.write('c'), TypeError, /closing or closed/);
            await assertRejects(writer.close(), TypeError);
            assertEquals(writer.desiredSize, 0);
            writer.releaseLock();
            assertEquals(stream.locked, false);
            await assertRejects(writer.closed, TypeError, /released/);
            assertThrows(() => writer.desiredSize, TypeError);
            await assertRejects(writer.write('d'), TypeError);
            assertThrows(() => new WritableStream({ type: 'bytes' }), RangeError);
            assertThrows(() => new WritableStream({ write: 1 }), TypeError);
            assertThrows(() => new WritableStream({}, { highWaterMark: -1 }), RangeError);
            assertThrows(() => new WritableStreamDefaultWriter({}), TypeError);
            assertEquals(typeof WritableStreamDefaultController, 'undefined', 'not a global in the Edge runtime');
            "#,
        );
    }

    #[test]
    fn writable_stream_backpressure_through_desired_size_and_ready() {
        harness().run(
            r#"
            const pending = [];
            const stream = new WritableStream({
              write() { return new Promise((resolve) => pending.push(resolve)); },
            }, { highWaterMark: 4, size: (chunk) => chunk.length });
            const writer = stream.getWriter();
            await writer.ready;
            assertEquals(writer.desiredSize, 4);
            writer.write('ab');
            assertEquals(writer.desiredSize, 2);
            writer.write('cd');
            assertEquals(writer.desiredSize, 0);
            let ready = false;
            writer.ready.then(() => { ready = true; });
            await sleep(1);
            assertEquals(ready, false, 'ready waits while the queue is full');
            assertEquals(pending.length, 1, 'one write in flight at a time');
            pending.shift()();
            await sleep(1);
            assertEquals(ready, true, 'ready resolves once the queue drains below the mark');
            assertEquals(writer.desiredSize, 2);
            pending.shift()();
            await sleep(1);
            assertEquals(writer.desiredSize, 4);
            // A default strategy counts chunks against a high-water mark of 1.
            const plain = new WritableStream().getWriter();
            assertEquals(plain.desiredSize, 1);
            await plain.write('x');
            "#,
        );
    }

    #[test]
    fn writable_stream_abort_and_error_propagation() {
        harness().run(
            r#"
            // abort(): queued writes reject, the sink's abort gets the reason, signal fires.
            const log = [];
            let signal;
            let finishWrite;
            const stream = new WritableStream({
              start(c) { signal = c.signal; },
              write(chunk) { log.push(`write ${chunk}`); return new Promise((r) => { finishWrite = r; }); },
              abort(reason) { log.push(`abort ${reason}`); },
            });
            const writer = stream.getWriter();
            const first = writer.write(1);
            const second = writer.write(2);
            await sleep(1);
            let signalled;
            signal.addEventListener('abort', () => { signalled = signal.reason; });
            const aborted = writer.abort('stop');
            assertEquals(signalled, 'stop', 'controller.signal aborts synchronously');
            await assertRejects(writer.ready, undefined);
            assertEquals(writer.desiredSize, null);
            finishWrite();
            await first;
            await assertRejects(second, undefined);
            await aborted;
            assertEquals(log, ['write 1', 'abort stop']);
            try { await writer.closed; throw new Error('closed should reject'); } catch (e) { assertEquals(e, 'stop'); }

            // controller.error() errors the stream; later writes reject with that error.
            let controller;
            const errored = new WritableStream({ start(c) { controller = c; } });
            const w = errored.getWriter();
            controller.error(new RangeError('sink broke'));
            await assertRejects(w.write('x'), RangeError, /sink broke/);
            await assertRejects(w.closed, RangeError, /sink broke/);
            await assertRejects(w.close(), TypeError, /not in the writable state/);
            assertEquals(await w.abort('late'), undefined, 'aborting an errored stream resolves');

            // A failing write errors the stream.
            const failing = new WritableStream({ write() { throw new TypeError('write failed'); } });
            const fw = failing.getWriter();
            await assertRejects(fw.write('x'), TypeError, /write failed/);
            await assertRejects(fw.closed, TypeError, /write failed/);
            // A failing start errors the stream.
            const badStart = new WritableStream({ start() { return Promise.reject(new SyntaxError('no start')); } });
            await assertRejects(badStart.getWriter().write('x'), SyntaxError);
            // A failing close rejects close() and closed.
            const badClose = new WritableStream({ close() { throw new Error('no close'); } });
            const bw = badClose.getWriter();
            await assertRejects(bw.close(), Error, /no close/);
            await assertRejects(bw.closed, Error, /no close/);
            // Locked streams refuse abort/close from the stream itself.
            await assertRejects(bw.closed.then(() => {}, () => badClose.abort()), TypeError, /locked/);
            const unlocked = new WritableStream();
            await unlocked.close();
            await assertRejects(unlocked.close(), TypeError);
            // The signal of a stream aborted before anyone asked for it is already aborted.
            let late;
            const lazy = new WritableStream({ start(c) { late = c; } });
            await lazy.abort('early');
            assertEquals(late.signal.aborted, true);
            assertEquals(late.signal.reason, 'early');
            "#,
        );
    }

    #[test]
    fn transform_stream_transforms_flushes_and_terminates() {
        harness().run(
            r#"
            const collect = async (stream) => { const out = []; for await (const chunk of stream) out.push(chunk); return out; };
            const upper = new TransformStream({
              start(c) { c.enqueue('<'); },
              async transform(chunk, c) { await sleep(1); c.enqueue(chunk.toUpperCase()); c.enqueue('.'); },
              flush(c) { c.enqueue('>'); },
            });
            assertEquals(Object.prototype.toString.call(upper), '[object TransformStream]');
            assert(upper.readable instanceof ReadableStream);
            assert(upper.writable instanceof WritableStream);
            const writer = upper.writable.getWriter();
            writer.write('a');
            writer.write('b');
            writer.close();
            assertEquals(await collect(upper.readable), ['<', 'A', '.', 'B', '.', '>']);
            await writer.closed;

            // No transformer: the identity transform.
            const identity = new TransformStream();
            const iw = identity.writable.getWriter();
            iw.write(1); iw.write({ two: 2 }); iw.close();
            assertEquals(await collect(identity.readable), [1, { two: 2 }]);

            // terminate(): the readable side closes, the writable side errors.
            const terminating = new TransformStream({ transform(chunk, c) { c.enqueue(chunk); c.terminate(); } });
            const tw = terminating.writable.getWriter();
            tw.write('only');
            assertEquals(await collect(terminating.readable), ['only']);
            await assertRejects(tw.closed, TypeError, /terminated/);
            await assertRejects(tw.write('more'), TypeError, /terminated/);

            // error() from the transformer errors both sides.
            const failing = new TransformStream({ transform(chunk, c) { c.error(new RangeError('bad chunk')); } });
            const fw = failing.writable.getWriter();
            // The readable side has a high-water mark of 0: a write waits for a read.
            const failedRead = failing.readable.getReader().read();
            await fw.write('x');
            await assertRejects(failedRead, RangeError, /bad chunk/);
            await assertRejects(fw.closed, RangeError, /bad chunk/);
            // A throwing transform does the same.
            const throwing = new TransformStream({ transform() { throw new SyntaxError('thrown'); } });
            const thw = throwing.writable.getWriter();
            const throwingReader = throwing.readable.getReader();
            const throwingRead = throwingReader.read();
            await assertRejects(thw.write('x'), SyntaxError);
            await assertRejects(thw.closed, SyntaxError);
            await assertRejects(throwingRead, SyntaxError);
            await assertRejects(throwingReader.closed, SyntaxError);

            // Canceling the readable side errors the writable side and calls cancel().
            const reasons = [];
            const canceled = new TransformStream({ cancel(reason) { reasons.push(reason); } });
            await canceled.readable.cancel('no more');
            assertEquals(reasons, ['no more']);
            await assertRejects(canceled.writable.getWriter().write('x'), undefined);
            // Aborting the writable side errors the readable side.
            const aborted = new TransformStream();
            await aborted.writable.abort(new TypeError('gone'));
            await assertRejects(aborted.readable.getReader().read(), TypeError, /gone/);

            assertThrows(() => new TransformStream({ readableType: 'bytes' }), RangeError);
            assertThrows(() => new TransformStream({ transform: 'no' }), TypeError);
            assertThrows(() => new TransformStream({ start() { throw new EvalError('sync start'); } }), EvalError);
            assertEquals(typeof TransformStreamDefaultController, 'undefined');
            "#,
        );
    }

    #[test]
    fn transform_stream_backpressure_between_its_sides() {
        harness().run(
            r#"
            let transforms = 0;
            let controller;
            const stream = new TransformStream({
              start(c) { controller = c; },
              transform(chunk, c) { transforms++; c.enqueue(chunk); },
            }, undefined, { highWaterMark: 1 });
            const writer = stream.writable.getWriter();
            await writer.ready;
            assertEquals(controller.desiredSize, 1);
            writer.write('a');
            await sleep(1);
            assertEquals(transforms, 1);
            assertEquals(controller.desiredSize, 0, 'the readable side is full');
            writer.write('b');
            writer.write('c');
            await sleep(1);
            assertEquals(transforms, 1, 'no transform while the readable side is full');
            assertEquals(writer.desiredSize, -1, 'the writable side queues');
            const reader = stream.readable.getReader();
            assertEquals((await reader.read()).value, 'a');
            await sleep(1);
            assertEquals(transforms, 2, 'reading makes room for one more');
            assertEquals((await reader.read()).value, 'b');
            assertEquals((await reader.read()).value, 'c');
            assertEquals(transforms, 3);
            // With the default readable high-water mark of 0, a write waits for a read.
            const lazy = new TransformStream();
            const lw = lazy.writable.getWriter();
            assertEquals(lw.desiredSize, 1);
            let written = false;
            lw.write('x').then(() => { written = true; });
            await sleep(2);
            assertEquals(written, false);
            assertEquals(await lazy.readable.getReader().read(), { value: 'x', done: false });
            await sleep(1);
            assertEquals(written, true);
            "#,
        );
    }

    #[test]
    fn pipe_to_and_pipe_through() {
        harness().run(
            r#"
            const sink = (log, extra = {}) => new WritableStream({
              write(chunk) { log.push(chunk); },
              close() { log.push('closed'); },
              abort(reason) { log.push(`aborted: ${reason}`); },
              ...extra,
            });
            const source = (chunks, extra = {}) => new ReadableStream({
              start(c) { for (const chunk of chunks) c.enqueue(chunk); if (!extra.open) c.close(); },
              cancel(reason) { extra.log?.push(`canceled: ${reason}`); },
            });

            const log = [];
            const readable = source([1, 2, 3]);
            const piped = readable.pipeTo(sink(log));
            assert(readable.locked);
            assertEquals(await piped, undefined);
            assertEquals(log, [1, 2, 3, 'closed']);
            assertEquals(readable.locked, false);

            // preventClose keeps the destination open and unlocked.
            const kept = [];
            const keptSink = sink(kept);
            await source(['a']).pipeTo(keptSink, { preventClose: true });
            assertEquals(kept, ['a']);
            assertEquals(keptSink.locked, false);
            const w = keptSink.getWriter();
            await w.write('b');
            assertEquals(kept, ['a', 'b']);

            // A source error aborts the destination (unless preventAbort).
            let errorIt;
            const failing = new ReadableStream({ start(c) { errorIt = c; c.enqueue('x'); } });
            const fLog = [];
            const fp = failing.pipeTo(sink(fLog));
            await sleep(1);
            errorIt.error('boom');
            await assertRejects(fp);
            assertEquals(fLog, ['x', 'aborted: boom']);
            const pLog = [];
            const pSink = sink(pLog);
            await source([], { open: true }).cancel();
            let err2;
            const f2 = new ReadableStream({ start(c) { err2 = c; } });
            const p2 = f2.pipeTo(pSink, { preventAbort: true });
            err2.error('boom2');
            try { await p2; throw new Error('should reject'); } catch (e) { assertEquals(e, 'boom2'); }
            await pSink.getWriter().write('still writable');
            assertEquals(pLog, ['still writable']);

            // A destination error cancels the source (unless preventCancel).
            const cLog = [];
            const badSink = new WritableStream({ write() { throw new Error('sink failed'); } });
            await assertRejects(source(['x'], { open: true, log: cLog }).pipeTo(badSink), Error, /sink failed/);
            assertEquals(cLog.length, 1);
            assert(cLog[0].startsWith('canceled: Error: sink failed'));
            const kLog = [];
            const keptSource = source(['x', 'y'], { open: true, log: kLog });
            await assertRejects(keptSource.pipeTo(new WritableStream({ write() { throw new Error('no'); } }), { preventCancel: true }), Error);
            assertEquals(kLog, []);
            assertEquals(keptSource.locked, false);

            // An AbortSignal stops the pipe: the destination is aborted, the source canceled.
            const aLog = [];
            const controller = new AbortController();
            const endless = new ReadableStream({ pull(c) { c.enqueue('tick'); return sleep(1); }, cancel(r) { aLog.push(`canceled: ${r.name}`); } });
            const ap = endless.pipeTo(new WritableStream({ abort(r) { aLog.push(`aborted: ${r.name}`); } }), { signal: controller.signal });
            await sleep(3);
            controller.abort();
            await assertRejects(ap, DOMException, /aborted/);
            assertEquals(aLog.sort(), ['aborted: AbortError', 'canceled: AbortError']);
            const pre = new AbortController();
            pre.abort(new RangeError('already'));
            await assertRejects(source([1]).pipeTo(new WritableStream(), { signal: pre.signal }), RangeError, /already/);

            // Argument checks.
            await assertRejects(source([]).pipeTo({}), TypeError);
            await assertRejects(source([]).pipeTo(new WritableStream(), { signal: {} }), TypeError);
            const lockedDest = new WritableStream();
            lockedDest.getWriter();
            await assertRejects(source([]).pipeTo(lockedDest), TypeError, /locked/);
            // A closed destination cancels the source.
            const closedDest = new WritableStream();
            await closedDest.close();
            const dLog = [];
            await assertRejects(source([1], { open: true, log: dLog }).pipeTo(closedDest), TypeError, /closed/);
            assert(dLog[0].startsWith('canceled: TypeError'));

            // pipeThrough returns the readable side of the pair.
            const doubled = source([1, 2, 3]).pipeThrough(new TransformStream({ transform(n, c) { c.enqueue(n * 2); } }));
            const out = [];
            for await (const n of doubled) out.push(n);
            assertEquals(out, [2, 4, 6]);
            assertThrows(() => source([]).pipeThrough({ readable: 1, writable: new WritableStream() }), TypeError);
            assertThrows(() => source([]).pipeThrough(), TypeError);
            const chained = source(['a', 'b'])
              .pipeThrough(new TransformStream({ transform(s, c) { c.enqueue(s + s); } }))
              .pipeThrough(new TransformStream({ transform(s, c) { c.enqueue(s.toUpperCase()); } }));
            const final = [];
            await chained.pipeTo(new WritableStream({ write(s) { final.push(s); } }));
            assertEquals(final, ['AA', 'BB']);
            "#,
        );
    }

    #[test]
    fn writable_and_transform_streams_inspect_and_refuse_cloning() {
        let h = harness();
        h.eval(
            r#"
            console.log(new WritableStream());
            for (const value of [new WritableStream(), new TransformStream(), new WritableStream().getWriter()]) {
              assertThrows(() => structuredClone(value), DOMException);
            }
            assertEquals(Object.prototype.toString.call(new WritableStream().getWriter()), '[object WritableStreamDefaultWriter]');
            "#,
        );
        assert_eq!(
            h.log_lines(),
            vec!["WritableStream { locked: false, state: 'writable' }"]
        );
    }
}
