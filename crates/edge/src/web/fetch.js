// Request, Response and the body mixin (WHATWG Fetch §5), FetchEvent, and the internal
// helpers Rust uses to hand requests in and take responses out (web.rs `Internals`).
//
// A body keeps its source (a string or a Uint8Array) and creates a ReadableStream only when
// script asks for `.body`: the common `new Response('hello')` never touches streams, and
// Rust reads such a body directly.
(function (host, $) {
  'use strict';

  const { kInternal, then, resolved, rejected } = $;

  const TEXT_PLAIN = 'text/plain;charset=UTF-8';
  const FORM_URLENCODED = 'application/x-www-form-urlencoded;charset=UTF-8';

  // --- bodies ------------------------------------------------------------------------------

  class Body {
    constructor(source, stream) {
      // A string or Uint8Array that the body is made of (null for stream bodies).
      this.source = source;
      this.stream = stream;
      // Set when the body was consumed without a stream.
      this.used = false;
    }
  }

  // Fetch "extract a body": [Body, content type or null].
  function extractBody(object) {
    if (typeof object === 'string') return [new Body(object, null), TEXT_PLAIN];
    if ($.isObject(object)) {
      if ($.isURLSearchParams(object)) return [new Body(object.toString(), null), FORM_URLENCODED];
      const bytes = $.copyBytes(object);
      if (bytes !== undefined) return [new Body(bytes, null), null];
      if ($.isReadableStream(object)) {
        if ($.isStreamUnusable(object)) {
          throw new TypeError('Response body object should not be disturbed or locked');
        }
        return [new Body(null, object), null];
      }
    }
    return [new Body($.toUSVString(object), null), TEXT_PLAIN];
  }

  function bodyStream(body) {
    if (body.stream === null) {
      const source = body.source;
      body.stream = $.streamOfBytes(typeof source === 'string' ? $.encodeUtf8(source) : source);
      if (body.used) {
        // A consumed source-only body reads as a disturbed, empty stream.
        $.cancelStream(body.stream, undefined);
      }
    }
    return body.stream;
  }

  function isUnusable(body) {
    if (body === null) return false;
    if (body.stream !== null) return $.isStreamUnusable(body.stream);
    return body.used;
  }

  function isUsed(body) {
    if (body === null) return false;
    if (body.stream !== null) return $.isDisturbed(body.stream);
    return body.used;
  }

  // Fetch "consume body": resolves with a Uint8Array or, when `asText`, a string.
  function consume(body, asText, fresh) {
    if (body === null) return resolved(asText ? '' : new Uint8Array(0));
    if (isUnusable(body)) return rejected(new TypeError('Body is unusable: Body has already been read'));
    if (body.stream === null) {
      body.used = true;
      const source = body.source;
      if (typeof source === 'string') return resolved(asText ? source.toWellFormed() : $.encodeUtf8(source));
      return resolved(asText ? $.decodeUtf8(source) : source.slice());
    }
    const bytes = $.readAllBytes(body.stream, fresh);
    return asText ? then(bytes, (b) => $.decodeUtf8(b)) : bytes;
  }

  function cloneBody(body) {
    if (body.stream === null) return new Body(body.source, null);
    const [first, second] = $.teeStream(body.stream);
    body.stream = first;
    return new Body(null, second);
  }

  function parseJSON(text) {
    return JSON.parse(text);
  }

  // The body mixin, installed on Request and Response; `bodyOf` reads the private slot.
  function defineBodyMixin(Class, bodyOf, name) {
    const methods = {
      get body() {
        const body = bodyOf(this);
        return body === null ? null : bodyStream(body);
      },
      get bodyUsed() {
        return isUsed(bodyOf(this));
      },
      arrayBuffer() {
        let body;
        try {
          body = bodyOf(this);
        } catch (error) {
          return rejected(error);
        }
        return then(consume(body, false, true), (bytes) => bytes.buffer);
      },
      bytes() {
        let body;
        try {
          body = bodyOf(this);
        } catch (error) {
          return rejected(error);
        }
        return consume(body, false, true);
      },
      text() {
        let body;
        try {
          body = bodyOf(this);
        } catch (error) {
          return rejected(error);
        }
        return consume(body, true, false);
      },
      json() {
        let body;
        try {
          body = bodyOf(this);
        } catch (error) {
          return rejected(error);
        }
        return then(consume(body, true, false), parseJSON);
      },
      blob() {
        return rejected(new TypeError(`Failed to execute 'blob' on '${name}': Blob is not supported in this runtime`));
      },
      formData() {
        return rejected(new TypeError(`Failed to execute 'formData' on '${name}': FormData is not supported in this runtime`));
      },
    };
    for (const key of Object.keys(methods)) {
      const descriptor = Object.getOwnPropertyDescriptor(methods, key);
      descriptor.enumerable = true;
      Object.defineProperty(Class.prototype, key, descriptor);
    }
  }

  // --- Request -------------------------------------------------------------------------------

  const normalizedMethods = { __proto__: null, delete: 'DELETE', get: 'GET', head: 'HEAD', options: 'OPTIONS', post: 'POST', put: 'PUT' };
  const forbiddenMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);
  const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const enums = {
    referrerPolicy: ['', 'no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin', 'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url'],
    mode: ['navigate', 'same-origin', 'no-cors', 'cors'],
    credentials: ['omit', 'same-origin', 'include'],
    cache: ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'],
    redirect: ['follow', 'error', 'manual'],
    duplex: ['half'],
    priority: ['high', 'low', 'auto'],
  };
  const defaults = {
    referrer: 'about:client',
    referrerPolicy: '',
    mode: 'cors',
    credentials: 'same-origin',
    cache: 'default',
    redirect: 'follow',
    integrity: '',
    keepalive: false,
  };

  function enumMember(init, key) {
    const value = init[key];
    if (value === undefined) return undefined;
    const string = $.toDOMString(value);
    if (!enums[key].includes(string)) {
      throw new TypeError(`Failed to construct 'Request': The provided value '${string}' is not a valid enum value of type Request${key[0].toUpperCase()}${key.slice(1)}.`);
    }
    return string;
  }

  function normalizeMethod(method) {
    method = $.toByteString(method);
    if (!methodToken.test(method)) throw new TypeError(`Failed to construct 'Request': '${method}' is not a valid HTTP method.`);
    const upper = method.toUpperCase();
    if (forbiddenMethods.has(upper)) throw new TypeError(`Failed to construct 'Request': '${method}' HTTP method is unsupported.`);
    return normalizedMethods[method.toLowerCase()] ?? method;
  }

  class Request {
    #method = 'GET';
    #url;
    // Headers are built lazily: #list from #flat (the Rust string), the object from #list.
    #flat = '';
    #list = null;
    #headers = null;
    #body = null;
    #signal = null;
    // The request whose signal this one follows, until `signal` is first read: copying a
    // request (as NextRequest does for every request) then costs no AbortSignal.
    #signalSource = null;
    // Non-default RequestInit members (null for requests Rust creates).
    #options = null;

    constructor(input, init = undefined) {
      if (input === kInternal) return;
      $.argumentsRequired("Failed to construct 'Request'", 1, arguments.length);
      if (init !== undefined && init !== null && !$.isObject(init)) {
        throw new TypeError("Failed to construct 'Request': The provided value is not of type 'RequestInit'.");
      }
      init ??= {};
      let inputRequest = null;
      let signal = null;
      if ($.isRequest(input)) {
        inputRequest = input;
        this.#url = input.#url;
        this.#method = input.#method;
        this.#options = input.#options === null ? null : { ...input.#options };
        signal = input.#signal;
        if (signal === null) this.#signalSource = input;
      } else {
        const url = $.toUSVString(input);
        let parsed;
        try {
          parsed = new $.URL(url);
        } catch {
          throw new TypeError(`Failed to parse URL from ${url}`);
        }
        if (parsed.username !== '' || parsed.password !== '') {
          throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url}`);
        }
        this.#url = parsed.href;
      }

      const options = {};
      let hasOptions = false;
      for (const key of ['cache', 'credentials', 'mode', 'redirect', 'referrerPolicy']) {
        const value = enumMember(init, key);
        if (value !== undefined) {
          options[key] = value;
          hasOptions = true;
        }
      }
      if (options.mode === 'navigate') {
        throw new TypeError("Failed to construct 'Request': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
      }
      if (init.referrer !== undefined) {
        const referrer = $.toUSVString(init.referrer);
        if (referrer === '') {
          options.referrer = '';
        } else {
          let parsed;
          try {
            parsed = new $.URL(referrer, this.#url);
          } catch {
            throw new TypeError(`Failed to construct 'Request': Referrer '${referrer}' is not a valid URL.`);
          }
          options.referrer = parsed.href === 'about:client' ? 'about:client' : parsed.href;
        }
        hasOptions = true;
      }
      if (init.integrity !== undefined) {
        options.integrity = $.toDOMString(init.integrity);
        hasOptions = true;
      }
      if (init.keepalive !== undefined) {
        options.keepalive = !!init.keepalive;
        hasOptions = true;
      }
      if (hasOptions) this.#options = { ...this.#options, ...options };
      if (init.duplex !== undefined) enumMember(init, 'duplex');
      if (init.priority !== undefined) enumMember(init, 'priority');
      if (init.window !== undefined && init.window !== null) {
        throw new TypeError("Failed to construct 'Request': 'window' must be null");
      }

      if (init.method !== undefined) this.#method = normalizeMethod(init.method);

      if (init.signal !== undefined) {
        if (init.signal !== null && !$.isAbortSignal(init.signal)) {
          throw new TypeError("Failed to construct 'Request': member signal is not of type 'AbortSignal'.");
        }
        signal = init.signal;
        this.#signalSource = null;
      }
      if (signal !== null) this.#signal = $.createDependentAbortSignal([signal]);

      let list = null;
      if (init.headers !== undefined) {
        list = new $.HeaderList();
        $.fillHeaderList(list, init.headers, 'Request');
      } else if (inputRequest !== null && inputRequest.#headers === null && inputRequest.#list === null) {
        // The input's headers are still the raw string from Rust: share it, build nothing.
        this.#flat = inputRequest.#flat;
      } else {
        list = inputRequest !== null ? $.headerListOf(inputRequest.headers).clone() : new $.HeaderList();
      }
      this.#list = list;

      const inputBody = inputRequest === null ? null : inputRequest.#body;
      const initBody = init.body;
      if (((initBody !== undefined && initBody !== null) || inputBody !== null) && (this.#method === 'GET' || this.#method === 'HEAD')) {
        throw new TypeError('Request with GET/HEAD method cannot have body.');
      }
      if (initBody !== undefined && initBody !== null) {
        const [body, contentType] = extractBody(initBody);
        if (contentType !== null) {
          if (list === null) this.#list = list = $.headerListFromFlat(this.#flat);
          if (!list.has('content-type')) list.append('content-type', contentType);
        }
        if (body.stream !== null && init.duplex !== 'half') {
          throw new TypeError('RequestInit: duplex option is required when sending a body.');
        }
        this.#body = body;
      } else if (inputBody !== null) {
        if (isUnusable(inputBody)) {
          throw new TypeError('Cannot construct a Request with a Request object that has already been used.');
        }
        // The new request takes the input's body over; the input reads as used.
        if (inputBody.stream === null) {
          this.#body = new Body(inputBody.source, null);
          inputBody.used = true;
        } else {
          const reader = $.acquireReader(inputBody.stream);
          this.#body = new Body(null, $.newPullStream(reader));
        }
      }
    }

    get method() {
      return this.#method;
    }
    get url() {
      return this.#url;
    }
    get headers() {
      if (this.#headers === null) {
        if (this.#list === null) this.#list = $.headerListFromFlat(this.#flat);
        this.#headers = $.headersFromList(this.#list, 'request');
      }
      return this.#headers;
    }
    get destination() {
      return '';
    }
    get referrer() {
      const referrer = this.#options?.referrer ?? defaults.referrer;
      if (referrer === '') return '';
      return referrer;
    }
    get referrerPolicy() {
      return this.#options?.referrerPolicy ?? defaults.referrerPolicy;
    }
    get mode() {
      return this.#options?.mode ?? defaults.mode;
    }
    get credentials() {
      return this.#options?.credentials ?? defaults.credentials;
    }
    get cache() {
      return this.#options?.cache ?? defaults.cache;
    }
    get redirect() {
      return this.#options?.redirect ?? defaults.redirect;
    }
    get integrity() {
      return this.#options?.integrity ?? defaults.integrity;
    }
    get keepalive() {
      return this.#options?.keepalive ?? defaults.keepalive;
    }
    get isReloadNavigation() {
      return false;
    }
    get isHistoryNavigation() {
      return false;
    }
    get signal() {
      if (this.#signal === null) {
        const source = this.#signalSource;
        this.#signalSource = null;
        this.#signal = source === null ? $.newAbortSignal() : $.createDependentAbortSignal([source.signal]);
      }
      return this.#signal;
    }
    get duplex() {
      return 'half';
    }

    clone() {
      if (isUnusable(this.#body)) throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
      const request = new Request(kInternal);
      request.#method = this.#method;
      request.#url = this.#url;
      request.#list = this.#list === null ? $.headerListFromFlat(this.#flat) : this.#list.clone();
      request.#options = this.#options;
      request.#body = this.#body === null ? null : cloneBody(this.#body);
      request.#signal = $.createDependentAbortSignal([this.signal]);
      return request;
    }

    [$.inspectCustom](depth, options, inspect) {
      if (depth !== null && depth < 0) return '[Request]';
      const fields = {
        method: this.#method,
        url: this.#url,
        headers: this.headers,
        destination: this.destination,
        referrer: this.referrer,
        referrerPolicy: this.referrerPolicy,
        mode: this.mode,
        credentials: this.credentials,
        cache: this.cache,
        redirect: this.redirect,
        integrity: this.integrity,
        keepalive: this.keepalive,
        isReloadNavigation: false,
        isHistoryNavigation: false,
        signal: this.signal,
      };
      return `Request ${inspect(fields, { ...options, depth: options.depth === null ? null : options.depth - 1 })}`;
    }

    static {
      $.isRequest = (value) => $.isObject(value) && #method in value;
      // The request Rust hands to a handler: nothing is parsed until script asks.
      $.newRequest = (method, url, flatHeaders, body) => {
        const request = new Request(kInternal);
        request.#method = method;
        request.#url = url;
        request.#flat = flatHeaders;
        if (body !== null) request.#body = $.isReadableStream(body) ? new Body(null, body) : new Body(body, null);
        return request;
      };
      $.abortRequest = (request, reason) => {
        $.signalAbort(request.signal, reason);
      };
      defineBodyMixin(Request, (request) => request.#body, 'Request');
    }
  }
  $.setToStringTag(Request, 'Request');

  // A stream that pulls from `reader` (the "proxy" a Request makes of another's body).
  $.newPullStream = (reader) => new $.ReadableStream({
    pull(controller) {
      return then($.readerRead(reader), (result) => {
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      });
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });

  // --- Response ------------------------------------------------------------------------------

  const nullBodyStatus = new Set([101, 103, 204, 205, 304]);
  const redirectStatus = new Set([301, 302, 303, 307, 308]);
  const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/;

  class Response {
    #status = 200;
    #statusText = '';
    #type = 'default';
    #list;
    #headers = null;
    #guard = 'response';
    #body = null;

    constructor(body = null, init = undefined) {
      if (body === kInternal) return;
      if (init !== undefined && init !== null && !$.isObject(init)) {
        throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
      }
      // Fast path: `new Response(string)` with no init.
      if (typeof body === 'string' && (init === undefined || init === null)) {
        this.#list = new $.HeaderList(['content-type', TEXT_PLAIN]);
        this.#body = new Body(body, null);
        return;
      }
      const bodyWithType = body === null || body === undefined ? null : extractBody(body);
      this.#initialize(init, bodyWithType);
    }

    // Fetch "initialize a response".
    #initialize(init, bodyWithType) {
      let status = 200;
      let statusText = '';
      let headersInit;
      if (init !== undefined && init !== null) {
        if (init.status !== undefined) {
          status = Number(init.status);
          status = Number.isFinite(status) ? Math.trunc(status) & 0xffff : 0;
        }
        if (init.statusText !== undefined) statusText = $.toByteString(init.statusText);
        headersInit = init.headers;
      }
      if (status < 200 || status > 599) {
        throw new RangeError(`Failed to construct 'Response': The status provided (${status}) is outside the range [200, 599].`);
      }
      if (!reasonPhrase.test(statusText)) {
        throw new TypeError("Failed to construct 'Response': Invalid statusText");
      }
      this.#status = status;
      this.#statusText = statusText;
      const list = new $.HeaderList();
      if (headersInit !== undefined) $.fillHeaderList(list, headersInit, 'Response');
      this.#list = list;
      if (bodyWithType !== null) {
        if (nullBodyStatus.has(status)) {
          throw new TypeError("Failed to construct 'Response': Response with null body status cannot have body");
        }
        const [extracted, contentType] = bodyWithType;
        this.#body = extracted;
        if (contentType !== null && !list.has('content-type')) list.append('content-type', contentType);
      }
    }

    static error() {
      const response = new Response(kInternal);
      response.#status = 0;
      response.#type = 'error';
      response.#list = new $.HeaderList();
      response.#guard = 'immutable';
      return response;
    }

    static redirect(url, status = 302) {
      $.argumentsRequired("Failed to execute 'redirect' on 'Response'", 1, arguments.length);
      url = $.toUSVString(url);
      let parsed;
      try {
        parsed = new $.URL(url);
      } catch {
        throw new TypeError(`Failed to execute 'redirect' on 'Response': Failed to parse URL from ${url}`);
      }
      status = Number(status);
      if (!redirectStatus.has(status)) {
        throw new RangeError(`Failed to execute 'redirect' on 'Response': Invalid status code ${status}`);
      }
      const response = new Response(kInternal);
      response.#status = status;
      response.#list = new $.HeaderList(['location', parsed.href]);
      response.#guard = 'immutable';
      return response;
    }

    static json(data, init = undefined) {
      const text = JSON.stringify(data);
      if (text === undefined) {
        throw new TypeError("Failed to execute 'json' on 'Response': The data is not JSON serializable");
      }
      const response = new Response(kInternal);
      response.#initialize(init, [new Body(text, null), 'application/json']);
      return response;
    }

    get type() {
      return this.#type;
    }
    get url() {
      return '';
    }
    get redirected() {
      return false;
    }
    get status() {
      return this.#status;
    }
    get ok() {
      return this.#status >= 200 && this.#status <= 299;
    }
    get statusText() {
      return this.#statusText;
    }
    get headers() {
      if (this.#headers === null) this.#headers = $.headersFromList(this.#list, this.#guard);
      return this.#headers;
    }

    clone() {
      if (isUnusable(this.#body)) throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
      const response = new Response(kInternal);
      response.#status = this.#status;
      response.#statusText = this.#statusText;
      response.#type = this.#type;
      response.#list = this.#list.clone();
      response.#guard = this.#guard;
      response.#body = this.#body === null ? null : cloneBody(this.#body);
      return response;
    }

    [$.inspectCustom](depth, options, inspect) {
      if (depth !== null && depth < 0) return '[Response]';
      // Inspecting must not turn a source body into a stream (Rust's fast path needs it).
      const body = this.#body;
      const fields = {
        status: this.#status,
        statusText: this.#statusText,
        headers: this.headers,
        body: body === null ? null : body.stream ?? { [$.inspectCustom]: () => "ReadableStream { locked: false, state: 'readable', supportsBYOB: false }" },
        bodyUsed: this.bodyUsed,
        ok: this.ok,
        redirected: false,
        type: this.#type,
        url: '',
      };
      return `Response ${inspect(fields, { ...options, depth: options.depth === null ? null : options.depth - 1 })}`;
    }

    static {
      $.isResponse = (value) => $.isObject(value) && #status in value;
      // [status, "name\0value\0...", kind, payload] for Rust: kind 0 = no body, 1 = string,
      // 2 = bytes, 3 = a reader of the body stream.
      $.readResponse = (value) => {
        if (!$.isResponse(value)) throw new TypeError('Expected an instance of Response to be returned');
        const list = value.#list.sortAndCombine();
        const headers = list.length === 0 ? '' : list.length === 2 ? `${list[0]}\0${list[1]}` : list.join('\0');
        const body = value.#body;
        if (body === null) return [value.#status, headers, 0, null];
        if (isUnusable(body)) throw new TypeError('Response body object should not be disturbed or locked');
        if (body.stream === null) {
          body.used = true;
          const source = body.source;
          return [value.#status, headers, typeof source === 'string' ? 1 : 2, source];
        }
        return [value.#status, headers, 3, $.acquireReader(body.stream)];
      };
      defineBodyMixin(Response, (response) => response.#body, 'Response');
    }
  }
  $.setToStringTag(Response, 'Response');

  // --- FetchEvent ----------------------------------------------------------------------------

  class FetchEvent extends $.Event {
    #request;
    #promises = [];
    #response = null;

    constructor(type, init) {
      $.argumentsRequired("Failed to construct 'FetchEvent'", 2, arguments.length);
      super(type, init);
      if (!$.isRequest(init?.request)) {
        throw new TypeError("Failed to construct 'FetchEvent': member request is not of type 'Request'.");
      }
      this.#request = init.request;
    }

    get request() {
      return this.#request;
    }

    waitUntil(promise) {
      $.argumentsRequired("Failed to execute 'waitUntil' on 'FetchEvent'", 1, arguments.length);
      this.#promises.push(promise);
    }

    respondWith(response) {
      $.argumentsRequired("Failed to execute 'respondWith' on 'FetchEvent'", 1, arguments.length);
      if (this.#response !== null) {
        throw new $.DOMException('respondWith() was already called.', 'InvalidStateError');
      }
      this.#response = resolved(response);
    }

    static {
      $.waitUntilPromises = (event) => event.#promises.slice();
      $.respondedWith = (event) => event.#response;
    }
  }
  $.setToStringTag(FetchEvent, 'FetchEvent');

  $.unclonable.push($.isRequest, $.isResponse);
  $.defineGlobal('Request', Request);
  $.defineGlobal('Response', Response);
  $.defineGlobal('FetchEvent', FetchEvent);

  // --- what Rust keeps (web.rs `Internals`) ------------------------------------------------

  $.internals = {
    newRequest: $.newRequest,
    newFetchEvent: (request) => new FetchEvent('fetch', { request }),
    // One entry into script per request: the Request, its event, the handler's call and the
    // subscription to its result. Subscribing in the same entry also keeps an async handler
    // that fails at once from counting as an unhandled rejection.
    dispatch: (handler, method, url, flatHeaders, body, onFulfilled, onRejected) => {
      const request = $.newRequest(method, url, flatHeaders, body);
      const event = new FetchEvent('fetch', { request });
      try {
        $.then(Promise.resolve(handler(request, event)), onFulfilled, onRejected);
      } catch (error) {
        onRejected(error);
      }
      return event;
    },
    waitUntilPromises: $.waitUntilPromises,
    readResponse: $.readResponse,
    readChunk: $.readChunk,
    newPushStream: $.newPushStream,
    pushStreamEnqueue: $.pushStreamEnqueue,
    pushStreamClose: $.pushStreamClose,
    pushStreamError: (controller, message) => $.pushStreamError(controller, new TypeError(message)),
    pushStreamDesiredSize: $.pushStreamDesiredSize,
    abortRequest: (request, message) => $.abortRequest(request, message === undefined ? undefined : new $.DOMException(message, 'AbortError')),
  };
});
