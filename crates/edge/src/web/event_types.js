// The event interfaces beyond Event that the Web platform's globals dispatch or apps create:
// CustomEvent (DOM §2.4), ErrorEvent and PromiseRejectionEvent (HTML §8.1.7).
(function (host, $) {
  'use strict';

  const dictionary = (where, init) => {
    if (init === undefined || init === null) return {};
    if (typeof init !== 'object' && typeof init !== 'function') {
      throw new TypeError(`Failed to construct '${where}': The provided value is not of type '${where}Init'.`);
    }
    return init;
  };

  class CustomEvent extends $.Event {
    #detail;

    constructor(type, eventInitDict = undefined) {
      $.argumentsRequired("Failed to construct 'CustomEvent'", 1, arguments.length);
      const init = dictionary('CustomEvent', eventInitDict);
      super(type, init);
      this.#detail = init.detail === undefined ? null : init.detail;
    }

    get detail() {
      return this.#detail;
    }

    // The legacy initializer: it does nothing once the event is being dispatched.
    initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
      $.argumentsRequired("Failed to execute 'initCustomEvent' on 'CustomEvent'", 1, arguments.length);
      if (this.eventPhase !== 0) return;
      this.initEvent(type, bubbles, cancelable);
      this.#detail = detail;
    }
  }
  $.setToStringTag(CustomEvent, 'CustomEvent');

  class ErrorEvent extends $.Event {
    #message;
    #filename;
    #lineno;
    #colno;
    #error;

    constructor(type, eventInitDict = undefined) {
      $.argumentsRequired("Failed to construct 'ErrorEvent'", 1, arguments.length);
      const init = dictionary('ErrorEvent', eventInitDict);
      super(type, init);
      this.#message = init.message === undefined ? '' : $.toDOMString(init.message);
      this.#filename = init.filename === undefined ? '' : $.toUSVString(init.filename);
      this.#lineno = init.lineno === undefined ? 0 : init.lineno >>> 0;
      this.#colno = init.colno === undefined ? 0 : init.colno >>> 0;
      this.#error = init.error;
    }

    get message() {
      return this.#message;
    }
    get filename() {
      return this.#filename;
    }
    get lineno() {
      return this.#lineno;
    }
    get colno() {
      return this.#colno;
    }
    get error() {
      return this.#error;
    }
  }
  $.setToStringTag(ErrorEvent, 'ErrorEvent');

  class PromiseRejectionEvent extends $.Event {
    #promise;
    #reason;

    constructor(type, eventInitDict) {
      $.argumentsRequired("Failed to construct 'PromiseRejectionEvent'", 2, arguments.length);
      const init = dictionary('PromiseRejectionEvent', eventInitDict);
      if (!('promise' in init) || typeof init.promise !== 'object' || init.promise === null) {
        throw new TypeError(
          "Failed to construct 'PromiseRejectionEvent': Failed to read the 'promise' property from 'PromiseRejectionEventInit': Required member is undefined.",
        );
      }
      super(type, init);
      this.#promise = init.promise;
      this.#reason = init.reason;
    }

    get promise() {
      return this.#promise;
    }
    get reason() {
      return this.#reason;
    }
  }
  $.setToStringTag(PromiseRejectionEvent, 'PromiseRejectionEvent');

  $.defineGlobal('CustomEvent', CustomEvent);
  $.defineGlobal('ErrorEvent', ErrorEvent);
  $.defineGlobal('PromiseRejectionEvent', PromiseRejectionEvent);
});
