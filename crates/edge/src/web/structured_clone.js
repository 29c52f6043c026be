// structuredClone (HTML §2.7): StructuredSerializeInternal and StructuredDeserialize fused
// into one walk that keeps a memory of cloned objects, so shared references and cycles
// survive.
(function (host, $) {
  'use strict';

  const brand = (method) => (value) => {
    try {
      method.call(value);
      return true;
    } catch {
      return false;
    }
  };
  const isBooleanObject = brand(Boolean.prototype.valueOf);
  const isNumberObject = brand(Number.prototype.valueOf);
  const isStringObject = brand(String.prototype.valueOf);
  const isBigIntObject = brand(BigInt.prototype.valueOf);
  const isSymbolObject = brand(Symbol.prototype.valueOf);
  const isDate = brand(Date.prototype.getTime);
  const isRegExp = brand(Object.getOwnPropertyDescriptor(RegExp.prototype, 'source').get);
  const isMap = brand(Object.getOwnPropertyDescriptor(Map.prototype, 'size').get);
  const isSet = brand(Object.getOwnPropertyDescriptor(Set.prototype, 'size').get);
  const isDataView = brand(Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get);
  const isWeakMap = brand(WeakMap.prototype.has);
  const isWeakSet = brand(WeakSet.prototype.has);
  const isWeakRef = brand(WeakRef.prototype.deref);
  const isPromise = (value) => {
    try {
      Promise.prototype.then.call(value, undefined, undefined);
      return true;
    } catch {
      return false;
    }
  };
  const ObjectToString = Object.prototype.toString;
  const errorConstructors = {
    __proto__: null,
    Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
  };
  const typedArrayConstructors = {
    __proto__: null,
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  };
  if (typeof Float16Array === 'function') typedArrayConstructors.Float16Array = Float16Array;

  function dataCloneError(value) {
    let text;
    if (typeof value === 'symbol') text = value.toString();
    else if (typeof value === 'function') text = `${Function.prototype.toString.call(value).split('\n')[0]}`;
    else text = ObjectToString.call(value);
    return new $.DOMException(`${text} could not be cloned.`, 'DataCloneError');
  }

  // A buffer in the transfer list is copied too, and detached once the walk is over: a view
  // over it met later in the walk must still read its offset and length.
  function cloneArrayBuffer(buffer, memory) {
    let result;
    if (buffer.resizable) {
      result = new ArrayBuffer(buffer.byteLength, { maxByteLength: buffer.maxByteLength });
      new Uint8Array(result).set(new Uint8Array(buffer));
    } else {
      result = buffer.slice(0);
    }
    memory.set(buffer, result);
    return result;
  }

  function clone(value, memory) {
    if (typeof value === 'symbol') throw dataCloneError(value);
    if (typeof value === 'function') throw dataCloneError(value);
    if (typeof value !== 'object' || value === null) return value;

    const seen = memory.get(value);
    if (seen !== undefined) return seen;

    let result;
    if (isBooleanObject(value)) result = Object(Boolean.prototype.valueOf.call(value));
    else if (isNumberObject(value)) result = Object(Number.prototype.valueOf.call(value));
    else if (isBigIntObject(value)) result = Object(BigInt.prototype.valueOf.call(value));
    else if (isStringObject(value)) result = Object(String.prototype.valueOf.call(value));
    else if (isSymbolObject(value)) throw dataCloneError(value);
    else if (isDate(value)) result = new Date(Date.prototype.getTime.call(value));
    else if (isRegExp(value)) result = new RegExp(value.source, value.flags);
    if (result !== undefined) {
      memory.set(value, result);
      return result;
    }

    if ($.isArrayBuffer(value)) {
      if (value.detached) throw new $.DOMException('An ArrayBuffer is detached and could not be cloned.', 'DataCloneError');
      return cloneArrayBuffer(value, memory);
    }
    if ($.isSharedArrayBuffer(value)) {
      memory.set(value, value);
      return value;
    }
    const kind = $.typedArrayKind(value);
    if (kind !== undefined) {
      const buffer = clone(value.buffer, memory);
      const Constructor = typedArrayConstructors[kind];
      const length = value.length;
      result = new Constructor(buffer, value.byteOffset, length);
      memory.set(value, result);
      return result;
    }
    if (isDataView(value)) {
      const buffer = clone(value.buffer, memory);
      result = new DataView(buffer, value.byteOffset, value.byteLength);
      memory.set(value, result);
      return result;
    }

    if (isMap(value)) {
      result = new Map();
      memory.set(value, result);
      const entries = [...Map.prototype.entries.call(value)];
      for (const [k, v] of entries) Map.prototype.set.call(result, clone(k, memory), clone(v, memory));
      return result;
    }
    if (isSet(value)) {
      result = new Set();
      memory.set(value, result);
      const entries = [...Set.prototype.values.call(value)];
      for (const v of entries) Set.prototype.add.call(result, clone(v, memory));
      return result;
    }

    if ($.isDOMException(value)) {
      result = new $.DOMException(value.message, value.name);
      memory.set(value, result);
      return result;
    }

    if (value instanceof Error || ObjectToString.call(value) === '[object Error]') {
      let name = value.name;
      if (!(typeof name === 'string' && name in errorConstructors)) name = 'Error';
      result = new errorConstructors[name]();
      memory.set(value, result);
      const message = Object.getOwnPropertyDescriptor(value, 'message');
      if (message !== undefined && 'value' in message) {
        Object.defineProperty(result, 'message', { value: `${message.value}`, writable: true, configurable: true, enumerable: false });
      }
      const stack = value.stack;
      if (typeof stack === 'string') {
        Object.defineProperty(result, 'stack', { value: stack, writable: true, configurable: true, enumerable: false });
      }
      if (Object.hasOwn(value, 'cause')) {
        Object.defineProperty(result, 'cause', { value: clone(value.cause, memory), writable: true, configurable: true, enumerable: false });
      }
      return result;
    }

    if (
      isPromise(value) || isWeakMap(value) || isWeakSet(value) || isWeakRef(value)
      || $.unclonable.some((isPlatform) => isPlatform(value))
    ) {
      throw dataCloneError(value);
    }

    if (Array.isArray(value)) {
      result = new Array(value.length);
    } else {
      result = {};
    }
    memory.set(value, result);
    for (const key of Object.keys(value)) {
      result[key] = clone(value[key], memory);
    }
    return result;
  }

  $.structuredClone = (value) => clone(value, new Map());

  // StructuredSerializeWithTransfer then StructuredDeserializeWithTransfer: only
  // ArrayBuffers can be transferred (`transfer` is an iterable, or undefined).
  $.structuredCloneWithTransfer = (value, transfer) => {
    const transferred = new Set();
    if (transfer !== undefined) {
      for (const item of transfer) {
        if (!$.isArrayBuffer(item)) {
          throw new $.DOMException('Value not transferable', 'DataCloneError');
        }
        if (transferred.has(item)) {
          throw new $.DOMException('ArrayBuffer at index 1 is a duplicate of an earlier ArrayBuffer.', 'DataCloneError');
        }
        transferred.add(item);
      }
    }
    const result = clone(value, new Map());
    for (const buffer of transferred) {
      if (!buffer.detached) buffer.transfer();
    }
    return result;
  };

  $.defineGlobal('structuredClone', function structuredClone(value, options = undefined) {
    $.argumentsRequired("Failed to execute 'structuredClone'", 1, arguments.length);
    return $.structuredCloneWithTransfer(value, options?.transfer);
  });
});
