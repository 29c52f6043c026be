// ReadableStream with its default controller and default reader (WHATWG Streams §4), tee,
// async iteration, ReadableStream.from, pipeTo/pipeThrough; WritableStream with its default
// writer and controller (§5); TransformStream with its default controller (§6). Algorithm
// names follow the specification. `$.newTransformStream` makes the TransformStreams of
// TextEncoderStream/TextDecoderStream (encoding.js).
//
// Readable byte streams (`type: 'bytes'`, BYOB readers, the byte tee) live in
// byte_streams.js, loaded the first time one is made. The two files meet where the
// specification dispatches on the controller or the reader: a controller record carries the
// spec's internal methods ([[PullSteps]], [[CancelSteps]], [[ReleaseSteps]]) and a reader
// record says whether it is a BYOB reader; byte_streams.js reads the shared operations from
// `$.streamInternals`.
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
      // "implements ReadableByteStreamController" (byte_streams.js's record says true).
      this.bytes = false;
      this.object = undefined;
    }

    // ReadableStreamDefaultController's internal methods.
    pullSteps(readRequest) {
      controllerPullSteps(this, readRequest);
    }

    cancelSteps(reason) {
      return controllerCancelSteps(this, reason);
    }

    releaseSteps() {}
  }

  class ReaderRecord {
    constructor() {
      this.stream = undefined;
      this.byob = false;
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
    const reader = stream.reader;
    if (reader !== undefined && reader.byob) {
      const readIntoRequests = reader.readIntoRequests;
      reader.readIntoRequests = [];
      for (const request of readIntoRequests) request.closeSteps(undefined);
    }
    const sourceCancelPromise = stream.controller.cancelSteps(reason);
    return then(sourceCancelPromise, () => undefined);
  }

  function readableStreamClose(stream) {
    stream.state = 'closed';
    const reader = stream.reader;
    if (reader === undefined) return;
    reader.closed.resolve(undefined);
    if (reader.byob) return;
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
    if (reader.byob) readerErrorReadIntoRequests(reader, error);
    else readerErrorReadRequests(reader, error);
  }

  function readableStreamAddReadRequest(stream, readRequest) {
    stream.reader.readRequests.push(readRequest);
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
      readableStreamAddReadRequest(stream, readRequest);
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

  function setUpControllerFromSource(stream, source, dict, highWaterMark, sizeAlgorithm) {
    const controller = new ControllerRecord(stream);
    controller.object = new ReadableStreamDefaultController(kInternal, controller);
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
    stream.controller.releaseSteps();
    stream.reader = undefined;
    reader.stream = undefined;
  }

  function readerErrorReadRequests(reader, error) {
    const readRequests = reader.readRequests;
    reader.readRequests = [];
    for (const request of readRequests) request.errorSteps(error);
  }

  // ReadableStreamBYOBReaderErrorReadIntoRequests.
  function readerErrorReadIntoRequests(reader, error) {
    const readIntoRequests = reader.readIntoRequests;
    reader.readIntoRequests = [];
    for (const request of readIntoRequests) request.errorSteps(error);
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
    else stream.controller.pullSteps(readRequest);
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

  function readableStreamTee(stream) {
    if (stream.controller.bytes) return $.readableByteStreamTee(stream);
    return defaultTee(stream);
  }

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
      const autoAllocateChunkSize = source.autoAllocateChunkSize;
      if (autoAllocateChunkSize !== undefined) {
        dict.autoAllocateChunkSize = $.toEnforcedUnsignedLongLong(
          autoAllocateChunkSize,
          "Failed to construct 'ReadableStream': Failed to read the 'autoAllocateChunkSize' property from 'UnderlyingSource'",
        );
      }
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
        $.setUpReadableByteStreamControllerFromUnderlyingSource(record, source, dict, highWaterMark);
      } else {
        if (type !== undefined) {
          throw new TypeError(`Failed to construct 'ReadableStream': The provided value '${type}' is not a valid enum value of type ReadableStreamType.`);
        }
        const sizeAlgorithm = extractSizeAlgorithm(normalizedStrategy);
        const highWaterMark = extractHighWaterMark(normalizedStrategy, 1);
        setUpControllerFromSource(record, source, dict, highWaterMark, sizeAlgorithm);
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
      if (options !== undefined && options !== null && !$.isObject(options)) {
        throw new TypeError("Failed to execute 'getReader' on 'ReadableStream': The provided value is not of type 'ReadableStreamGetReaderOptions'.");
      }
      const mode = options?.mode;
      if (mode === undefined) return acquireDefaultReader(record).object;
      if (`${mode}` === 'byob') return $.acquireReadableStreamBYOBReader(record).object;
      throw new TypeError(`Failed to execute 'getReader' on 'ReadableStream': The provided value '${mode}' is not a valid enum value of type ReadableStreamReaderMode.`);
    }

    pipeThrough(transform, options = undefined) {
      $.argumentsRequired("Failed to execute 'pipeThrough' on 'ReadableStream'", 1, arguments.length);
      return pipeThrough(this.#record, transform, options);
    }

    pipeTo(destination, options = undefined) {
      return pipeTo(this.#record, destination, options);
    }

    tee() {
      return readableStreamTee(this.#record);
    }

    values(options = undefined) {
      const reader = acquireDefaultReader(this.#record);
      return new ReadableStreamAsyncIterator(kInternal, reader, !!options?.preventCancel);
    }

    [$.inspectCustom](depth, options, inspect) {
      const record = this.#record;
      const fields = { locked: isLocked(record), state: record.state, supportsBYOB: record.controller?.bytes === true };
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

  // --- WritableStream (WHATWG Streams §5) ------------------------------------------------

  // A deferred promise that knows whether it settled (the spec asks "if pending").
  function deferred() {
    const record = newPromise();
    record.settled = false;
    const { resolve, reject } = record;
    record.resolve = (value) => {
      record.settled = true;
      resolve(value);
    };
    record.reject = (reason) => {
      record.settled = true;
      reject(reason);
    };
    return record;
  }
  function resolvedDeferred() {
    const record = deferred();
    record.resolve(undefined);
    return record;
  }
  function rejectedDeferred(reason) {
    const record = deferred();
    record.reject(reason);
    markHandled(record.promise);
    return record;
  }

  class WritableStreamRecord {
    constructor() {
      this.state = 'writable';
      this.storedError = undefined;
      this.writer = undefined;
      this.controller = undefined;
      this.inFlightWriteRequest = undefined;
      this.closeRequest = undefined;
      this.inFlightCloseRequest = undefined;
      this.pendingAbortRequest = undefined;
      this.writeRequests = [];
      this.backpressure = false;
      this.object = undefined;
    }
  }

  class WritableControllerRecord {
    constructor() {
      this.stream = undefined;
      this.queue = [];
      this.queueSizes = [];
      this.queueTotalSize = 0;
      this.started = false;
      this.strategyHWM = 1;
      this.strategySizeAlgorithm = undefined;
      this.writeAlgorithm = undefined;
      this.closeAlgorithm = undefined;
      this.abortAlgorithm = undefined;
      // The AbortSignal is made on first access of `controller.signal`.
      this.signal = undefined;
      this.aborted = false;
      this.abortReason = undefined;
      this.object = undefined;
    }
  }

  class WriterRecord {
    constructor() {
      this.stream = undefined;
      this.ready = undefined;
      this.closed = undefined;
      this.object = undefined;
    }
  }

  const closeSentinel = Object.freeze({ close: true });

  function isWritableLocked(stream) {
    return stream.writer !== undefined;
  }

  function acquireWriter(stream) {
    const writer = new WritableStreamDefaultWriter(kInternal);
    setUpWriter(writerRecordOf(writer), stream);
    return writerRecordOf(writer);
  }

  function setUpWriter(writer, stream) {
    if (isWritableLocked(stream)) throw new TypeError('WritableStream is locked');
    writer.stream = stream;
    stream.writer = writer;
    const state = stream.state;
    if (state === 'writable') {
      writer.ready = !closeQueuedOrInFlight(stream) && stream.backpressure ? deferred() : resolvedDeferred();
      writer.closed = deferred();
    } else if (state === 'erroring') {
      writer.ready = rejectedDeferred(stream.storedError);
      writer.closed = deferred();
    } else if (state === 'closed') {
      writer.ready = resolvedDeferred();
      writer.closed = resolvedDeferred();
    } else {
      writer.ready = rejectedDeferred(stream.storedError);
      writer.closed = rejectedDeferred(stream.storedError);
    }
  }

  function writableStreamAbort(stream, reason) {
    if (stream.state === 'closed' || stream.state === 'errored') return resolved(undefined);
    const controller = stream.controller;
    controller.aborted = true;
    controller.abortReason = reason;
    if (controller.signal !== undefined) $.signalAbort(controller.signal, reason);
    const state = stream.state;
    if (state === 'closed' || state === 'errored') return resolved(undefined);
    if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.promise.promise;
    let wasAlreadyErroring = false;
    if (state === 'erroring') {
      wasAlreadyErroring = true;
      reason = undefined;
    }
    const promise = deferred();
    stream.pendingAbortRequest = { promise, reason, wasAlreadyErroring };
    if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
    return promise.promise;
  }

  function writableStreamClose(stream) {
    const state = stream.state;
    if (state === 'closed' || state === 'errored') {
      return rejected(new TypeError(`The stream is not in the writable state and cannot be closed`));
    }
    const promise = deferred();
    stream.closeRequest = promise;
    const writer = stream.writer;
    if (writer !== undefined && stream.backpressure && state === 'writable') writer.ready.resolve(undefined);
    writableControllerClose(stream.controller);
    return promise.promise;
  }

  function writableStreamAddWriteRequest(stream) {
    const promise = deferred();
    stream.writeRequests.push(promise);
    return promise.promise;
  }

  function writableStreamDealWithRejection(stream, error) {
    if (stream.state === 'writable') {
      writableStreamStartErroring(stream, error);
      return;
    }
    writableStreamFinishErroring(stream);
  }

  function writableStreamStartErroring(stream, reason) {
    const controller = stream.controller;
    stream.state = 'erroring';
    stream.storedError = reason;
    const writer = stream.writer;
    if (writer !== undefined) writerEnsureReadyPromiseRejected(writer, reason);
    if (!hasOperationMarkedInFlight(stream) && controller.started) writableStreamFinishErroring(stream);
  }

  function writableStreamFinishErroring(stream) {
    stream.state = 'errored';
    resetQueue(stream.controller);
    const storedError = stream.storedError;
    for (const request of stream.writeRequests) request.reject(storedError);
    stream.writeRequests = [];
    const abortRequest = stream.pendingAbortRequest;
    if (abortRequest === undefined) {
      rejectCloseAndClosedPromiseIfNeeded(stream);
      return;
    }
    stream.pendingAbortRequest = undefined;
    if (abortRequest.wasAlreadyErroring) {
      abortRequest.promise.reject(storedError);
      rejectCloseAndClosedPromiseIfNeeded(stream);
      return;
    }
    const controller = stream.controller;
    const promise = controller.abortAlgorithm(abortRequest.reason);
    writableClearAlgorithms(controller);
    then(
      promise,
      () => {
        abortRequest.promise.resolve(undefined);
        rejectCloseAndClosedPromiseIfNeeded(stream);
      },
      (reason) => {
        abortRequest.promise.reject(reason);
        rejectCloseAndClosedPromiseIfNeeded(stream);
      },
    );
  }

  function writableStreamFinishInFlightWrite(stream) {
    stream.inFlightWriteRequest.resolve(undefined);
    stream.inFlightWriteRequest = undefined;
  }

  function writableStreamFinishInFlightWriteWithError(stream, error) {
    stream.inFlightWriteRequest.reject(error);
    stream.inFlightWriteRequest = undefined;
    writableStreamDealWithRejection(stream, error);
  }

  function writableStreamFinishInFlightClose(stream) {
    stream.inFlightCloseRequest.resolve(undefined);
    stream.inFlightCloseRequest = undefined;
    if (stream.state === 'erroring') {
      stream.storedError = undefined;
      if (stream.pendingAbortRequest !== undefined) {
        stream.pendingAbortRequest.promise.resolve(undefined);
        stream.pendingAbortRequest = undefined;
      }
    }
    stream.state = 'closed';
    const writer = stream.writer;
    if (writer !== undefined) writer.closed.resolve(undefined);
  }

  function writableStreamFinishInFlightCloseWithError(stream, error) {
    stream.inFlightCloseRequest.reject(error);
    stream.inFlightCloseRequest = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.promise.reject(error);
      stream.pendingAbortRequest = undefined;
    }
    writableStreamDealWithRejection(stream, error);
  }

  function closeQueuedOrInFlight(stream) {
    return stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;
  }

  function hasOperationMarkedInFlight(stream) {
    return stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
  }

  function rejectCloseAndClosedPromiseIfNeeded(stream) {
    if (stream.closeRequest !== undefined) {
      stream.closeRequest.reject(stream.storedError);
      stream.closeRequest = undefined;
    }
    const writer = stream.writer;
    if (writer !== undefined) {
      writer.closed.reject(stream.storedError);
      markHandled(writer.closed.promise);
    }
  }

  function writableStreamUpdateBackpressure(stream, backpressure) {
    const writer = stream.writer;
    if (writer !== undefined && backpressure !== stream.backpressure) {
      if (backpressure) writer.ready = deferred();
      else writer.ready.resolve(undefined);
    }
    stream.backpressure = backpressure;
  }

  // --- writer abstract operations ---

  function writerCloseWithErrorPropagation(writer) {
    const stream = writer.stream;
    const state = stream.state;
    if (closeQueuedOrInFlight(stream) || state === 'closed') return resolved(undefined);
    if (state === 'errored') return rejected(stream.storedError);
    return writableStreamClose(stream);
  }

  function writerEnsureClosedPromiseRejected(writer, error) {
    if (writer.closed.settled) writer.closed = deferred();
    writer.closed.reject(error);
    markHandled(writer.closed.promise);
  }

  function writerEnsureReadyPromiseRejected(writer, error) {
    if (writer.ready.settled) writer.ready = deferred();
    writer.ready.reject(error);
    markHandled(writer.ready.promise);
  }

  function writerGetDesiredSize(writer) {
    const stream = writer.stream;
    const state = stream.state;
    if (state === 'errored' || state === 'erroring') return null;
    if (state === 'closed') return 0;
    return writableControllerGetDesiredSize(stream.controller);
  }

  function writerRelease(writer) {
    const stream = writer.stream;
    const releasedError = new TypeError('Writer was released and can no longer be used to monitor the stream\'s closedness');
    writerEnsureReadyPromiseRejected(writer, releasedError);
    writerEnsureClosedPromiseRejected(writer, releasedError);
    stream.writer = undefined;
    writer.stream = undefined;
  }

  function writerWrite(writer, chunk) {
    const stream = writer.stream;
    const controller = stream.controller;
    const chunkSize = writableControllerGetChunkSize(controller, chunk);
    if (stream !== writer.stream) return rejected(new TypeError('Writer was released'));
    const state = stream.state;
    if (state === 'errored') return rejected(stream.storedError);
    if (closeQueuedOrInFlight(stream) || state === 'closed') {
      return rejected(new TypeError('The stream is closing or closed and cannot be written to'));
    }
    if (state === 'erroring') return rejected(stream.storedError);
    const promise = writableStreamAddWriteRequest(stream);
    writableControllerWrite(controller, chunk, chunkSize);
    return promise;
  }

  // --- WritableStreamDefaultController abstract operations ---

  function setUpWritableController(stream, controller, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
    controller.stream = stream;
    stream.controller = controller;
    resetQueue(controller);
    controller.started = false;
    controller.strategySizeAlgorithm = sizeAlgorithm;
    controller.strategyHWM = highWaterMark;
    controller.writeAlgorithm = writeAlgorithm;
    controller.closeAlgorithm = closeAlgorithm;
    controller.abortAlgorithm = abortAlgorithm;
    writableStreamUpdateBackpressure(stream, writableControllerGetBackpressure(controller));
    const startResult = startAlgorithm();
    then(
      resolved(startResult),
      () => {
        controller.started = true;
        writableControllerAdvanceQueueIfNeeded(controller);
      },
      (error) => {
        controller.started = true;
        writableStreamDealWithRejection(stream, error);
      },
    );
  }

  function writableClearAlgorithms(controller) {
    controller.writeAlgorithm = undefined;
    controller.closeAlgorithm = undefined;
    controller.abortAlgorithm = undefined;
    controller.strategySizeAlgorithm = undefined;
  }

  function writableControllerClose(controller) {
    enqueueValueWithSize(controller, closeSentinel, 0);
    writableControllerAdvanceQueueIfNeeded(controller);
  }

  function writableControllerErrorIfNeeded(controller, error) {
    if (controller.stream.state === 'writable') writableControllerError(controller, error);
  }

  function writableControllerError(controller, error) {
    writableClearAlgorithms(controller);
    writableStreamStartErroring(controller.stream, error);
  }

  function writableControllerGetBackpressure(controller) {
    return writableControllerGetDesiredSize(controller) <= 0;
  }

  function writableControllerGetChunkSize(controller, chunk) {
    if (controller.strategySizeAlgorithm === undefined) return 1;
    try {
      return controller.strategySizeAlgorithm(chunk);
    } catch (error) {
      writableControllerErrorIfNeeded(controller, error);
      return 1;
    }
  }

  function writableControllerGetDesiredSize(controller) {
    return controller.strategyHWM - controller.queueTotalSize;
  }

  function writableControllerWrite(controller, chunk, chunkSize) {
    try {
      enqueueValueWithSize(controller, chunk, chunkSize);
    } catch (error) {
      writableControllerErrorIfNeeded(controller, error);
      return;
    }
    const stream = controller.stream;
    if (!closeQueuedOrInFlight(stream) && stream.state === 'writable') {
      writableStreamUpdateBackpressure(stream, writableControllerGetBackpressure(controller));
    }
    writableControllerAdvanceQueueIfNeeded(controller);
  }

  function writableControllerAdvanceQueueIfNeeded(controller) {
    const stream = controller.stream;
    if (!controller.started) return;
    if (stream.inFlightWriteRequest !== undefined) return;
    const state = stream.state;
    if (state === 'closed' || state === 'errored') return;
    if (state === 'erroring') {
      writableStreamFinishErroring(stream);
      return;
    }
    if (controller.queue.length === 0) return;
    const value = controller.queue[0];
    if (value === closeSentinel) writableControllerProcessClose(controller);
    else writableControllerProcessWrite(controller, value);
  }

  function writableControllerProcessClose(controller) {
    const stream = controller.stream;
    stream.inFlightCloseRequest = stream.closeRequest;
    stream.closeRequest = undefined;
    dequeueValue(controller);
    const sinkClosePromise = controller.closeAlgorithm();
    writableClearAlgorithms(controller);
    then(
      sinkClosePromise,
      () => writableStreamFinishInFlightClose(stream),
      (reason) => writableStreamFinishInFlightCloseWithError(stream, reason),
    );
  }

  function writableControllerProcessWrite(controller, chunk) {
    const stream = controller.stream;
    stream.inFlightWriteRequest = stream.writeRequests.shift();
    const sinkWritePromise = controller.writeAlgorithm(chunk);
    then(
      sinkWritePromise,
      () => {
        writableStreamFinishInFlightWrite(stream);
        const state = stream.state;
        dequeueValue(controller);
        if (!closeQueuedOrInFlight(stream) && state === 'writable') {
          writableStreamUpdateBackpressure(stream, writableControllerGetBackpressure(controller));
        }
        writableControllerAdvanceQueueIfNeeded(controller);
      },
      (reason) => {
        if (stream.state === 'writable') writableClearAlgorithms(controller);
        writableStreamFinishInFlightWriteWithError(stream, reason);
      },
    );
  }

  // CreateWritableStream: a stream whose algorithms are ours, not a user's sink.
  function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark = 1, sizeAlgorithm = () => 1) {
    const stream = new WritableStream(kInternal);
    const record = writableRecordOf(stream);
    const controller = new WritableControllerRecord();
    controller.object = new WritableStreamDefaultController(kInternal, controller);
    setUpWritableController(record, controller, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
    return stream;
  }

  let writableRecordOf;
  let writerRecordOf;

  class WritableStream {
    #record;

    constructor(underlyingSink = undefined, strategy = undefined) {
      const record = new WritableStreamRecord();
      record.object = this;
      this.#record = record;
      if (underlyingSink === kInternal) return;
      if (underlyingSink === null) underlyingSink = undefined;
      if (underlyingSink !== undefined && !$.isObject(underlyingSink)) {
        throw new TypeError("Failed to construct 'WritableStream': The provided value is not of type 'UnderlyingSink'.");
      }
      if (strategy === null) strategy = undefined;
      if (strategy !== undefined && !$.isObject(strategy)) {
        throw new TypeError("Failed to construct 'WritableStream': The provided value is not of type 'QueuingStrategy'.");
      }
      strategy ??= {};
      const sink = underlyingSink ?? {};
      const callbackMember = (name) => {
        const value = sink[name];
        if (value !== undefined && typeof value !== 'function') {
          throw new TypeError(`Failed to construct 'WritableStream': 'UnderlyingSink.${name}' is not a function.`);
        }
        return value;
      };
      // WebIDL dictionary conversion reads members in lexicographic order.
      const abort = callbackMember('abort');
      const close = callbackMember('close');
      const start = callbackMember('start');
      const type = sink.type;
      const write = callbackMember('write');
      if (type !== undefined) throw new RangeError("Failed to construct 'WritableStream': Invalid type is specified");
      const strategyHWM = strategy.highWaterMark;
      const strategySize = strategy.size;
      if (strategySize !== undefined && typeof strategySize !== 'function') {
        throw new TypeError("Failed to construct 'WritableStream': 'QueuingStrategy.size' is not a function.");
      }
      const normalizedStrategy = { highWaterMark: strategyHWM, size: strategySize };
      const sizeAlgorithm = extractSizeAlgorithm(normalizedStrategy);
      const highWaterMark = extractHighWaterMark(normalizedStrategy, 1);
      const controller = new WritableControllerRecord();
      controller.object = new WritableStreamDefaultController(kInternal, controller);
      const startAlgorithm = start === undefined ? () => undefined : () => Reflect.apply(start, sink, [controller.object]);
      const writeAlgorithm = write === undefined ? noopPromise : (chunk) => promiseCall(write, sink, [chunk, controller.object]);
      const closeAlgorithm = close === undefined ? noopPromise : () => promiseCall(close, sink, []);
      const abortAlgorithm = abort === undefined ? noopPromise : (reason) => promiseCall(abort, sink, [reason]);
      setUpWritableController(record, controller, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
    }

    get locked() {
      return isWritableLocked(this.#record);
    }

    abort(reason = undefined) {
      const record = this.#record;
      if (isWritableLocked(record)) return rejected(new TypeError('Cannot abort a locked WritableStream'));
      return writableStreamAbort(record, reason);
    }

    close() {
      const record = this.#record;
      if (isWritableLocked(record)) return rejected(new TypeError('Cannot close a locked WritableStream'));
      if (closeQueuedOrInFlight(record)) return rejected(new TypeError('Cannot close an already-closing stream'));
      return writableStreamClose(record);
    }

    getWriter() {
      return acquireWriter(this.#record).object;
    }

    [$.inspectCustom](depth, options, inspect) {
      const record = this.#record;
      return `WritableStream ${inspect({ locked: isWritableLocked(record), state: record.state }, options)}`;
    }

    static {
      writableRecordOf = (stream) => stream.#record;
      $.isWritableStream = (value) => $.isObject(value) && #record in value;
    }
  }
  $.setToStringTag(WritableStream, 'WritableStream');

  class WritableStreamDefaultWriter {
    #writer = new WriterRecord();

    constructor(stream) {
      this.#writer.object = this;
      if (stream === kInternal) return;
      $.argumentsRequired("Failed to construct 'WritableStreamDefaultWriter'", 1, arguments.length);
      if (!$.isWritableStream(stream)) {
        throw new TypeError("Failed to construct 'WritableStreamDefaultWriter': parameter 1 is not of type 'WritableStream'.");
      }
      setUpWriter(this.#writer, writableRecordOf(stream));
    }

    get closed() {
      return this.#writer.closed.promise;
    }

    get desiredSize() {
      const writer = this.#writer;
      if (writer.stream === undefined) throw new TypeError('Writer was released');
      return writerGetDesiredSize(writer);
    }

    get ready() {
      return this.#writer.ready.promise;
    }

    abort(reason = undefined) {
      const writer = this.#writer;
      if (writer.stream === undefined) return rejected(new TypeError('Writer was released'));
      return writableStreamAbort(writer.stream, reason);
    }

    close() {
      const writer = this.#writer;
      const stream = writer.stream;
      if (stream === undefined) return rejected(new TypeError('Writer was released'));
      if (closeQueuedOrInFlight(stream)) return rejected(new TypeError('Cannot close an already-closing stream'));
      return writableStreamClose(stream);
    }

    releaseLock() {
      const writer = this.#writer;
      if (writer.stream === undefined) return;
      writerRelease(writer);
    }

    write(chunk = undefined) {
      const writer = this.#writer;
      if (writer.stream === undefined) return rejected(new TypeError('Writer was released'));
      return writerWrite(writer, chunk);
    }

    static {
      writerRecordOf = (writer) => writer.#writer;
      $.isWritableStreamDefaultWriter = (value) => $.isObject(value) && #writer in value;
    }
  }
  $.setToStringTag(WritableStreamDefaultWriter, 'WritableStreamDefaultWriter');

  class WritableStreamDefaultController {
    #controller;

    constructor(token = undefined, controller = undefined) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      this.#controller = controller;
    }

    get signal() {
      const controller = this.#controller;
      if (controller.signal === undefined) {
        controller.signal = $.newAbortSignal();
        if (controller.aborted) $.signalAbort(controller.signal, controller.abortReason);
      }
      return controller.signal;
    }

    error(error = undefined) {
      const controller = this.#controller;
      if (controller.stream.state !== 'writable') return;
      writableControllerError(controller, error);
    }
  }
  $.setToStringTag(WritableStreamDefaultController, 'WritableStreamDefaultController');

  // --- TransformStream (WHATWG Streams §6) -----------------------------------------------

  class TransformStreamRecord {
    constructor() {
      this.readable = undefined; // the ReadableStream's record
      this.writable = undefined; // the WritableStream's record
      this.backpressure = undefined;
      this.backpressureChangePromise = undefined;
      this.controller = undefined;
      this.object = undefined;
    }
  }

  class TransformControllerRecord {
    constructor() {
      this.stream = undefined;
      this.transformAlgorithm = undefined;
      this.flushAlgorithm = undefined;
      this.cancelAlgorithm = undefined;
      this.finishPromise = undefined;
      this.object = undefined;
    }
  }

  function initializeTransformStream(stream, startPromise, writableHWM, writableSize, readableHWM, readableSize) {
    const startAlgorithm = () => startPromise;
    const writable = createWritableStream(
      startAlgorithm,
      (chunk) => transformSinkWrite(stream, chunk),
      () => transformSinkClose(stream),
      (reason) => transformSinkAbort(stream, reason),
      writableHWM,
      writableSize,
    );
    stream.writable = writableRecordOf(writable);
    const readable = createReadableStream(
      startAlgorithm,
      () => transformSourcePull(stream),
      (reason) => transformSourceCancel(stream, reason),
      readableHWM,
      readableSize,
    );
    stream.readable = streamRecordOf(readable);
    stream.backpressure = undefined;
    stream.backpressureChangePromise = undefined;
    transformSetBackpressure(stream, true);
    stream.controller = undefined;
  }

  function transformStreamError(stream, error) {
    controllerError(stream.readable.controller, error);
    transformErrorWritableAndUnblockWrite(stream, error);
  }

  function transformErrorWritableAndUnblockWrite(stream, error) {
    transformClearAlgorithms(stream.controller);
    writableControllerErrorIfNeeded(stream.writable.controller, error);
    transformUnblockWrite(stream);
  }

  function transformUnblockWrite(stream) {
    if (stream.backpressure) transformSetBackpressure(stream, false);
  }

  function transformSetBackpressure(stream, backpressure) {
    if (stream.backpressureChangePromise !== undefined) stream.backpressureChangePromise.resolve(undefined);
    stream.backpressureChangePromise = deferred();
    stream.backpressure = backpressure;
  }

  function transformClearAlgorithms(controller) {
    controller.transformAlgorithm = undefined;
    controller.flushAlgorithm = undefined;
    controller.cancelAlgorithm = undefined;
  }

  function transformControllerEnqueue(controller, chunk) {
    const stream = controller.stream;
    const readableController = stream.readable.controller;
    if (!canCloseOrEnqueue(readableController)) {
      throw new TypeError('Readable side is not in a state that permits enqueue');
    }
    try {
      controllerEnqueue(readableController, chunk);
    } catch (error) {
      transformErrorWritableAndUnblockWrite(stream, error);
      throw stream.readable.storedError;
    }
    const backpressure = !shouldCallPull(readableController);
    if (backpressure !== stream.backpressure) transformSetBackpressure(stream, true);
  }

  function transformControllerTerminate(controller) {
    const stream = controller.stream;
    controllerClose(stream.readable.controller);
    transformErrorWritableAndUnblockWrite(stream, new TypeError('TransformStream terminated'));
  }

  function transformPerformTransform(controller, chunk) {
    return then(controller.transformAlgorithm(chunk), undefined, (reason) => {
      transformStreamError(controller.stream, reason);
      throw reason;
    });
  }

  function transformSinkWrite(stream, chunk) {
    const controller = stream.controller;
    if (stream.backpressure) {
      return then(stream.backpressureChangePromise.promise, () => {
        const writable = stream.writable;
        if (writable.state === 'erroring') throw writable.storedError;
        return transformPerformTransform(controller, chunk);
      });
    }
    return transformPerformTransform(controller, chunk);
  }

  function transformSinkAbort(stream, reason) {
    const controller = stream.controller;
    if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
    const readable = stream.readable;
    controller.finishPromise = deferred();
    const cancelPromise = controller.cancelAlgorithm(reason);
    transformClearAlgorithms(controller);
    then(
      cancelPromise,
      () => {
        if (readable.state === 'errored') {
          controller.finishPromise.reject(readable.storedError);
        } else {
          controllerError(readable.controller, reason);
          controller.finishPromise.resolve(undefined);
        }
      },
      (error) => {
        controllerError(readable.controller, error);
        controller.finishPromise.reject(error);
      },
    );
    return controller.finishPromise.promise;
  }

  function transformSinkClose(stream) {
    const controller = stream.controller;
    if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
    const readable = stream.readable;
    controller.finishPromise = deferred();
    const flushPromise = controller.flushAlgorithm();
    transformClearAlgorithms(controller);
    then(
      flushPromise,
      () => {
        if (readable.state === 'errored') {
          controller.finishPromise.reject(readable.storedError);
        } else {
          controllerClose(readable.controller);
          controller.finishPromise.resolve(undefined);
        }
      },
      (error) => {
        controllerError(readable.controller, error);
        controller.finishPromise.reject(error);
      },
    );
    return controller.finishPromise.promise;
  }

  function transformSourceCancel(stream, reason) {
    const controller = stream.controller;
    if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
    const writable = stream.writable;
    controller.finishPromise = deferred();
    const cancelPromise = controller.cancelAlgorithm(reason);
    transformClearAlgorithms(controller);
    then(
      cancelPromise,
      () => {
        if (writable.state === 'errored') {
          controller.finishPromise.reject(writable.storedError);
        } else {
          writableControllerErrorIfNeeded(writable.controller, reason);
          transformUnblockWrite(stream);
          controller.finishPromise.resolve(undefined);
        }
      },
      (error) => {
        writableControllerErrorIfNeeded(writable.controller, error);
        transformUnblockWrite(stream);
        controller.finishPromise.reject(error);
      },
    );
    return controller.finishPromise.promise;
  }

  function transformSourcePull(stream) {
    transformSetBackpressure(stream, false);
    return stream.backpressureChangePromise.promise;
  }

  function setUpTransformController(stream, controller, transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
    controller.stream = stream;
    stream.controller = controller;
    controller.transformAlgorithm = transformAlgorithm;
    controller.flushAlgorithm = flushAlgorithm;
    controller.cancelAlgorithm = cancelAlgorithm;
  }

  // A TransformStream whose algorithms are ours (TextEncoderStream, TextDecoderStream).
  $.newTransformStream = (transformAlgorithm, flushAlgorithm) => {
    const stream = new TransformStream(kInternal);
    const record = transformRecordOf(stream);
    initializeTransformStream(record, resolved(undefined), 1, () => 1, 0, () => 1);
    const controller = new TransformControllerRecord();
    controller.object = new TransformStreamDefaultController(kInternal, controller);
    setUpTransformController(
      record,
      controller,
      (chunk) => {
        try {
          transformAlgorithm(chunk, (value) => transformControllerEnqueue(controller, value));
          return resolved(undefined);
        } catch (error) {
          return rejected(error);
        }
      },
      () => {
        try {
          flushAlgorithm((value) => transformControllerEnqueue(controller, value));
          return resolved(undefined);
        } catch (error) {
          return rejected(error);
        }
      },
      noopPromise,
    );
    return stream;
  };

  let transformRecordOf;

  class TransformStream {
    #record;

    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      const record = new TransformStreamRecord();
      record.object = this;
      this.#record = record;
      if (transformer === kInternal) return;
      if (transformer === null) transformer = undefined;
      if (transformer !== undefined && !$.isObject(transformer)) {
        throw new TypeError("Failed to construct 'TransformStream': The provided value is not of type 'Transformer'.");
      }
      const strategyOf = (strategy) => {
        if (strategy === null || strategy === undefined) return {};
        if (!$.isObject(strategy)) {
          throw new TypeError("Failed to construct 'TransformStream': The provided value is not of type 'QueuingStrategy'.");
        }
        const highWaterMark = strategy.highWaterMark;
        const size = strategy.size;
        if (size !== undefined && typeof size !== 'function') {
          throw new TypeError("Failed to construct 'TransformStream': 'QueuingStrategy.size' is not a function.");
        }
        return { highWaterMark, size };
      };
      const source = transformer ?? {};
      const callbackMember = (name) => {
        const value = source[name];
        if (value !== undefined && typeof value !== 'function') {
          throw new TypeError(`Failed to construct 'TransformStream': 'Transformer.${name}' is not a function.`);
        }
        return value;
      };
      // WebIDL dictionary conversion reads members in lexicographic order.
      const cancel = callbackMember('cancel');
      const flush = callbackMember('flush');
      const readableType = source.readableType;
      const start = callbackMember('start');
      const transform = callbackMember('transform');
      const writableType = source.writableType;
      const writable = strategyOf(writableStrategy);
      const readable = strategyOf(readableStrategy);
      if (readableType !== undefined) throw new RangeError("Failed to construct 'TransformStream': Invalid readableType is specified");
      if (writableType !== undefined) throw new RangeError("Failed to construct 'TransformStream': Invalid writableType is specified");
      const readableHWM = extractHighWaterMark(readable, 0);
      const readableSize = extractSizeAlgorithm(readable);
      const writableHWM = extractHighWaterMark(writable, 1);
      const writableSize = extractSizeAlgorithm(writable);
      const startPromise = deferred();
      initializeTransformStream(record, startPromise.promise, writableHWM, writableSize, readableHWM, readableSize);
      const controller = new TransformControllerRecord();
      controller.object = new TransformStreamDefaultController(kInternal, controller);
      const transformAlgorithm = transform === undefined
        ? (chunk) => {
          try {
            transformControllerEnqueue(controller, chunk);
            return resolved(undefined);
          } catch (error) {
            return rejected(error);
          }
        }
        : (chunk) => promiseCall(transform, source, [chunk, controller.object]);
      const flushAlgorithm = flush === undefined ? noopPromise : () => promiseCall(flush, source, [controller.object]);
      const cancelAlgorithm = cancel === undefined ? noopPromise : (reason) => promiseCall(cancel, source, [reason]);
      setUpTransformController(record, controller, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
      if (start !== undefined) startPromise.resolve(Reflect.apply(start, source, [controller.object]));
      else startPromise.resolve(undefined);
    }

    get readable() {
      return this.#record.readable.object;
    }

    get writable() {
      return this.#record.writable.object;
    }

    [$.inspectCustom](depth, options, inspect) {
      const record = this.#record;
      return `TransformStream ${inspect({ readable: record.readable.object, writable: record.writable.object }, options)}`;
    }

    static {
      transformRecordOf = (stream) => stream.#record;
      $.isTransformStream = (value) => $.isObject(value) && #record in value;
    }
  }
  $.setToStringTag(TransformStream, 'TransformStream');

  class TransformStreamDefaultController {
    #controller;

    constructor(token = undefined, controller = undefined) {
      if (token !== kInternal) throw new TypeError('Illegal constructor');
      this.#controller = controller;
    }

    get desiredSize() {
      return getDesiredSize(this.#controller.stream.readable.controller);
    }

    enqueue(chunk = undefined) {
      transformControllerEnqueue(this.#controller, chunk);
    }

    error(reason = undefined) {
      transformStreamError(this.#controller.stream, reason);
    }

    terminate() {
      transformControllerTerminate(this.#controller);
    }
  }
  $.setToStringTag(TransformStreamDefaultController, 'TransformStreamDefaultController');

  // --- pipeTo / pipeThrough (WHATWG Streams §4.9.1 ReadableStreamPipeTo) ------------------

  const PromiseAll = Promise.all.bind(Promise);

  function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal) {
    const reader = acquireDefaultReader(source);
    const writer = acquireWriter(dest);
    source.disturbed = true;
    let shuttingDown = false;
    let currentWrite = resolved(undefined);
    const { promise, resolve, reject } = newPromise();
    let abortAlgorithm;

    const finalize = (isError, error) => {
      writerRelease(writer);
      defaultReaderRelease(reader);
      if (signal !== undefined) $.removeAbortAlgorithm(signal, abortAlgorithm);
      if (isError) reject(error);
      else resolve(undefined);
    };
    const waitForWritesToFinish = () => {
      const oldCurrentWrite = currentWrite;
      return then(oldCurrentWrite, () => (oldCurrentWrite !== currentWrite ? waitForWritesToFinish() : undefined));
    };
    const destWritable = () => dest.state === 'writable' && !closeQueuedOrInFlight(dest);
    const shutdownWithAnAction = (action, originalIsError, originalError) => {
      if (shuttingDown) return;
      shuttingDown = true;
      const doTheRest = () => {
        then(
          action(),
          () => finalize(originalIsError, originalError),
          (newError) => finalize(true, newError),
        );
      };
      if (destWritable()) then(waitForWritesToFinish(), doTheRest);
      else doTheRest();
    };
    const shutdown = (isError, error) => {
      if (shuttingDown) return;
      shuttingDown = true;
      if (destWritable()) then(waitForWritesToFinish(), () => finalize(isError, error));
      else finalize(isError, error);
    };

    if (signal !== undefined) {
      abortAlgorithm = () => {
        const error = signal.reason;
        const actions = [];
        if (!preventAbort) {
          actions.push(() => (dest.state === 'writable' ? writableStreamAbort(dest, error) : resolved(undefined)));
        }
        if (!preventCancel) {
          actions.push(() => (source.state === 'readable' ? readableStreamCancel(source, error) : resolved(undefined)));
        }
        shutdownWithAnAction(() => PromiseAll(actions.map((action) => action())), true, error);
      };
      if (signal.aborted) {
        abortAlgorithm();
        return promise;
      }
      $.addAbortAlgorithm(signal, abortAlgorithm);
    }

    // One step: wait until the destination wants more, read a chunk, write it.
    const pipeStep = () => {
      if (shuttingDown) return resolved(true);
      return then(writer.ready.promise, () => {
        if (shuttingDown) return true;
        const step = newPromise();
        defaultReaderRead(reader, new ReadRequest(
          (chunk) => {
            currentWrite = then(writerWrite(writer, chunk), undefined, () => {});
            step.resolve(false);
          },
          () => step.resolve(true),
          step.reject,
        ));
        return step.promise;
      });
    };
    const pipeLoop = () => {
      then(pipeStep(), (done) => {
        if (!done) pipeLoop();
      }, () => {});
    };

    const readerClosed = reader.closed.promise;
    const writerClosed = writer.closed.promise;
    // Errors must be propagated forward: source errored → abort the destination.
    const onSourceErrored = (storedError) => {
      if (!preventAbort) shutdownWithAnAction(() => writableStreamAbort(dest, storedError), true, storedError);
      else shutdown(true, storedError);
    };
    // Errors must be propagated backward: destination errored → cancel the source.
    const onDestErrored = (storedError) => {
      if (!preventCancel) shutdownWithAnAction(() => readableStreamCancel(source, storedError), true, storedError);
      else shutdown(true, storedError);
    };
    // Closing must be propagated forward.
    const onSourceClosed = () => {
      if (!preventClose) shutdownWithAnAction(() => writerCloseWithErrorPropagation(writer));
      else shutdown();
    };
    if (source.state === 'errored') onSourceErrored(source.storedError);
    else then(readerClosed, undefined, onSourceErrored);
    if (dest.state === 'errored') onDestErrored(dest.storedError);
    else then(writerClosed, undefined, onDestErrored);
    if (source.state === 'closed') onSourceClosed();
    else then(readerClosed, onSourceClosed, () => {});
    // Closing must be propagated backward.
    if (closeQueuedOrInFlight(dest) || dest.state === 'closed') {
      const destClosed = new TypeError('the destination writable stream closed before all data could be piped to it');
      if (!preventCancel) shutdownWithAnAction(() => readableStreamCancel(source, destClosed), true, destClosed);
      else shutdown(true, destClosed);
    }
    pipeLoop();
    return promise;
  }

  function pipeOptions(options, where) {
    if (options === undefined || options === null) return { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
    if (!$.isObject(options)) throw new TypeError(`Failed to execute '${where}' on 'ReadableStream': The provided value is not of type 'StreamPipeOptions'.`);
    // Lexicographic order, as WebIDL reads dictionary members.
    const preventAbort = !!options.preventAbort;
    const preventCancel = !!options.preventCancel;
    const preventClose = !!options.preventClose;
    const signal = options.signal;
    if (signal !== undefined && !$.isAbortSignal(signal)) {
      throw new TypeError(`Failed to execute '${where}' on 'ReadableStream': Failed to read the 'signal' property from 'StreamPipeOptions': Failed to convert value to 'AbortSignal'.`);
    }
    return { preventAbort, preventCancel, preventClose, signal };
  }

  function pipeTo(source, destination, options) {
    if (!$.isWritableStream(destination)) {
      return rejected(new TypeError("Failed to execute 'pipeTo' on 'ReadableStream': parameter 1 is not of type 'WritableStream'."));
    }
    let parsed;
    try {
      parsed = pipeOptions(options, 'pipeTo');
    } catch (error) {
      return rejected(error);
    }
    if (isLocked(source)) return rejected(new TypeError('Cannot pipe a locked ReadableStream'));
    const dest = writableRecordOf(destination);
    if (isWritableLocked(dest)) return rejected(new TypeError('Cannot pipe to a locked WritableStream'));
    return readableStreamPipeTo(source, dest, parsed.preventClose, parsed.preventAbort, parsed.preventCancel, parsed.signal);
  }

  function pipeThrough(source, transform, options) {
    if (!$.isObject(transform)) {
      throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': parameter 1 is not of type 'ReadableWritablePair'.");
    }
    const readable = transform.readable;
    if (!$.isReadableStream(readable)) {
      throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': Failed to read the 'readable' property from 'ReadableWritablePair': Failed to convert value to 'ReadableStream'.");
    }
    const writable = transform.writable;
    if (!$.isWritableStream(writable)) {
      throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': Failed to read the 'writable' property from 'ReadableWritablePair': Failed to convert value to 'WritableStream'.");
    }
    const parsed = pipeOptions(options, 'pipeThrough');
    if (isLocked(source)) throw new TypeError('Cannot pipe a locked ReadableStream');
    const dest = writableRecordOf(writable);
    if (isWritableLocked(dest)) throw new TypeError('Cannot pipe to a locked WritableStream');
    const promise = readableStreamPipeTo(source, dest, parsed.preventClose, parsed.preventAbort, parsed.preventCancel, parsed.signal);
    markHandled(promise);
    return readable;
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
  $.teeStream = (stream) => readableStreamTee(streamRecordOf(stream));
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

  // What byte_streams.js shares with this file (see the comment at the top).
  $.streamInternals = Object.freeze({
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
  });

  // The queuing strategies (Streams §7): a high-water mark, and a size function shared by
  // every instance of a class, named `size`, that is not a constructor.
  const byteLengthSize = { size: (chunk) => chunk.byteLength }.size;
  const countSize = { size: () => 1 }.size;
  const strategyInit = (name, init) => {
    const where = `Failed to construct '${name}'`;
    $.argumentsRequired(where, 1, init === undefined ? 0 : 1);
    if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
      throw new TypeError(`${where}: The provided value is not of type 'QueuingStrategyInit'.`);
    }
    if (init.highWaterMark === undefined) {
      throw new TypeError(
        `${where}: Failed to read the 'highWaterMark' property from 'QueuingStrategyInit': Required member is undefined.`,
      );
    }
    return Number(init.highWaterMark);
  };

  class ByteLengthQueuingStrategy {
    #highWaterMark;
    constructor(init) {
      this.#highWaterMark = strategyInit('ByteLengthQueuingStrategy', init);
    }
    get highWaterMark() {
      return this.#highWaterMark;
    }
    get size() {
      return byteLengthSize;
    }
  }
  $.setToStringTag(ByteLengthQueuingStrategy, 'ByteLengthQueuingStrategy');

  class CountQueuingStrategy {
    #highWaterMark;
    constructor(init) {
      this.#highWaterMark = strategyInit('CountQueuingStrategy', init);
    }
    get highWaterMark() {
      return this.#highWaterMark;
    }
    get size() {
      return countSize;
    }
  }
  $.setToStringTag(CountQueuingStrategy, 'CountQueuingStrategy');
  $.defineGlobal('ByteLengthQueuingStrategy', ByteLengthQueuingStrategy);
  $.defineGlobal('CountQueuingStrategy', CountQueuingStrategy);

  $.ReadableStream = ReadableStream;
  $.unclonable.push($.isReadableStream, $.isReadableStreamDefaultReader, $.isWritableStream, $.isWritableStreamDefaultWriter, $.isTransformStream);
  $.defineGlobal('ReadableStream', ReadableStream);
  $.defineGlobal('ReadableStreamDefaultReader', ReadableStreamDefaultReader);
  $.defineGlobal('WritableStream', WritableStream);
  $.defineGlobal('WritableStreamDefaultWriter', WritableStreamDefaultWriter);
  $.defineGlobal('TransformStream', TransformStream);
});
