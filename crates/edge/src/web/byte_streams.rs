//! Readable byte streams: `new ReadableStream({ type: 'bytes' })` with its
//! `ReadableByteStreamController`, `ReadableStreamBYOBRequest`, `ReadableStreamBYOBReader`
//! (`read(view, { min })`) and the byte-stream `tee`, following WHATWG Streams. Loaded the
//! first time a byte stream or a BYOB reader is made. The tests follow the WPT
//! `streams/readable-byte-streams` cases.

pub(super) const SOURCE: &str = include_str!("byte_streams.js");

#[cfg(test)]
mod tests {
    use crate::web::ResponseBody;
    use crate::web::testing::harness;

    #[test]
    fn enqueue_transfers_the_chunk_and_default_reads_get_uint8_arrays() {
        harness().run(
            r#"
            let controller;
            const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
            assertEquals(Object.prototype.toString.call(controller), '[object ReadableByteStreamController]');
            assertEquals(controller.desiredSize, 0, "a byte stream's default high-water mark is 0");
            assertEquals(controller.byobRequest, null);
            const chunk = new Uint8Array([1, 2, 3, 4]);
            const buffer = chunk.buffer;
            controller.enqueue(chunk.subarray(1, 3));
            assertEquals(buffer.detached, true, 'enqueue transfers the buffer');
            assertEquals(chunk.byteLength, 0);
            assertEquals(controller.desiredSize, -2);
            controller.enqueue(new DataView(new Uint8Array([5, 6]).buffer));
            // The spec reads internal slots: a shadowed byteLength changes nothing.
            const shadowed = new Uint8Array([7]);
            Object.defineProperty(shadowed, 'byteLength', { value: 0 });
            controller.enqueue(shadowed);
            const reader = stream.getReader();
            const first = await reader.read();
            assert(first.value instanceof Uint8Array);
            assertEquals([...first.value], [2, 3]);
            assertEquals([first.value.byteOffset, first.value.buffer.byteLength], [1, 4], 'a view of the transferred buffer');
            const second = await reader.read();
            assert(second.value instanceof Uint8Array, 'a DataView chunk reads as a Uint8Array');
            assertEquals([...second.value], [5, 6]);
            assertEquals([...(await reader.read()).value], [7]);
            controller.close();
            assertEquals(await reader.read(), { value: undefined, done: true });
            await reader.closed;

            new ReadableStream({
              type: 'bytes',
              start(c) {
                assertThrows(() => c.enqueue(), TypeError);
                assertThrows(() => c.enqueue('str'), TypeError, /ArrayBufferView/);
                assertThrows(() => c.enqueue(new ArrayBuffer(1)), TypeError, /ArrayBufferView/);
                assertThrows(() => c.enqueue(new Uint8Array(0)), TypeError, /non-zero byteLength/);
                const detached = new Uint8Array(2);
                detached.buffer.transfer();
                assertThrows(() => c.enqueue(detached), TypeError);
                assertThrows(() => c.enqueue(new Uint8Array(new ArrayBuffer(4, { maxByteLength: 8 }))), TypeError, /ArrayBufferView/);
                c.close();
                assertThrows(() => c.enqueue(new Uint8Array(1)), TypeError, /state/);
                assertThrows(() => c.close(), TypeError, /state/);
              },
            });
            assertThrows(() => new ReadableStream({ type: 'bytes' }, { size: () => 1 }), RangeError);
            assertThrows(() => new ReadableStream({ type: 'bytes' }, { highWaterMark: -1 }), RangeError);
            "#,
        );
    }

    #[test]
    fn react_style_pull_with_high_water_mark_zero() {
        harness().run(
            r#"
            const encoder = new TextEncoder();
            const log = [];
            let step = 0;
            const stream = new ReadableStream({
              type: 'bytes',
              pull(controller) {
                log.push(`pull ${controller.desiredSize} ${controller.byobRequest}`);
                step++;
                if (step === 1) {
                  controller.enqueue(encoder.encode('<div>'));
                  controller.enqueue(encoder.encode('hi'));
                } else if (step === 2) {
                  // Rendering goes on after pull() returns.
                  setTimeout(() => {
                    controller.enqueue(encoder.encode('</div>'));
                    controller.close();
                  }, 1);
                }
              },
              cancel() { log.push('cancel'); },
            }, { highWaterMark: 0 });
            await sleep(5);
            assertEquals(log, [], 'no pull before anyone reads');
            const reader = stream.getReader();
            const chunks = [];
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              assert(value instanceof Uint8Array);
              chunks.push(new TextDecoder().decode(value));
            }
            assertEquals(chunks, ['<div>', 'hi', '</div>']);
            assertEquals(log, ['pull 0 null', 'pull 0 null'], 'one pull per read that found the queue empty');

            // The server cancels when the client goes away; React errors the stream on failure.
            let canceled;
            const aborted = new ReadableStream({ type: 'bytes', pull() {}, cancel(reason) { canceled = reason; } }, { highWaterMark: 0 });
            await aborted.getReader().cancel('client left');
            assertEquals(canceled, 'client left');
            let failing;
            const failed = new ReadableStream({ type: 'bytes', pull(c) { failing = c; } }, { highWaterMark: 0 });
            const failedReader = failed.getReader();
            const pending = failedReader.read();
            await sleep(1);
            failing.error(new Error('render failed'));
            await assertRejects(pending, Error, /render failed/);
            await assertRejects(failedReader.closed, Error, /render failed/);
            "#,
        );
    }

    #[test]
    fn high_water_mark_counts_bytes() {
        harness().run(
            r#"
            const sizes = [];
            const stream = new ReadableStream({
              type: 'bytes',
              pull(c) {
                sizes.push(c.desiredSize);
                c.enqueue(new Uint8Array(3));
              },
            }, { highWaterMark: 7 });
            await sleep(5);
            assertEquals(sizes, [7, 4, 1], 'pulls until at least 7 bytes are queued');
            const reader = stream.getReader();
            assertEquals((await reader.read()).value.byteLength, 3);
            await sleep(1);
            assertEquals(sizes, [7, 4, 1, 1]);
            "#,
        );
    }

    #[test]
    fn response_bodies_made_of_byte_streams_reach_rust_chunk_by_chunk() {
        let h = harness();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        let body = local.block_on(&runtime, async {
            let value = h.eval(
                r#"
                const encoder = new TextEncoder();
                let step = 0;
                new Response(new ReadableStream({
                  type: 'bytes',
                  pull(controller) {
                    step++;
                    if (step === 1) controller.enqueue(encoder.encode('<html>'));
                    else setTimeout(() => { controller.enqueue(new Uint8Array([0x21])); controller.close(); }, 1);
                  },
                }, { highWaterMark: 0 }), { headers: { 'content-type': 'text/html' } })
                "#,
            );
            let parts = h.internals.read_response(&value).unwrap();
            let ResponseBody::Stream(reader) = parts.body else {
                panic!("expected a stream");
            };
            let mut body = Vec::new();
            loop {
                let pending = h.internals.read_chunk(&reader).unwrap();
                let settled = crate::promise::settle(&h.ctx, pending)
                    .unwrap()
                    .await
                    .unwrap();
                let chunk = match settled {
                    Ok(chunk) => chunk,
                    Err(reason) => panic!("read_chunk rejected: {}", reason.to_error()),
                };
                match chunk.as_object() {
                    Some(bytes) => body.extend(bytes.with_bytes(<[u8]>::to_vec).unwrap()),
                    None => break,
                }
            }
            body
        });
        h.internals.timers().clear_all();
        assert_eq!(body, b"<html>!");
    }

    #[test]
    fn byob_reads_fill_views_partially_and_honour_min() {
        harness().run(
            r#"
            let controller;
            const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
            const reader = stream.getReader({ mode: 'byob' });
            assert(reader instanceof ReadableStreamBYOBReader);
            assertEquals(stream.locked, true);
            controller.enqueue(new Uint8Array([1, 2, 3, 4, 5]));

            // A view bigger than what is queued takes what there is.
            const view = new Uint8Array(8);
            const first = await reader.read(view);
            assertEquals(first.done, false);
            assertEquals([...first.value], [1, 2, 3, 4, 5]);
            assertEquals(view.byteLength, 0, 'the view passed in was transferred');
            assertEquals(first.value.buffer.byteLength, 8, 'the result views the same memory');

            // A smaller view takes part of a chunk; the rest stays queued.
            controller.enqueue(new Uint8Array([6, 7, 8]));
            const small = await reader.read(new Uint8Array(2));
            assertEquals([...small.value], [6, 7]);
            assertEquals(controller.desiredSize, -1);

            // Multi-byte elements: only whole elements are delivered, the odd byte waits.
            controller.enqueue(new Uint8Array([9, 10]));
            const wide = await reader.read(new Uint16Array(4));
            assert(wide.value instanceof Uint16Array);
            assertEquals(wide.value.length, 1);
            assertEquals([...new Uint8Array(wide.value.buffer, 0, 2)], [8, 9]);
            assertEquals(controller.desiredSize, -1, 'one byte still queued');

            // min: the read waits for at least `min` elements.
            const pending = reader.read(new Uint8Array(6), { min: 4 });
            let settled = false;
            pending.then(() => { settled = true; });
            controller.enqueue(new Uint8Array([11, 12]));
            await sleep(1);
            assertEquals(settled, false, 'three bytes are not enough');
            controller.enqueue(new Uint8Array([13, 14]));
            assertEquals([...(await pending).value], [10, 11, 12, 13, 14]);

            // A DataView reads as a DataView.
            controller.enqueue(new Uint8Array([15, 16, 17]));
            const dataView = await reader.read(new DataView(new ArrayBuffer(4), 1, 2));
            assert(dataView.value instanceof DataView);
            assertEquals([dataView.value.byteOffset, dataView.value.byteLength, dataView.value.getUint8(1)], [1, 2, 16]);

            await assertRejects(reader.read(), TypeError);
            await assertRejects(reader.read(new ArrayBuffer(2)), TypeError, /ArrayBufferView/);
            await assertRejects(reader.read(new Uint8Array(0)), TypeError, /non-zero/);
            await assertRejects(reader.read(new Uint8Array(new ArrayBuffer(0))), TypeError);
            await assertRejects(reader.read(new Uint8Array(2), { min: 0 }), TypeError, /min/);
            await assertRejects(reader.read(new Uint8Array(2), { min: -1 }), TypeError);
            await assertRejects(reader.read(new Uint8Array(2), { min: NaN }), TypeError);
            await assertRejects(reader.read(new Uint16Array(2), { min: 3 }), RangeError);
            await assertRejects(reader.read(new DataView(new ArrayBuffer(2)), { min: 3 }), RangeError);
            const detached = new Uint8Array(4);
            detached.buffer.transfer();
            await assertRejects(reader.read(detached), TypeError);
            assertEquals([...(await reader.read(new Uint8Array(4))).value], [17], 'failed reads left the queue alone');
            "#,
        );
    }

    #[test]
    fn byob_request_respond_and_respond_with_new_view() {
        harness().run(
            r#"
            const pulls = [];
            let requestClass;
            const stream = new ReadableStream({
              type: 'bytes',
              pull(c) {
                const request = c.byobRequest;
                assertEquals(Object.prototype.toString.call(request), '[object ReadableStreamBYOBRequest]');
                assert(c.byobRequest === request, 'the same request until it is answered');
                requestClass = request.constructor;
                const view = request.view;
                pulls.push([view.constructor.name, view.byteOffset, view.byteLength]);
                if (pulls.length === 1) {
                  assertThrows(() => request.respond(0), TypeError, /greater than 0/);
                  assertThrows(() => request.respond(view.byteLength + 1), RangeError);
                  assertThrows(() => request.respond(-1), TypeError);
                  view.set([1, 2]);
                  request.respond(2);
                  assertEquals(view.byteLength, 0, 'respond transfers the buffer');
                  assertEquals(request.view, null, 'answered: the request is invalidated');
                  assertEquals(c.byobRequest, null);
                  assertThrows(() => request.respond(1), TypeError, /invalidated/);
                } else {
                  assertThrows(() => request.respondWithNewView(new Uint8Array(view.buffer, view.byteOffset + 1, 1)), RangeError, /region/);
                  assertThrows(() => request.respondWithNewView(new Uint8Array(new ArrayBuffer(32), 4, 2)), RangeError, /capacity/);
                  assertThrows(() => request.respondWithNewView(new Uint8Array(view.buffer, view.byteOffset, 9)), RangeError, /larger/);
                  assertThrows(() => request.respondWithNewView(new Uint8Array(view.buffer, view.byteOffset, 0)), TypeError);
                  assertThrows(() => request.respondWithNewView(view.buffer), TypeError, /ArrayBufferView/);
                  const answer = new Uint8Array(view.buffer, view.byteOffset, 3);
                  answer.set([7, 8, 9]);
                  request.respondWithNewView(answer);
                  assertEquals(request.view, null);
                }
              },
            });
            const reader = stream.getReader({ mode: 'byob' });
            const first = await reader.read(new Uint8Array(16));
            assertEquals([...first.value], [1, 2]);
            assertEquals(first.value.buffer.byteLength, 16);
            const second = await reader.read(new Uint8Array(new ArrayBuffer(16), 4, 8));
            assertEquals([...second.value], [7, 8, 9]);
            assertEquals(second.value.byteOffset, 4);
            assertEquals(pulls, [['Uint8Array', 0, 16], ['Uint8Array', 4, 8]]);
            assertThrows(() => new requestClass(), TypeError, /Illegal constructor/);
            "#,
        );
    }

    #[test]
    fn partial_elements_wait_for_the_rest_and_leftovers_are_queued() {
        harness().run(
            r#"
            const requests = [];
            const stream = new ReadableStream({
              type: 'bytes',
              pull(c) {
                const view = c.byobRequest.view;
                requests.push([view.byteOffset, view.byteLength]);
                if (requests.length === 1) {
                  view[0] = 0x01;
                  c.byobRequest.respond(1);
                } else if (requests.length === 2) {
                  view.set([0x02, 0x03]);
                  c.byobRequest.respond(2);
                }
              },
            });
            const reader = stream.getReader({ mode: 'byob' });
            const { value } = await reader.read(new Uint16Array(2));
            assertEquals(requests, [[0, 4], [1, 3]], 'half an element is not enough: pull again for the rest');
            assertEquals(value.length, 1, 'three bytes make one whole element');
            assertEquals([...new Uint8Array(value.buffer, 0, 2)], [1, 2]);
            // The trailing byte was cloned into the queue.
            const rest = await reader.read(new Uint8Array(4));
            assertEquals([...rest.value], [3]);
            "#,
        );
    }

    #[test]
    fn auto_allocate_chunk_size_gives_default_reads_a_byob_request() {
        harness().run(
            r#"
            const views = [];
            const stream = new ReadableStream({
              type: 'bytes',
              autoAllocateChunkSize: 16,
              pull(c) {
                const view = c.byobRequest.view;
                views.push([view.byteOffset, view.byteLength]);
                view.set([views.length, 0xff]);
                c.byobRequest.respond(views.length === 1 ? 2 : 1);
              },
            });
            const reader = stream.getReader();
            const first = await reader.read();
            assert(first.value instanceof Uint8Array);
            assertEquals([...first.value], [1, 255]);
            assertEquals(first.value.buffer.byteLength, 16, 'the auto-allocated buffer');
            assertEquals([...(await reader.read()).value], [2]);
            assertEquals(views, [[0, 16], [0, 16]]);

            // An enqueue answers the auto-allocated request as well.
            const enqueued = new ReadableStream({
              type: 'bytes',
              autoAllocateChunkSize: 8,
              pull(c) {
                assert(c.byobRequest !== null);
                c.enqueue(new Uint8Array([42]));
                assertEquals(c.byobRequest, null);
              },
            });
            assertEquals([...(await enqueued.getReader().read()).value], [42]);

            // A BYOB read brings its own buffer.
            let seen;
            const byob = new ReadableStream({
              type: 'bytes',
              autoAllocateChunkSize: 8,
              pull(c) { seen = c.byobRequest.view.byteLength; c.byobRequest.respond(1); },
            });
            await byob.getReader({ mode: 'byob' }).read(new Uint8Array(3));
            assertEquals(seen, 3);

            assertThrows(() => new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 0 }), TypeError);
            assertThrows(() => new ReadableStream({ type: 'bytes', autoAllocateChunkSize: -1 }), TypeError);
            assertThrows(() => new ReadableStream({ type: 'bytes', autoAllocateChunkSize: Infinity }), TypeError);
            "#,
        );
    }

    #[test]
    fn close_with_pending_pull_into() {
        harness().run(
            r#"
            // close() leaves a pending read(view) pending until the source answers respond(0).
            let controller;
            const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
            const reader = stream.getReader({ mode: 'byob' });
            const pending = reader.read(new Uint8Array(new ArrayBuffer(4)));
            controller.close();
            await reader.closed;
            let settled = false;
            pending.then(() => { settled = true; });
            await sleep(1);
            assertEquals(settled, false);
            const request = controller.byobRequest;
            assertEquals(request.view.byteLength, 4);
            assertThrows(() => request.respond(1), TypeError, /closed/);
            request.respond(0);
            const result = await pending;
            assertEquals(result.done, true);
            assert(result.value instanceof Uint8Array);
            assertEquals([result.value.byteLength, result.value.buffer.byteLength], [0, 4], 'the buffer comes back, empty');
            // A read(view) on a closed stream returns the view's memory, empty, at once.
            const again = await reader.read(new Uint16Array(2));
            assertEquals(again.done, true);
            assert(again.value instanceof Uint16Array);
            assertEquals(again.value.length, 0);

            // Closing with half an element in a pending Uint16Array read errors the stream.
            let odd;
            const oddStream = new ReadableStream({ type: 'bytes', start(c) { odd = c; } });
            const oddReader = oddStream.getReader({ mode: 'byob' });
            const oddRead = oddReader.read(new Uint16Array(1));
            odd.enqueue(new Uint8Array([1]));
            assertThrows(() => odd.close(), TypeError);
            await assertRejects(oddRead, TypeError);
            await assertRejects(oddReader.closed, TypeError);

            // Queued bytes that cannot fill a whole element once closed error the read.
            const tail = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } });
            const tailReader = tail.getReader({ mode: 'byob' });
            assertEquals((await tailReader.read(new Uint16Array(2))).value.length, 1);
            await assertRejects(tailReader.read(new Uint16Array(1)), TypeError);

            // A default reader sees the end only after the queue drains.
            const drained = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1])); c.close(); assertEquals(c.desiredSize, -1); } });
            const drainedReader = drained.getReader();
            assertEquals([...(await drainedReader.read()).value], [1]);
            assertEquals((await drainedReader.read()).done, true);
            "#,
        );
    }

    #[test]
    fn errors_propagate_to_pending_reads() {
        harness().run(
            r#"
            let controller;
            const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
            const reader = stream.getReader({ mode: 'byob' });
            const pending = [reader.read(new Uint8Array(1)), reader.read(new Uint8Array(1))];
            controller.error(new RangeError('broken'));
            for (const read of pending) await assertRejects(read, RangeError, /broken/);
            await assertRejects(reader.closed, RangeError);
            await assertRejects(reader.read(new Uint8Array(1)), RangeError, /broken/);
            assertEquals(controller.desiredSize, null);
            assertEquals(controller.byobRequest, null);
            assertThrows(() => controller.enqueue(new Uint8Array(1)), TypeError);
            assertThrows(() => controller.close(), TypeError);
            controller.error(new Error('ignored: already errored'));
            await assertRejects(reader.closed, RangeError);

            const failingStart = new ReadableStream({ type: 'bytes', start() { return Promise.reject(new SyntaxError('no start')); } });
            await assertRejects(failingStart.getReader().read(), SyntaxError);
            assertThrows(() => new ReadableStream({ type: 'bytes', start() { throw new URIError('sync'); } }), URIError);
            const failingPull = new ReadableStream({ type: 'bytes', pull() { throw new EvalError('no pull'); } });
            await assertRejects(failingPull.getReader({ mode: 'byob' }).read(new Uint8Array(1)), EvalError);
            "#,
        );
    }

    #[test]
    fn cancel_drops_the_queue_and_ends_pending_byob_reads() {
        harness().run(
            r#"
            const reasons = [];
            let controller;
            const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; }, cancel(reason) { reasons.push(reason); } });
            const reader = stream.getReader({ mode: 'byob' });
            const pending = reader.read(new Uint8Array(4));
            const request = controller.byobRequest;
            assert(request !== null);
            assertEquals(await reader.cancel('stop'), undefined);
            const result = await pending;
            assertEquals([result.value, result.done], [undefined, true]);
            assertEquals(reasons, ['stop']);
            assertEquals(request.view, null, 'cancel invalidates the BYOB request');
            assertEquals(controller.byobRequest, null);
            await reader.closed;

            const queued = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1])); } });
            await queued.cancel();
            assertEquals(await queued.getReader().read(), { value: undefined, done: true }, 'the queue was dropped');
            const failing = new ReadableStream({ type: 'bytes', cancel() { throw new Error('cancel failed'); } });
            await assertRejects(failing.cancel(), Error, /cancel failed/);
            "#,
        );
    }

    #[test]
    fn release_lock_hands_a_pending_pull_into_to_the_next_reader() {
        harness().run(
            r#"
            let controller;
            const stream = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
            const byob = stream.getReader({ mode: 'byob' });
            const pending = byob.read(new Uint8Array(8));
            const request = controller.byobRequest;
            byob.releaseLock();
            await assertRejects(pending, TypeError, /released/);
            await assertRejects(byob.closed, TypeError);
            assertEquals(stream.locked, false);
            // The source still answers into the old buffer; the bytes go to the queue.
            request.view.set([5, 6, 7]);
            request.respond(3);
            const reader = stream.getReader();
            assertEquals([...(await reader.read()).value], [5, 6, 7]);
            reader.releaseLock();
            byob.releaseLock();

            // The same with an enqueue instead of respond().
            let c2;
            const second = new ReadableStream({ type: 'bytes', start(c) { c2 = c; } });
            const r2 = second.getReader({ mode: 'byob' });
            r2.read(new Uint8Array(8)).catch(() => {});
            r2.releaseLock();
            c2.enqueue(new Uint8Array([9]));
            const next = second.getReader({ mode: 'byob' });
            assertEquals([...(await next.read(new Uint8Array(2))).value], [9]);
            "#,
        );
    }

    #[test]
    fn tee_of_a_byte_stream() {
        harness().run(
            r#"
            const encoder = new TextEncoder();
            const decode = (view) => new TextDecoder().decode(view);
            let step = 0;
            const source = new ReadableStream({
              type: 'bytes',
              pull(c) {
                step++;
                if (step <= 2) c.enqueue(encoder.encode(`chunk${step}`));
                else c.close();
              },
            });
            const [left, right] = source.tee();
            assert(source.locked);
            // A BYOB read on one branch reads into that branch's buffer.
            const leftReader = left.getReader({ mode: 'byob' });
            const first = await leftReader.read(new Uint8Array(3));
            assertEquals(decode(first.value), 'chu');
            leftReader.releaseLock();
            const collect = async (stream) => {
              const out = [];
              for await (const chunk of stream) {
                assert(chunk instanceof Uint8Array);
                out.push(decode(chunk));
              }
              return out;
            };
            assertEquals(await collect(right), ['chu', 'nk1', 'chunk2']);
            assertEquals(await collect(left), ['nk1', 'chunk2']);

            // The branches get distinct copies.
            const [a, b] = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1])); c.close(); } }).tee();
            const [ca, cb] = [(await a.getReader().read()).value, (await b.getReader().read()).value];
            assert(ca.buffer !== cb.buffer);
            ca[0] = 9;
            assertEquals(cb[0], 1);

            // The source is canceled once both branches are, with both reasons.
            let cancelReason;
            const [c1, c2] = new ReadableStream({ type: 'bytes', cancel(reason) { cancelReason = reason; } }).tee();
            const canceled1 = c1.cancel('one');
            await sleep(1);
            assertEquals(cancelReason, undefined, 'one branch alone does not cancel the source');
            await Promise.all([canceled1, c2.cancel('two')]);
            assertEquals(cancelReason, ['one', 'two']);

            // A source error reaches both branches.
            let errorController;
            const [e1, e2] = new ReadableStream({ type: 'bytes', start(c) { errorController = c; } }).tee();
            errorController.error(new RangeError('source error'));
            await assertRejects(e1.getReader().read(), RangeError);
            await assertRejects(e2.getReader({ mode: 'byob' }).read(new Uint8Array(1)), RangeError);

            // Response.clone() of a byte-stream body tees it.
            const response = new Response(new ReadableStream({ type: 'bytes', start(c) { c.enqueue(encoder.encode('twice')); c.close(); } }));
            const copy = response.clone();
            assertEquals([await copy.text(), await response.text()], ['twice', 'twice']);
            "#,
        );
    }

    #[test]
    fn pipes_and_async_iteration_of_byte_streams() {
        harness().run(
            r#"
            const bytesOf = (...chunks) => new ReadableStream({
              type: 'bytes',
              start(c) { for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk)); c.close(); },
            });
            const seen = [];
            await bytesOf('a', 'bc').pipeTo(new WritableStream({
              write(chunk) { assert(chunk instanceof Uint8Array); seen.push(new TextDecoder().decode(chunk)); },
            }));
            assertEquals(seen, ['a', 'bc']);
            const text = [];
            for await (const part of bytesOf('x', 'y').pipeThrough(new TextDecoderStream())) text.push(part);
            assertEquals(text.join(''), 'xy');
            let canceled = false;
            const endless = new ReadableStream({ type: 'bytes', pull(c) { c.enqueue(new Uint8Array([1])); }, cancel() { canceled = true; } });
            for await (const chunk of endless) break;
            assert(canceled, 'leaving the loop cancels the stream');
            assertEquals(await new Response(bytesOf('he', 'llo')).text(), 'hello');
            "#,
        );
    }

    #[test]
    fn byob_readers_check_their_stream_and_brands() {
        let h = harness();
        h.run(
            r#"
            const plain = new ReadableStream();
            assertThrows(() => plain.getReader({ mode: 'byob' }), TypeError, /non-byte/);
            assertThrows(() => new ReadableStreamBYOBReader(plain), TypeError);
            assertThrows(() => new ReadableStreamBYOBReader({}), TypeError);
            assertThrows(() => new ReadableStreamBYOBReader(), TypeError);
            const bytes = new ReadableStream({ type: 'bytes' });
            assertThrows(() => bytes.getReader({ mode: 'other' }), TypeError);
            assertThrows(() => bytes.getReader(1), TypeError);
            const reader = new ReadableStreamBYOBReader(bytes);
            assertThrows(() => bytes.getReader(), TypeError, /locked/);
            assertThrows(() => new ReadableStreamBYOBReader(bytes), TypeError, /locked/);
            assertEquals(Object.prototype.toString.call(reader), '[object ReadableStreamBYOBReader]');
            assertThrows(() => structuredClone(reader), DOMException);
            reader.releaseLock();
            reader.releaseLock();
            await assertRejects(reader.closed, TypeError);
            await assertRejects(reader.read(new Uint8Array(1)), TypeError, /released/);
            await assertRejects(reader.cancel(), TypeError);
            bytes.getReader().releaseLock();
            for (const name of ['ReadableByteStreamController', 'ReadableStreamBYOBRequest', 'ReadableStreamDefaultController']) {
              assertEquals(typeof globalThis[name], 'undefined', `${name} is not a global in the Edge runtime`);
            }
            let controller;
            new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
            assertThrows(() => new controller.constructor(), TypeError, /Illegal constructor/);
            console.log(bytes);
            "#,
        );
        assert_eq!(
            h.log_lines(),
            vec!["ReadableStream { locked: false, state: 'readable', supportsBYOB: true }"]
        );
    }

    #[test]
    fn the_module_loads_on_first_use() {
        let h = harness();
        let loaded = "typeof Object.getOwnPropertyDescriptor(globalThis, 'ReadableStreamBYOBReader').get !== 'function'";
        h.eval("new ReadableStream().getReader().read()");
        assert_eq!(h.string(&format!("String({loaded})")), "false");
        h.eval("new ReadableStream({ type: 'bytes' })");
        assert_eq!(h.string(&format!("String({loaded})")), "true");
        // The global alone loads it too (and the streams module first).
        let fresh = harness();
        assert_eq!(fresh.string("typeof ReadableStreamBYOBReader"), "function");
        assert_eq!(fresh.string(&format!("String({loaded})")), "true");
    }
}
