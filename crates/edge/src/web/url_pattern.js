// URLPattern (WICG URL Pattern standard). Parsing a pattern and canonicalizing what it is
// matched against are the Rust `urlpattern` crate's (`url_pattern.rs`); the pattern's regular
// expressions are compiled and run here, so they have the full ECMAScript syntax.
(function (host, $) {
  'use strict';

  const COMPONENTS = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search', 'hash'];
  const INIT_MEMBERS = [...COMPONENTS, 'baseURL'];

  const RegExpCtor = RegExp;
  const regExpExec = RegExp.prototype.exec;
  const ReflectApply = Reflect.apply;

  // WebIDL `(URLPatternInit or USVString)`: objects (and null / undefined) are dictionaries,
  // everything else a string. A dictionary goes to Rust as its nine members in fixed order.
  function toInput(value) {
    if (value === undefined || value === null) return INIT_MEMBERS.map(() => undefined);
    if (!$.isObject(value)) return $.toUSVString(value);
    return INIT_MEMBERS.map((name) => {
      const member = value[name];
      return member === undefined ? undefined : $.toUSVString(member);
    });
  }

  const toBaseURL = (value) => (value === undefined ? undefined : $.toUSVString(value));

  // The two constructor overloads, (input, baseURL, options) and (input, options): a second
  // argument that is an object (or absent) is the options.
  function constructorArguments(input, second, third) {
    if (second === undefined || second === null || $.isObject(second)) return { input, baseURL: undefined, options: second };
    return { input, baseURL: $.toUSVString(second), options: third };
  }

  function compile(source, flags, component) {
    try {
      return new RegExpCtor(source, flags);
    } catch (error) {
      throw new TypeError(
        `Failed to construct 'URLPattern': invalid regular expression in the ${component} component: ${error.message}`,
      );
    }
  }

  class URLPattern {
    // Per component, in COMPONENTS order.
    #patterns = [];
    #regexps = [];
    #groupNames = [];
    #hasRegExpGroups = false;

    constructor(input = undefined, baseURLOrOptions = undefined, options = undefined) {
      if (new.target === undefined) {
        throw new TypeError("Failed to construct 'URLPattern': Please use the 'new' operator.");
      }
      const args = constructorArguments(input, baseURLOrOptions, options);
      const ignoreCase = Boolean(args.options?.ignoreCase);
      // Rust throws a TypeError for a pattern it cannot parse.
      const parsed = host.urlPatternParse(toInput(args.input), args.baseURL, ignoreCase);
      this.#hasRegExpGroups = parsed[0];
      const flags = ignoreCase ? 'ui' : 'u';
      for (let i = 0; i < COMPONENTS.length; i++) {
        this.#patterns.push(parsed[1 + i * 3]);
        this.#regexps.push(compile(parsed[2 + i * 3], flags, COMPONENTS[i]));
        this.#groupNames.push(parsed[3 + i * 3]);
      }
    }

    test(input = undefined, baseURL = undefined) {
      return this.#match(input, baseURL) !== null;
    }

    exec(input = undefined, baseURL = undefined) {
      const matched = this.#match(input, baseURL);
      if (matched === null) return null;
      const result = { inputs: baseURL === undefined ? [input ?? {}] : [input, toBaseURL(baseURL)] };
      for (let i = 0; i < COMPONENTS.length; i++) {
        const { value, match } = matched[i];
        const groups = {};
        const names = this.#groupNames[i];
        // An optional group that did not take part reads as undefined.
        for (let g = 0; g < names.length; g++) groups[names[g]] = match[g + 1];
        result[COMPONENTS[i]] = { input: value, groups };
      }
      return result;
    }

    // The component values and their regexp matches, or null when any component differs.
    #match(input, baseURL) {
      const values = host.urlPatternMatchInput(toInput(input), toBaseURL(baseURL));
      if (values === null) return null;
      const matched = [];
      for (let i = 0; i < COMPONENTS.length; i++) {
        const match = ReflectApply(regExpExec, this.#regexps[i], [values[i]]);
        if (match === null) return null;
        matched.push({ value: values[i], match });
      }
      return matched;
    }

    get protocol() {
      return this.#patterns[0];
    }
    get username() {
      return this.#patterns[1];
    }
    get password() {
      return this.#patterns[2];
    }
    get hostname() {
      return this.#patterns[3];
    }
    get port() {
      return this.#patterns[4];
    }
    get pathname() {
      return this.#patterns[5];
    }
    get search() {
      return this.#patterns[6];
    }
    get hash() {
      return this.#patterns[7];
    }
    get hasRegExpGroups() {
      return this.#hasRegExpGroups;
    }

    [$.inspectCustom](depth, options, inspect) {
      const fields = {};
      for (let i = 0; i < COMPONENTS.length; i++) fields[COMPONENTS[i]] = this.#patterns[i];
      fields.hasRegExpGroups = this.#hasRegExpGroups;
      return `URLPattern ${inspect(fields, options)}`;
    }
  }
  $.setToStringTag(URLPattern, 'URLPattern');

  $.defineGlobal('URLPattern', URLPattern);
});
