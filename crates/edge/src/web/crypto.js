// crypto.getRandomValues and crypto.randomUUID (WebCrypto §10). `crypto.subtle` is not here.
(function (host, $) {
  'use strict';

  const integerArrays = new Set([
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
    'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
  ]);

  class Crypto {
    constructor(token) {
      if (token !== $.kInternal) throw new TypeError('Illegal constructor');
    }

    getRandomValues(array) {
      $.argumentsRequired("Failed to execute 'getRandomValues' on 'Crypto'", 1, arguments.length);
      const kind = $.typedArrayKind(array);
      if (kind === undefined) {
        throw new TypeError("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'.");
      }
      if (!integerArrays.has(kind)) {
        throw new $.DOMException(
          `Failed to execute 'getRandomValues' on 'Crypto': The provided ArrayBufferView is of type '${kind}', which is not an integer array type.`,
          'TypeMismatchError',
        );
      }
      const length = array.byteLength;
      if (length > 65536) {
        throw new $.DOMException(
          `Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (${length}) exceeds the number of bytes of entropy available via this API (65536).`,
          'QuotaExceededError',
        );
      }
      if (length > 0) {
        new Uint8Array(array.buffer, array.byteOffset, length).set(host.randomBytes(length));
      }
      return array;
    }

    randomUUID() {
      return host.randomUUID();
    }
  }
  $.setToStringTag(Crypto, 'Crypto');

  $.defineGlobal('Crypto', Crypto);
  $.defineGlobal('crypto', new Crypto($.kInternal));
});
