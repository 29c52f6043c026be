// URL and URLSearchParams (WHATWG URL). Parsing and the setters are the Rust `url` crate's
// (`url.rs`); a URL object keeps its serialization and the offsets of its components.
(function (host, $) {
  'use strict';

  // Offsets in the `parts` array returned by host.urlParse / host.urlSet.
  const SCHEME_END = 1;
  const USERNAME = 2;
  const PASSWORD = 4;
  const HOSTNAME = 6;
  const PORT = 8;
  const PATH = 10;
  const QUERY = 12;
  const FRAGMENT = 14;

  const SET_HREF = 0;
  const SET_PROTOCOL = 1;
  const SET_USERNAME = 2;
  const SET_PASSWORD = 3;
  const SET_HOST = 4;
  const SET_HOSTNAME = 5;
  const SET_PORT = 6;
  const SET_PATHNAME = 7;
  const SET_SEARCH = 8;
  const SET_HASH = 9;
  const SET_QUERY = 10;

  const parse = host.urlParse;
  const update = host.urlSet;

  const invalidURL = () => new TypeError('Invalid URL');

  class URL {
    #parts;
    #params = null;

    constructor(url, base = undefined) {
      if (url === $.kInternal) {
        this.#parts = base;
        return;
      }
      $.argumentsRequired("Failed to construct 'URL'", 1, arguments.length);
      const parts = parse($.toUSVString(url), base === undefined ? undefined : $.toUSVString(base));
      if (parts === null) throw invalidURL();
      this.#parts = parts;
    }

    static canParse(url, base = undefined) {
      $.argumentsRequired("Failed to execute 'canParse' on 'URL'", 1, arguments.length);
      return parse($.toUSVString(url), base === undefined ? undefined : $.toUSVString(base)) !== null;
    }

    static parse(url, base = undefined) {
      $.argumentsRequired("Failed to execute 'parse' on 'URL'", 1, arguments.length);
      const parts = parse($.toUSVString(url), base === undefined ? undefined : $.toUSVString(base));
      if (parts === null) return null;
      return new URL($.kInternal, parts);
    }

    #slice(start) {
      const parts = this.#parts;
      return parts[0].slice(parts[start], parts[start + 1]);
    }

    #set(kind, value) {
      const parts = update(this.#parts[0], kind, $.toUSVString(value));
      if (parts === null) return false;
      this.#parts = parts;
      if (this.#params !== null && (kind === SET_HREF || kind === SET_SEARCH)) {
        $.resetParams(this.#params, this.#slice(QUERY));
      }
      return true;
    }

    get href() {
      return this.#parts[0];
    }
    set href(value) {
      if (!this.#set(SET_HREF, value)) throw invalidURL();
    }
    get origin() {
      return host.urlOrigin(this.#parts[0]);
    }
    get protocol() {
      return `${this.#parts[0].slice(0, this.#parts[SCHEME_END])}:`;
    }
    set protocol(value) {
      this.#set(SET_PROTOCOL, value);
    }
    get username() {
      return this.#slice(USERNAME);
    }
    set username(value) {
      this.#set(SET_USERNAME, value);
    }
    get password() {
      return this.#slice(PASSWORD);
    }
    set password(value) {
      this.#set(SET_PASSWORD, value);
    }
    get host() {
      const port = this.#slice(PORT);
      const hostname = this.#slice(HOSTNAME);
      return port === '' ? hostname : `${hostname}:${port}`;
    }
    set host(value) {
      this.#set(SET_HOST, value);
    }
    get hostname() {
      return this.#slice(HOSTNAME);
    }
    set hostname(value) {
      this.#set(SET_HOSTNAME, value);
    }
    get port() {
      return this.#slice(PORT);
    }
    set port(value) {
      this.#set(SET_PORT, value);
    }
    get pathname() {
      return this.#slice(PATH);
    }
    set pathname(value) {
      this.#set(SET_PATHNAME, value);
    }
    get search() {
      const query = this.#slice(QUERY);
      return query === '' ? '' : `?${query}`;
    }
    set search(value) {
      this.#set(SET_SEARCH, value);
    }
    get searchParams() {
      if (this.#params === null) this.#params = $.newLinkedParams(this, this.#slice(QUERY));
      return this.#params;
    }
    get hash() {
      const fragment = this.#slice(FRAGMENT);
      return fragment === '' ? '' : `#${fragment}`;
    }
    set hash(value) {
      this.#set(SET_HASH, value);
    }
    toString() {
      return this.#parts[0];
    }
    toJSON() {
      return this.#parts[0];
    }

    [$.inspectCustom](depth, options, inspect) {
      if (depth !== null && depth < 0) return '[URL]';
      const fields = {
        href: this.href,
        origin: this.origin,
        protocol: this.protocol,
        username: this.username,
        password: this.password,
        host: this.host,
        hostname: this.hostname,
        port: this.port,
        pathname: this.pathname,
        search: this.search,
        searchParams: this.searchParams,
        hash: this.hash,
      };
      return `URL ${inspect(fields, options)}`;
    }

    static {
      $.isURL = (value) => $.isObject(value) && #parts in value;
      // The query of `url` after its URLSearchParams changed ('' sets it to null).
      $.setURLQuery = (url, query) => {
        const parts = update(url.#parts[0], SET_QUERY, query);
        if (parts !== null) url.#parts = parts;
      };
    }
  }
  $.setToStringTag(URL, 'URL');

  // --- application/x-www-form-urlencoded ---------------------------------------------------

  function decodeComponent(text) {
    if (text.includes('+')) text = text.replaceAll('+', ' ');
    if (!text.includes('%')) return text;
    try {
      return decodeURIComponent(text);
    } catch {
      return host.percentDecode(text);
    }
  }

  function parseQuery(input) {
    const list = [];
    if (input === '') return list;
    for (const sequence of input.split('&')) {
      if (sequence === '') continue;
      const eq = sequence.indexOf('=');
      if (eq === -1) {
        list.push(decodeComponent(sequence), '');
      } else {
        list.push(decodeComponent(sequence.slice(0, eq)), decodeComponent(sequence.slice(eq + 1)));
      }
    }
    return list;
  }

  const needsEncoding = /[^A-Za-z0-9*\-._]/;
  const reencode = /%20|[!'()~]/g;
  const reencodeChar = (match) => (match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`);
  function encodeComponent(text) {
    if (!needsEncoding.test(text)) return text;
    return encodeURIComponent(text).replace(reencode, reencodeChar);
  }

  function serializeQuery(list) {
    let output = '';
    for (let i = 0; i < list.length; i += 2) {
      if (i !== 0) output += '&';
      output += `${encodeComponent(list[i])}=${encodeComponent(list[i + 1])}`;
    }
    return output;
  }
  $.parseFormUrlencoded = parseQuery;
  $.serializeFormUrlencoded = serializeQuery;

  class URLSearchParams {
    #list = [];
    #url = null;

    constructor(init = '') {
      if (init === $.kInternal) return;
      if ((typeof init === 'object' && init !== null) || typeof init === 'function') {
        const iteratorMethod = init[Symbol.iterator];
        if (iteratorMethod !== undefined && iteratorMethod !== null) {
          if (typeof iteratorMethod !== 'function') {
            throw new TypeError("Failed to construct 'URLSearchParams': The object must have a callable @@iterator property.");
          }
          for (const pair of init) {
            const items = $.isObject(pair) && typeof pair !== 'string' ? Array.from(pair) : null;
            if (items === null || items.length !== 2) {
              throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
            }
            this.#list.push($.toUSVString(items[0]), $.toUSVString(items[1]));
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            if (typeof key !== 'string') continue;
            const descriptor = Reflect.getOwnPropertyDescriptor(init, key);
            if (descriptor === undefined || !descriptor.enumerable) continue;
            this.#list.push($.toUSVString(key), $.toUSVString(init[key]));
          }
        }
      } else {
        let query = $.toUSVString(init);
        if (query.startsWith('?')) query = query.slice(1);
        this.#list = parseQuery(query);
      }
    }

    #update() {
      if (this.#url !== null) $.setURLQuery(this.#url, serializeQuery(this.#list));
    }

    get size() {
      return this.#list.length / 2;
    }

    append(name, value) {
      $.argumentsRequired("Failed to execute 'append' on 'URLSearchParams'", 2, arguments.length);
      this.#list.push($.toUSVString(name), $.toUSVString(value));
      this.#update();
    }

    delete(name, value = undefined) {
      $.argumentsRequired("Failed to execute 'delete' on 'URLSearchParams'", 1, arguments.length);
      name = $.toUSVString(name);
      if (value !== undefined) value = $.toUSVString(value);
      const list = this.#list;
      const kept = [];
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name && (value === undefined || list[i + 1] === value)) continue;
        kept.push(list[i], list[i + 1]);
      }
      this.#list = kept;
      this.#update();
    }

    get(name) {
      $.argumentsRequired("Failed to execute 'get' on 'URLSearchParams'", 1, arguments.length);
      name = $.toUSVString(name);
      const list = this.#list;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name) return list[i + 1];
      }
      return null;
    }

    getAll(name) {
      $.argumentsRequired("Failed to execute 'getAll' on 'URLSearchParams'", 1, arguments.length);
      name = $.toUSVString(name);
      const list = this.#list;
      const values = [];
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name) values.push(list[i + 1]);
      }
      return values;
    }

    has(name, value = undefined) {
      $.argumentsRequired("Failed to execute 'has' on 'URLSearchParams'", 1, arguments.length);
      name = $.toUSVString(name);
      if (value !== undefined) value = $.toUSVString(value);
      const list = this.#list;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name && (value === undefined || list[i + 1] === value)) return true;
      }
      return false;
    }

    set(name, value) {
      $.argumentsRequired("Failed to execute 'set' on 'URLSearchParams'", 2, arguments.length);
      name = $.toUSVString(name);
      value = $.toUSVString(value);
      const list = this.#list;
      const kept = [];
      let found = false;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name) {
          if (found) continue;
          found = true;
          kept.push(name, value);
        } else {
          kept.push(list[i], list[i + 1]);
        }
      }
      if (!found) kept.push(name, value);
      this.#list = kept;
      this.#update();
    }

    sort() {
      const list = this.#list;
      const pairs = [];
      for (let i = 0; i < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
      // Array.prototype.sort is stable; names compare by UTF-16 code units.
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#list = pairs.flat();
      this.#update();
    }

    toString() {
      return serializeQuery(this.#list);
    }

    [$.inspectCustom](depth, options, inspect) {
      const list = this.#list;
      if (list.length === 0) return 'URLSearchParams {}';
      const output = [];
      for (let i = 0; i < list.length; i += 2) {
        output.push(`${inspect(list[i], options)} => ${inspect(list[i + 1], options)}`);
      }
      return `URLSearchParams { ${output.join(', ')} }`;
    }

    static {
      $.isURLSearchParams = (value) => $.isObject(value) && #list in value;
      $.newLinkedParams = (url, query) => {
        const params = new URLSearchParams($.kInternal);
        params.#url = url;
        params.#list = parseQuery(query);
        return params;
      };
      $.resetParams = (params, query) => {
        params.#list = parseQuery(query);
      };
      $.definePairIterable(URLSearchParams, 'URLSearchParams', (params) => params.#list);
    }
  }
  $.setToStringTag(URLSearchParams, 'URLSearchParams');

  $.unclonable.push($.isURL, $.isURLSearchParams);
  $.URL = URL;
  $.URLSearchParams = URLSearchParams;
  $.defineGlobal('URL', URL);
  $.defineGlobal('URLSearchParams', URLSearchParams);
});
