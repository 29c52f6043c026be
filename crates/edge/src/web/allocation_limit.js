// Refuses, with a RangeError, any single allocation larger than the Edge memory limit before it
// happens.
//
// One native operation (`'x'.repeat(2 ** 30)`, `new ArrayBuffer(2 ** 31)`, `array.fill(0)` over
// 2 ** 28 elements) allocates all at once without returning to script, so the watchdog, which
// runs between pieces of script, only sees the memory once the process already holds it; under
// a container limit the kernel may kill the whole server first. JavaScriptCore has no option
// that caps a single allocation in release builds (`maxSingleAllocationSize` is checked only in
// debug builds of WTF), so the operations whose result can be far larger than their inputs are
// wrapped here and check the size they are about to allocate: a comparison or two per call on
// the usual path (`Array.prototype.join` also adds up its string elements' lengths).
//
// Constructors are replaced by functions that construct the originals: same name, length,
// statics, `prototype` (so `instanceof` and subclasses work) and [[Prototype]], and every
// `prototype.constructor` points at the replacement, so that `new value.constructor(n)` and
// species lookups are checked too; `Object.getPrototypeOf(Uint8Array)` is %TypedArray%, which
// cannot be constructed, and its `from`/`of` construct through `this`. Methods are replaced by
// methods of the same name and length. `Function.prototype.toString` shows every replacement as
// its original's native code. Arguments a check converts (`ToString(this)`, `ToNumber(count)`)
// are passed on converted, so user `toString`/`valueOf` run once, as without the check.
(function (host, $) {
  'use strict';

  const limit = host.allocationLimit;
  // Needed by other modules whether or not a limit is set.
  $.checkEncodeUtf8 = () => {};
  if (typeof limit !== 'number') return;

  const global = globalThis;
  const ReflectApply = Reflect.apply;
  const ReflectConstruct = Reflect.construct;
  const ReflectDefineProperty = Reflect.defineProperty;
  const ReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
  const ReflectGetPrototypeOf = Reflect.getPrototypeOf;
  const ReflectSetPrototypeOf = Reflect.setPrototypeOf;
  const ReflectOwnKeys = Reflect.ownKeys;
  const RangeErrorCtor = RangeError;
  const ArrayIsArray = Array.isArray;
  const ObjectHasOwn = Object.hasOwn;
  const MathCeil = Math.ceil;
  const MathTrunc = Math.trunc;
  const MathMin = Math.min;
  const MathMax = Math.max;
  const regExpExec = RegExp.prototype.exec;
  const stringCharCodeAt = String.prototype.charCodeAt;
  const MIB = 1024 * 1024;

  const TypedArray = ReflectGetPrototypeOf(Uint8Array);
  const typedArrayTag = ReflectGetOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag).get;
  const typedArrayLength = ReflectGetOwnPropertyDescriptor(TypedArray.prototype, 'length').get;
  const noArgs = [];

  const fail = (bytes) => {
    throw new RangeErrorCtor(
      `Out of memory: allocating ${MathCeil(bytes / MIB)} MiB exceeds the Edge runtime's memory limit of ` +
        `${MathCeil(limit / MIB)} MiB (--edge-memory-limit).`,
    );
  };
  // Infinity and negative sizes are left to the original, which throws its own RangeError.
  const check = (bytes) => {
    if (bytes > limit && bytes !== Infinity) fail(bytes);
  };

  // Whether a string needs two bytes a character (JavaScriptCore keeps Latin-1 strings in one).
  const wide = /[^\x00-\xff]/;
  const isWide = (string) => ReflectApply(regExpExec, wide, [string]) !== null;
  // Bytes of a string of `length` characters copied from `source` (and `other`): the test for
  // characters beyond Latin-1 only runs when it can make a difference.
  const stringBytes = (length, source, other) => {
    if (length * 2 <= limit) return length;
    return isWide(source) || (other !== undefined && isWide(other)) ? length * 2 : length;
  };

  // UTF-8 bytes of a string, counted exactly only when the cheap bounds do not decide.
  $.checkEncodeUtf8 = (string) => {
    const length = string.length;
    if (length * 3 <= limit) return;
    check(length);
    let bytes = 0;
    for (let i = 0; i < length; i++) {
      const code = ReflectApply(stringCharCodeAt, string, [i]);
      // A surrogate pair is 4 bytes, 2 for each half.
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
    }
    check(bytes);
  };

  const toNumber = (value) => (typeof value === 'number' ? value : +value);
  const toInteger = (value) => {
    const number = MathTrunc(toNumber(value));
    return number === number ? number : 0;
  };
  const toStringValue = (value) => (typeof value === 'string' ? value : `${value}`);
  // ToString(this) for String.prototype methods; null and undefined are left to the original
  // (its TypeError names the method).
  const thisString = (value) => (value == null ? value : toStringValue(value));
  // The length of an array, or of an array-like whose `length` is an own data property; reading
  // it runs no user code. Undefined for anything else (the original may then allocate unchecked).
  const knownLength = (value) => {
    if (ArrayIsArray(value)) return value.length;
    if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return undefined;
    // Buffers, the usual argument, have no own `length`: no descriptor object to make.
    if (!ObjectHasOwn(value, 'length')) return undefined;
    const descriptor = ReflectGetOwnPropertyDescriptor(value, 'length');
    return descriptor !== undefined && typeof descriptor.value === 'number' ? descriptor.value : undefined;
  };
  const typedArrayKind = (value) => ReflectApply(typedArrayTag, value, noArgs);

  const redefine = (target, name, value) => {
    const descriptor = ReflectGetOwnPropertyDescriptor(target, name);
    descriptor.value = value;
    ReflectDefineProperty(target, name, descriptor);
  };

  // Wrappers print as their originals: `Function.prototype.toString` tells nothing of them,
  // so feature tests that look for "[native code]" still pass.
  const originals = new WeakMap();
  const weakMapGet = WeakMap.prototype.get;
  const weakMapSet = WeakMap.prototype.set;
  const functionToString = Function.prototype.toString;
  const disguise = (wrapper, original) => {
    ReflectDefineProperty(wrapper, 'name', { value: original.name, configurable: true });
    ReflectDefineProperty(wrapper, 'length', { value: original.length, configurable: true });
    ReflectApply(weakMapSet, originals, [wrapper, original]);
  };
  const toString = {
    toString() {
      const original = ReflectApply(weakMapGet, originals, [this]);
      return ReflectApply(functionToString, original === undefined ? this : original, noArgs);
    },
  }.toString;
  disguise(toString, functionToString);
  redefine(Function.prototype, 'toString', toString);

  // Plain functions rather than Proxies: the JIT inlines them, where a Proxy trap costs a few
  // hundred nanoseconds a call. `make(original)` returns the wrapper, a method (no
  // `prototype`, not a constructor) that calls `original` after its check.
  const guardMethod = (target, name, make) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    const guarded = make(original);
    disguise(guarded, original);
    redefine(target, name, guarded);
  };

  // The constructor `owner[name]` replaced by a function that converts and checks its first
  // argument with `first(value)` (which returns the value to pass on) and constructs the
  // original. It takes the original's place everywhere script can find it: `owner`, its
  // prototype's `constructor` (instances, species lookups), its statics.
  const guardConstructor = (owner, name, first) => {
    const original = owner[name];
    if (typeof original !== 'function') return;
    const guarded = function (a, b, c) {
      // Called without `new`: the original throws its TypeError.
      if (new.target === undefined) return ReflectApply(original, this, arguments);
      // Absent and undefined arguments mean the same to these constructors.
      a = first(a, arguments.length);
      return new.target === guarded ? new original(a, b, c) : ReflectConstruct(original, [a, b, c], new.target);
    };
    disguise(guarded, original);
    ReflectDefineProperty(guarded, 'prototype', { value: original.prototype, writable: false });
    ReflectSetPrototypeOf(guarded, ReflectGetPrototypeOf(original));
    for (const key of ReflectOwnKeys(original)) {
      if (key === 'length' || key === 'name' || key === 'prototype') continue;
      ReflectDefineProperty(guarded, key, ReflectGetOwnPropertyDescriptor(original, key));
    }
    redefine(original.prototype, 'constructor', guarded);
    redefine(owner, name, guarded);
  };

  // --- buffers -------------------------------------------------------------------------------

  // ToIndex's number conversion, done once here and passed on, so `valueOf` runs once.
  const index = (value, present) => (present === 0 ? 0 : toNumber(value));
  const checkedIndex = (value, present) => {
    const length = index(value, present);
    check(length);
    return length;
  };

  // new ArrayBuffer(length, options): `maxByteLength` only reserves address space, and
  // `resize` is checked when it commits it.
  guardConstructor(global, 'ArrayBuffer', checkedIndex);
  guardMethod(ArrayBuffer.prototype, 'resize', (original) => ({
    resize(length) {
      return ReflectApply(original, this, [checkedIndex(length, arguments.length)]);
    },
  }).resize);
  for (const name of ['transfer', 'transferToFixedLength']) {
    guardMethod(ArrayBuffer.prototype, name, (original) => ({
      [name](length) {
        // Without a length, the copy is as large as the buffer.
        if (length !== undefined) length = checkedIndex(length, 1);
        return ReflectApply(original, this, [length]);
      },
    })[name]);
  }
  if (typeof SharedArrayBuffer === 'function') {
    guardConstructor(global, 'SharedArrayBuffer', checkedIndex);
    guardMethod(SharedArrayBuffer.prototype, 'grow', (original) => ({
      grow(length) {
        return ReflectApply(original, this, [checkedIndex(length, arguments.length)]);
      },
    }).grow);
  }

  // new TypedArray(length | typedArray | arrayLike | iterable | buffer, ...): a buffer is only
  // viewed, and an iterable's values are collected by calls into script, where the watchdog
  // sees the memory grow.
  for (const name of [
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Float16Array', 'Int32Array',
    'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  ]) {
    const Constructor = global[name];
    if (typeof Constructor !== 'function') continue;
    const size = Constructor.BYTES_PER_ELEMENT;
    guardConstructor(global, name, (source, present) => {
      if ((typeof source !== 'object' || source === null) && typeof source !== 'function') {
        const length = index(source, present);
        check(length * size);
        return length;
      }
      if (typedArrayKind(source) !== undefined) {
        check(ReflectApply(typedArrayLength, source, noArgs) * size);
      } else {
        const length = knownLength(source);
        if (length !== undefined) check(length * size);
      }
      return source;
    });
  }

  // WebAssembly memory is zeroed address space until touched, and then filled in one native call
  // (`new Uint8Array(memory.buffer).fill(1)`) like any buffer.
  if (typeof WebAssembly === 'object' && typeof WebAssembly.Memory === 'function') {
    const PAGE = 65536;
    // `initial` is only read where reading it runs no user code (an own data property).
    guardConstructor(WebAssembly, 'Memory', (descriptor) => {
      if ((typeof descriptor === 'object' && descriptor !== null) || typeof descriptor === 'function') {
        const initial = ObjectHasOwn(descriptor, 'initial')
          ? ReflectGetOwnPropertyDescriptor(descriptor, 'initial').value
          : undefined;
        if (typeof initial === 'number') check(initial * PAGE);
      }
      return descriptor;
    });
    const memoryBuffer = ReflectGetOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer').get;
    guardMethod(WebAssembly.Memory.prototype, 'grow', (original) => ({
      grow(delta) {
        delta = toNumber(delta);
        check(ReflectApply(memoryBuffer, this, noArgs).byteLength + delta * PAGE);
        return ReflectApply(original, this, [delta]);
      },
    }).grow);
  }

  // --- strings -------------------------------------------------------------------------------

  guardMethod(String.prototype, 'repeat', (original) => ({
    repeat(count) {
      const string = thisString(this);
      count = toNumber(count);
      if (typeof string === 'string' && count * string.length * 2 > limit) {
        const times = toInteger(count);
        if (times > 0) check(stringBytes(string.length * times, string));
      }
      return ReflectApply(original, string, [count]);
    },
  }).repeat);
  // Padding: the filler is converted only where the original converts it too, when padding is
  // needed.
  const pad = (name) => (original) => ({
    [name](maxLength, fillString) {
      const string = thisString(this);
      maxLength = toNumber(maxLength);
      if (typeof string === 'string' && maxLength > string.length && maxLength * 2 > limit) {
        const length = toInteger(maxLength);
        fillString = fillString === undefined ? ' ' : toStringValue(fillString);
        if (fillString.length > 0) check(stringBytes(length, string, fillString));
      }
      return ReflectApply(original, string, [maxLength, fillString]);
    },
  })[name];
  guardMethod(String.prototype, 'padStart', pad('padStart'));
  guardMethod(String.prototype, 'padEnd', pad('padEnd'));

  // --- arrays --------------------------------------------------------------------------------

  // Every element of an array is at least 8 bytes (a JSValue or a double).
  const ELEMENT_BYTES = 8;
  guardMethod(Array.prototype, 'fill', (original) => ({
    fill(value, start, end) {
      const length = knownLength(this);
      if (length !== undefined && length * ELEMENT_BYTES > limit) {
        if (start !== undefined) start = toNumber(start);
        if (end !== undefined) end = toNumber(end);
        const clamp = (position, fallback) => {
          if (position === undefined) return fallback;
          const at = toInteger(position);
          return at < 0 ? MathMax(length + at, 0) : MathMin(at, length);
        };
        check((clamp(end, length) - clamp(start, 0)) * ELEMENT_BYTES);
      }
      return ReflectApply(original, this, [value, start, end]);
    },
  }).fill);

  // The joined string is at least the separators plus the string elements; elements of other
  // types are not counted (a number prints as a few characters, `null` as none). An array longer
  // than the limit allows elements for is mostly holes, which the engine skips at once where
  // reading them here would take seconds: only its separators are counted.
  guardMethod(Array.prototype, 'join', (original) => ({
    join(separator) {
      if (ArrayIsArray(this) && this.length > 1) {
        const length = this.length;
        separator = separator === undefined ? ',' : toStringValue(separator);
        let bytes = (length - 1) * separator.length;
        check(bytes);
        if (length * ELEMENT_BYTES > limit) return ReflectApply(original, this, [separator]);
        for (let i = 0; i < length; i++) {
          const element = this[i];
          if (typeof element === 'string') bytes += element.length;
        }
        check(bytes);
      }
      return ReflectApply(original, this, [separator]);
    },
  }).join);
  guardMethod(TypedArray.prototype, 'join', (original) => ({
    join(separator) {
      if (typedArrayKind(this) !== undefined) {
        const length = ReflectApply(typedArrayLength, this, noArgs);
        if (length > 1) {
          separator = separator === undefined ? ',' : toStringValue(separator);
          // Each element prints as at least one digit.
          check(length + (length - 1) * separator.length);
        }
      }
      return ReflectApply(original, this, [separator]);
    },
  }).join);
});
