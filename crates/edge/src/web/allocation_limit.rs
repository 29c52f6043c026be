//! Single allocations larger than the Edge memory limit fail with a `RangeError` before they
//! happen (see `allocation_limit.js` for why and how).

use switchyard_jsc::{Context, JsError, Object};

pub(super) const SOURCE: &str = include_str!("allocation_limit.js");

/// Gives the module its limit; without one it only defines the no-op checks other modules call.
pub(super) fn install_host(
    ctx: &Context,
    host: &Object,
    limit: Option<usize>,
) -> Result<(), JsError> {
    if let Some(limit) = limit {
        host.set("allocationLimit", &ctx.number(limit as f64))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use switchyard_jsc::{Context, Vm};

    use crate::web::testing::{Harness, harness_with_limit};
    use crate::web::{WebOptions, install};

    const MIB: usize = 1 << 20;

    fn limited() -> Harness {
        harness_with_limit(Some(64 * MIB))
    }

    #[test]
    fn oversized_allocations_throw_a_range_error_naming_the_limit() {
        limited().eval(
            r#"
            const tooBig = [
              ['repeat', () => 'x'.repeat(2 ** 30)],
              ['repeat of a longer string', () => 'abcd'.repeat(2 ** 25)],
              ['repeat of a wide string', () => '\u4e00'.repeat(40 * 2 ** 20)],
              ['padStart', () => 'x'.padStart(2 ** 30)],
              ['padEnd', () => 'x'.padEnd(2 ** 30, 'ab')],
              ['ArrayBuffer', () => new ArrayBuffer(2 ** 31)],
              ['ArrayBuffer from a string length', () => new ArrayBuffer('2147483648')],
              ['Uint8Array', () => new Uint8Array(2 ** 31)],
              ['Float64Array', () => new Float64Array(2 ** 28)],
              ['Float64Array of a Uint8Array', () => new Float64Array(new Uint8Array(16 * 2 ** 20))],
              ['Uint8Array of an array-like', () => new Uint8Array({ length: 2 ** 31 })],
              ['Uint8Array.from', () => Uint8Array.from({ length: 2 ** 31 })],
              ['%TypedArray%.from', () => Object.getPrototypeOf(Uint8Array).from.call(Uint8Array, { length: 2 ** 31 })],
              ['constructor of an instance', () => new (new Uint8Array(1).constructor)(2 ** 31)],
              ['constructor of a buffer', () => new (new ArrayBuffer(1).constructor)(2 ** 31)],
              ['subclass', () => new (class extends Uint8Array {})(2 ** 31)],
              ['resize', () => new ArrayBuffer(1, { maxByteLength: 2 ** 31 }).resize(2 ** 31)],
              ['transfer', () => new ArrayBuffer(1).transfer(2 ** 31)],
              ['Array fill', () => new Array(2 ** 28).fill(0)],
              ['Array fill of an array-like', () => Array.prototype.fill.call({ length: 2 ** 28 }, 0)],
              ['join of holes', () => new Array(2 ** 28).join('x')],
              ['join of big strings', () => new Array(65).fill('x'.repeat(2 ** 20)).join('')],
              ['typed array join', () => new Uint8Array(48 * 2 ** 20).join()],
              ['TextEncoder', () => new TextEncoder().encode('\u4e00'.repeat(30 * 2 ** 20))],
              ['WebAssembly.Memory', () => new WebAssembly.Memory({ initial: 32768 })],
              ['WebAssembly.Memory grow', () => new WebAssembly.Memory({ initial: 1 }).grow(32768)],
            ];
            for (const [what, allocate] of tooBig) {
              const error = assertThrows(allocate, RangeError, /^Out of memory: allocating \d+ MiB exceeds the Edge runtime's memory limit of 64 MiB \(--edge-memory-limit\)\.$/);
              assert(error instanceof RangeError, what);
            }
            assertEquals(
              assertThrows(() => new ArrayBuffer(2 ** 31)).message,
              "Out of memory: allocating 2048 MiB exceeds the Edge runtime's memory limit of 64 MiB (--edge-memory-limit).",
            );
            "#,
        );
    }

    #[test]
    fn allocations_within_the_limit_behave_as_without_it() {
        limited().eval(
            r#"
            assertEquals('ab'.repeat(3), 'ababab');
            assertEquals('x'.repeat(0), '');
            assertThrows(() => 'x'.repeat(-1), RangeError);
            assertThrows(() => 'x'.repeat(Infinity), RangeError);
            assertThrows(() => String.prototype.repeat.call(null, 2), TypeError);
            assertEquals(String.prototype.repeat.call(12, 2), '1212');
            assertEquals('5'.padStart(3, '0'), '005');
            assertEquals('5'.padEnd(3), '5  ');
            assertEquals('x'.padStart(2 ** 30, ''), 'x', 'an empty filler allocates nothing');
            assertEquals(new Uint8Array(4).length, 4);
            assertEquals(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]));
            assertEquals(new Float64Array(new ArrayBuffer(16), 8).length, 1);
            assertEquals(Uint8Array.from([1, 2]), new Uint8Array([1, 2]));
            assertEquals(new Uint8Array(new Set([7])), new Uint8Array([7]));
            assertEquals(new ArrayBuffer(8).byteLength, 8);
            const resizable = new ArrayBuffer(1, { maxByteLength: 2 ** 31 });
            resizable.resize(16);
            assertEquals(resizable.byteLength, 16);
            assertEquals([1, 2, 3].fill(0, 1), [1, 0, 0]);
            assertEquals(new Array(3).fill(7), [7, 7, 7]);
            assertEquals([1, 2, 3].join('-'), '1-2-3');
            assertEquals([1, 2].join(null), '1null2');
            assertEquals(new Uint8Array([1, 2]).join(null), '1null2');
            assertEquals('a'.padStart(5, null), 'nulla');
            assertEquals(new ArrayBuffer(8).transfer().byteLength, 8);
            assertEquals(new ArrayBuffer(8).transfer(4).byteLength, 4);
            assertEquals(`${[1, [2, 3]]}`, '1,2,3');
            assertEquals(new Uint8Array([1, 2]).join(), '1,2');
            assertEquals(new Array(2 ** 24).join(''), '', 'holes join to nothing');
            assertEquals(new TextEncoder().encode('é'), new Uint8Array([0xc3, 0xa9]));
            const memory = new WebAssembly.Memory({ initial: 1 });
            assertEquals(memory.grow(1), 1);
            assertEquals(memory.buffer.byteLength, 2 * 65536);
            assert(memory instanceof WebAssembly.Memory);
            assertThrows(() => new ArrayBuffer(-1), RangeError);
            assertThrows(() => Uint8Array(1), TypeError);

            // valueOf and toString run once, as without the check.
            let calls = 0;
            const count = { valueOf() { calls++; return 2; } };
            assertEquals('ab'.repeat(count), 'abab');
            assertEquals(new ArrayBuffer(count).byteLength, 2);
            assertEquals(new Uint8Array(new Set([1, 2])).length, 2);
            assertEquals('a'.padStart(count), ' a');
            assertEquals(calls, 3);
            "#,
        );
    }

    #[test]
    fn the_guarded_built_ins_look_like_the_originals() {
        limited().eval(
            r#"
            const TypedArray = Object.getPrototypeOf(Uint8Array);
            for (const [C, length] of [[ArrayBuffer, 1], [Uint8Array, 3], [Float64Array, 3], [BigInt64Array, 3]]) {
              assertSame(C.prototype.constructor, C, C.name);
              assertSame(new C(1).constructor, C, C.name);
              assert(new C(1) instanceof C, C.name);
              assert(Object.getPrototypeOf(new C(1)) === C.prototype, C.name);
              assert(/\[native code\]/.test(Function.prototype.toString.call(C)), C.name);
              assertEquals(C.length, length, C.name);
              assertEquals(Object.getOwnPropertyDescriptor(C, 'prototype').writable, false, C.name);
              assertEquals(Object.getOwnPropertyDescriptor(globalThis, C.name).enumerable, false);
            }
            assertEquals(Uint8Array.name, 'Uint8Array');
            assertEquals(Uint8Array.BYTES_PER_ELEMENT, 1);
            assertSame(Object.getPrototypeOf(Uint8Array), TypedArray);
            assertSame(Object.getPrototypeOf(Uint8Array.prototype), TypedArray.prototype);
            assert(new Uint8Array(2).subarray(1) instanceof Uint8Array);
            assertSame(new Uint8Array(2).slice(1).constructor, Uint8Array);
            assert(ArrayBuffer.isView(new Uint8Array(1)));
            class Bytes extends Uint8Array {}
            const bytes = new Bytes(2);
            assert(bytes instanceof Bytes && bytes instanceof Uint8Array);
            assertSame(bytes.map((x) => x).constructor, Bytes);
            for (const [target, name, length] of [
              [String.prototype, 'repeat', 1], [String.prototype, 'padStart', 1], [String.prototype, 'padEnd', 1],
              [Array.prototype, 'fill', 1], [Array.prototype, 'join', 1], [TypedArray.prototype, 'join', 1],
              [ArrayBuffer.prototype, 'resize', 1],
            ]) {
              const method = target[name];
              assertEquals(method.name, name);
              assertEquals(method.length, length, name);
              assert(/\[native code\]/.test(Function.prototype.toString.call(method)), name);
              assertEquals(Object.getOwnPropertyDescriptor(target, name).enumerable, false, name);
              assertThrows(() => new method(), TypeError);
            }
            "#,
        );
    }

    #[test]
    fn without_a_limit_nothing_is_wrapped() {
        harness_with_limit(None).eval(
            r#"
            assert(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'constructor').value === ArrayBuffer);
            assertEquals(new TextEncoder().encode('ok'), new Uint8Array([111, 107]));
            "#,
        );
    }

    /// Prints what the checks cost on hot paths and at install (no assertion on time).
    #[test]
    fn guarded_calls_cost() {
        let iterations = 200_000;
        let vm = Vm::new();
        for (label, limit) in [("unguarded", None), ("guarded", Some(64 * MIB))] {
            let options = WebOptions {
                memory_limit: limit,
                ..WebOptions::default()
            };
            // The first installs in a VM are slower whatever the options: warm it up first.
            let mut installs: Vec<_> = (0..30)
                .map(|_| {
                    let ctx = Context::new(&vm);
                    let start = Instant::now();
                    drop(install(&ctx, &options).expect("install"));
                    start.elapsed()
                })
                .skip(10)
                .collect();
            installs.sort();
            println!("{label}: install median {:?}", installs[10]);
            let h = harness_with_limit(limit);
            let report = h.string(&format!(
                r#"
                const n = {iterations};
                // The best of five runs: other processes share the CPU.
                const time = (f) => {{
                  let best = Infinity;
                  for (let run = 0; run < 5; run++) {{
                    const start = performance.now();
                    f();
                    best = Math.min(best, performance.now() - start);
                  }}
                  return `${{(best * 1e6 / n).toFixed(0)}} ns`;
                }};
                const buffer = new ArrayBuffer(64);
                let sink = 0;
                [
                  `new Uint8Array(16) ${{time(() => {{ for (let i = 0; i < n; i++) sink += new Uint8Array(16).length; }})}}`,
                  `new Uint8Array(buffer) ${{time(() => {{ for (let i = 0; i < n; i++) sink += new Uint8Array(buffer, 8, 8).length; }})}}`,
                  `subarray ${{time(() => {{ const u = new Uint8Array(buffer); for (let i = 0; i < n; i++) sink += u.subarray(1, 3).length; }})}}`,
                  `instanceof ${{time(() => {{ const u = new Uint8Array(buffer); for (let i = 0; i < n; i++) sink += u instanceof Uint8Array ? 1 : 0; }})}}`,
                  `repeat ${{time(() => {{ for (let i = 0; i < n; i++) sink += 'ab'.repeat(i & 7).length; }})}}`,
                  `padStart ${{time(() => {{ for (let i = 0; i < n; i++) sink += String(i & 7).padStart(2, '0').length; }})}}`,
                  `join ${{time(() => {{ const a = ['a', 'b', 'c', 'd']; for (let i = 0; i < n; i++) sink += a.join('').length; }})}}`,
                  `map ${{time(() => {{ const a = [1, 2, 3, 4]; for (let i = 0; i < n; i++) sink += a.map((x) => x).length; }})}}`,
                ].join(', ')
                "#
            ));
            println!("{label}: {report}");
        }
    }
}
