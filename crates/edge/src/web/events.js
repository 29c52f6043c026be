// Event and EventTarget (DOM §2), without the node tree: every dispatch is at the target.
(function (host, $) {
  'use strict';

  const NONE = 0;
  const AT_TARGET = 2;

  // Set while a module dispatches a platform event, so the event reads isTrusted.
  let trusted = false;

  class Event {
    #type;
    #bubbles = false;
    #cancelable = false;
    #composed = false;
    #target = null;
    #currentTarget = null;
    #phase = NONE;
    #stopPropagation = false;
    #stopImmediate = false;
    #canceled = false;
    #inPassiveListener = false;
    #dispatching = false;
    #initialized = true;
    #isTrusted = false;
    #timeStamp;

    constructor(type, eventInitDict = undefined) {
      $.argumentsRequired("Failed to construct 'Event'", 1, arguments.length);
      this.#type = $.toDOMString(type);
      if (eventInitDict !== undefined && eventInitDict !== null) {
        if (typeof eventInitDict !== 'object' && typeof eventInitDict !== 'function') {
          throw new TypeError("Failed to construct 'Event': The provided value is not of type 'EventInit'.");
        }
        this.#bubbles = !!eventInitDict.bubbles;
        this.#cancelable = !!eventInitDict.cancelable;
        this.#composed = !!eventInitDict.composed;
      }
      this.#isTrusted = trusted;
      this.#timeStamp = $.now();
    }

    get type() {
      return this.#type;
    }
    get target() {
      return this.#target;
    }
    get srcElement() {
      return this.#target;
    }
    get currentTarget() {
      return this.#currentTarget;
    }
    composedPath() {
      return this.#currentTarget === null ? [] : [this.#currentTarget];
    }
    get eventPhase() {
      return this.#phase;
    }
    stopPropagation() {
      this.#stopPropagation = true;
    }
    get cancelBubble() {
      return this.#stopPropagation;
    }
    set cancelBubble(value) {
      if (value) this.#stopPropagation = true;
    }
    stopImmediatePropagation() {
      this.#stopPropagation = true;
      this.#stopImmediate = true;
    }
    get bubbles() {
      return this.#bubbles;
    }
    get cancelable() {
      return this.#cancelable;
    }
    get returnValue() {
      return !this.#canceled;
    }
    set returnValue(value) {
      if (!value) this.#cancel();
    }
    preventDefault() {
      this.#cancel();
    }
    #cancel() {
      if (this.#cancelable && !this.#inPassiveListener) this.#canceled = true;
    }
    get defaultPrevented() {
      return this.#canceled;
    }
    get composed() {
      return this.#composed;
    }
    get isTrusted() {
      return this.#isTrusted;
    }
    get timeStamp() {
      return this.#timeStamp;
    }
    initEvent(type, bubbles = false, cancelable = false) {
      $.argumentsRequired("Failed to execute 'initEvent' on 'Event'", 1, arguments.length);
      if (this.#dispatching) return;
      this.#initialized = true;
      this.#stopPropagation = false;
      this.#stopImmediate = false;
      this.#canceled = false;
      this.#isTrusted = false;
      this.#target = null;
      this.#type = $.toDOMString(type);
      this.#bubbles = !!bubbles;
      this.#cancelable = !!cancelable;
    }

    [$.inspectCustom](depth, options, inspect) {
      const fields = {
        type: this.#type,
        defaultPrevented: this.#canceled,
        cancelable: this.#cancelable,
        timeStamp: this.#timeStamp,
      };
      return `${this.constructor.name} ${inspect(fields, options)}`;
    }

    static {
      $.isEvent = (value) => $.isObject(value) && #type in value;
      // The dispatch algorithm for a target with no parent (DOM §2.9, simplified).
      $.dispatch = (target, event, listeners) => {
        if (event.#dispatching || !event.#initialized) {
          throw new $.DOMException('The event is already being dispatched.', 'InvalidStateError');
        }
        event.#dispatching = true;
        event.#target = target;
        event.#currentTarget = target;
        event.#phase = AT_TARGET;
        try {
          if (listeners !== undefined && !event.#stopPropagation) {
            for (const listener of listeners.slice()) {
              if (listener.removed) continue;
              if (listener.once) $.removeListener(target, event.#type, listener);
              if (listener.passive) event.#inPassiveListener = true;
              try {
                const callback = listener.callback;
                if (typeof callback === 'function') {
                  Reflect.apply(callback, target, [event]);
                } else {
                  const handleEvent = callback.handleEvent;
                  if (typeof handleEvent !== 'function') {
                    throw new TypeError("'handleEvent' property of the event listener is not callable");
                  }
                  Reflect.apply(handleEvent, callback, [event]);
                }
              } catch (error) {
                $.reportError(error);
              }
              event.#inPassiveListener = false;
              if (event.#stopImmediate) break;
            }
          }
        } finally {
          event.#dispatching = false;
          event.#phase = NONE;
          event.#currentTarget = null;
          event.#stopPropagation = false;
          event.#stopImmediate = false;
        }
        return !event.#canceled;
      };
    }
  }
  $.defineConstants(Event, { NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 });
  $.setToStringTag(Event, 'Event');

  function flattenOptions(options) {
    if (typeof options === 'boolean') return { capture: options };
    if (options === undefined || options === null) return { capture: false };
    return { capture: !!options.capture, once: !!options.once, passive: options.passive, signal: options.signal };
  }

  class EventTarget {
    // type -> array of listener records { callback, capture, once, passive, removed }
    #listeners = null;

    constructor() {}

    addEventListener(type, callback, options = undefined) {
      $.argumentsRequired("Failed to execute 'addEventListener' on 'EventTarget'", 2, arguments.length);
      type = $.toDOMString(type);
      const flat = flattenOptions(options);
      const signal = flat.signal;
      if (signal !== undefined && !$.isAbortSignal(signal)) {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type 'AbortSignal'.");
      }
      if (callback === null || callback === undefined) return;
      if (typeof callback !== 'function' && typeof callback !== 'object') {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'Object'.");
      }
      if (signal !== undefined && signal.aborted) return;
      if (this.#listeners === null) this.#listeners = new Map();
      let list = this.#listeners.get(type);
      if (list === undefined) {
        list = [];
        this.#listeners.set(type, list);
      }
      for (const existing of list) {
        if (existing.callback === callback && existing.capture === flat.capture) return;
      }
      const listener = {
        callback,
        capture: flat.capture,
        once: flat.once === true,
        passive: flat.passive === true,
        removed: false,
      };
      list.push(listener);
      if (signal !== undefined) {
        $.addAbortAlgorithm(signal, () => $.removeListener(this, type, listener));
      }
      if (type === 'abort' && $.isAbortSignal(this)) $.abortListenerAdded(this);
    }

    removeEventListener(type, callback, options = undefined) {
      $.argumentsRequired("Failed to execute 'removeEventListener' on 'EventTarget'", 2, arguments.length);
      type = $.toDOMString(type);
      const capture = flattenOptions(options).capture;
      const list = this.#listeners?.get(type);
      if (list === undefined) return;
      for (const listener of list) {
        if (listener.callback === callback && listener.capture === capture) {
          $.removeListener(this, type, listener);
          return;
        }
      }
    }

    dispatchEvent(event) {
      $.argumentsRequired("Failed to execute 'dispatchEvent' on 'EventTarget'", 1, arguments.length);
      if (!$.isEvent(event)) {
        throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
      }
      return $.dispatch(this, event, this.#listeners?.get(event.type));
    }

    static {
      $.isEventTarget = (value) => $.isObject(value) && #listeners in value;
      $.removeListener = (target, type, listener) => {
        listener.removed = true;
        const list = target.#listeners?.get(type);
        if (list === undefined) return;
        const index = list.indexOf(listener);
        if (index !== -1) list.splice(index, 1);
      };
      // Fires a trusted event at a target (used by platform objects such as AbortSignal).
      // `init` is the event's init dictionary (MessageEvent's `data`).
      $.fireEvent = (target, type, EventClass = Event, init = undefined) => {
        const list = target.#listeners?.get(type);
        const handler = target.#handlers?.get(type);
        if (list === undefined && handler === undefined) return true;
        trusted = true;
        let event;
        try {
          event = new EventClass(type, init);
        } finally {
          trusted = false;
        }
        return $.dispatch(target, event, list);
      };
      // Event handler IDL attributes (`onabort`), HTML §8.1.8.1.
      $.defineEventHandler = (Class, type) => {
        Object.defineProperty(Class.prototype, `on${type}`, {
          configurable: true,
          enumerable: true,
          get() {
            return this.#handlers?.get(type) ?? null;
          },
          set(value) {
            const handler = typeof value === 'function' || (typeof value === 'object' && value !== null) ? value : null;
            if (this.#handlers === null) this.#handlers = new Map();
            const registered = this.#handlers.has(type);
            this.#handlers.set(type, handler);
            if (!registered) {
              const target = this;
              EventTarget.prototype.addEventListener.call(this, type, function (event) {
                const current = target.#handlers.get(type);
                if (typeof current === 'function') return Reflect.apply(current, target, [event]);
              });
            }
          },
        });
      };
    }

    #handlers = null;
  }
  $.setToStringTag(EventTarget, 'EventTarget');

  $.unclonable.push($.isEvent, $.isEventTarget);
  $.Event = Event;
  $.EventTarget = EventTarget;
  $.defineGlobal('Event', Event);
  $.defineGlobal('EventTarget', EventTarget);
});
