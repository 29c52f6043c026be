// setTimeout/setInterval/clearTimeout/clearInterval, queueMicrotask and performance.
//
// Rust owns the schedule (timers.rs): it assigns numeric ids and calls `fire(id)` when a timer
// is due. The callbacks and their arguments stay here, in JS.
(function (host, $) {
  'use strict';

  const TIMEOUT_MAX = 2 ** 31 - 1;
  // The HTML timer nesting rule: a timer set by a timer set by … (more than five deep) waits at
  // least 4 ms; shallower ones run when due, so `setTimeout(fn, 0)` — how React's server
  // renderer schedules its work — costs no idle millisecond.
  const NESTING_CLAMP_LEVEL = 5;
  const NESTED_MINIMUM = 4;
  const callbacks = new Map();
  // The nesting level of the timer whose callback is running (0 outside timers).
  let nesting = 0;

  function fire(id) {
    const entry = callbacks.get(id);
    if (entry === undefined) return;
    if (!entry.repeat) callbacks.delete(id);
    const outer = nesting;
    nesting = entry.nesting;
    try {
      Reflect.apply(entry.callback, globalThis, entry.args);
    } finally {
      nesting = outer;
    }
  }

  function describe(value) {
    if (value === null) return 'null';
    if (typeof value === 'function') return `function ${value.name}`;
    if (typeof value === 'object') return 'an instance of Object';
    if (typeof value === 'string') return `type string ('${value.length > 25 ? `${value.slice(0, 25)}...` : value}')`;
    return `type ${typeof value} (${String(value)})`;
  }

  function start(callback, delay, args, repeat, refed) {
    // A string callback would be evaluated as code: refuse it, as Node.js does.
    if (typeof callback !== 'function') {
      throw new TypeError(`The "callback" argument must be of type function. Received ${describe(callback)}`);
    }
    delay = +delay;
    if (!(delay >= 0 && delay <= TIMEOUT_MAX)) delay = 0;
    const level = nesting + 1;
    if (level > NESTING_CLAMP_LEVEL && delay < NESTED_MINIMUM) delay = NESTED_MINIMUM;
    // A repeating timer keeps its first delay, so it must never be 0 (it would spin).
    if (repeat && delay < 1) delay = 1;
    const id = host.timerStart(delay, repeat, refed, fire);
    // The async context (AsyncLocalStorage) of the caller is the callback's.
    callbacks.set(id, { callback: $.bindAsyncContext(callback), args, repeat, nesting: level });
    return id;
  }

  function clear(id) {
    if (typeof id !== 'number') {
      if (typeof id !== 'string') return;
      id = Number(id);
    }
    if (callbacks.delete(id)) host.timerCancel(id);
  }

  $.defineGlobal('setTimeout', function setTimeout(callback, delay = 0, ...args) {
    return start(callback, delay, args, false, true);
  });
  $.defineGlobal('setInterval', function setInterval(callback, delay = 0, ...args) {
    return start(callback, delay, args, true, true);
  });
  $.defineGlobal('clearTimeout', function clearTimeout(id = undefined) {
    clear(id);
  });
  $.defineGlobal('clearInterval', function clearInterval(id = undefined) {
    clear(id);
  });
  // A timer that does not keep the script runner waiting (like Node's `unref()`).
  $.setUnrefTimeout = (callback, delay) => start(callback, delay, [], false, false);
  $.clearTimer = clear;
  // Queues a task (an HTML event-loop task, e.g. a MessagePort message): it runs after the
  // current script and its microtasks, in the order tasks and timers became due. Unlike
  // setTimeout it is never clamped. Like a timer, it keeps the runner waiting.
  $.queueTask = (callback) => {
    const id = host.timerStart(0, false, true, fire);
    callbacks.set(id, { callback, args: [], repeat: false, nesting: 0 });
  };

  const resolvedPromise = $.resolved(undefined);
  $.defineGlobal('queueMicrotask', function queueMicrotask(callback) {
    $.argumentsRequired("Failed to execute 'queueMicrotask'", 1, arguments.length);
    if (typeof callback !== 'function') {
      throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
    }
    const bound = $.bindAsyncContext(callback);
    $.then(resolvedPromise, () => {
      try {
        bound();
      } catch (error) {
        $.reportError(error);
      }
    });
  });

  // High resolution time (milliseconds since the context was created).
  const now = host.performanceNow;
  const timeOrigin = host.timeOrigin;
  $.now = now;

  class Performance extends $.EventTarget {
    constructor(token) {
      if (token !== $.kInternal) throw new TypeError('Illegal constructor');
      super();
    }
    now() {
      return now();
    }
    get timeOrigin() {
      return timeOrigin;
    }
    toJSON() {
      return { timeOrigin };
    }
  }
  $.setToStringTag(Performance, 'Performance');
  $.defineGlobal('performance', new Performance($.kInternal));
});
