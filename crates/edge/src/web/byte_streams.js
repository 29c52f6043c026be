// Readable byte streams (WHATWG Streams: the ReadableStreamBYOBReader,
// ReadableByteStreamController and ReadableStreamBYOBRequest classes, and the abstract
// operations on BYOB readers and byte stream controllers): `new ReadableStream({ type:
// 'bytes' })`, BYOB reads with `min`, `autoAllocateChunkSize`, and ReadableByteStreamTee.
// Every function named after a specification algorithm follows its steps in order; asserts
// are left out.
//
// Loaded by streams.js the first time a byte stream or a BYOB reader is asked for. The
// generic ReadableStream operations it calls (ReadableStreamClose, reader initialization, ...)
// come from streams.js through `$.streamInternals`; streams.js reaches this file through the
// controller record's internal methods and the `$` functions defined at the end.
//
// Enqueued chunks and BYOB views have their ArrayBuffer transferred (detached), as the
// specification requires, with ArrayBuffer.prototype.transfer.
(function (host, $) {
  'use strict';

  $.require('streams');
  const { kInternal, then, resolved, rejected, newPromise, promiseCall } = $;
  const {
    ReadRequest,
    ReadableStream,
    streamRecordOf,
    isLocked,
    readableStreamCancel,
    readableStreamClose,
    readableStreamError,
    readableStreamAddReadRequest,
    readableStreamFulfillReadRequest,
    numReadRequests,
    readerGenericInitialize,
    readerGenericRelease,
    readerErrorReadIntoRequests,
    acquireDefaultReader,
    defaultReaderRead,
    defaultReaderRelease,
    resetQueue,
    queueMicrotaskInternal,
  } = $.streamInternals;

  // --- ArrayBuffer and view primitives ---------------------------------------------------
  //
  // The specification reads internal slots; user code can shadow `byteLength` or `buffer` on
  // a view, so they are read through the intrinsic getters.

  const ReflectApply = Reflect.apply;
  const getter = (prototype, name) => Object.getOwnPropertyDescriptor(prototype, name).get;
  const TypedArrayPrototype = $.TypedArray.prototype;
  const arrayBufferTransfer = ArrayBuffer.prototype.transfer;
  const arrayBufferDetached = getter(ArrayBuffer.prototype, 'detached');
  const arrayBufferByteLength = getter(ArrayBuffer.prototype, 'byteLength');
  const arrayBufferResizable = getter(ArrayBuffer.prototype, 'resizable');
  const typedArrayBuffer = getter(TypedArrayPrototype, 'buffer');
  const typedArrayByteOffset = getter(TypedArrayPrototype, 'byteOffset');
  const typedArrayByteLength = getter(TypedArrayPrototype, 'byteLength');
  const typedArrayLength = getter(TypedArrayPrototype, 'length');
  const typedArraySet = TypedArrayPrototype.set;
  const dataViewBuffer = getter(DataView.prototype, 'buffer');
  const dataViewByteOffset = getter(DataView.prototype, 'byteOffset');
  const dataViewByteLength = getter(DataView.prototype, 'byteLength');

  // The typed array constructors table: name → constructor (its element size is
  // BYTES_PER_ELEMENT).
  const typedArrayConstructors = {
    __proto__: null,
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  };
  if (typeof Float16Array === 'function') typedArrayConstructors.Float16Array = Float16Array;

  // Reflect.apply with a shared argument list (never mutated): a fresh `[]` per call costs
  // more than the getter.
  const noArgs = [];
  const call = (getterFunction, target) => ReflectApply(getterFunction, target, noArgs);

  // The [[TypedArrayName]] (undefined for a DataView), [[ViewedArrayBuffer]], [[ByteOffset]]
  // and [[ByteLength]] of an ArrayBufferView, read once.
  function viewSlots(view) {
    const name = $.typedArrayKind(view);
    if (name !== undefined) {
      return { name, buffer: call(typedArrayBuffer, view), byteOffset: call(typedArrayByteOffset, view), byteLength: call(typedArrayByteLength, view) };
    }
    const buffer = call(dataViewBuffer, view);
    // A DataView's getters throw once its buffer is detached, where the slots read 0.
    if (isDetachedBuffer(buffer)) return { name, buffer, byteOffset: 0, byteLength: 0 };
    return { name, buffer, byteOffset: call(dataViewByteOffset, view), byteLength: call(dataViewByteLength, view) };
  }

  // WebIDL ArrayBufferView conversion: the view's slots, or undefined for anything but a typed
  // array or DataView over a fixed-length, non-shared ArrayBuffer.
  function arrayBufferViewSlots(value) {
    if (!$.isArrayBufferView(value)) return undefined;
    const slots = viewSlots(value);
    if ($.isSharedArrayBuffer(slots.buffer) || call(arrayBufferResizable, slots.buffer)) return undefined;
    return slots;
  }

  function arrayBufferLength(buffer) {
    return call(arrayBufferByteLength, buffer);
  }

  function isDetachedBuffer(buffer) {
    return call(arrayBufferDetached, buffer);
  }

  // Throws a TypeError for a buffer that cannot be detached (a WebAssembly.Memory's).
  function transferArrayBuffer(buffer) {
    return call(arrayBufferTransfer, buffer);
  }

  function cloneArrayBuffer(buffer, byteOffset, byteLength) {
    const clone = new ArrayBuffer(byteLength);
    copyDataBlockBytes(clone, 0, buffer, byteOffset, byteLength);
    return clone;
  }

  function copyDataBlockBytes(toBuffer, toIndex, fromBuffer, fromIndex, count) {
    ReflectApply(typedArraySet, new Uint8Array(toBuffer, toIndex, count), [new Uint8Array(fromBuffer, fromIndex, count)]);
  }

  // CloneAsUint8Array.
  function cloneAsUint8Array(view) {
    const { buffer, byteOffset, byteLength } = viewSlots(view);
    return new Uint8Array(cloneArrayBuffer(buffer, byteOffset, byteLength));
  }

  // --- records ---------------------------------------------------------------------------

  class ByteControllerRecord {
    constructor() {
      this.stream = undefined;
      this.autoAllocateChunkSize = undefined;
      this.byobRequest = null; // a BYOBRequestRecord
      this.cancelAlgorithm = undefined;
      this.closeRequested = false;
      this.pullAgain = false;
      this.pullAlgorithm = undefined;
      this.pulling = false;
      this.pendingPullIntos = [];
      this.queue = []; // readable byte stream queue entries
      this.queueTotalSize = 0;
      this.started = false;
      this.strategyHWM = 0;
      this.bytes = true;
      this.object = undefined;
    }

    // [[CancelSteps]]
    cancelSteps(reason) {
      readableByteStreamControllerClearPendingPullIntos(this);
      resetQueue(this);
      const result = this.cancelAlgorithm(reason);
      readableByteStreamControllerClearAlgorithms(this);
      return result;
    }

    // [[PullSteps]]
    pullSteps(readRequest) {
      const stream = this.stream;
      if (this.queueTotalSize > 0) {
        readableByteStreamControllerFillReadRequestFromQueue(this, readRequest);
        return;
      }
      const autoAllocateChunkSize = this.autoAllocateChunkSize;
      if (autoAllocateChunkSize !== undefined) {
        let buffer;
        try {
          buffer = new ArrayBuffer(autoAllocateChunkSize);
        } catch (error) {
          readRequest.errorSteps(error);
          return;
        }
        this.pendingPullIntos.push(new PullIntoDescriptor(
          buffer, autoAllocateChunkSize, 0, autoAllocateChunkSize, 1, 1, Uint8Array, 'default',
        ));
      }
      readableStreamAddReadRequest(stream, readRequest);
      readableByteStreamControllerCallPullIfNeeded(this);
    }

    // [[ReleaseSteps]]
    releaseSteps() {
      if (this.pendingPullIntos.length === 0) return;
      const firstPendingPullInto = this.pendingPullIntos[0];
      firstPendingPullInto.readerType = 'none';
      this.pendingPullIntos = [firstPendingPullInto];
    }
  }

  class PullIntoDescriptor {
    constructor(buffer, bufferByteLength, byteOffset, byteLength, minimumFill, elementSize, viewConstructor, readerType) {
      this.buffer = buffer;
      this.bufferByteLength = bufferByteLength;
      this.byteOffset = byteOffset;
      this.byteLength = byteLength;
      this.bytesFilled = 0;
      this.minimumFill = minimumFill;
      this.elementSize = elementSize;
      this.viewConstructor = viewConstructor;
      this.readerType = readerType; // 'default', 'byob' or 'none'
    }
  }

  class BYOBRequestRecord {
    constructor(controller, view) {
      this.controller = controller;
      this.view = view;
      this.object = undefined;
    }
  }

  class BYOBReaderRecord {
    constructor() {
      this.stream = undefined;
      this.byob = true;
      this.readIntoRequests = [];
      this.closed = undefined;
      this.object = undefined;
    }
  }

  // A read-into request: a read request whose close steps get the (empty) view back.
  class ReadIntoRequest {
    constructor(chunkSteps, closeSteps, errorSteps) {
      this.chunkSteps = chunkSteps;
      this.closeSteps = closeSteps;
      this.errorSteps = errorSteps;
    }
  }

  // --- BYOB readers ----------------------------------------------------------------------

  function readableStreamAddReadIntoRequest(stream, readIntoRequest) {
    stream.reader.readIntoRequests.push(readIntoRequest);
  }

  function readableStreamFulfillReadIntoRequest(stream, chunk, done) {
    const readIntoRequest = stream.reader.readIntoRequests.shift();
    if (done) readIntoRequest.closeSteps(chunk);
    else readIntoRequest.chunkSteps(chunk);
  }

  function readableStreamGetNumReadIntoRequests(stream) {
    return stream.reader.readIntoRequests.length;
  }

  function readableStreamHasBYOBReader(stream) {
    return stream.reader !== undefined && stream.reader.byob;
  }

  function readableStreamHasDefaultReader(stream) {
    return stream.reader !== undefined && !stream.reader.byob;
  }

  function acquireReadableStreamBYOBReader(stream) {
    const reader = new ReadableStreamBYOBReader(kInternal);
    const record = byobReaderRecordOf(reader);
    setUpReadableStreamBYOBReader(record, stream);
    return record;
  }

  function setUpReadableStreamBYOBReader(reader, stream) {
    if (isLocked(stream)) throw new TypeError('ReadableStream is locked');
    if (!stream.controller.bytes) {
      throw new TypeError('Cannot use a BYOB reader with a non-byte stream');
    }
    readerGenericInitialize(reader, stream);
    reader.readIntoRequests = [];
  }

  function readableStreamBYOBReaderRead(reader, view, min, readIntoRequest) {
    const stream = reader.stream;
    stream.disturbed = true;
    if (stream.state === 'errored') readIntoRequest.errorSteps(stream.storedError);
    else readableByteStreamControllerPullInto(stream.controller, view, min, readIntoRequest);
  }

  function readableStreamBYOBReaderRelease(reader) {
    readerGenericRelease(reader);
    readerErrorReadIntoRequests(reader, new TypeError('Reader was released'));
  }

  // --- byte stream controllers -----------------------------------------------------------

  function readableByteStreamControllerCallPullIfNeeded(controller) {
    if (!readableByteStreamControllerShouldCallPull(controller)) return;
    if (controller.pulling) {
      controller.pullAgain = true;
      return;
    }
    controller.pulling = true;
    const pullPromise = controller.pullAlgorithm();
    then(
      pullPromise,
      () => {
        controller.pulling = false;
        if (controller.pullAgain) {
          controller.pullAgain = false;
          readableByteStreamControllerCallPullIfNeeded(controller);
        }
      },
      (error) => readableByteStreamControllerError(controller, error),
    );
  }

  function readableByteStreamControllerClearAlgorithms(controller) {
    controller.pullAlgorithm = undefined;
    controller.cancelAlgorithm = undefined;
  }

  function readableByteStreamControllerClearPendingPullIntos(controller) {
    readableByteStreamControllerInvalidateBYOBRequest(controller);
    controller.pendingPullIntos = [];
  }

  function readableByteStreamControllerClose(controller) {
    const stream = controller.stream;
    if (controller.closeRequested || stream.state !== 'readable') return;
    if (controller.queueTotalSize > 0) {
      controller.closeRequested = true;
      return;
    }
    if (controller.pendingPullIntos.length > 0) {
      const firstPendingPullInto = controller.pendingPullIntos[0];
      if (firstPendingPullInto.bytesFilled % firstPendingPullInto.elementSize !== 0) {
        const error = new TypeError('Insufficient bytes to fill elements in the given buffer');
        readableByteStreamControllerError(controller, error);
        throw error;
      }
    }
    readableByteStreamControllerClearAlgorithms(controller);
    readableStreamClose(stream);
  }

  function readableByteStreamControllerCommitPullIntoDescriptor(stream, pullIntoDescriptor) {
    let done = false;
    if (stream.state === 'closed') done = true;
    const filledView = readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
    if (pullIntoDescriptor.readerType === 'default') {
      readableStreamFulfillReadRequest(stream, filledView, done);
    } else {
      readableStreamFulfillReadIntoRequest(stream, filledView, done);
    }
  }

  function readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor) {
    const { bytesFilled, elementSize } = pullIntoDescriptor;
    const buffer = transferArrayBuffer(pullIntoDescriptor.buffer);
    const Constructor = pullIntoDescriptor.viewConstructor;
    return new Constructor(buffer, pullIntoDescriptor.byteOffset, bytesFilled / elementSize);
  }

  function readableByteStreamControllerEnqueue(controller, chunk) {
    const stream = controller.stream;
    if (controller.closeRequested || stream.state !== 'readable') return;
    const { buffer, byteOffset, byteLength } = viewSlots(chunk);
    if (isDetachedBuffer(buffer)) throw new TypeError("chunk's buffer is detached and so cannot be enqueued");
    const transferredBuffer = transferArrayBuffer(buffer);
    if (controller.pendingPullIntos.length > 0) {
      const firstPendingPullInto = controller.pendingPullIntos[0];
      if (isDetachedBuffer(firstPendingPullInto.buffer)) {
        throw new TypeError("The BYOB request's buffer has been detached and so cannot be filled with an enqueued chunk");
      }
      readableByteStreamControllerInvalidateBYOBRequest(controller);
      firstPendingPullInto.buffer = transferArrayBuffer(firstPendingPullInto.buffer);
      if (firstPendingPullInto.readerType === 'none') {
        readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, firstPendingPullInto);
      }
    }
    if (readableStreamHasDefaultReader(stream)) {
      readableByteStreamControllerProcessReadRequestsUsingQueue(controller);
      if (numReadRequests(stream) === 0) {
        readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
      } else {
        if (controller.pendingPullIntos.length > 0) readableByteStreamControllerShiftPendingPullInto(controller);
        const transferredView = new Uint8Array(transferredBuffer, byteOffset, byteLength);
        readableStreamFulfillReadRequest(stream, transferredView, false);
      }
    } else if (readableStreamHasBYOBReader(stream)) {
      readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
      const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
      for (const filledPullInto of filledPullIntos) {
        readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullInto);
      }
    } else {
      readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
    }
    readableByteStreamControllerCallPullIfNeeded(controller);
  }

  function readableByteStreamControllerEnqueueChunkToQueue(controller, buffer, byteOffset, byteLength) {
    controller.queue.push({ buffer, byteOffset, byteLength });
    controller.queueTotalSize += byteLength;
  }

  function readableByteStreamControllerEnqueueClonedChunkToQueue(controller, buffer, byteOffset, byteLength) {
    let clone;
    try {
      clone = cloneArrayBuffer(buffer, byteOffset, byteLength);
    } catch (error) {
      readableByteStreamControllerError(controller, error);
      throw error;
    }
    readableByteStreamControllerEnqueueChunkToQueue(controller, clone, 0, byteLength);
  }

  function readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor) {
    if (pullIntoDescriptor.bytesFilled > 0) {
      readableByteStreamControllerEnqueueClonedChunkToQueue(
        controller, pullIntoDescriptor.buffer, pullIntoDescriptor.byteOffset, pullIntoDescriptor.bytesFilled,
      );
    }
    readableByteStreamControllerShiftPendingPullInto(controller);
  }

  function readableByteStreamControllerError(controller, error) {
    const stream = controller.stream;
    if (stream.state !== 'readable') return;
    readableByteStreamControllerClearPendingPullIntos(controller);
    resetQueue(controller);
    readableByteStreamControllerClearAlgorithms(controller);
    readableStreamError(stream, error);
  }

  function readableByteStreamControllerFillHeadPullIntoDescriptor(controller, size, pullIntoDescriptor) {
    pullIntoDescriptor.bytesFilled += size;
  }

  function readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor) {
    const maxBytesToCopy = Math.min(controller.queueTotalSize, pullIntoDescriptor.byteLength - pullIntoDescriptor.bytesFilled);
    const maxBytesFilled = pullIntoDescriptor.bytesFilled + maxBytesToCopy;
    let totalBytesToCopyRemaining = maxBytesToCopy;
    let ready = false;
    const remainderBytes = maxBytesFilled % pullIntoDescriptor.elementSize;
    const maxAlignedBytes = maxBytesFilled - remainderBytes;
    if (maxAlignedBytes >= pullIntoDescriptor.minimumFill) {
      totalBytesToCopyRemaining = maxAlignedBytes - pullIntoDescriptor.bytesFilled;
      ready = true;
    }
    const queue = controller.queue;
    while (totalBytesToCopyRemaining > 0) {
      const headOfQueue = queue[0];
      const bytesToCopy = Math.min(totalBytesToCopyRemaining, headOfQueue.byteLength);
      const destStart = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
      copyDataBlockBytes(pullIntoDescriptor.buffer, destStart, headOfQueue.buffer, headOfQueue.byteOffset, bytesToCopy);
      if (headOfQueue.byteLength === bytesToCopy) {
        queue.shift();
      } else {
        headOfQueue.byteOffset += bytesToCopy;
        headOfQueue.byteLength -= bytesToCopy;
      }
      controller.queueTotalSize -= bytesToCopy;
      readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesToCopy, pullIntoDescriptor);
      totalBytesToCopyRemaining -= bytesToCopy;
    }
    return ready;
  }

  function readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest) {
    const entry = controller.queue.shift();
    controller.queueTotalSize -= entry.byteLength;
    readableByteStreamControllerHandleQueueDrain(controller);
    const view = new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength);
    readRequest.chunkSteps(view);
  }

  function readableByteStreamControllerGetBYOBRequest(controller) {
    if (controller.byobRequest === null && controller.pendingPullIntos.length > 0) {
      const firstDescriptor = controller.pendingPullIntos[0];
      const view = new Uint8Array(
        firstDescriptor.buffer,
        firstDescriptor.byteOffset + firstDescriptor.bytesFilled,
        firstDescriptor.byteLength - firstDescriptor.bytesFilled,
      );
      const byobRequest = new BYOBRequestRecord(controller, view);
      byobRequest.object = new ReadableStreamBYOBRequest(kInternal, byobRequest);
      controller.byobRequest = byobRequest;
    }
    return controller.byobRequest;
  }

  function readableByteStreamControllerGetDesiredSize(controller) {
    const state = controller.stream.state;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return controller.strategyHWM - controller.queueTotalSize;
  }

  function readableByteStreamControllerHandleQueueDrain(controller) {
    if (controller.queueTotalSize === 0 && controller.closeRequested) {
      readableByteStreamControllerClearAlgorithms(controller);
      readableStreamClose(controller.stream);
    } else {
      readableByteStreamControllerCallPullIfNeeded(controller);
    }
  }

  function readableByteStreamControllerInvalidateBYOBRequest(controller) {
    const byobRequest = controller.byobRequest;
    if (byobRequest === null) return;
    byobRequest.controller = undefined;
    byobRequest.view = null;
    controller.byobRequest = null;
  }

  function readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller) {
    const filledPullIntos = [];
    while (controller.pendingPullIntos.length > 0) {
      if (controller.queueTotalSize === 0) break;
      const pullIntoDescriptor = controller.pendingPullIntos[0];
      if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
        readableByteStreamControllerShiftPendingPullInto(controller);
        filledPullIntos.push(pullIntoDescriptor);
      }
    }
    return filledPullIntos;
  }

  function readableByteStreamControllerProcessReadRequestsUsingQueue(controller) {
    const reader = controller.stream.reader;
    while (reader.readRequests.length > 0) {
      if (controller.queueTotalSize === 0) return;
      const readRequest = reader.readRequests.shift();
      readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
    }
  }

  function readableByteStreamControllerPullInto(controller, view, min, readIntoRequest) {
    const stream = controller.stream;
    const slots = viewSlots(view);
    let elementSize = 1;
    let Constructor = DataView;
    if (slots.name !== undefined) {
      Constructor = typedArrayConstructors[slots.name];
      elementSize = Constructor.BYTES_PER_ELEMENT;
    }
    const minimumFill = min * elementSize;
    const { byteOffset, byteLength } = slots;
    let buffer;
    try {
      buffer = transferArrayBuffer(slots.buffer);
    } catch (error) {
      readIntoRequest.errorSteps(error);
      return;
    }
    const pullIntoDescriptor = new PullIntoDescriptor(
      buffer, arrayBufferLength(buffer), byteOffset, byteLength, minimumFill, elementSize, Constructor, 'byob',
    );
    if (controller.pendingPullIntos.length > 0) {
      controller.pendingPullIntos.push(pullIntoDescriptor);
      readableStreamAddReadIntoRequest(stream, readIntoRequest);
      return;
    }
    if (stream.state === 'closed') {
      const emptyView = new Constructor(pullIntoDescriptor.buffer, pullIntoDescriptor.byteOffset, 0);
      readIntoRequest.closeSteps(emptyView);
      return;
    }
    if (controller.queueTotalSize > 0) {
      if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
        const filledView = readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
        readableByteStreamControllerHandleQueueDrain(controller);
        readIntoRequest.chunkSteps(filledView);
        return;
      }
      if (controller.closeRequested) {
        const error = new TypeError('Insufficient bytes to fill elements in the given buffer');
        readableByteStreamControllerError(controller, error);
        readIntoRequest.errorSteps(error);
        return;
      }
    }
    controller.pendingPullIntos.push(pullIntoDescriptor);
    readableStreamAddReadIntoRequest(stream, readIntoRequest);
    readableByteStreamControllerCallPullIfNeeded(controller);
  }

  function readableByteStreamControllerRespond(controller, bytesWritten) {
    const firstDescriptor = controller.pendingPullIntos[0];
    const state = controller.stream.state;
    if (state === 'closed') {
      if (bytesWritten !== 0) throw new TypeError('bytesWritten must be 0 when calling respond() on a closed stream');
    } else {
      if (bytesWritten === 0) throw new TypeError('bytesWritten must be greater than 0 when calling respond() on a readable stream');
      if (firstDescriptor.bytesFilled + bytesWritten > firstDescriptor.byteLength) {
        throw new RangeError('bytesWritten out of range');
      }
    }
    firstDescriptor.buffer = transferArrayBuffer(firstDescriptor.buffer);
    readableByteStreamControllerRespondInternal(controller, bytesWritten);
  }

  function readableByteStreamControllerRespondInClosedState(controller, firstDescriptor) {
    if (firstDescriptor.readerType === 'none') readableByteStreamControllerShiftPendingPullInto(controller);
    const stream = controller.stream;
    if (readableStreamHasBYOBReader(stream)) {
      const filledPullIntos = [];
      while (filledPullIntos.length < readableStreamGetNumReadIntoRequests(stream)) {
        filledPullIntos.push(readableByteStreamControllerShiftPendingPullInto(controller));
      }
      for (const filledPullInto of filledPullIntos) {
        readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullInto);
      }
    }
  }

  function readableByteStreamControllerRespondInReadableState(controller, bytesWritten, pullIntoDescriptor) {
    readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesWritten, pullIntoDescriptor);
    if (pullIntoDescriptor.readerType === 'none') {
      readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor);
      const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
      for (const filledPullInto of filledPullIntos) {
        readableByteStreamControllerCommitPullIntoDescriptor(controller.stream, filledPullInto);
      }
      return;
    }
    if (pullIntoDescriptor.bytesFilled < pullIntoDescriptor.minimumFill) return;
    readableByteStreamControllerShiftPendingPullInto(controller);
    const remainderSize = pullIntoDescriptor.bytesFilled % pullIntoDescriptor.elementSize;
    if (remainderSize > 0) {
      const end = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
      readableByteStreamControllerEnqueueClonedChunkToQueue(controller, pullIntoDescriptor.buffer, end - remainderSize, remainderSize);
    }
    pullIntoDescriptor.bytesFilled -= remainderSize;
    const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    readableByteStreamControllerCommitPullIntoDescriptor(controller.stream, pullIntoDescriptor);
    for (const filledPullInto of filledPullIntos) {
      readableByteStreamControllerCommitPullIntoDescriptor(controller.stream, filledPullInto);
    }
  }

  function readableByteStreamControllerRespondInternal(controller, bytesWritten) {
    const firstDescriptor = controller.pendingPullIntos[0];
    readableByteStreamControllerInvalidateBYOBRequest(controller);
    if (controller.stream.state === 'closed') {
      readableByteStreamControllerRespondInClosedState(controller, firstDescriptor);
    } else {
      readableByteStreamControllerRespondInReadableState(controller, bytesWritten, firstDescriptor);
    }
    readableByteStreamControllerCallPullIfNeeded(controller);
  }

  function readableByteStreamControllerRespondWithNewView(controller, view) {
    const firstDescriptor = controller.pendingPullIntos[0];
    const state = controller.stream.state;
    const { buffer, byteOffset, byteLength } = viewSlots(view);
    if (state === 'closed') {
      if (byteLength !== 0) throw new TypeError("The view's length must be 0 when calling respondWithNewView() on a closed stream");
    } else if (byteLength === 0) {
      throw new TypeError("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream");
    }
    if (firstDescriptor.byteOffset + firstDescriptor.bytesFilled !== byteOffset) {
      throw new RangeError('The region specified by view does not match byobRequest');
    }
    if (firstDescriptor.bufferByteLength !== arrayBufferLength(buffer)) {
      throw new RangeError('The buffer of view has different capacity than byobRequest');
    }
    if (firstDescriptor.bytesFilled + byteLength > firstDescriptor.byteLength) {
      throw new RangeError('The region specified by view is larger than byobRequest');
    }
    firstDescriptor.buffer = transferArrayBuffer(buffer);
    readableByteStreamControllerRespondInternal(controller, byteLength);
  }

  function readableByteStreamControllerShiftPendingPullInto(controller) {
    return controller.pendingPullIntos.shift();
  }

  function readableByteStreamControllerShouldCallPull(controller) {
    const stream = controller.stream;
    if (stream.state !== 'readable') return false;
    if (controller.closeRequested) return false;
    if (!controller.started) return false;
    if (readableStreamHasDefaultReader(stream) && numReadRequests(stream) > 0) return true;
    if (readableStreamHasBYOBReader(stream) && readableStreamGetNumReadIntoRequests(stream) > 0) return true;
    return readableByteStreamControllerGetDesiredSize(controller) > 0;
  }

  function setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
    controller.stream = stream;
    controller.pullAgain = false;
    controller.pulling = false;
    controller.byobRequest = null;
    resetQueue(controller);
    controller.closeRequested = false;
    controller.started = false;
    controller.strategyHWM = highWaterMark;
    controller.pullAlgorithm = pullAlgorithm;
    controller.cancelAlgorithm = cancelAlgorithm;
    controller.autoAllocateChunkSize = autoAllocateChunkSize;
    controller.pendingPullIntos = [];
    stream.controller = controller;
    const startResult = startAlgorithm();
    then(
      resolved(startResult),
      () => {
        controller.started = true;
        readableByteStreamControllerCallPullIfNeeded(controller);
      },
      (error) => readableByteStreamControllerError(controller, error),
    );
  }

  const noopPromise = () => resolved(undefined);

  function setUpReadableByteStreamControllerFromUnderlyingSource(stream, underlyingSource, dict, highWaterMark) {
    const controller = new ByteControllerRecord();
    controller.object = new ReadableByteStreamController(kInternal, controller);
    const { start, pull, cancel } = dict;
    const startAlgorithm = start === undefined ? () => undefined : () => ReflectApply(start, underlyingSource, [controller.object]);
    const pullAlgorithm = pull === undefined ? noopPromise : () => promiseCall(pull, underlyingSource, [controller.object]);
    const cancelAlgorithm = cancel === undefined ? noopPromise : (reason) => promiseCall(cancel, underlyingSource, [reason]);
    const autoAllocateChunkSize = dict.autoAllocateChunkSize;
    if (autoAllocateChunkSize === 0) {
      throw new TypeError("Failed to construct 'ReadableStream': autoAllocateChunkSize must be greater than 0");
    }
    setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize);
  }

  function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm) {
    const stream = streamRecordOf(new ReadableStream(kInternal));
    const controller = new ByteControllerRecord();
    controller.object = new ReadableByteStreamController(kInternal, controller);
    setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, 0, undefined);
    return stream;
  }

  // --- ReadableByteStreamTee -------------------------------------------------------------

  function readableByteStreamTee(stream) {
    let reader = acquireDefaultReader(stream);
    let reading = false;
    let readAgainForBranch1 = false;
    let readAgainForBranch2 = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let branch1;
    let branch2;
    const cancelPromise = newPromise();

    const forwardReaderError = (thisReader) => {
      then(thisReader.closed.promise, undefined, (error) => {
        if (thisReader !== reader) return;
        readableByteStreamControllerError(branch1.controller, error);
        readableByteStreamControllerError(branch2.controller, error);
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      });
    };

    const pullWithDefaultReader = () => {
      if (reader.byob) {
        readableStreamBYOBReaderRelease(reader);
        reader = acquireDefaultReader(stream);
        forwardReaderError(reader);
      }
      const readRequest = new ReadRequest(
        (chunk) => {
          queueMicrotaskInternal(() => {
            readAgainForBranch1 = false;
            readAgainForBranch2 = false;
            const chunk1 = chunk;
            let chunk2 = chunk;
            if (!canceled1 && !canceled2) {
              try {
                chunk2 = cloneAsUint8Array(chunk);
              } catch (error) {
                readableByteStreamControllerError(branch1.controller, error);
                readableByteStreamControllerError(branch2.controller, error);
                cancelPromise.resolve(readableStreamCancel(stream, error));
                return;
              }
            }
            if (!canceled1) readableByteStreamControllerEnqueue(branch1.controller, chunk1);
            if (!canceled2) readableByteStreamControllerEnqueue(branch2.controller, chunk2);
            reading = false;
            if (readAgainForBranch1) pull1Algorithm();
            else if (readAgainForBranch2) pull2Algorithm();
          });
        },
        () => {
          reading = false;
          if (!canceled1) readableByteStreamControllerClose(branch1.controller);
          if (!canceled2) readableByteStreamControllerClose(branch2.controller);
          if (branch1.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch1.controller, 0);
          if (branch2.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch2.controller, 0);
          if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
        },
        () => {
          reading = false;
        },
      );
      defaultReaderRead(reader, readRequest);
    };

    const pullWithBYOBReader = (view, forBranch2) => {
      if (!reader.byob) {
        defaultReaderRelease(reader);
        reader = acquireReadableStreamBYOBReader(stream);
        forwardReaderError(reader);
      }
      const byobBranch = forBranch2 ? branch2 : branch1;
      const otherBranch = forBranch2 ? branch1 : branch2;
      const readIntoRequest = new ReadIntoRequest(
        (chunk) => {
          queueMicrotaskInternal(() => {
            readAgainForBranch1 = false;
            readAgainForBranch2 = false;
            const byobCanceled = forBranch2 ? canceled2 : canceled1;
            const otherCanceled = forBranch2 ? canceled1 : canceled2;
            if (!otherCanceled) {
              let clonedChunk;
              try {
                clonedChunk = cloneAsUint8Array(chunk);
              } catch (error) {
                readableByteStreamControllerError(byobBranch.controller, error);
                readableByteStreamControllerError(otherBranch.controller, error);
                cancelPromise.resolve(readableStreamCancel(stream, error));
                return;
              }
              if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
              readableByteStreamControllerEnqueue(otherBranch.controller, clonedChunk);
            } else if (!byobCanceled) {
              readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
            }
            reading = false;
            if (readAgainForBranch1) pull1Algorithm();
            else if (readAgainForBranch2) pull2Algorithm();
          });
        },
        (chunk) => {
          reading = false;
          const byobCanceled = forBranch2 ? canceled2 : canceled1;
          const otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!byobCanceled) readableByteStreamControllerClose(byobBranch.controller);
          if (!otherCanceled) readableByteStreamControllerClose(otherBranch.controller);
          if (chunk !== undefined) {
            if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
            if (!otherCanceled && otherBranch.controller.pendingPullIntos.length > 0) {
              readableByteStreamControllerRespond(otherBranch.controller, 0);
            }
          }
          if (!byobCanceled || !otherCanceled) cancelPromise.resolve(undefined);
        },
        () => {
          reading = false;
        },
      );
      readableStreamBYOBReaderRead(reader, view, 1, readIntoRequest);
    };

    const pullAlgorithm = (branch, forBranch2) => {
      if (reading) {
        if (forBranch2) readAgainForBranch2 = true;
        else readAgainForBranch1 = true;
        return resolved(undefined);
      }
      reading = true;
      const byobRequest = readableByteStreamControllerGetBYOBRequest(branch.controller);
      if (byobRequest === null) pullWithDefaultReader();
      else pullWithBYOBReader(byobRequest.view, forBranch2);
      return resolved(undefined);
    };
    const pull1Algorithm = () => pullAlgorithm(branch1, false);
    const pull2Algorithm = () => pullAlgorithm(branch2, true);
    const cancel1Algorithm = (reason) => {
      canceled1 = true;
      reason1 = reason;
      if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
      return cancelPromise.promise;
    };
    const cancel2Algorithm = (reason) => {
      canceled2 = true;
      reason2 = reason;
      if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
      return cancelPromise.promise;
    };
    const startAlgorithm = () => undefined;
    branch1 = createReadableByteStream(startAlgorithm, pull1Algorithm, cancel1Algorithm);
    branch2 = createReadableByteStream(startAlgorithm, pull2Algorithm, cancel2Algorithm);
    forwardReaderError(reader);
    return [branch1.object, branch2.object];
  }

  // --- public classes --------------------------------------------------------------------

  const bytesWrittenWhere = "Failed to execute 'respond' on 'ReadableStreamBYOBRequest'";

  class ReadableByteStreamController {
    #controller;

    constructor(token = undefined, controller = undefined) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      this.#controller = controller;
    }

    get byobRequest() {
      const byobRequest = readableByteStreamControllerGetBYOBRequest(this.#controller);
      return byobRequest === null ? null : byobRequest.object;
    }

    get desiredSize() {
      return readableByteStreamControllerGetDesiredSize(this.#controller);
    }

    close() {
      const controller = this.#controller;
      if (controller.closeRequested) throw new TypeError('Invalid state: the stream has already been closed');
      if (controller.stream.state !== 'readable') {
        throw new TypeError('Invalid state: the stream is not in a state that permits close');
      }
      readableByteStreamControllerClose(controller);
    }

    enqueue(chunk) {
      const where = "Failed to execute 'enqueue' on 'ReadableByteStreamController'";
      $.argumentsRequired(where, 1, arguments.length);
      const slots = arrayBufferViewSlots(chunk);
      if (slots === undefined) throw new TypeError(`${where}: parameter 1 is not of type 'ArrayBufferView'.`);
      if (slots.byteLength === 0) throw new TypeError('chunk must have non-zero byteLength');
      if (arrayBufferLength(slots.buffer) === 0) throw new TypeError("chunk's buffer must have non-zero byteLength");
      const controller = this.#controller;
      if (controller.closeRequested) throw new TypeError('Invalid state: the stream has been closed');
      if (controller.stream.state !== 'readable') {
        throw new TypeError('Invalid state: the stream is not in a state that permits enqueue');
      }
      readableByteStreamControllerEnqueue(controller, chunk);
    }

    error(error = undefined) {
      readableByteStreamControllerError(this.#controller, error);
    }
  }
  $.setToStringTag(ReadableByteStreamController, 'ReadableByteStreamController');

  class ReadableStreamBYOBRequest {
    #request;

    constructor(token = undefined, request = undefined) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      this.#request = request;
    }

    get view() {
      return this.#request.view;
    }

    respond(bytesWritten) {
      $.argumentsRequired(bytesWrittenWhere, 1, arguments.length);
      bytesWritten = $.toEnforcedUnsignedLongLong(bytesWritten, bytesWrittenWhere);
      const request = this.#request;
      if (request.controller === undefined) throw new TypeError('This BYOB request has been invalidated');
      if (isDetachedBuffer(viewSlots(request.view).buffer)) {
        throw new TypeError("The BYOB request's buffer has been detached and so cannot be used as a response");
      }
      readableByteStreamControllerRespond(request.controller, bytesWritten);
    }

    respondWithNewView(view) {
      const where = "Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest'";
      $.argumentsRequired(where, 1, arguments.length);
      const slots = arrayBufferViewSlots(view);
      if (slots === undefined) throw new TypeError(`${where}: parameter 1 is not of type 'ArrayBufferView'.`);
      const request = this.#request;
      if (request.controller === undefined) throw new TypeError('This BYOB request has been invalidated');
      if (isDetachedBuffer(slots.buffer)) {
        throw new TypeError("The given view's buffer has been detached and so cannot be used as a response");
      }
      readableByteStreamControllerRespondWithNewView(request.controller, view);
    }
  }
  $.setToStringTag(ReadableStreamBYOBRequest, 'ReadableStreamBYOBRequest');

  let byobReaderRecordOf;

  class ReadableStreamBYOBReader {
    #reader = new BYOBReaderRecord();

    constructor(stream) {
      this.#reader.object = this;
      if (stream === kInternal) return;
      $.argumentsRequired("Failed to construct 'ReadableStreamBYOBReader'", 1, arguments.length);
      if (!$.isReadableStream(stream)) {
        throw new TypeError("Failed to construct 'ReadableStreamBYOBReader': parameter 1 is not of type 'ReadableStream'.");
      }
      setUpReadableStreamBYOBReader(this.#reader, streamRecordOf(stream));
    }

    get closed() {
      return this.#reader.closed.promise;
    }

    cancel(reason = undefined) {
      const reader = this.#reader;
      if (reader.stream === undefined) return rejected(new TypeError('Reader has no stream (it was released)'));
      return readableStreamCancel(reader.stream, reason);
    }

    read(view, options = undefined) {
      const where = "Failed to execute 'read' on 'ReadableStreamBYOBReader'";
      if (arguments.length < 1) return rejected(new TypeError(`${where}: 1 argument required, but only 0 present.`));
      const slots = arrayBufferViewSlots(view);
      if (slots === undefined) return rejected(new TypeError(`${where}: parameter 1 is not of type 'ArrayBufferView'.`));
      let min = 1;
      try {
        if (options !== undefined && options !== null) {
          if (!$.isObject(options)) throw new TypeError(`${where}: The provided value is not of type 'ReadableStreamBYOBReaderReadOptions'.`);
          if (options.min !== undefined) min = $.toEnforcedUnsignedLongLong(options.min, `${where}: Failed to read the 'min' property from 'ReadableStreamBYOBReaderReadOptions'`);
        }
      } catch (error) {
        return rejected(error);
      }
      if (slots.byteLength === 0) return rejected(new TypeError('view must have non-zero byteLength'));
      if (arrayBufferLength(slots.buffer) === 0) return rejected(new TypeError("view's buffer must have non-zero byteLength"));
      if (isDetachedBuffer(slots.buffer)) return rejected(new TypeError("view's buffer has been detached"));
      if (min === 0) return rejected(new TypeError('options.min must be greater than 0'));
      if (slots.name !== undefined) {
        if (min > call(typedArrayLength, view)) return rejected(new RangeError('options.min must be less than or equal to view\'s length'));
      } else if (min > slots.byteLength) {
        return rejected(new RangeError('options.min must be less than or equal to view\'s byteLength'));
      }
      const reader = this.#reader;
      if (reader.stream === undefined) return rejected(new TypeError('Reader has no stream (it was released)'));
      const { promise, resolve, reject } = newPromise();
      readableStreamBYOBReaderRead(reader, view, min, new ReadIntoRequest(
        (chunk) => resolve({ value: chunk, done: false }),
        (chunk) => resolve({ value: chunk, done: true }),
        reject,
      ));
      return promise;
    }

    releaseLock() {
      const reader = this.#reader;
      if (reader.stream === undefined) return;
      readableStreamBYOBReaderRelease(reader);
    }

    static {
      byobReaderRecordOf = (reader) => reader.#reader;
      $.isReadableStreamBYOBReader = (value) => $.isObject(value) && #reader in value;
    }
  }
  $.setToStringTag(ReadableStreamBYOBReader, 'ReadableStreamBYOBReader');

  $.setUpReadableByteStreamControllerFromUnderlyingSource = setUpReadableByteStreamControllerFromUnderlyingSource;
  $.acquireReadableStreamBYOBReader = acquireReadableStreamBYOBReader;
  $.readableByteStreamTee = readableByteStreamTee;
  $.unclonable.push($.isReadableStreamBYOBReader);
  $.defineGlobal('ReadableStreamBYOBReader', ReadableStreamBYOBReader);
});
