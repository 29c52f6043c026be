// AbortController and AbortSignal (DOM §3.1-3.2).
(function (host, $) {
  'use strict';

  const EventTarget = $.EventTarget;

  const abortError = () => new $.DOMException('This operation was aborted', 'AbortError');

  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    #algorithms = null;
    #dependent = false;
    // Source signals of a dependent signal (strong), dependents of a source (weak, so that a
    // long-lived source does not keep every signal derived from it alive).
    #sources = null;
    #dependents = null;
    // Dependents that have abort listeners stay reachable from their sources, as the spec's
    // garbage-collection rules require.
    #pinned = null;

    constructor(token) {
      if (token !== $.kInternal) throw new TypeError('Illegal constructor');
      super();
    }

    static abort(reason = undefined) {
      const signal = new AbortSignal($.kInternal);
      signal.#aborted = true;
      signal.#reason = reason === undefined ? abortError() : reason;
      return signal;
    }

    static timeout(milliseconds) {
      $.argumentsRequired("Failed to execute 'timeout' on 'AbortSignal'", 1, arguments.length);
      const ms = +milliseconds;
      if (!Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) {
        throw new TypeError(
          `Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range.`,
        );
      }
      const signal = new AbortSignal($.kInternal);
      $.setUnrefTimeout(() => {
        $.signalAbort(signal, new $.DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }, Math.trunc(ms));
      return signal;
    }

    static any(signals) {
      $.argumentsRequired("Failed to execute 'any' on 'AbortSignal'", 1, arguments.length);
      const list = [];
      for (const signal of signals) {
        if (!$.isAbortSignal(signal)) {
          throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
        }
        list.push(signal);
      }
      return $.createDependentAbortSignal(list);
    }

    get aborted() {
      return this.#aborted;
    }

    get reason() {
      return this.#reason;
    }

    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }

    [$.inspectCustom](depth, options, inspect) {
      return `AbortSignal ${inspect({ aborted: this.#aborted }, options)}`;
    }

    static {
      $.isAbortSignal = (value) => $.isObject(value) && #aborted in value;
      $.newAbortSignal = () => new AbortSignal($.kInternal);

      $.addAbortAlgorithm = (signal, algorithm) => {
        if (signal.#aborted) return;
        if (signal.#algorithms === null) signal.#algorithms = new Set();
        signal.#algorithms.add(algorithm);
        pin(signal);
        return algorithm;
      };
      $.removeAbortAlgorithm = (signal, algorithm) => {
        signal.#algorithms?.delete(algorithm);
      };
      $.abortListenerAdded = (signal) => pin(signal);

      function pin(signal) {
        if (!signal.#dependent || signal.#sources === null) return;
        for (const source of signal.#sources) {
          if (source.#pinned === null) source.#pinned = new Set();
          source.#pinned.add(signal);
        }
      }

      function createDependent(signals) {
        const result = new AbortSignal($.kInternal);
        for (const signal of signals) {
          if (signal.#aborted) {
            result.#aborted = true;
            result.#reason = signal.#reason;
            return result;
          }
        }
        result.#dependent = true;
        result.#sources = new Set();
        const ref = new WeakRef(result);
        const link = (source) => {
          if (result.#sources.has(source)) return;
          result.#sources.add(source);
          if (source.#dependents === null) source.#dependents = new Set();
          prune(source.#dependents);
          source.#dependents.add(ref);
        };
        for (const signal of signals) {
          if (!signal.#dependent) link(signal);
          else for (const source of signal.#sources) link(source);
        }
        return result;
      }
      $.createDependentAbortSignal = createDependent;

      function prune(refs) {
        if (refs.size < 64) return;
        for (const ref of refs) if (ref.deref() === undefined) refs.delete(ref);
      }

      function runAbortSteps(signal) {
        const algorithms = signal.#algorithms;
        signal.#algorithms = null;
        if (algorithms !== null) {
          for (const algorithm of algorithms) {
            try {
              algorithm();
            } catch (error) {
              $.reportError(error);
            }
          }
        }
        $.fireEvent(signal, 'abort');
      }

      function signalAbort(signal, reason = undefined) {
        if (signal.#aborted) return;
        signal.#aborted = true;
        signal.#reason = reason === undefined ? abortError() : reason;
        const toAbort = [];
        if (signal.#dependents !== null) {
          for (const ref of signal.#dependents) {
            const dependent = ref.deref();
            if (dependent !== undefined && !dependent.#aborted) {
              dependent.#aborted = true;
              dependent.#reason = signal.#reason;
              toAbort.push(dependent);
            }
          }
          signal.#dependents = null;
        }
        signal.#pinned = null;
        runAbortSteps(signal);
        for (const dependent of toAbort) {
          dependent.#pinned = null;
          runAbortSteps(dependent);
        }
      }
      $.signalAbort = signalAbort;
    }
  }
  $.defineEventHandler(AbortSignal, 'abort');
  $.setToStringTag(AbortSignal, 'AbortSignal');

  class AbortController {
    #signal = new AbortSignal($.kInternal);

    constructor() {}

    get signal() {
      return this.#signal;
    }

    abort(reason = undefined) {
      $.signalAbort(this.#signal, reason);
    }

    [$.inspectCustom](depth, options, inspect) {
      return `AbortController { signal: ${inspect(this.#signal, options)} }`;
    }
  }
  $.setToStringTag(AbortController, 'AbortController');

  $.unclonable.push((value) => value instanceof AbortController);
  $.defineGlobal('AbortSignal', AbortSignal);
  $.defineGlobal('AbortController', AbortController);
});
