// TextEncoder, TextDecoder, TextEncoderStream, TextDecoderStream (WHATWG Encoding) and
// atob/btoa (HTML §8.3). The byte work is Rust's.
(function (host, $) {
  'use strict';

  const hostEncodeUtf8 = host.encodeUtf8;
  const encodeUtf8 = (string) => {
    $.checkEncodeUtf8(string);
    return hostEncodeUtf8(string);
  };

  // Below this length, encodeInto encodes in script: React's renderer calls it for every small
  // piece of HTML, and a jitted loop beats a call into Rust plus a temporary buffer there.
  const SCRIPT_ENCODE_MAX = 1024;

  /** UTF-8 of `source` (lone surrogates as U+FFFD) into `destination`, as far as it fits. */
  function encodeIntoScript(source, destination) {
    const length = source.length;
    const capacity = destination.length;
    let read = 0;
    let written = 0;
    while (read < length) {
      let code = source.charCodeAt(read);
      if (code < 0x80) {
        if (written >= capacity) break;
        destination[written++] = code;
        read++;
        continue;
      }
      let units = 1;
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = code <= 0xdbff && read + 1 < length ? source.charCodeAt(read + 1) : 0;
        if (next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          units = 2;
        } else {
          code = 0xfffd;
        }
      }
      if (code < 0x800) {
        if (written + 2 > capacity) break;
        destination[written++] = 0xc0 | (code >> 6);
      } else if (code < 0x10000) {
        if (written + 3 > capacity) break;
        destination[written++] = 0xe0 | (code >> 12);
        destination[written++] = 0x80 | ((code >> 6) & 0x3f);
      } else {
        if (written + 4 > capacity) break;
        destination[written++] = 0xf0 | (code >> 18);
        destination[written++] = 0x80 | ((code >> 12) & 0x3f);
        destination[written++] = 0x80 | ((code >> 6) & 0x3f);
      }
      destination[written++] = 0x80 | (code & 0x3f);
      read += units;
    }
    return { read, written };
  }

  class TextEncoder {
    constructor() {}

    get encoding() {
      return 'utf-8';
    }

    encode(input = '') {
      return encodeUtf8($.toDOMString(input));
    }

    encodeInto(source, destination) {
      $.argumentsRequired("Failed to execute 'encodeInto' on 'TextEncoder'", 2, arguments.length);
      source = $.toDOMString(source);
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
      }
      if (source.length <= SCRIPT_ENCODE_MAX) return encodeIntoScript(source, destination);
      const bytes = encodeUtf8(source);
      const capacity = destination.length;
      if (bytes.length <= capacity) {
        destination.set(bytes);
        return { read: source.length, written: bytes.length };
      }
      let read = 0;
      let written = 0;
      for (const char of source) {
        const code = char.codePointAt(0);
        const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        if (written + size > capacity) break;
        written += size;
        read += char.length;
      }
      destination.set(bytes.subarray(0, written));
      return { read, written };
    }

    [$.inspectCustom]() {
      return "TextEncoder { encoding: 'utf-8' }";
    }
  }
  $.setToStringTag(TextEncoder, 'TextEncoder');

  // Streaming decoders live in Rust; one left mid-stream is freed when its TextDecoder is.
  const registry = new FinalizationRegistry((handle) => host.decoderFree(handle));

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    #handle = 0;

    constructor(label = 'utf-8', options = undefined) {
      label = $.toDOMString(label);
      const encoding = host.encodingForLabel(label);
      if (encoding === null) {
        throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${label}') is invalid.`);
      }
      this.#encoding = encoding;
      this.#fatal = !!options?.fatal;
      this.#ignoreBOM = !!options?.ignoreBOM;
    }

    get encoding() {
      return this.#encoding;
    }

    get fatal() {
      return this.#fatal;
    }

    get ignoreBOM() {
      return this.#ignoreBOM;
    }

    decode(input = undefined, options = undefined) {
      let bytes;
      if (input === undefined || input === null) {
        bytes = new Uint8Array(0);
      } else {
        bytes = $.bytesOf(input);
        if (bytes === undefined) {
          throw new TypeError(
            "Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type '(ArrayBuffer or ArrayBufferView)'.",
          );
        }
      }
      const stream = !!options?.stream;
      let result;
      if (this.#handle === 0 && !stream) {
        if (this.#encoding === 'utf-8' && !this.#fatal) return host.decodeUtf8(bytes, this.#ignoreBOM);
        result = host.decode(this.#encoding, bytes, this.#fatal, this.#ignoreBOM);
      } else {
        if (this.#handle === 0) {
          this.#handle = host.decoderOpen(this.#encoding, this.#ignoreBOM);
          registry.register(this, this.#handle, this);
        }
        result = host.decoderDecode(this.#handle, bytes, this.#fatal, !stream);
        if (!stream || result === null) {
          registry.unregister(this);
          this.#handle = 0;
        }
      }
      if (result === null) {
        throw new TypeError(`The encoded data was not valid for encoding ${this.#encoding}`);
      }
      return result;
    }

    [$.inspectCustom](depth, options, inspect) {
      const fields = { encoding: this.#encoding, fatal: this.#fatal, ignoreBOM: this.#ignoreBOM };
      return `TextDecoder ${inspect(fields, options)}`;
    }
  }
  $.setToStringTag(TextDecoder, 'TextDecoder');

  // --- TextEncoderStream and TextDecoderStream (Encoding §7), TransformStreams inside -----

  const transformStreams = new WeakMap();
  const transformOf = (object, name) => {
    const stream = transformStreams.get(object);
    if (stream === undefined) throw new TypeError(`Illegal invocation: not a ${name}`);
    return stream;
  };
  const newTransformStream = (transform, flush) => {
    $.require('streams');
    return $.newTransformStream(transform, flush);
  };

  class TextEncoderStream {
    constructor() {
      // A high surrogate at the end of a chunk waits for the low surrogate in the next one.
      let pending = '';
      const stream = newTransformStream(
        (chunk, enqueue) => {
          let string = pending + $.toDOMString(chunk);
          pending = '';
          const last = string.charCodeAt(string.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) {
            pending = string.slice(-1);
            string = string.slice(0, -1);
          }
          if (string.length > 0) enqueue(encodeUtf8(string));
        },
        (enqueue) => {
          if (pending !== '') enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
        },
      );
      transformStreams.set(this, stream);
    }

    get encoding() {
      transformOf(this, 'TextEncoderStream');
      return 'utf-8';
    }

    get readable() {
      return transformOf(this, 'TextEncoderStream').readable;
    }

    get writable() {
      return transformOf(this, 'TextEncoderStream').writable;
    }
  }
  $.setToStringTag(TextEncoderStream, 'TextEncoderStream');

  const decoderOptions = new WeakMap();

  class TextDecoderStream {
    constructor(label = 'utf-8', options = undefined) {
      const decoder = new TextDecoder(label, options);
      const stream = newTransformStream(
        (chunk, enqueue) => {
          if ($.bytesOf(chunk) === undefined) {
            throw new TypeError("Failed to execute 'transform' on 'TextDecoderStream': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
          }
          const text = decoder.decode(chunk, { stream: true });
          if (text.length > 0) enqueue(text);
        },
        (enqueue) => {
          const text = decoder.decode();
          if (text.length > 0) enqueue(text);
        },
      );
      transformStreams.set(this, stream);
      decoderOptions.set(this, decoder);
    }

    get encoding() {
      transformOf(this, 'TextDecoderStream');
      return decoderOptions.get(this).encoding;
    }

    get fatal() {
      transformOf(this, 'TextDecoderStream');
      return decoderOptions.get(this).fatal;
    }

    get ignoreBOM() {
      transformOf(this, 'TextDecoderStream');
      return decoderOptions.get(this).ignoreBOM;
    }

    get readable() {
      return transformOf(this, 'TextDecoderStream').readable;
    }

    get writable() {
      return transformOf(this, 'TextDecoderStream').writable;
    }
  }
  $.setToStringTag(TextDecoderStream, 'TextDecoderStream');

  $.defineGlobal('TextEncoderStream', TextEncoderStream);
  $.defineGlobal('TextDecoderStream', TextDecoderStream);
  $.defineGlobal('TextEncoder', TextEncoder);
  $.defineGlobal('TextDecoder', TextDecoder);

  $.defineGlobal('atob', function atob(data) {
    $.argumentsRequired("Failed to execute 'atob'", 1, arguments.length);
    const result = host.atob($.toDOMString(data));
    if (result === null) {
      throw new $.DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    }
    return result;
  });
  $.defineGlobal('btoa', function btoa(data) {
    $.argumentsRequired("Failed to execute 'btoa'", 1, arguments.length);
    const result = host.btoa($.toDOMString(data));
    if (result === null) {
      throw new $.DOMException('The string to be encoded contains characters outside of the Latin1 range.', 'InvalidCharacterError');
    }
    return result;
  });
});
