// console, with Node.js-style formatting (util.format / util.inspect for the common types).
(function (host, $) {
  'use strict';

  const write = host.consoleWrite;
  const LEVEL = { debug: 0, log: 1, info: 2, warn: 3, error: 4, trace: 5 };

  const kObjectType = 0;
  const kArrayExtrasType = 1;

  const ObjectPrototypeToString = Object.prototype.toString;
  const ErrorPrototypeToString = Error.prototype.toString;
  const FunctionPrototypeToString = Function.prototype.toString;
  const hasOwn = Object.hasOwn;
  const isEnumerable = (object, key) => Object.prototype.propertyIsEnumerable.call(object, key);

  const builtinTag = (value) => ObjectPrototypeToString.call(value).slice(8, -1);
  const brand = (getter) => (value) => {
    try {
      getter.call(value);
      return true;
    } catch {
      return false;
    }
  };
  const isMap = brand(Object.getOwnPropertyDescriptor(Map.prototype, 'size').get);
  const isSet = brand(Object.getOwnPropertyDescriptor(Set.prototype, 'size').get);
  const isDate = brand(Date.prototype.getTime);
  const isRegExp = brand(Object.getOwnPropertyDescriptor(RegExp.prototype, 'source').get);
  const isWeakMap = brand(WeakMap.prototype.has);
  const isWeakSet = brand(WeakSet.prototype.has);
  const isNumberObject = brand(Number.prototype.valueOf);
  const isStringObject = brand(String.prototype.valueOf);
  const isBooleanObject = brand(Boolean.prototype.valueOf);
  const isBigIntObject = brand(BigInt.prototype.valueOf);
  const isSymbolObject = brand(Symbol.prototype.valueOf);
  const isDataView = brand(Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get);
  const isPromise = (value) => value instanceof Promise || builtinTag(value) === 'Promise';
  const isError = (value) => value instanceof Error || builtinTag(value) === 'Error' || $.isDOMException(value);

  const defaultOptions = {
    depth: 2,
    breakLength: 80,
    compact: 3,
    maxArrayLength: 100,
    maxStringLength: 10000,
    sorted: false,
    getters: false,
    showHidden: false,
  };

  function inspect(value, options = undefined) {
    const ctx = {
      ...defaultOptions,
      seen: [],
      circular: undefined,
      indentationLvl: 0,
      currentDepth: 0,
    };
    if (options !== null && typeof options === 'object') {
      for (const key of Object.keys(defaultOptions)) {
        if (options[key] !== undefined) ctx[key] = options[key];
      }
    }
    if (ctx.depth === Infinity) ctx.depth = null;
    return formatValue(ctx, value, 0);
  }
  inspect.custom = $.inspectCustom;
  $.inspect = inspect;

  // --- strings ------------------------------------------------------------------------

  const meta = [
    '\\x00', '\\x01', '\\x02', '\\x03', '\\x04', '\\x05', '\\x06', '\\x07',
    '\\b', '\\t', '\\n', '\\x0B', '\\f', '\\r', '\\x0E', '\\x0F',
    '\\x10', '\\x11', '\\x12', '\\x13', '\\x14', '\\x15', '\\x16', '\\x17',
    '\\x18', '\\x19', '\\x1A', '\\x1B', '\\x1C', '\\x1D', '\\x1E', '\\x1F',
  ];
  const escapeSingle = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const escapeDouble = /[\x00-\x1f\x22\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const escapeBacktick = /[\x00-\x1f\x60\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

  function escapeChar(char) {
    const code = char.charCodeAt(0);
    if (code < 32) return meta[code];
    if (char === '\\') return '\\\\';
    if (char === "'" || char === '"' || char === '`') return `\\${char}`;
    return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }

  function strEscape(string) {
    let quote = "'";
    let pattern = escapeSingle;
    if (string.includes("'")) {
      if (!string.includes('"')) {
        quote = '"';
        pattern = escapeDouble;
      } else if (!string.includes('`') && !string.includes('${')) {
        quote = '`';
        pattern = escapeBacktick;
      }
    }
    pattern.lastIndex = 0;
    const escaped = string.replace(pattern, (char) => {
      const code = char.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) return `\\u${code.toString(16).toUpperCase()}`;
      return escapeChar(char);
    });
    return `${quote}${escaped}${quote}`;
  }

  function formatNumber(value) {
    return Object.is(value, -0) ? '-0' : `${value}`;
  }

  function formatPrimitive(ctx, value) {
    switch (typeof value) {
      case 'string': {
        let trailer = '';
        if (value.length > ctx.maxStringLength) {
          const remaining = value.length - ctx.maxStringLength;
          value = value.slice(0, ctx.maxStringLength);
          trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
        }
        if (ctx.compact !== true && value.length > 16 && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
          return value
            .split(/(?<=\n)/)
            .map((line) => strEscape(line))
            .join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
        }
        return strEscape(value) + trailer;
      }
      case 'number':
        return formatNumber(value);
      case 'bigint':
        return `${value}n`;
      case 'boolean':
        return `${value}`;
      case 'undefined':
        return 'undefined';
      case 'symbol':
        return symbolToString(value);
      default:
        return String(value);
    }
  }

  function symbolToString(symbol) {
    const description = symbol.description;
    return description === undefined ? 'Symbol()' : `Symbol(${description})`;
  }

  // --- objects ------------------------------------------------------------------------

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx, value);
    if (value === null) return 'null';

    let custom;
    try {
      custom = value[$.inspectCustom];
    } catch {
      custom = undefined;
    }
    if (typeof custom === 'function' && custom !== inspect) {
      const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
      const options = { ...ctx, depth, seen: undefined, circular: undefined };
      const result = Reflect.apply(custom, value, [depth, options, inspect]);
      if (result !== value) {
        if (typeof result !== 'string') return formatValue(ctx, result, recurseTimes);
        return result.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
      }
    }

    if (ctx.seen.includes(value)) {
      let index = 1;
      if (ctx.circular === undefined) {
        ctx.circular = new Map([[value, index]]);
      } else {
        index = ctx.circular.get(value);
        if (index === undefined) {
          index = ctx.circular.size + 1;
          ctx.circular.set(value, index);
        }
      }
      return `[Circular *${index}]`;
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function getConstructorName(object) {
    let current = object;
    while (current !== null && current !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(current, 'constructor');
      if (descriptor !== undefined && typeof descriptor.value === 'function' && descriptor.value.name !== '') {
        return descriptor.value.name;
      }
      current = Object.getPrototypeOf(current);
    }
    return null;
  }

  function getPrefix(constructor, tag, fallback, size = '') {
    if (constructor === null) {
      if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
      return `[${fallback}${size}: null prototype] `;
    }
    if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
    return `${constructor}${size} `;
  }

  function getKeys(value) {
    const keys = Object.keys(value);
    const symbols = Object.getOwnPropertySymbols(value);
    for (const symbol of symbols) {
      if (isEnumerable(value, symbol)) keys.push(symbol);
    }
    return keys;
  }

  const isIndex = (key) => typeof key === 'string' && /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;

  function getFunctionBase(value, constructor, tag) {
    let source = '';
    try {
      source = FunctionPrototypeToString.call(value);
    } catch {}
    if (source.startsWith('class') && /^class\s*[\s{A-Za-z_$]/.test(source)) {
      let base = `[class ${value.name || '(anonymous)'}`;
      const superclass = Object.getPrototypeOf(value);
      if (superclass !== null && superclass !== Function.prototype && superclass.name) {
        base += ` extends ${superclass.name}`;
      }
      return `${base}]`;
    }
    let type = 'Function';
    const kind = builtinTag(value);
    if (kind === 'AsyncFunction' || kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction') type = kind;
    let base = `[${type}`;
    if (constructor === null) base += ' (null prototype)';
    base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
    base += ']';
    if (constructor !== type && constructor !== null && constructor !== 'Function') base += ` ${constructor}`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    return base;
  }

  // JSC frames look like `fn@file:line:col`; print them the way V8 does.
  function formatStackFrames(stack) {
    return stack
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const at = line.indexOf('@');
        if (at === -1) return `    at ${line}`;
        const name = line.slice(0, at);
        const location = line.slice(at + 1);
        if (name === '' || name === 'global code') return `    at ${location}`;
        return `    at ${name} (${location})`;
      })
      .join('\n');
  }

  function formatError(ctx, error, constructor, keys) {
    let name;
    let message;
    let stack;
    try {
      name = error.name;
      message = error.message;
      stack = error.stack;
    } catch {}
    name = name === undefined || name === null ? 'Error' : `${name}`;
    message = message === undefined || message === null ? '' : `${message}`;
    let head = message === '' ? name : `${name}: ${message}`;
    if (constructor !== null && constructor !== name && !head.includes(constructor) && !$.isDOMException(error)) {
      head = `${constructor} [${name}]${message === '' ? '' : `: ${message}`}`;
    }
    if (typeof error.cause !== 'undefined' || hasOwn(error, 'cause')) {
      if (!keys.includes('cause')) keys.push('cause');
    }
    if (Array.isArray(error.errors) && !keys.includes('errors')) keys.push('errors');
    let result;
    if (typeof stack === 'string' && stack !== '') {
      // V8 stacks start with the header; JSC stacks hold only the frames.
      result = stack.startsWith(head) ? stack : `${head}\n${formatStackFrames(stack)}`;
    } else {
      result = `[${head}]`;
    }
    if (ctx.indentationLvl !== 0) {
      result = result.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
    }
    return result;
  }

  function formatRaw(ctx, value, recurseTimes, typedArray) {
    let keys;
    const constructor = getConstructorName(value);
    let tag = '';
    try {
      tag = value[Symbol.toStringTag];
    } catch {}
    if (typeof tag !== 'string' || (tag !== '' && constructor === tag)) tag = '';

    let base = '';
    let formatter = () => [];
    let braces;
    let extrasType = kObjectType;

    if (Array.isArray(value)) {
      const prefix = constructor !== 'Array' || tag !== '' ? getPrefix(constructor, tag, 'Array', `(${value.length})`) : '';
      keys = getKeys(value).filter((key) => !isIndex(key));
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (isSet(value)) {
      const size = value.size;
      const prefix = getPrefix(constructor, tag, 'Set', `(${size})`);
      keys = getKeys(value);
      formatter = formatSet;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (isMap(value)) {
      const size = value.size;
      const prefix = getPrefix(constructor, tag, 'Map', `(${size})`);
      keys = getKeys(value);
      formatter = formatMap;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if ($.typedArrayKind(value) !== undefined) {
      const fallback = $.typedArrayKind(value);
      const size = value.length;
      const prefix = getPrefix(constructor, tag, fallback, `(${size})`);
      keys = getKeys(value).filter((key) => !isIndex(key));
      braces = [`${prefix}[`, ']'];
      if (size === 0 && keys.length === 0) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = kArrayExtrasType;
    } else {
      keys = getKeys(value);
      braces = ['{', '}'];
      if (constructor === 'Object' && !isError(value)) {
        if (tag !== '') braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
        if (keys.length === 0) return `${braces[0]}}`;
      } else if (typeof value === 'function') {
        base = getFunctionBase(value, constructor, tag);
        if (keys.length === 0) return base;
      } else if (isRegExp(value)) {
        base = RegExp.prototype.toString.call(value);
        const prefix = getPrefix(constructor, tag, 'RegExp');
        if (prefix !== 'RegExp ') base = `${prefix}${base}`;
        if (keys.length === 0) return base;
      } else if (isDate(value)) {
        const time = Date.prototype.getTime.call(value);
        base = Number.isNaN(time) ? 'Invalid Date' : Date.prototype.toISOString.call(value);
        const prefix = getPrefix(constructor, tag, 'Date');
        if (prefix !== 'Date ') base = `${prefix}${base}`;
        if (keys.length === 0) return base;
      } else if (isError(value)) {
        base = formatError(ctx, value, constructor, keys);
        if (keys.length === 0) return base;
      } else if ($.isArrayBuffer(value) || $.isSharedArrayBuffer(value)) {
        const type = $.isArrayBuffer(value) ? 'ArrayBuffer' : 'SharedArrayBuffer';
        const prefix = getPrefix(constructor, tag, type);
        if (typedArray === undefined) {
          formatter = formatArrayBuffer;
        } else if (keys.length === 0) {
          return `${prefix}{ byteLength: ${formatNumber(value.byteLength)} }`;
        }
        braces[0] = `${prefix}{`;
        keys.unshift('byteLength');
      } else if (isDataView(value)) {
        braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`;
        keys.unshift('byteLength', 'byteOffset', 'buffer');
      } else if (isPromise(value)) {
        braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`;
        formatter = () => ['<unknown>'];
      } else if (isWeakSet(value)) {
        braces[0] = `${getPrefix(constructor, tag, 'WeakSet')}{`;
        formatter = () => ['<items unknown>'];
      } else if (isWeakMap(value)) {
        braces[0] = `${getPrefix(constructor, tag, 'WeakMap')}{`;
        formatter = () => ['<items unknown>'];
      } else if (isNumberObject(value) || isStringObject(value) || isBooleanObject(value) || isBigIntObject(value) || isSymbolObject(value)) {
        let type;
        let primitive;
        if (isNumberObject(value)) {
          type = 'Number';
          primitive = formatNumber(Number.prototype.valueOf.call(value));
        } else if (isStringObject(value)) {
          type = 'String';
          const string = String.prototype.valueOf.call(value);
          primitive = strEscape(string);
          keys = keys.filter((key) => !isIndex(key));
        } else if (isBooleanObject(value)) {
          type = 'Boolean';
          primitive = `${Boolean.prototype.valueOf.call(value)}`;
        } else if (isBigIntObject(value)) {
          type = 'BigInt';
          primitive = `${BigInt.prototype.valueOf.call(value)}n`;
        } else {
          type = 'Symbol';
          primitive = symbolToString(Symbol.prototype.valueOf.call(value));
        }
        base = `[${type}`;
        if (type !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
        base += `: ${primitive}]`;
        if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
        if (keys.length === 0) return base;
      } else {
        if (keys.length === 0) return `${getPrefix(constructor, tag, 'Object')}{}`;
        braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
      }
    }

    if (ctx.depth !== null && recurseTimes > ctx.depth) {
      let name = getPrefix(constructor, tag, 'Object').slice(0, -1);
      if (constructor !== null) name = `[${name}]`;
      if (Array.isArray(value)) name = '[Array]';
      return name;
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
    } finally {
      ctx.seen.pop();
    }
    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const reference = `<ref *${index}>`;
        base = base === '' ? reference : `${reference} ${base}`;
      }
    }
    if (ctx.sorted) output.sort();
    return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  }

  function formatProperty(ctx, value, recurseTimes, key, type) {
    let name;
    let str;
    let extra = ' ';
    const descriptor = Object.getOwnPropertyDescriptor(value, key) ?? { value: value[key], enumerable: true };
    if (descriptor.value !== undefined) {
      const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
      ctx.indentationLvl += diff;
      str = formatValue(ctx, descriptor.value, recurseTimes);
      if (diff === 3 && ctx.breakLength < str.length) extra = `\n${' '.repeat(ctx.indentationLvl)}`;
      ctx.indentationLvl -= diff;
    } else if (descriptor.get !== undefined) {
      str = descriptor.set !== undefined ? '[Getter/Setter]' : '[Getter]';
    } else if (descriptor.set !== undefined) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (type === kArrayExtrasType && isIndex(key)) return str;
    if (typeof key === 'symbol') {
      name = `[${symbolToString(key).replace(escapeSingle, escapeChar)}]`;
    } else if (key === '__proto__') {
      name = "['__proto__']";
    } else if (descriptor.enumerable === false) {
      name = `[${/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key) ? key : strEscape(key)}]`;
    } else if (/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key)) {
      name = key;
    } else {
      name = strEscape(key);
    }
    return `${name}:${extra}${str}`;
  }

  function formatArray(ctx, value, recurseTimes) {
    const length = value.length;
    const max = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const output = [];
    let holes = 0;
    const flushHoles = () => {
      if (holes > 0) {
        output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
        holes = 0;
      }
    };
    for (let i = 0; i < max; i++) {
      if (!hasOwn(value, i)) {
        holes++;
        continue;
      }
      flushHoles();
      output.push(formatProperty(ctx, value, recurseTimes, `${i}`, kArrayExtrasType));
    }
    flushHoles();
    const remaining = length - max;
    if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    return output;
  }

  function formatTypedArray(ctx, value) {
    const length = value.length;
    const max = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const output = new Array(max);
    for (let i = 0; i < max; i++) {
      output[i] = typeof value[i] === 'bigint' ? `${value[i]}n` : formatNumber(value[i]);
    }
    const remaining = length - max;
    if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    return output;
  }

  function formatArrayBuffer(ctx, value) {
    let bytes;
    try {
      bytes = new Uint8Array(value);
    } catch {
      return ['(detached)'];
    }
    const max = Math.min(ctx.maxArrayLength, bytes.length);
    let hex = '';
    for (let i = 0; i < max; i++) hex += `${i === 0 ? '' : ' '}${bytes[i].toString(16).padStart(2, '0')}`;
    const remaining = bytes.length - max;
    if (remaining > 0) hex += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    return [`[Uint8Contents]: <${hex}>`];
  }

  function formatSet(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const entry of value) output.push(formatValue(ctx, entry, recurseTimes));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const [key, entry] of value) {
      output.push(`${formatValue(ctx, key, recurseTimes)} => ${formatValue(ctx, entry, recurseTimes)}`);
    }
    ctx.indentationLvl -= 2;
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (const entry of output) {
      totalLength += entry.length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    if (ctx.compact !== true) {
      if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
        const entries = output.length;
        if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
        if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
          const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
          if (isBelowBreakLength(ctx, output, start, base)) {
            const joined = output.join(', ');
            if (!joined.includes('\n')) {
              return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
            }
          }
        }
      }
      const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
      return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
    }
    if (isBelowBreakLength(ctx, output, 0, base)) {
      return `${braces[0]}${base ? ` ${base}` : ''} ${output.join(', ')} ${braces[1]}`;
    }
    const indentation = ' '.repeat(ctx.indentationLvl);
    const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
    return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
  }

  // Node's column layout for arrays of more than six short entries.
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) {
          if (dataLen[j] > lineLength) lineLength = dataLen[j];
        }
        maxLineLength.push(lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
            padStart = false;
            break;
          }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let line = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
          line += padStart ? `${output[j]}, `.padStart(padding, ' ') : `${output[j]}, `.padEnd(padding, ' ');
        }
        if (padStart) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
          line += output[j].padStart(padding, ' ');
        } else {
          line += output[j];
        }
        tmp.push(line);
      }
      if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
      output = tmp;
    }
    return output;
  }

  // --- util.format ---------------------------------------------------------------------

  function hasUserToString(value) {
    let current = value;
    while (current !== null && current !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(current, 'toString');
      if (descriptor !== undefined && typeof descriptor.value === 'function') {
        return descriptor.value !== Object.prototype.toString && descriptor.value !== ErrorPrototypeToString
          && current !== Array.prototype && current !== Date.prototype && current !== RegExp.prototype
          && current !== Function.prototype;
      }
      current = Object.getPrototypeOf(current);
    }
    return false;
  }

  function formatWithOptions(args) {
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let tempStr;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) === 37) {
          const nextChar = first.charCodeAt(++i);
          if (a + 1 !== args.length) {
            switch (nextChar) {
              case 115: { // 's'
                const arg = args[++a];
                if (typeof arg === 'number') tempStr = formatNumber(arg);
                else if (typeof arg === 'bigint') tempStr = `${arg}n`;
                else if (typeof arg !== 'object' || arg === null || hasUserToString(arg)) tempStr = String(arg);
                else tempStr = inspect(arg, { depth: 0 });
                break;
              }
              case 106: // 'j'
                tempStr = tryStringify(args[++a]);
                break;
              case 100: { // 'd'
                const number = args[++a];
                if (typeof number === 'bigint') tempStr = `${number}n`;
                else if (typeof number === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(Number(number));
                break;
              }
              case 79: // 'O'
                tempStr = inspect(args[++a]);
                break;
              case 111: // 'o'
                tempStr = inspect(args[++a], { depth: 4 });
                break;
              case 105: { // 'i'
                const number = args[++a];
                if (typeof number === 'bigint') tempStr = `${number}n`;
                else if (typeof number === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(Number.parseInt(number));
                break;
              }
              case 102: { // 'f'
                const number = args[++a];
                tempStr = typeof number === 'symbol' ? 'NaN' : formatNumber(Number.parseFloat(number));
                break;
              }
              case 99: // 'c'
                a += 1;
                tempStr = '';
                break;
              case 37: // '%'
                str += first.slice(lastPos, i);
                lastPos = i + 1;
                continue;
              default:
                continue;
            }
            if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
            str += tempStr;
            lastPos = i + 1;
          } else if (nextChar === 37) {
            str += first.slice(lastPos, i);
            lastPos = i + 1;
          }
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    while (a < args.length) {
      const value = args[a];
      str += join;
      str += typeof value !== 'string' ? inspect(value) : value;
      join = ' ';
      a++;
    }
    return str;
  }

  function tryStringify(value) {
    try {
      return JSON.stringify(value);
    } catch (error) {
      if (error instanceof TypeError && /circular|cyclic/i.test(error.message)) return '[Circular]';
      throw error;
    }
  }
  $.format = (...args) => formatWithOptions(args);

  // --- console -------------------------------------------------------------------------

  let groupIndent = '';
  const counts = new Map();
  const timers = new Map();

  function emit(level, text) {
    if (groupIndent !== '') text = groupIndent + text.replaceAll('\n', `\n${groupIndent}`);
    write(level, text);
  }

  const console = {
    log(...args) {
      emit(LEVEL.log, formatWithOptions(args));
    },
    info(...args) {
      emit(LEVEL.info, formatWithOptions(args));
    },
    debug(...args) {
      emit(LEVEL.debug, formatWithOptions(args));
    },
    warn(...args) {
      emit(LEVEL.warn, formatWithOptions(args));
    },
    error(...args) {
      emit(LEVEL.error, formatWithOptions(args));
    },
    trace(...args) {
      const stack = new Error().stack ?? '';
      const frames = formatStackFrames(stack.split('\n').slice(1).join('\n'));
      const message = formatWithOptions(args);
      emit(LEVEL.trace, `Trace${message === '' ? '' : `: ${message}`}${frames === '' ? '' : `\n${frames}`}`);
    },
    assert(condition, ...args) {
      if (condition) return;
      if (typeof args[0] === 'string') args[0] = `Assertion failed: ${args[0]}`;
      else args.unshift('Assertion failed');
      emit(LEVEL.warn, formatWithOptions(args));
    },
    dir(value, options = undefined) {
      emit(LEVEL.log, inspect(value, options));
    },
    dirxml(...args) {
      emit(LEVEL.log, formatWithOptions(args));
    },
    table(...args) {
      emit(LEVEL.log, formatWithOptions(args));
    },
    group(...args) {
      if (args.length > 0) emit(LEVEL.log, formatWithOptions(args));
      groupIndent += '  ';
    },
    groupCollapsed(...args) {
      if (args.length > 0) emit(LEVEL.log, formatWithOptions(args));
      groupIndent += '  ';
    },
    groupEnd() {
      groupIndent = groupIndent.slice(0, -2);
    },
    count(label = 'default') {
      label = `${label}`;
      const count = (counts.get(label) ?? 0) + 1;
      counts.set(label, count);
      emit(LEVEL.info, `${label}: ${count}`);
    },
    countReset(label = 'default') {
      label = `${label}`;
      if (!counts.has(label)) {
        emit(LEVEL.warn, `Count for '${label}' does not exist`);
        return;
      }
      counts.set(label, 0);
    },
    time(label = 'default') {
      label = `${label}`;
      if (timers.has(label)) {
        emit(LEVEL.warn, `Warning: Label '${label}' already exists for console.time()`);
        return;
      }
      timers.set(label, $.now());
    },
    timeLog(label = 'default', ...data) {
      label = `${label}`;
      const start = timers.get(label);
      if (start === undefined) {
        emit(LEVEL.warn, `Warning: No such label '${label}' for console.timeLog()`);
        return;
      }
      const extra = data.length > 0 ? ` ${formatWithOptions(data)}` : '';
      emit(LEVEL.info, `${label}: ${formatDuration($.now() - start)}${extra}`);
    },
    timeEnd(label = 'default') {
      label = `${label}`;
      const start = timers.get(label);
      if (start === undefined) {
        emit(LEVEL.warn, `Warning: No such label '${label}' for console.timeEnd()`);
        return;
      }
      timers.delete(label);
      emit(LEVEL.info, `${label}: ${formatDuration($.now() - start)}`);
    },
    clear() {},
  };

  function formatDuration(ms) {
    if (ms >= 1000) return `${(ms / 1000).toFixed(3)}s`;
    return `${Number(ms.toFixed(3))}ms`;
  }

  Object.defineProperty(console, Symbol.toStringTag, { value: 'console', configurable: true });
  $.defineGlobal('console', console);
});
