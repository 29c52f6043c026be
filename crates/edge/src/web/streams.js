// ReadableStream with its default controller and default reader (WHATWG Streams §4), tee,
// async iteration and ReadableStream.from. Algorithm names follow the specification.
//
// `type: 'bytes'` sources (React's renderToReadableStream uses them) get a
// ReadableByteStreamController that queues Uint8Array views of the enqueued chunks and is
// read through the default reader; BYOB readers are not supported.
(function (host, $) {
  'use strict';

  const { kInternal, then, resolved, rejected, newPromise, markHandled, promiseCall } = $;

  // --- internal records ----------------------------------------------------------------

  class StreamRecord {
    constructor() {
      this.state = 'readable';
      this.reader = undefined;
      this.storedError = undefined;
      this.disturbed = false;
      this.controller = undefined;
      this.object = undefined;
    }
  }

  class ControllerRecord {
    constructor(stream) {
      this.stream = stream;
      this.queue = [];
      this.queueSizes = [];
      this.queueTotalSize = 0;
      this.started = false;
      this.closeRequested = false;
      this.pullAgain = false;
      this.pulling = false;
      this.strategySizeAlgorithm = undefined;
      this.strategyHWM = 1;
      this.pullAlgorithm = undefined;
      this.cancelAlgorithm = undefined;
      this.bytes = false;
      this.object = undefined;
    }
  }

  class ReaderRecord {
    constructor() {
      this.stream = undefined;
      this.readRequests = [];
      this.closed = undefined;
      this.object = undefined;
    }
  }

  // A read request: three callbacks for the three ways a read can end.
  class ReadRequest {
    constructor(chunkSteps, closeSteps, errorSteps) {
      this.chunkSteps = chunkSteps;
      this.closeSteps = closeSteps;
      this.errorSteps = errorSteps;
    }
  }

  // --- queue-with-sizes ------------------------------------------------------------------

  function enqueueValueWithSize(container, value, size) {
    size = Number(size);
    if (!(size >= 0) || size === Infinity) {
      throw new RangeError('The return value of a queuing strategy\'s size function must be a finite, non-NaN, non-negative number.');
    }
    container.queue.push(value);
    container.queueSizes.push(size);
    container.queueTotalSize += size;
  }

  function dequeueValue(container) {
    const value = container.queue.shift();
    const size = container.queueSizes.shift();
    container.queueTotalSize -= size;
    if (container.queueTotalSize < 0) container.queueTotalSize = 0;
    return value;
  }

  function resetQueue(container) {
    container.queue = [];
    container.queueSizes = [];
    container.queueTotalSize = 0;
  }

  // --- ReadableStream abstract operations -----------------------------------------------

  function isLocked(stream) {
    return stream.reader !== undefined;
  }

  function readableStreamCancel(stream, reason) {
    stream.disturbed = true;
    if (stream.state === 'closed') return resolved(undefined);
    if (stream.state === 'errored') return rejected(stream.storedError);
    readableStreamClose(stream);
    const sourceCancelPromise = controllerCancelSteps(stream.controller, reason);
    return then(sourceCancelPromise, () => undefined);
  }

  function readableStreamClose(stream) {
    stream.state = 'closed';
    const reader = stream.reader;
    if (reader === undefined) return;
    reader.closed.resolve(undefined);
    const readRequests = reader.readRequests;
    reader.readRequests = [];
    for (const request of readRequests) request.closeSteps();
  }

  function readableStreamError(stream, error) {
    stream.state = 'errored';
    stream.storedError = error;
    const reader = stream.reader;
    if (reader === undefined) return;
    reader.closed.reject(error);
    markHandled(reader.closed.promise);
    readerErrorReadRequests(reader, error);
  }

  function readableStreamFulfillReadRequest(stream, chunk, done) {
    const request = stream.reader.readRequests.shift();
    if (done) request.closeSteps();
    else request.chunkSteps(chunk);
  }

  function numReadRequests(stream) {
    return stream.reader.readRequests.length;
  }

  // --- default controller ----------------------------------------------------------------

  function canCloseOrEnqueue(controller) {
    return !controller.closeRequested && controller.stream.state === 'readable';
  }

  function getDesiredSize(controller) {
    const state = controller.stream.state;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return controller.strategyHWM - controller.queueTotalSize;
  }

  function shouldCallPull(controller) {
    const stream = controller.stream;
    if (!canCloseOrEnqueue(controller)) return false;
    if (!controller.started) return false;
    if (isLocked(stream) && numReadRequests(stream) > 0) return true;
    return getDesiredSize(controller) > 0;
  }

  function callPullIfNeeded(controller) {
    if (!shouldCallPull(controller)) return;
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
          callPullIfNeeded(controller);
        }
      },
      (error) => controllerError(controller, error),
    );
  }

  function clearAlgorithms(controller) {
    controller.pullAlgorithm = undefined;
    controller.cancelAlgorithm = undefined;
    controller.strategySizeAlgorithm = undefined;
  }

  function controllerClose(controller) {
    if (!canCloseOrEnqueue(controller)) return;
    controller.closeRequested = true;
    if (controller.queue.length === 0) {
      clearAlgorithms(controller);
      readableStreamClose(controller.stream);
    }
  }

  function controllerEnqueue(controller, chunk) {
    if (!canCloseOrEnqueue(controller)) return;
    const stream = controller.stream;
    if (isLocked(stream) && numReadRequests(stream) > 0) {
      readableStreamFulfillReadRequest(stream, chunk, false);
    } else {
      let size;
      try {
        size = controller.strategySizeAlgorithm(chunk);
      } catch (error) {
        controllerError(controller, error);
        throw error;
      }
      try {
        enqueueValueWithSize(controller, chunk, size);
      } catch (error) {
        controllerError(controller, error);
        throw error;
      }
    }
    callPullIfNeeded(controller);
  }

  function controllerError(controller, error) {
    const stream = controller.stream;
    if (stream.state !== 'readable') return;
    resetQueue(controller);
    clearAlgorithms(controller);
    readableStreamError(stream, error);
  }

  function controllerCancelSteps(controller, reason) {
    resetQueue(controller);
    const result = controller.cancelAlgorithm(reason);
    clearAlgorithms(controller);
    return result;
  }

  function controllerPullSteps(controller, readRequest) {
    const stream = controller.stream;
    if (controller.queue.length > 0) {
      const chunk = dequeueValue(controller);
      if (controller.closeRequested && controller.queue.length === 0) {
        clearAlgorithms(controller);
        readableStreamClose(stream);
      } else {
        callPullIfNeeded(controller);
      }
      readRequest.chunkSteps(chunk);
    } else {
      stream.reader.readRequests.push(readRequest);
      callPullIfNeeded(controller);
    }
  }

  function setUpController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) {
    controller.stream = stream;
    resetQueue(controller);
    controller.started = false;
    controller.closeRequested = false;
    controller.pullAgain = false;
    controller.pulling = false;
    controller.strategySizeAlgorithm = sizeAlgorithm;
    controller.strategyHWM = highWaterMark;
    controller.pullAlgorithm = pullAlgorithm;
    controller.cancelAlgorithm = cancelAlgorithm;
    stream.controller = controller;
    const startResult = startAlgorithm();
    then(
      resolved(startResult),
      () => {
        controller.started = true;
        callPullIfNeeded(controller);
      },
      (error) => controllerError(controller, error),
    );
  }

  const noopPromise = () => resolved(undefined);

  function setUpControllerFromSource(stream, source, dict, highWaterMark, sizeAlgorithm, bytes) {
    const controller = new ControllerRecord(stream);
    controller.bytes = bytes;
    controller.object = bytes
      ? new ReadableByteStreamController(kInternal, controller)
      : new ReadableStreamDefaultController(kInternal, controller);
    const { start, pull, cancel } = dict;
    const startAlgorithm = start === undefined ? () => undefined : () => Reflect.apply(start, source, [controller.object]);
    const pullAlgorithm = pull === undefined ? noopPromise : () => promiseCall(pull, source, [controller.object]);
    const cancelAlgorithm = cancel === undefined ? noopPromise : (reason) => promiseCall(cancel, source, [reason]);
    setUpController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
  }

  // CreateReadableStream: a stream whose algorithms are ours, not a user's source.
  function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = () => 1) {
    const stream = new ReadableStream(kInternal);
    const record = streamRecordOf(stream);
    const controller = new ControllerRecord(record);
    controller.object = new ReadableStreamDefaultController(kInternal, controller);
    setUpController(record, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
    return stream;
  }

  // --- readers ---------------------------------------------------------------------------

  function readerGenericInitialize(reader, stream) {
    reader.stream = stream;
    stream.reader = reader;
    if (stream.state === 'readable') {
      reader.closed = newPromise();
    } else if (stream.state === 'closed') {
      reader.closed = newPromise();
      reader.closed.resolve(undefined);
    } else {
      reader.closed = newPromise();
      reader.closed.reject(stream.storedError);
      markHandled(reader.closed.promise);
    }
  }

  function readerGenericRelease(reader) {
    const stream = reader.stream;
    const error = new TypeError('Reader was released');
    if (stream.state === 'readable') {
      reader.closed.reject(error);
    } else {
      reader.closed = newPromise();
      reader.closed.reject(error);
    }
    markHandled(reader.closed.promise);
    stream.reader = undefined;
    reader.stream = undefined;
  }

  function readerErrorReadRequests(reader, error) {
    const readRequests = reader.readRequests;
    reader.readRequests = [];
    for (const request of readRequests) request.errorSteps(error);
  }

  function defaultReaderRelease(reader) {
    readerGenericRelease(reader);
    readerErrorReadRequests(reader, new TypeError('Reader was released'));
  }

  function defaultReaderRead(reader, readRequest) {
    const stream = reader.stream;
    stream.disturbed = true;
    if (stream.state === 'closed') readRequest.closeSteps();
    else if (stream.state === 'errored') readRequest.errorSteps(stream.storedError);
    else controllerPullSteps(stream.controller, readRequest);
  }

  function acquireDefaultReader(stream) {
    if (isLocked(stream)) throw new TypeError('ReadableStream is locked');
    const reader = new ReadableStreamDefaultReader(kInternal);
    const record = readerRecordOf(reader);
    readerGenericInitialize(record, stream);
    record.readRequests = [];
    return record;
  }

  // Reads one chunk: a promise of { value, done }.
  function readOnce(reader) {
    if (reader.stream === undefined) return rejected(new TypeError('Reader has no stream (it was released)'));
    const { promise, resolve, reject } = newPromise();
    defaultReaderRead(reader, new ReadRequest(
      (value) => resolve({ value, done: false }),
      () => resolve({ value: undefined, done: true }),
      reject,
    ));
    return promise;
  }

  // --- tee -------------------------------------------------------------------------------

  function defaultTee(stream) {
    const reader = acquireDefaultReader(stream);
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let branch1;
    let branch2;
    const cancelPromise = newPromise();

    const pullAlgorithm = () => {
      if (reading) {
        readAgain = true;
        return resolved(undefined);
      }
      reading = true;
      defaultReaderRead(reader, new ReadRequest(
        (chunk) => {
          queueMicrotaskInternal(() => {
            readAgain = false;
            if (!canceled1) controllerEnqueue(controllerOf(branch1), chunk);
            if (!canceled2) controllerEnqueue(controllerOf(branch2), chunk);
            reading = false;
            if (readAgain) pullAlgorithm();
          });
        },
        () => {
          reading = false;
          if (!canceled1) controllerClose(controllerOf(branch1));
          if (!canceled2) controllerClose(controllerOf(branch2));
          if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
        },
        () => {
          reading = false;
        },
      ));
      return resolved(undefined);
    };
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
    branch1 = createReadableStream(startAlgorithm, pullAlgorithm, cancel1Algorithm);
    branch2 = createReadableStream(startAlgorithm, pullAlgorithm, cancel2Algorithm);
    then(reader.closed.promise, undefined, (error) => {
      controllerError(controllerOf(branch1), error);
      controllerError(controllerOf(branch2), error);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
    return [branch1, branch2];
  }

  const microtaskResolved = resolved(undefined);
  function queueMicrotaskInternal(callback) {
    then(microtaskResolved, callback);
  }

  // --- public classes --------------------------------------------------------------------

  function extractHighWaterMark(strategy, defaultHWM) {
    const highWaterMark = strategy.highWaterMark;
    if (highWaterMark === undefined) return defaultHWM;
    const value = Number(highWaterMark);
    if (Number.isNaN(value) || value < 0) {
      throw new RangeError('Invalid highWaterMark: it must be a non-negative number');
    }
    return value;
  }

  function extractSizeAlgorithm(strategy) {
    const size = strategy.size;
    if (size === undefined) return () => 1;
    return (chunk) => size(chunk);
  }

  let streamRecordOf;
  let readerRecordOf;
  const controllerOf = (stream) => streamRecordOf(stream).controller;

  class ReadableStream {
    #record;

    constructor(underlyingSource = undefined, strategy = undefined) {
      const record = new StreamRecord();
      record.object = this;
      this.#record = record;
      if (underlyingSource === kInternal) return;
      if (underlyingSource === null) underlyingSource = undefined;
      if (underlyingSource !== undefined && !$.isObject(underlyingSource)) {
        throw new TypeError("Failed to construct 'ReadableStream': The provided value is not of type 'UnderlyingSource'.");
      }
      if (strategy === null) strategy = undefined;
      if (strategy !== undefined && !$.isObject(strategy)) {
        throw new TypeError("Failed to construct 'ReadableStream': The provided value is not of type 'QueuingStrategy'.");
      }
      strategy ??= {};
      // WebIDL dictionary conversion reads members in lexicographic order.
      const source = underlyingSource ?? {};
      const dict = {};
      const callbackMember = (name) => {
        const value = source[name];
        if (value !== undefined && typeof value !== 'function') {
          throw new TypeError(`Failed to construct 'ReadableStream': 'UnderlyingSource.${name}' is not a function.`);
        }
        return value;
      };
      source.autoAllocateChunkSize;
      dict.cancel = callbackMember('cancel');
      dict.pull = callbackMember('pull');
      dict.start = callbackMember('start');
      const type = source.type;
      const strategyHWM = strategy.highWaterMark;
      const strategySize = strategy.size;
      if (strategySize !== undefined && typeof strategySize !== 'function') {
        throw new TypeError("Failed to construct 'ReadableStream': 'QueuingStrategy.size' is not a function.");
      }
      const normalizedStrategy = { highWaterMark: strategyHWM, size: strategySize };
      if (type !== undefined && `${type}` === 'bytes') {
        if (strategySize !== undefined) {
          throw new RangeError("Failed to construct 'ReadableStream': The strategy for a byte stream cannot have a size function.");
        }
        const highWaterMark = extractHighWaterMark(normalizedStrategy, 0);
        setUpControllerFromSource(record, source, dict, highWaterMark, (chunk) => chunk.byteLength, true);
      } else {
        if (type !== undefined) {
          throw new TypeError(`Failed to construct 'ReadableStream': The provided value '${type}' is not a valid enum value of type ReadableStreamType.`);
        }
        const sizeAlgorithm = extractSizeAlgorithm(normalizedStrategy);
        const highWaterMark = extractHighWaterMark(normalizedStrategy, 1);
        setUpControllerFromSource(record, source, dict, highWaterMark, sizeAlgorithm, false);
      }
    }

    static from(asyncIterable) {
      return readableStreamFromIterable(asyncIterable);
    }

    get locked() {
      return isLocked(this.#record);
    }

    cancel(reason = undefined) {
      const record = this.#record;
      if (isLocked(record)) return rejected(new TypeError('Cannot cancel a locked ReadableStream'));
      return readableStreamCancel(record, reason);
    }

    getReader(options = undefined) {
      const record = this.#record;
      const mode = options?.mode;
      if (mode === undefined) return acquireDefaultReader(record).object;
      if (`${mode}` === 'byob') {
        throw new TypeError("Failed to execute 'getReader' on 'ReadableStream': BYOB readers are not supported.");
      }
      throw new TypeError(`Failed to execute 'getReader' on 'ReadableStream': The provided value '${mode}' is not a valid enum value of type ReadableStreamReaderMode.`);
    }

    tee() {
      return defaultTee(this.#record);
    }

    values(options = undefined) {
      const reader = acquireDefaultReader(this.#record);
      return new ReadableStreamAsyncIterator(kInternal, reader, !!options?.preventCancel);
    }

    [$.inspectCustom](depth, options, inspect) {
      const record = this.#record;
      const fields = { locked: isLocked(record), state: record.state, supportsBYOB: false };
      return `ReadableStream ${inspect(fields, options)}`;
    }

    static {
      streamRecordOf = (stream) => stream.#record;
      $.isReadableStream = (value) => $.isObject(value) && #record in value;
    }
  }
  Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
    value: ReadableStream.prototype.values,
    writable: true,
    configurable: true,
  });
  $.setToStringTag(ReadableStream, 'ReadableStream');

  class ReadableStreamDefaultController {
    #controller;

    constructor(token = undefined, controller = undefined) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      this.#controller = controller;
    }

    get desiredSize() {
      return getDesiredSize(this.#controller);
    }

    close() {
      const controller = this.#controller;
      if (!canCloseOrEnqueue(controller)) {
        throw new TypeError('Invalid state: the stream is not in a state that permits close');
      }
      controllerClose(controller);
    }

    enqueue(chunk = undefined) {
      const controller = this.#controller;
      if (!canCloseOrEnqueue(controller)) {
        throw new TypeError('Invalid state: the stream is not in a state that permits enqueue');
      }
      controllerEnqueue(controller, chunk);
    }

    error(error = undefined) {
      controllerError(this.#controller, error);
    }
  }
  $.setToStringTag(ReadableStreamDefaultController, 'ReadableStreamDefaultController');

  class ReadableByteStreamController {
    #controller;

    constructor(token = undefined, controller = undefined) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      this.#controller = controller;
    }

    get byobRequest() {
      return null;
    }

    get desiredSize() {
      return getDesiredSize(this.#controller);
    }

    close() {
      const controller = this.#controller;
      if (controller.closeRequested) throw new TypeError('Invalid state: the stream has already been closed');
      if (controller.stream.state !== 'readable') {
        throw new TypeError('Invalid state: the stream is not in a state that permits close');
      }
      controllerClose(controller);
    }

    enqueue(chunk) {
      $.argumentsRequired("Failed to execute 'enqueue' on 'ReadableByteStreamController'", 1, arguments.length);
      if (!ArrayBuffer.isView(chunk)) {
        throw new TypeError("Failed to execute 'enqueue' on 'ReadableByteStreamController': parameter 1 is not of type 'ArrayBufferView'.");
      }
      if (chunk.byteLength === 0) throw new TypeError('chunk must have non-zero byteLength');
      if (chunk.buffer.byteLength === 0) throw new TypeError("chunk's buffer must have non-zero byteLength");
      const controller = this.#controller;
      if (controller.closeRequested) throw new TypeError('Invalid state: the stream has been closed');
      if (controller.stream.state !== 'readable') {
        throw new TypeError('Invalid state: the stream is not in a state that permits enqueue');
      }
      const view = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      controllerEnqueue(controller, view);
    }

    error(error = undefined) {
      controllerError(this.#controller, error);
    }
  }
  $.setToStringTag(ReadableByteStreamController, 'ReadableByteStreamController');

  class ReadableStreamDefaultReader {
    #reader = new ReaderRecord();

    constructor(stream) {
      this.#reader.object = this;
      if (stream === kInternal) return;
      $.argumentsRequired("Failed to construct 'ReadableStreamDefaultReader'", 1, arguments.length);
      if (!$.isReadableStream(stream)) {
        throw new TypeError("Failed to construct 'ReadableStreamDefaultReader': parameter 1 is not of type 'ReadableStream'.");
      }
      const record = streamRecordOf(stream);
      if (isLocked(record)) throw new TypeError('ReadableStream is locked');
      readerGenericInitialize(this.#reader, record);
    }

    get closed() {
      return this.#reader.closed.promise;
    }

    cancel(reason = undefined) {
      const reader = this.#reader;
      if (reader.stream === undefined) return rejected(new TypeError('Reader has no stream (it was released)'));
      return readableStreamCancel(reader.stream, reason);
    }

    read() {
      return readOnce(this.#reader);
    }

    releaseLock() {
      const reader = this.#reader;
      if (reader.stream === undefined) return;
      defaultReaderRelease(reader);
    }

    static {
      readerRecordOf = (reader) => reader.#reader;
      $.isReadableStreamDefaultReader = (value) => $.isObject(value) && #reader in value;
    }
  }
  $.setToStringTag(ReadableStreamDefaultReader, 'ReadableStreamDefaultReader');

  // --- async iteration (WebIDL asynchronous iterator + Streams §4.2.5) ------------------

  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

  class ReadableStreamAsyncIterator {
    #reader;
    #preventCancel;
    #ongoing = undefined;
    #finished = false;

    constructor(token, reader, preventCancel) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      this.#reader = reader;
      this.#preventCancel = preventCancel;
    }

    #nextSteps() {
      if (this.#finished) return resolved({ value: undefined, done: true });
      const reader = this.#reader;
      const { promise, resolve, reject } = newPromise();
      if (reader.stream === undefined) {
        reject(new TypeError('Cannot get the next iteration result once the reader has been released'));
      } else {
        defaultReaderRead(reader, new ReadRequest(
          (chunk) => resolve({ value: chunk, done: false }),
          () => {
            defaultReaderRelease(reader);
            resolve({ value: undefined, done: true });
          },
          (error) => {
            defaultReaderRelease(reader);
            reject(error);
          },
        ));
      }
      return then(
        promise,
        (result) => {
          this.#ongoing = undefined;
          if (result.done) this.#finished = true;
          return result;
        },
        (error) => {
          this.#ongoing = undefined;
          this.#finished = true;
          throw error;
        },
      );
    }

    #returnSteps(value) {
      if (this.#finished) return resolved({ value, done: true });
      this.#finished = true;
      const reader = this.#reader;
      if (reader.stream === undefined) return resolved({ value, done: true });
      if (!this.#preventCancel) {
        const result = readableStreamCancel(reader.stream, value);
        defaultReaderRelease(reader);
        return then(result, () => ({ value, done: true }));
      }
      defaultReaderRelease(reader);
      return resolved({ value, done: true });
    }

    next() {
      const nextSteps = () => this.#nextSteps();
      this.#ongoing = this.#ongoing === undefined ? nextSteps() : then(this.#ongoing, nextSteps, nextSteps);
      return this.#ongoing;
    }

    return(value = undefined) {
      const returnSteps = () => this.#returnSteps(value);
      this.#ongoing = this.#ongoing === undefined ? returnSteps() : then(this.#ongoing, returnSteps, returnSteps);
      return then(this.#ongoing, () => ({ value, done: true }));
    }
  }
  Object.setPrototypeOf(ReadableStreamAsyncIterator.prototype, AsyncIteratorPrototype);
  delete ReadableStreamAsyncIterator.prototype.constructor;
  Object.defineProperty(ReadableStreamAsyncIterator.prototype, Symbol.toStringTag, {
    value: 'ReadableStream AsyncIterator',
    configurable: true,
  });

  // --- ReadableStream.from ---------------------------------------------------------------

  function getAsyncIterator(value) {
    if (!$.isObject(value) && typeof value !== 'string') {
      throw new TypeError("Failed to execute 'from' on 'ReadableStream': The provided value is not iterable.");
    }
    const asyncMethod = value[Symbol.asyncIterator];
    if (asyncMethod !== undefined && asyncMethod !== null) {
      if (typeof asyncMethod !== 'function') throw new TypeError('Symbol.asyncIterator is not a function');
      const iterator = Reflect.apply(asyncMethod, value, []);
      if (!$.isObject(iterator)) throw new TypeError('The async iterator is not an object');
      return { iterator, next: iterator.next, sync: false };
    }
    const syncMethod = value[Symbol.iterator];
    if (typeof syncMethod !== 'function') {
      throw new TypeError("Failed to execute 'from' on 'ReadableStream': The provided value is not iterable.");
    }
    const iterator = Reflect.apply(syncMethod, value, []);
    if (!$.isObject(iterator)) throw new TypeError('The iterator is not an object');
    return { iterator, next: iterator.next, sync: true };
  }

  function readableStreamFromIterable(asyncIterable) {
    const record = getAsyncIterator(asyncIterable);
    let stream;
    const pullAlgorithm = () => {
      let nextResult;
      try {
        nextResult = Reflect.apply(record.next, record.iterator, []);
      } catch (error) {
        return rejected(error);
      }
      if (record.sync) {
        if (!$.isObject(nextResult)) return rejected(new TypeError('The iterator result is not an object'));
        const done = !!nextResult.done;
        nextResult = then(resolved(nextResult.value), (value) => ({ value, done }));
      }
      return then(resolved(nextResult), (iterResult) => {
        if (!$.isObject(iterResult)) throw new TypeError('The promise returned by the iterator.next() method must fulfill with an object');
        if (iterResult.done) controllerClose(controllerOf(stream));
        else controllerEnqueue(controllerOf(stream), iterResult.value);
      });
    };
    const cancelAlgorithm = (reason) => {
      const iterator = record.iterator;
      let returnMethod;
      try {
        returnMethod = iterator.return;
      } catch (error) {
        return rejected(error);
      }
      if (returnMethod === undefined || returnMethod === null) return resolved(undefined);
      let returnResult;
      try {
        returnResult = Reflect.apply(returnMethod, iterator, [reason]);
      } catch (error) {
        return rejected(error);
      }
      return then(resolved(returnResult), (result) => {
        if (!$.isObject(result)) throw new TypeError('The promise returned by the iterator.return() method must fulfill with an object');
      });
    };
    stream = createReadableStream(() => undefined, pullAlgorithm, cancelAlgorithm, 0);
    return stream;
  }

  // --- helpers for the fetch module and Rust ---------------------------------------------

  // A stream that yields `bytes` once and closes.
  $.streamOfBytes = (bytes) => {
    const stream = createReadableStream(() => undefined, noopPromise, noopPromise, 0);
    const controller = controllerOf(stream);
    if (bytes.byteLength > 0) controllerEnqueue(controller, bytes);
    controllerClose(controller);
    return stream;
  };

  // A stream fed from Rust (or any internal producer): returns [stream, controllerRecord].
  $.newPushStream = (highWaterMark = 1) => {
    const stream = createReadableStream(() => undefined, noopPromise, noopPromise, highWaterMark, (chunk) => chunk.byteLength ?? 1);
    return [stream, controllerOf(stream)];
  };
  $.pushStreamEnqueue = (controller, chunk) => {
    if (canCloseOrEnqueue(controller)) controllerEnqueue(controller, chunk);
    return getDesiredSize(controller);
  };
  $.pushStreamClose = (controller) => controllerClose(controller);
  $.pushStreamError = (controller, error) => controllerError(controller, error);
  $.pushStreamDesiredSize = (controller) => getDesiredSize(controller);

  $.isDisturbed = (stream) => streamRecordOf(stream).disturbed;
  $.isLocked = (stream) => isLocked(streamRecordOf(stream));
  $.isStreamUnusable = (stream) => {
    const record = streamRecordOf(stream);
    return record.disturbed || isLocked(record);
  };
  $.teeStream = (stream) => defaultTee(streamRecordOf(stream));
  $.cancelStream = (stream, reason) => readableStreamCancel(streamRecordOf(stream), reason);
  $.acquireReader = (stream) => acquireDefaultReader(streamRecordOf(stream)).object;
  $.readerRead = (reader) => readOnce(readerRecordOf(reader));

  // Reads a whole stream of Uint8Array chunks into one Uint8Array; with `fresh`, the result
  // never shares memory with a chunk.
  $.readAllBytes = (stream, fresh) => {
    const reader = acquireDefaultReader(streamRecordOf(stream));
    const chunks = [];
    let total = 0;
    const { promise, resolve, reject } = newPromise();
    const request = new ReadRequest(
      (chunk) => {
        if (!(chunk instanceof Uint8Array)) {
          reject(new TypeError('Received non-Uint8Array chunk'));
          return;
        }
        chunks.push(chunk);
        total += chunk.byteLength;
        queueMicrotaskInternal(loop);
      },
      () => {
        if (chunks.length === 1) {
          resolve(fresh ? chunks[0].slice() : chunks[0]);
          return;
        }
        const bytes = new Uint8Array(total);
        let offset = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, offset);
          offset += chunk.byteLength;
        }
        resolve(bytes);
      },
      reject,
    );
    const loop = () => defaultReaderRead(reader, request);
    loop();
    return promise;
  };

  // Reads one chunk for Rust: a promise of a Uint8Array, or null at the end.
  $.readChunk = (reader) => then(readOnce(readerRecordOf(reader)), (result) => {
    if (result.done) return null;
    const chunk = result.value;
    if (!(chunk instanceof Uint8Array)) throw new TypeError('Received non-Uint8Array chunk');
    return chunk;
  });

  $.ReadableStream = ReadableStream;
  $.unclonable.push($.isReadableStream, $.isReadableStreamDefaultReader);
  $.defineGlobal('ReadableStream', ReadableStream);
  $.defineGlobal('ReadableStreamDefaultReader', ReadableStreamDefaultReader);
});
