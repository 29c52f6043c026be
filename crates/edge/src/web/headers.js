// Headers (WHATWG Fetch §5.2). Names are stored lowercased; iteration is "sort and combine".
(function (host, $) {
  'use strict';

  const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  // A header value after normalization: no NUL, CR or LF and nothing above U+00FF.
  const invalidValuePattern = /[\0\r\n\u0100-\uffff]/;
  const leadingWhitespace = /^[\t\n\r ]+/;
  const trailingWhitespace = /[\t\n\r ]+$/;

  function normalizeValue(value) {
    value = $.toDOMString(value);
    if (value.length === 0) return value;
    const first = value.charCodeAt(0);
    const last = value.charCodeAt(value.length - 1);
    if (first === 32 || first === 9 || first === 10 || first === 13 || last === 32 || last === 9 || last === 10 || last === 13) {
      value = value.replace(leadingWhitespace, '').replace(trailingWhitespace, '');
    }
    return value;
  }

  function validateName(name, where) {
    name = $.toDOMString(name);
    if (!tokenPattern.test(name)) {
      throw new TypeError(`Failed to execute '${where}' on 'Headers': Invalid name`);
    }
    return name.toLowerCase();
  }

  function validateValue(value, where) {
    if (invalidValuePattern.test(value)) {
      $.toByteString(value);
      throw new TypeError(`Failed to execute '${where}' on 'Headers': Invalid value`);
    }
    return value;
  }

  // The header list: flat [name, value, ...] in insertion order, plus a cached
  // "sort and combine" result.
  class HeaderList {
    constructor(entries = []) {
      this.entries = entries;
      this.sorted = null;
    }

    append(name, value) {
      this.entries.push(name, value);
      this.sorted = null;
    }

    get(name) {
      const entries = this.entries;
      let result = null;
      for (let i = 0; i < entries.length; i += 2) {
        if (entries[i] === name) result = result === null ? entries[i + 1] : `${result}, ${entries[i + 1]}`;
      }
      return result;
    }

    has(name) {
      const entries = this.entries;
      for (let i = 0; i < entries.length; i += 2) {
        if (entries[i] === name) return true;
      }
      return false;
    }

    delete(name) {
      const entries = this.entries;
      const kept = [];
      for (let i = 0; i < entries.length; i += 2) {
        if (entries[i] !== name) kept.push(entries[i], entries[i + 1]);
      }
      this.entries = kept;
      this.sorted = null;
    }

    set(name, value) {
      const entries = this.entries;
      const kept = [];
      let found = false;
      for (let i = 0; i < entries.length; i += 2) {
        if (entries[i] === name) {
          if (!found) kept.push(name, value);
          found = true;
        } else {
          kept.push(entries[i], entries[i + 1]);
        }
      }
      if (!found) kept.push(name, value);
      this.entries = kept;
      this.sorted = null;
    }

    // Fetch §5.2 "sort and combine": names sorted, values combined with ", " except
    // set-cookie, whose values stay separate.
    sortAndCombine() {
      if (this.sorted !== null) return this.sorted;
      const entries = this.entries;
      let result;
      if (entries.length <= 2) {
        result = entries.slice();
      } else {
        const names = [];
        for (let i = 0; i < entries.length; i += 2) {
          if (!names.includes(entries[i])) names.push(entries[i]);
        }
        names.sort();
        result = [];
        for (const name of names) {
          if (name === 'set-cookie') {
            for (let i = 0; i < entries.length; i += 2) {
              if (entries[i] === name) result.push(name, entries[i + 1]);
            }
          } else {
            result.push(name, this.get(name));
          }
        }
      }
      this.sorted = result;
      return result;
    }

    clone() {
      return new HeaderList(this.entries.slice());
    }
  }
  $.HeaderList = HeaderList;

  // A header list from the "name\0value\0..." string Rust passes for incoming requests.
  $.headerListFromFlat = (flat) => {
    if (flat === '') return new HeaderList();
    const entries = flat.split('\0');
    for (let i = 0; i < entries.length; i += 2) entries[i] = entries[i].toLowerCase();
    return new HeaderList(entries);
  };

  // Fills a header list from a HeadersInit (record, sequence of pairs or Headers).
  function fill(list, init, where) {
    if (!$.isObject(init)) {
      throw new TypeError(`Failed to construct '${where}': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.`);
    }
    if ($.isHeaders(init)) {
      const entries = $.headerListOf(init).entries;
      for (let i = 0; i < entries.length; i += 2) list.append(entries[i], entries[i + 1]);
      return;
    }
    const iteratorMethod = init[Symbol.iterator];
    if (iteratorMethod !== undefined && iteratorMethod !== null) {
      if (typeof iteratorMethod !== 'function') {
        throw new TypeError(`Failed to construct '${where}': The object must have a callable @@iterator property.`);
      }
      for (const pair of init) {
        const items = $.isObject(pair) ? Array.from(pair) : null;
        if (items === null || items.length !== 2) {
          throw new TypeError(`Failed to construct '${where}': Invalid value`);
        }
        appendChecked(list, items[0], items[1], 'append');
      }
      return;
    }
    for (const key of Reflect.ownKeys(init)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(init, key);
      if (descriptor === undefined || !descriptor.enumerable) continue;
      if (typeof key === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
      appendChecked(list, key, init[key], 'append');
    }
  }

  function appendChecked(list, name, value, where) {
    name = validateName(name, where);
    value = validateValue(normalizeValue(value), where);
    list.append(name, value);
  }

  class Headers {
    #list;
    #guard = 'none';

    constructor(init = undefined) {
      if (init === $.kInternal) return;
      this.#list = new HeaderList();
      if (init !== undefined) fill(this.#list, init, 'Headers');
    }

    #checkMutable() {
      if (this.#guard === 'immutable') throw new TypeError('Headers are immutable');
    }

    append(name, value) {
      $.argumentsRequired("Failed to execute 'append' on 'Headers'", 2, arguments.length);
      name = validateName(name, 'append');
      value = validateValue(normalizeValue(value), 'append');
      this.#checkMutable();
      this.#list.append(name, value);
    }

    delete(name) {
      $.argumentsRequired("Failed to execute 'delete' on 'Headers'", 1, arguments.length);
      name = validateName(name, 'delete');
      this.#checkMutable();
      if (this.#list.has(name)) this.#list.delete(name);
    }

    get(name) {
      $.argumentsRequired("Failed to execute 'get' on 'Headers'", 1, arguments.length);
      return this.#list.get(validateName(name, 'get'));
    }

    getSetCookie() {
      const entries = this.#list.entries;
      const values = [];
      for (let i = 0; i < entries.length; i += 2) {
        if (entries[i] === 'set-cookie') values.push(entries[i + 1]);
      }
      return values;
    }

    has(name) {
      $.argumentsRequired("Failed to execute 'has' on 'Headers'", 1, arguments.length);
      return this.#list.has(validateName(name, 'has'));
    }

    set(name, value) {
      $.argumentsRequired("Failed to execute 'set' on 'Headers'", 2, arguments.length);
      name = validateName(name, 'set');
      value = validateValue(normalizeValue(value), 'set');
      this.#checkMutable();
      this.#list.set(name, value);
    }

    [$.inspectCustom](depth, options, inspect) {
      const sorted = this.#list.sortAndCombine();
      if (sorted.length === 0) return 'Headers {}';
      const fields = {};
      for (let i = 0; i < sorted.length; i += 2) {
        const name = sorted[i];
        if (name in fields) {
          fields[name] = Array.isArray(fields[name]) ? [...fields[name], sorted[i + 1]] : [fields[name], sorted[i + 1]];
        } else {
          fields[name] = sorted[i + 1];
        }
      }
      return `Headers ${inspect(fields, options)}`;
    }

    static {
      $.isHeaders = (value) => $.isObject(value) && #list in value;
      $.headerListOf = (headers) => headers.#list;
      // A Headers object over an existing list (shared, not copied).
      $.headersFromList = (list, guard) => {
        const headers = new Headers($.kInternal);
        headers.#list = list;
        headers.#guard = guard;
        return headers;
      };
      $.fillHeaderList = fill;
      $.definePairIterable(Headers, 'Headers', (headers) => headers.#list.sortAndCombine());
    }
  }
  $.setToStringTag(Headers, 'Headers');

  $.Headers = Headers;
  $.unclonable.push($.isHeaders);
  $.defineGlobal('Headers', Headers);
});
