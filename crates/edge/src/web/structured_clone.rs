//! `structuredClone` (HTML §2.7) for primitives, wrappers, Date, RegExp, Map, Set, buffers and views, errors, arrays and plain objects, with cycles.

pub(super) const SOURCE: &str = include_str!("structured_clone.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn clones_values_and_keeps_cycles_and_sharing() {
        harness().eval(
            r#"
            for (const value of [1, -0, NaN, 'text', true, null, undefined, 10n]) {
              assert(Object.is(structuredClone(value), value), String(value));
            }
            const shared = { n: 1 };
            const source = {
              date: new Date(86400000),
              regexp: /a+b/gi,
              map: new Map([[shared, 'key is an object'], ['k', shared]]),
              set: new Set([1, shared]),
              list: [shared, shared, [1, [2]]],
              boxed: [Object(1), Object('s'), Object(false)],
              nested: { deep: { deeper: 'x' } },
            };
            source.self = source;
            source.list.push(source.list);
            const copy = structuredClone(source);
            assert(copy !== source);
            assertEquals(copy, source, 'the copy has the same structure and contents');
            assertSame(copy.self, copy, 'cycle through an object');
            assertSame(copy.list[3], copy.list, 'cycle through an array');
            assertSame(copy.list[0], copy.list[1], 'shared references stay shared');
            assert(copy.list[0] !== shared);
            const [key] = copy.map.keys();
            assertSame(key, copy.list[0]);
            assertSame(copy.map.get('k'), copy.list[0]);
            assert(copy.set.has(copy.list[0]));
            assert(copy.date instanceof Date && copy.date.getTime() === 86400000);
            assert(copy.regexp instanceof RegExp && copy.regexp.source === 'a+b' && copy.regexp.flags === 'gi');
            assertEquals(typeof copy.boxed[1], 'object');
            assertEquals(copy.boxed[1].valueOf(), 's');
            assertEquals(copy.nested, { deep: { deeper: 'x' } });
            "#,
        );
    }

    #[test]
    fn clones_buffers_views_and_errors() {
        harness().eval(
            r#"
            const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
            const view = new Uint16Array(buffer, 2, 1);
            const bytes = new Uint8Array(buffer);
            const copy = structuredClone({ buffer, view, bytes, dv: new DataView(buffer, 1, 2) });
            assert(copy.buffer !== buffer);
            assertEquals(copy, { buffer, view, bytes, dv: new DataView(buffer, 1, 2) });
            assertSame(copy.view.buffer, copy.buffer, 'views keep sharing their buffer');
            assertSame(copy.bytes.buffer, copy.buffer);
            assertEquals([...copy.bytes], [1, 2, 3, 4]);
            assertEquals([copy.view.byteOffset, copy.view.length], [2, 1]);
            assertEquals([copy.dv.byteOffset, copy.dv.byteLength], [1, 2]);
            bytes[0] = 9;
            assertEquals(copy.bytes[0], 1, 'a copy, not a view');

            const error = structuredClone(new RangeError('out', { cause: { why: 1 } }));
            assert(error instanceof RangeError);
            assertEquals([error.name, error.message, error.cause.why], ['RangeError', 'out', 1]);
            const custom = new Error('mine');
            custom.name = 'CustomError';
            assertEquals(structuredClone(custom).name, 'Error');
            const dom = structuredClone(new DOMException('m', 'DataCloneError'));
            assert(dom instanceof DOMException);
            assertEquals([dom.name, dom.message], ['DataCloneError', 'm']);

            const transferred = new Uint8Array([5, 6]).buffer;
            const moved = structuredClone(transferred, { transfer: [transferred] });
            assertEquals(transferred.byteLength, 0, 'detached');
            assertEquals(moved, new Uint8Array([5, 6]).buffer);
            // A view over a transferred buffer keeps its offset and length, in either order.
            const sub = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
            const [viewCopy, bufferCopy] = structuredClone([sub, sub.buffer], { transfer: [sub.buffer] });
            assertEquals([...viewCopy], [2, 3]);
            assert(viewCopy.buffer === bufferCopy && sub.byteLength === 0);
            const data = new DataView(new ArrayBuffer(4), 1, 2);
            const [, dataCopy] = structuredClone([data.buffer, data], { transfer: [data.buffer] });
            assertEquals([dataCopy.byteOffset, dataCopy.byteLength, dataCopy.buffer.byteLength], [1, 2, 4]);
            "#,
        );
    }

    #[test]
    fn refuses_functions_symbols_and_platform_objects() {
        harness().eval(
            r#"
            for (const value of [() => 1, Symbol('s'), { f() {} }, [Symbol.iterator], new WeakMap(), Promise.resolve(),
                                 new Headers(), new Response('x'), new ReadableStream(), new URL('http://a.com')]) {
              let error;
              try { structuredClone(value); } catch (e) { error = e; }
              assert(error instanceof DOMException, `${Object.prototype.toString.call(value)} was cloned`);
              assertEquals(error.name, 'DataCloneError');
              assertEquals(error.code, 25);
              assert(/could not be cloned/.test(error.message), error.message);
            }
            assertThrows(() => structuredClone(), TypeError);
            "#,
        );
    }
}
