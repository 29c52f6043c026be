// AsyncLocalStorage: the Next.js Edge polyfill of Node's `async_hooks.AsyncLocalStorage`.
//
// JavaScriptCore has no async-context hooks, so the context travels only where this runtime
// can carry it: the current context is an immutable Map (instance → store), replaced by
// `run`/`exit`/`enterWith` and restored after; callbacks capture the context that was
// current when they were scheduled and restore it while they run. Capturing happens in
// `setTimeout`/`setInterval`/`queueMicrotask` (timers.js calls `$.bindAsyncContext`) and in
// `Promise.prototype.then` (and so `catch`/`finally`), which this module wraps when it
// loads. `await` on a native promise does not call `then` (ECMAScript's Await performs the
// reaction directly), so code after an `await` inside an async function does not see the
// store of the `run` that started it; see async_local_storage.rs.
(function (host, $) {
  'use strict';

  const ReflectApply = Reflect.apply;
  const MapCtor = Map;
  const mapGet = Map.prototype.get;
  const mapHas = Map.prototype.has;
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;

  const EMPTY = new MapCtor();
  let current = EMPTY;

  const withStore = (frame, instance, store) => {
    const next = new MapCtor(frame);
    ReflectApply(mapSet, next, [instance, store]);
    return next;
  };
  const withoutStore = (frame, instance) => {
    if (!ReflectApply(mapHas, frame, [instance])) return frame;
    const next = new MapCtor(frame);
    ReflectApply(mapDelete, next, [instance]);
    return next;
  };

  // Calls fn with `frame` as the current context, restoring the previous one afterwards.
  function runInFrame(frame, fn, thisArg, args) {
    const previous = current;
    current = frame;
    try {
      return ReflectApply(fn, thisArg, args);
    } finally {
      current = previous;
    }
  }

  function bindToFrame(fn, frame) {
    return function (...args) {
      return runInFrame(frame, fn, this, args);
    };
  }

  $.bindAsyncContext = (callback) => (typeof callback === 'function' ? bindToFrame(callback, current) : callback);

  // Promise reactions run in the context of the `then` call.
  const originalThen = Promise.prototype.then;
  const { then } = {
    then(onFulfilled, onRejected) {
      const frame = current;
      return ReflectApply(originalThen, this, [
        typeof onFulfilled === 'function' ? bindToFrame(onFulfilled, frame) : onFulfilled,
        typeof onRejected === 'function' ? bindToFrame(onRejected, frame) : onRejected,
      ]);
    },
  };
  Object.defineProperty(Promise.prototype, 'then', { value: then, writable: true, enumerable: false, configurable: true });

  const validateFunction = (fn, name) => {
    if (typeof fn !== 'function') {
      const got = fn === null ? 'null' : typeof fn === 'object' ? 'an instance of Object' : `type ${typeof fn} (${String(fn)})`;
      throw new TypeError(`The "${name}" argument must be of type function. Received ${got}`);
    }
  };

  class AsyncLocalStorage {
    #enabled = false;

    constructor(options = undefined) {
      if (options !== undefined && (options === null || typeof options !== 'object')) {
        throw new TypeError('The "options" argument must be of type object.');
      }
    }

    // A function that runs its argument in the context current now.
    static snapshot() {
      const frame = current;
      return function runInAsyncScope(fn, ...args) {
        return runInFrame(frame, fn, this, args);
      };
    }

    // `fn` bound to the context current now.
    static bind(fn) {
      validateFunction(fn, 'fn');
      return bindToFrame(fn, current);
    }

    getStore() {
      if (!this.#enabled) return undefined;
      return ReflectApply(mapGet, current, [this]);
    }

    run(store, callback, ...args) {
      this.#enabled = true;
      return runInFrame(withStore(current, this, store), callback, undefined, args);
    }

    exit(callback, ...args) {
      return runInFrame(withoutStore(current, this), callback, undefined, args);
    }

    // Sets the store for the rest of the current synchronous execution and what it schedules.
    enterWith(store) {
      this.#enabled = true;
      current = withStore(current, this, store);
    }

    // getStore() returns undefined until the next run() or enterWith().
    disable() {
      this.#enabled = false;
      current = withoutStore(current, this);
    }
  }

  $.defineGlobal('AsyncLocalStorage', AsyncLocalStorage);
});
