// Shared helpers for the Web API modules: evaluated first in every context.
//
// Every module file is one function expression `(function (host, $) { ... })` called by Rust
// with `host` (the Rust host functions) and `$` (a null-prototype object the modules share).
// Neither object is reachable from user code: modules publish only the globals they define.
(function (host, $) {
  'use strict';

  const global = globalThis;
  const ObjectDefineProperty = Object.defineProperty;
  const PromiseCtor = Promise;
  const promiseThen = Promise.prototype.then;
  const promiseResolve = Promise.resolve.bind(Promise);
  const promiseReject = Promise.reject.bind(Promise);
  const ReflectApply = Reflect.apply;

  $.global = global;
  // A token that only our modules hold: internal constructors take it as first argument.
  $.kInternal = Symbol('switchyard.internal');
  $.inspectCustom = Symbol.for('nodejs.util.inspect.custom');

  $.defineGlobal = (name, value) => {
    ObjectDefineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  };
  $.setToStringTag = (target, tag) => {
    ObjectDefineProperty(target.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  };
  // WebIDL exposes constants on both the interface object and its prototype.
  $.defineConstants = (target, constants) => {
    for (const name of Object.keys(constants)) {
      const descriptor = { value: constants[name], enumerable: true };
      ObjectDefineProperty(target, name, descriptor);
      ObjectDefineProperty(target.prototype, name, descriptor);
    }
  };

  // Platform objects structuredClone must refuse (each module adds its brand checks).
  $.unclonable = [];

  // --- lazily loaded modules -------------------------------------------------------------
  //
  // Big modules that a request may never touch (console, streams, URL, structuredClone) are
  // evaluated on first use: their globals start as accessors that load the module, and the
  // internals other modules call start as stubs that do the same.
  const loaded = new Set();
  $.require = (name) => {
    if (loaded.has(name)) return;
    loaded.add(name);
    try {
      host.loadModule(name)(host, $);
    } catch (error) {
      loaded.delete(name);
      throw error;
    }
  };
  const lazyGlobal = (module, name) => {
    ObjectDefineProperty(global, name, {
      get() {
        $.require(module);
        return global[name];
      },
      set(value) {
        ObjectDefineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
      },
      configurable: true,
      enumerable: false,
    });
  };
  // An internal value (`$.URL`) the module assigns when it loads.
  const lazyValue = (module, name) => {
    ObjectDefineProperty($, name, {
      get() {
        $.require(module);
        return $[name];
      },
      set(value) {
        ObjectDefineProperty($, name, { value, writable: true, configurable: true, enumerable: true });
      },
      configurable: true,
      enumerable: true,
    });
  };
  const lazyFunction = (module, name) => {
    $[name] = (...args) => {
      $.require(module);
      return $[name](...args);
    };
  };

  lazyGlobal('dom_exception', 'DOMException');
  lazyValue('dom_exception', 'DOMException');
  $.isDOMException = () => false;

  for (const name of ['TextEncoder', 'TextDecoder', 'TextEncoderStream', 'TextDecoderStream', 'atob', 'btoa']) {
    lazyGlobal('encoding', name);
  }
  // `checkEncodeUtf8` comes from allocation_limit.js, evaluated next.
  $.encodeUtf8 = (string) => {
    $.checkEncodeUtf8(string);
    return host.encodeUtf8(string);
  };
  $.decodeUtf8 = (bytes) => host.decodeUtf8(bytes, false);

  for (const name of ['Crypto', 'crypto']) lazyGlobal('crypto', name);

  for (const name of ['AbortController', 'AbortSignal']) lazyGlobal('abort', name);
  for (const name of ['newAbortSignal', 'createDependentAbortSignal', 'signalAbort']) lazyFunction('abort', name);
  $.isAbortSignal = () => false;

  lazyGlobal('console', 'console');
  lazyValue('console', 'inspect');

  for (const name of [
    'ReadableStream', 'ReadableStreamDefaultReader', 'WritableStream', 'WritableStreamDefaultWriter', 'TransformStream',
    'ByteLengthQueuingStrategy', 'CountQueuingStrategy',
  ]) {
    lazyGlobal('streams', name);
  }
  lazyValue('streams', 'ReadableStream');
  lazyGlobal('byte_streams', 'ReadableStreamBYOBReader');
  for (const name of [
    'setUpReadableByteStreamControllerFromUnderlyingSource', 'acquireReadableStreamBYOBReader', 'readableByteStreamTee',
  ]) {
    lazyFunction('byte_streams', name);
  }
  for (const name of [
    'streamOfBytes', 'newPushStream', 'pushStreamEnqueue', 'pushStreamClose', 'pushStreamError',
    'pushStreamDesiredSize', 'isDisturbed', 'isLocked', 'isStreamUnusable', 'teeStream', 'cancelStream',
    'acquireReader', 'readerRead', 'readAllBytes', 'readChunk',
  ]) {
    lazyFunction('streams', name);
  }
  // No stream exists before the module loads.
  $.isReadableStream = () => false;
  $.isReadableStreamDefaultReader = () => false;

  for (const name of ['URL', 'URLSearchParams']) lazyGlobal('url', name);
  lazyValue('url', 'URL');
  lazyValue('url', 'URLSearchParams');
  for (const name of ['parseFormUrlencoded', 'serializeFormUrlencoded']) lazyFunction('url', name);
  $.isURL = () => false;
  $.isURLSearchParams = () => false;

  lazyGlobal('url_pattern', 'URLPattern');

  for (const name of ['MessageChannel', 'MessagePort', 'MessageEvent']) lazyGlobal('message_channel', name);
  for (const name of ['CustomEvent', 'ErrorEvent', 'PromiseRejectionEvent']) lazyGlobal('event_types', name);

  lazyGlobal('async_local_storage', 'AsyncLocalStorage');
  // Binds a callback to the caller's AsyncLocalStorage context (timers, queueMicrotask): the
  // identity until the module loads, since no store can exist before.
  $.bindAsyncContext = (callback) => callback;

  lazyGlobal('structured_clone', 'structuredClone');
  lazyFunction('structured_clone', 'structuredClone');
  lazyFunction('structured_clone', 'structuredCloneWithTransfer');

  $.reportError = (error) => {
    host.reportError(error);
  };

  // Promises, immune to later changes of Promise.prototype by user code.
  $.then = (promise, onFulfilled, onRejected) => ReflectApply(promiseThen, promise, [onFulfilled, onRejected]);
  $.resolved = (value) => promiseResolve(value);
  $.rejected = (reason) => promiseReject(reason);
  $.newPromise = () => {
    let resolve;
    let reject;
    const promise = new PromiseCtor((a, b) => {
      resolve = a;
      reject = b;
    });
    return { promise, resolve, reject };
  };
  const noop = () => {};
  $.markHandled = (promise) => {
    ReflectApply(promiseThen, promise, [undefined, noop]);
  };
  // Calls `fn` and turns a synchronous throw into a rejected promise.
  $.promiseCall = (fn, thisArg, args) => {
    try {
      return promiseResolve(ReflectApply(fn, thisArg, args));
    } catch (error) {
      return promiseReject(error);
    }
  };

  $.argumentsRequired = (where, required, present) => {
    if (present < required) {
      throw new TypeError(
        `${where}: ${required} argument${required > 1 ? 's' : ''} required, but only ${present} present.`,
      );
    }
  };

  // WebIDL conversions.
  $.toDOMString = (value) => {
    if (typeof value === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
    return `${value}`;
  };
  $.toUSVString = (value) => $.toDOMString(value).toWellFormed();
  $.toByteString = (value) => {
    const string = $.toDOMString(value);
    for (let i = 0; i < string.length; i++) {
      const code = string.charCodeAt(i);
      if (code > 255) {
        throw new TypeError(
          `Cannot convert argument to a ByteString because the character at index ${i} has a value of ${code} which is greater than 255.`,
        );
      }
    }
    return string;
  };
  // [EnforceRange] unsigned long long; `where` prefixes the error message.
  $.toEnforcedUnsignedLongLong = (value, where) => {
    // Unary plus, not Number(): ToNumber throws for a BigInt.
    let number = +value;
    if (!Number.isFinite(number)) throw new TypeError(`${where}: Value is not a finite number.`);
    number = Math.trunc(number);
    if (number < 0 || number > Number.MAX_SAFE_INTEGER) {
      throw new TypeError(`${where}: Value is outside the 'unsigned long long' value range.`);
    }
    return number === 0 ? 0 : number;
  };
  $.isObject = (value) => (typeof value === 'object' && value !== null) || typeof value === 'function';

  const TypedArray = Object.getPrototypeOf(Uint8Array);
  const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag).get;
  $.TypedArray = TypedArray;
  // The constructor name of a typed array ('Uint8Array', ...), or undefined for anything else.
  // A shared argument list (never mutated): allocating `[]` per call costs more than the
  // getter itself.
  const noArgs = [];
  $.typedArrayKind = (value) => ReflectApply(typedArrayTag, value, noArgs);
  const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  $.isArrayBuffer = (value) => {
    try {
      ReflectApply(arrayBufferByteLength, value, []);
      return true;
    } catch {
      return false;
    }
  };
  const sharedByteLength = typeof SharedArrayBuffer === 'function'
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get
    : undefined;
  $.isSharedArrayBuffer = (value) => {
    if (sharedByteLength === undefined) return false;
    try {
      ReflectApply(sharedByteLength, value, []);
      return true;
    } catch {
      return false;
    }
  };
  $.isArrayBufferView = ArrayBuffer.isView;
  // A Uint8Array over the bytes of any BufferSource (no copy), or undefined.
  $.bytesOf = (value) => {
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if ($.isArrayBuffer(value) || $.isSharedArrayBuffer(value)) return new Uint8Array(value);
    return undefined;
  };
  // WebIDL pair iterators (`keys`, `values`, `entries`, `forEach`, `@@iterator`) for a class
  // whose pairs `getFlat(object)` returns as a flat [key, value, key, value, ...] array. The
  // array is fetched again at every step, so iteration sees changes made meanwhile.
  const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  $.definePairIterable = (Class, tag, getFlat) => {
    class PairIterator {
      #target;
      #kind;
      #index = 0;
      constructor(target, kind) {
        this.#target = target;
        this.#kind = kind;
      }
      next() {
        const flat = getFlat(this.#target);
        const index = this.#index;
        if (index * 2 >= flat.length) return { value: undefined, done: true };
        this.#index = index + 1;
        const key = flat[index * 2];
        const value = flat[index * 2 + 1];
        if (this.#kind === 0) return { value: key, done: false };
        if (this.#kind === 1) return { value, done: false };
        return { value: [key, value], done: false };
      }
    }
    Object.setPrototypeOf(PairIterator.prototype, IteratorPrototype);
    delete PairIterator.prototype.constructor;
    ObjectDefineProperty(PairIterator.prototype, Symbol.toStringTag, { value: `${tag} Iterator`, configurable: true });
    const methods = {
      keys() {
        getFlat(this);
        return new PairIterator(this, 0);
      },
      values() {
        getFlat(this);
        return new PairIterator(this, 1);
      },
      entries() {
        getFlat(this);
        return new PairIterator(this, 2);
      },
      forEach(callback, thisArg = undefined) {
        let flat = getFlat(this);
        if (typeof callback !== 'function') {
          throw new TypeError(`Failed to execute 'forEach' on '${tag}': parameter 1 is not of type 'Function'.`);
        }
        for (let i = 0; i * 2 < flat.length; i++) {
          ReflectApply(callback, thisArg, [flat[i * 2 + 1], flat[i * 2], this]);
          flat = getFlat(this);
        }
      },
    };
    for (const name of ['keys', 'values', 'entries', 'forEach']) {
      ObjectDefineProperty(Class.prototype, name, { value: methods[name], writable: true, enumerable: true, configurable: true });
    }
    ObjectDefineProperty(Class.prototype, Symbol.iterator, { value: methods.entries, writable: true, configurable: true });
  };

  // A fresh copy of the bytes of any BufferSource, or undefined.
  $.copyBytes = (value) => {
    const view = $.bytesOf(value);
    return view === undefined ? undefined : new Uint8Array(view);
  };
});
