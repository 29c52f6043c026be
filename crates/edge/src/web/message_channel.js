// MessageChannel, MessagePort and MessageEvent (HTML Standard, "Communication": the
// MessageEvent interface and channel messaging), within one context: both ports of a channel
// live here, so posting a message clones it and queues a task (`$.queueTask`) that fires a
// `message` event at the other port.
//
// Each port has a port message queue, disabled until `start()` is called or `onmessage` is
// set; messages that arrive meanwhile wait in it. `close()` disentangles the two ports: later
// messages, posted from either side, go nowhere; messages already queued are still delivered
// (as in the specification, Firefox and Node.js). Transfer lists may hold ArrayBuffers only:
// a MessagePort in one throws a DataCloneError, since a port cannot leave this context.
// Deserialization cannot fail (the clone is made when the message is posted), so
// `messageerror` is never fired.
(function (host, $) {
  'use strict';

  const { kInternal, Event, EventTarget } = $;
  const ReflectApply = Reflect.apply;
  const noPorts = Object.freeze([]);

  let isMessagePort;
  let entangle;
  let startPort;
  let dispatchOldest;

  class MessageEvent extends Event {
    #data = null;
    #origin = '';
    #lastEventId = '';
    #source = null;
    #ports = noPorts;

    constructor(type, eventInitDict = undefined) {
      $.argumentsRequired("Failed to construct 'MessageEvent'", 1, arguments.length);
      super(type, eventInitDict);
      if (eventInitDict === undefined || eventInitDict === null) return;
      // Event read EventInit's members; these are MessageEventInit's, in lexicographic order.
      const where = "Failed to construct 'MessageEvent'";
      const data = eventInitDict.data;
      if (data !== undefined) this.#data = data;
      const lastEventId = eventInitDict.lastEventId;
      if (lastEventId !== undefined) this.#lastEventId = $.toDOMString(lastEventId);
      const origin = eventInitDict.origin;
      if (origin !== undefined) this.#origin = $.toUSVString(origin);
      const ports = eventInitDict.ports;
      if (ports !== undefined) {
        if (!$.isObject(ports) || typeof ports[Symbol.iterator] !== 'function') {
          throw new TypeError(`${where}: Failed to read the 'ports' property from 'MessageEventInit': The provided value cannot be converted to a sequence.`);
        }
        const list = [];
        for (const port of ports) {
          if (!isMessagePort(port)) {
            throw new TypeError(`${where}: Failed to read the 'ports' property from 'MessageEventInit': Failed to convert value to 'MessagePort'.`);
          }
          list.push(port);
        }
        this.#ports = Object.freeze(list);
      }
      const source = eventInitDict.source;
      if (source !== undefined && source !== null) {
        if (!isMessagePort(source)) {
          throw new TypeError(`${where}: Failed to read the 'source' property from 'MessageEventInit': The provided value is not of type '(MessagePort or ServiceWorker or WindowProxy)'.`);
        }
        this.#source = source;
      }
    }

    get data() {
      return this.#data;
    }

    get origin() {
      return this.#origin;
    }

    get lastEventId() {
      return this.#lastEventId;
    }

    get source() {
      return this.#source;
    }

    get ports() {
      return this.#ports;
    }
  }
  $.setToStringTag(MessageEvent, 'MessageEvent');

  const postMessageWhere = "Failed to execute 'postMessage' on 'MessagePort'";

  // The transfer list of postMessage(message, transfer) or postMessage(message, { transfer }).
  function transferListOf(options) {
    if (options === undefined || options === null) return [];
    if (!$.isObject(options)) {
      throw new TypeError(`${postMessageWhere}: The provided value is not of type '(sequence<object> or StructuredSerializeOptions)'.`);
    }
    const iteratorMethod = options[Symbol.iterator];
    const list = iteratorMethod === undefined || iteratorMethod === null ? options.transfer : options;
    if (list === undefined) return [];
    if (!$.isObject(list) || typeof list[Symbol.iterator] !== 'function') {
      throw new TypeError(`${postMessageWhere}: The provided value cannot be converted to a sequence.`);
    }
    const transfer = [];
    for (const item of list) {
      if (!$.isObject(item)) throw new TypeError(`${postMessageWhere}: The provided value is not of type 'object'.`);
      transfer.push(item);
    }
    return transfer;
  }

  class MessagePort extends EventTarget {
    // The port this one is entangled with, until either is closed.
    #entangled = null;
    // Whether the port message queue is enabled (start() was called or onmessage set).
    #enabled = false;
    // Cloned messages not yet dispatched; one task per message takes the oldest.
    #queue = [];

    constructor(token = undefined) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      super();
    }

    postMessage(message, options = undefined) {
      $.argumentsRequired(postMessageWhere, 1, arguments.length);
      const transfer = transferListOf(options);
      if (transfer.includes(this)) {
        throw new $.DOMException(`${postMessageWhere}: Port at index ${transfer.indexOf(this)} contains the source port.`, 'DataCloneError');
      }
      if (transfer.some(isMessagePort)) {
        throw new $.DOMException(`${postMessageWhere}: A MessagePort cannot be transferred out of this context.`, 'DataCloneError');
      }
      const data = $.structuredCloneWithTransfer(message, transfer);
      const target = this.#entangled;
      if (target === null) return;
      target.#queue.push(data);
      if (target.#enabled) $.queueTask(() => dispatchOldest(target));
    }

    start() {
      startPort(this);
    }

    close() {
      const other = this.#entangled;
      if (other === null) return;
      this.#entangled = null;
      other.#entangled = null;
    }

    static {
      isMessagePort = (value) => $.isObject(value) && #entangled in value;
      entangle = (port1, port2) => {
        port1.#entangled = port2;
        port2.#entangled = port1;
      };
      startPort = (port) => {
        if (port.#enabled) return;
        port.#enabled = true;
        for (let i = 0; i < port.#queue.length; i++) $.queueTask(() => dispatchOldest(port));
      };
      dispatchOldest = (port) => {
        if (port.#queue.length === 0) return;
        const data = port.#queue.shift();
        $.fireEvent(port, 'message', MessageEvent, { data });
      };
    }
  }
  $.defineEventHandler(MessagePort, 'message');
  $.defineEventHandler(MessagePort, 'messageerror');
  $.setToStringTag(MessagePort, 'MessagePort');

  // The first time onmessage is set, the port message queue is enabled, as if by start().
  const onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    get: onmessage.get,
    set(value) {
      if (!isMessagePort(this)) throw new TypeError('Illegal invocation');
      ReflectApply(onmessage.set, this, [value]);
      startPort(this);
    },
    enumerable: true,
    configurable: true,
  });

  class MessageChannel {
    #port1 = new MessagePort(kInternal);
    #port2 = new MessagePort(kInternal);

    constructor() {
      entangle(this.#port1, this.#port2);
    }

    get port1() {
      return this.#port1;
    }

    get port2() {
      return this.#port2;
    }

    static {
      $.unclonable.push((value) => $.isObject(value) && #port1 in value);
    }
  }
  $.setToStringTag(MessageChannel, 'MessageChannel');

  $.defineGlobal('MessageEvent', MessageEvent);
  $.defineGlobal('MessagePort', MessagePort);
  $.defineGlobal('MessageChannel', MessageChannel);
});
