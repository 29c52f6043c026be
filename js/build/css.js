// The Node.js half of Switchyard's stylesheet compiler (crates/build/src/css/runner.rs).
//
// `switchyard build` starts one `node` process running this file when an app's stylesheets
// need the app's own packages: its PostCSS plugins (a PostCSS config was found) or `sass`
// (a `.scss`/`.sass` file). Nothing here is bundled with Switchyard: `postcss`, the plugins and
// `sass` are loaded from the app, as `next build` loads them, with the app root as the working
// directory so that Tailwind finds the app's files.
//
// The protocol is JSON lines. The first line on stdin holds the settings:
//   { root, postcss: null | { file, format: "package" | "json" | "module", value? }, sassOptions }
// then each line is a request, answered on stdout with the same id, in any order:
//   { id, file, sass, postcss }  ->  { id, ok: { css, warnings } } | { id, error: { kind, ... } }
// Sass runs first, then PostCSS, as Next.js chains sass-loader and postcss-loader. The process
// ends when stdin closes.
//
// Loaded with `require` (by js/build/test/), it only exports the functions that read configs.

'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL, fileURLToPath } = require('node:url');

// ---------------------------------------------------------------------------------------------
// Failures, as the Rust side words them.

class Failure extends Error {
  constructor(kind, message, details = {}) {
    super(message);
    this.kind = kind;
    Object.assign(this, details);
  }
}

/** A malformed PostCSS config; `message` is Next.js's. */
function configFailure(message) {
  return new Failure('config', `${message}\nRead more: https://nextjs.org/docs/messages/postcss-shape`);
}

/** The package a `Cannot find module 'x'` error names, if it names a package rather than a path. */
function missingPackageName(error) {
  if (!error || error.code !== 'MODULE_NOT_FOUND') return null;
  const match = /Cannot find (?:module|package) '([^']+)'/.exec(error.message);
  if (!match || match[1].startsWith('.') || path.isAbsolute(match[1])) return null;
  const parts = match[1].split('/');
  return parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

// ---------------------------------------------------------------------------------------------
// Loading the app's modules.

/** The module namespace's default export when there is one, as Next.js reads ESM configs. */
function defaultExport(namespace) {
  return namespace && typeof namespace === 'object' && namespace.default !== undefined
    ? namespace.default
    : namespace;
}

/** Loads the file `file`: `require` where Node allows it, `import()` for ES modules. */
async function loadFile(file) {
  if (file.endsWith('.mjs')) return defaultExport(await import(pathToFileURL(file).href));
  try {
    return require(file);
  } catch (error) {
    // A `.js` file in a `"type": "module"` package, or an ES-only package's entry.
    if (error && error.code === 'ERR_REQUIRE_ESM') {
      return defaultExport(await import(pathToFileURL(file).href));
    }
    throw error;
  }
}

/** Where the package `name` is, as Node resolves it from the app root; null when missing. */
function resolvePackage(root, name) {
  const appRequire = createRequire(path.join(root, 'package.json'));
  try {
    return appRequire.resolve(name);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && missingPackageName(error) === name) {
      return null;
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The PostCSS config, read as Next.js reads it (packages/next/src/build/webpack/config/blocks/
// css/plugins.ts), and also accepting plugins given as functions or objects, as Turbopack does.

/** JSON with comments and trailing commas, as `.postcssrc.json` files may be written. */
function parseJsonWithComments(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

/** The config object described by `spec` (see the settings above). */
async function readPostcssConfig(spec) {
  if (spec.format === 'package') return spec.value;
  if (spec.format === 'json') {
    try {
      return parseJsonWithComments(fs.readFileSync(spec.file, 'utf8'));
    } catch (error) {
      throw new Failure('config', `It is not valid JSON: ${error.message}.`);
    }
  }
  let config = await loadFile(spec.file);
  // Turbopack calls a config that is a function; webpack's Next.js refused it.
  if (typeof config === 'function') config = await config({ env: process.env.NODE_ENV });
  return config;
}

/**
 * The plugins a config lists, in order, as `{ name, options }` (a package to load) or
 * `{ plugin }` (a plugin the config made itself). Disabled ones (`false`) are left out.
 */
function pluginEntries(config) {
  if (config == null || typeof config !== 'object') {
    throw configFailure('Your custom PostCSS configuration must export a `plugins` key.');
  }
  const { plugins } = config;
  if (plugins == null || typeof plugins !== 'object') {
    throw configFailure('Your custom PostCSS configuration must export a `plugins` key.');
  }
  const entries = [];
  if (!Array.isArray(plugins)) {
    for (const [name, options] of Object.entries(plugins)) {
      if (options == null) throw nullOptions(name);
      if (options !== false) entries.push({ name, options });
    }
    return entries;
  }
  for (const plugin of plugins) {
    if (plugin == null || plugin === false) continue;
    if (typeof plugin === 'string') {
      entries.push({ name: plugin, options: true });
    } else if (Array.isArray(plugin)) {
      const [name, options] = plugin;
      if (typeof name !== 'string') {
        throw configFailure(`A PostCSS Plugin must be provided as a string. Instead, we got: '${name}'.`);
      }
      if (!['boolean', 'object', 'string'].includes(typeof options)) {
        throw configFailure(
          `A PostCSS Plugin was passed as an array but did not provide its configuration ('${name}').`,
        );
      }
      if (options === null) throw nullOptions(name);
      if (options !== false) entries.push({ name, options });
    } else if (typeof plugin === 'function' || typeof plugin === 'object') {
      entries.push({ plugin });
    } else {
      throw configFailure(`An unknown PostCSS plugin was provided (${plugin}).`);
    }
  }
  return entries;
}

function nullOptions(name) {
  return configFailure(
    `Your PostCSS configuration for '${name}' cannot have null configuration.\n` +
      `To disable '${name}', pass false, otherwise, pass true or a configuration object.`,
  );
}

/** CSS Modules are Switchyard's (lightningcss) job, as they are Next.js's: these are skipped. */
const IGNORED_PLUGIN =
  /(?:^|[\\/])(postcss-modules-values|postcss-modules-scope|postcss-modules-extract-imports|postcss-modules-local-by-default|postcss-modules)(?:[\\/]|$)/i;

/** The plugin an entry stands for, loaded from the app; null for one that is skipped. */
async function loadPlugin(root, entry) {
  if (entry.plugin) return entry.plugin;
  const { name, options } = entry;
  if (IGNORED_PLUGIN.test(name)) {
    console.warn(
      `Warning: Please remove the ${name} plugin from your PostCSS configuration. ` +
        'This plugin is automatically configured by Next.js.',
    );
    return null;
  }
  const resolved = resolvePackage(root, name);
  if (resolved == null) throw new Failure('missingPlugin', name, { package: name });
  const plugin = defaultExport(await loadFile(resolved));
  const bare = options === true || (typeof options === 'object' && Object.keys(options).length === 0);
  return bare ? plugin : plugin(options);
}

// ---------------------------------------------------------------------------------------------
// Compiling.

/** The app's `postcss` with its plugins; made once, at the first stylesheet. */
let processor;
async function postcssProcessor(settings) {
  if (!processor) {
    processor = (async () => {
      const resolved = resolvePackage(settings.root, 'postcss');
      if (resolved == null) throw new Failure('missingPostcss', 'postcss', { package: 'postcss' });
      const postcss = defaultExport(await loadFile(resolved));
      let config;
      try {
        config = await readPostcssConfig(settings.postcss);
      } catch (error) {
        if (error instanceof Failure) throw error;
        const missing = missingPackageName(error);
        if (missing) throw new Failure('missingModule', missing, { package: missing });
        throw new Failure('config', `It could not be loaded: ${error && error.message}`);
      }
      const plugins = [];
      for (const entry of pluginEntries(config)) {
        const plugin = await loadPlugin(settings.root, entry);
        if (plugin) plugins.push(plugin);
      }
      return postcss(plugins);
    })();
  }
  return processor;
}

/** The app's Sass implementation (`sass`, or `sassOptions.implementation`); loaded once. */
let sassModule;
async function sassImplementation(settings) {
  if (!sassModule) {
    sassModule = (async () => {
      const implementation = settings.sassOptions.implementation;
      const name = typeof implementation === 'string' ? implementation : 'sass';
      const resolved = resolvePackage(settings.root, name);
      if (resolved == null) {
        throw name === 'sass'
          ? new Failure('missingSass', 'sass', { package: 'sass' })
          : new Failure('missingModule', name, { package: name });
      }
      return defaultExport(await loadFile(resolved));
    })();
  }
  return sassModule;
}

/** Every `node_modules` from `dir` up, where bare `@use`/`@import` URLs are looked for. */
function nodeModulesDirs(dir) {
  const dirs = [];
  for (let at = dir; ; at = path.dirname(at)) {
    const candidate = path.join(at, 'node_modules');
    if (fs.existsSync(candidate)) dirs.push(candidate);
    if (path.dirname(at) === at) return dirs;
  }
}

/** Compiles the Sass file `file` to CSS, with next.config's `sassOptions`. */
async function compileSass(settings, file, warnings) {
  const sass = await sassImplementation(settings);
  const {
    additionalData,
    prependData,
    includePaths,
    loadPaths,
    implementation,
    fibers,
    ...options
  } = settings.sassOptions;
  // Next.js hands sass-loader `prependData || additionalData`, which it puts before the file.
  const prelude = typeof (prependData || additionalData) === 'string' ? prependData || additionalData : '';
  const preludeLines = prelude.split('\n').length - 1;
  const modules = nodeModulesDirs(settings.root);
  // `~package/file`, webpack's way to name a package, as sass-loader resolves it.
  const tilde = {
    findFileUrl(url) {
      if (!url.startsWith('~')) return null;
      const request = url.slice(1);
      const packageName = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
      const base = modules.find((dir) => fs.existsSync(path.join(dir, packageName)));
      return base ? pathToFileURL(path.join(base, request)) : null;
    },
  };
  const fileUrl = pathToFileURL(file).href;
  try {
    const result = sass.compileString(prelude + fs.readFileSync(file, 'utf8'), {
      ...options,
      url: pathToFileURL(file),
      syntax: file.endsWith('.sass') ? 'indented' : 'scss',
      loadPaths: [...(loadPaths || []), ...(includePaths || [])]
        .map((dir) => path.resolve(settings.root, dir))
        .concat(modules),
      importers: [tilde],
      style: 'expanded',
      // Only to tell which file each `url()` came from (see rebaseUrls).
      sourceMap: true,
      logger: {
        warn(message, { span }) {
          warnings.push({ message: `Sass: ${message}`, ...sassLocation(span, fileUrl, preludeLines) });
        },
      },
    });
    return rebaseUrls(result.css, result.sourceMap, file);
  } catch (error) {
    if (error && typeof error.sassMessage === 'string') {
      throw new Failure('syntax', error.sassMessage, {
        tool: 'Sass',
        ...sassLocation(error.span, fileUrl, preludeLines),
      });
    }
    throw error;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The segments of a source map's `mappings`, per generated line: `{ column, source }`, in
 * column order (the other fields are not needed here).
 */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const line of mappings.split(';')) {
    const segments = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0];
      if (fields.length >= 4) {
        source += fields[1];
        sourceLine += fields[2];
        sourceColumn += fields[3];
        segments.push({ column, source });
      }
    }
    lines.push(segments);
  }
  return lines;
}

const URL_FUNCTION = /url\(\s*(['"]?)([^'")\s]+)\1\s*\)/g;

/** Whether `url` names a file relative to the stylesheet it is written in. */
function isRelativeUrl(url) {
  return !/^([a-z][a-z0-9+.-]*:|[/#~]|\$|#\{)/i.test(url) && !url.includes('#{');
}

/**
 * `css` compiled from `entry`, with relative `url()`s that were written in other files (Sass
 * partials) made relative to `entry`, as Next.js's resolve-url-loader does: Sass copies them
 * as they are, and they mean the file beside the partial. `map` is Sass's source map.
 */
function rebaseUrls(css, map, entry) {
  if (!map || !css.includes('url(')) return css;
  const lines = decodeMappings(map.mappings || '');
  const entryDir = path.dirname(entry);
  return css
    .split('\n')
    .map((text, index) =>
      text.replace(URL_FUNCTION, (whole, quote, url, offset) => {
        if (!isRelativeUrl(url)) return whole;
        const segments = lines[index] || [];
        let found;
        for (const segment of segments) {
          if (segment.column > offset) break;
          found = segment;
        }
        const source = found && map.sources[found.source];
        if (!source || !String(source).startsWith('file:')) return whole;
        const from = fileURLToPath(String(source));
        if (from === entry) return whole;
        const split = url.search(/[?#]/);
        const request = split < 0 ? url : url.slice(0, split);
        const suffix = split < 0 ? '' : url.slice(split);
        const target = path.resolve(path.dirname(from), request);
        if (!fs.existsSync(target)) return whole;
        let rebased = path.relative(entryDir, target).split(path.sep).join('/');
        if (!rebased.startsWith('.')) rebased = `./${rebased}`;
        return `url(${quote}${rebased}${suffix}${quote})`;
      }),
    )
    .join('\n');
}

/** The file, 1-based line and column of a Sass span, lines counted without the prelude. */
function sassLocation(span, fileUrl, preludeLines) {
  if (!span || !span.url) return {};
  const url = String(span.url);
  const shift = url === fileUrl ? preludeLines : 0;
  return {
    file: url.startsWith('file:') ? fileURLToPath(url) : undefined,
    line: Math.max(1, span.start.line + 1 - shift),
    column: span.start.column + 1,
  };
}

/** Runs the app's PostCSS plugins on `css`, the content of (or compiled from) `file`. */
async function runPostcss(settings, file, css, warnings) {
  const postcss = await postcssProcessor(settings);
  let result;
  try {
    result = await postcss.process(css, { from: file, to: file, map: false });
  } catch (error) {
    if (error && error.name === 'CssSyntaxError') {
      throw new Failure('syntax', error.reason, {
        tool: error.plugin ? `PostCSS (${error.plugin})` : 'PostCSS',
        file: error.file,
        line: error.line,
        column: error.column,
      });
    }
    throw error;
  }
  for (const warning of result.warnings()) {
    const plugin = warning.plugin ? ` (${warning.plugin})` : '';
    warnings.push({ message: `${warning.text}${plugin}`, file, line: warning.line, column: warning.column });
  }
  return result.css;
}

/** The answer to one request. */
async function compile(settings, request) {
  const warnings = [];
  try {
    let css = request.sass
      ? await compileSass(settings, request.file, warnings)
      : fs.readFileSync(request.file, 'utf8');
    if (request.postcss) css = await runPostcss(settings, request.file, css, warnings);
    return { id: request.id, ok: { css, warnings } };
  } catch (error) {
    if (error instanceof Failure) {
      const { kind, message, ...details } = error;
      return { id: request.id, error: { kind, message, ...details } };
    }
    const missing = missingPackageName(error);
    if (missing) {
      return { id: request.id, error: { kind: 'missingModule', message: missing, package: missing } };
    }
    const message = error && error.message ? error.message : String(error);
    return { id: request.id, error: { kind: 'failed', message } };
  }
}

// ---------------------------------------------------------------------------------------------
// The process.

function serve() {
  const send = process.stdout.write.bind(process.stdout);
  // Plugins that log must not mix their lines into the answers on stdout.
  console.log = console.info = console.debug = console.error;
  let settings;
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line);
      if (!settings) {
        settings = message;
        settings.sassOptions = settings.sassOptions || {};
        continue;
      }
      compile(settings, message).then((answer) => send(`${JSON.stringify(answer)}\n`));
    }
  });
  // Switchyard closes stdin when the build is done, or dies: either way, this process ends.
  process.stdin.on('end', () => process.exit(0));
}

if (process.env.SWITCHYARD_CSS_RUNNER === '1') {
  serve();
} else if (typeof module !== 'undefined') {
  module.exports = {
    pluginEntries,
    parseJsonWithComments,
    missingPackageName,
    readPostcssConfig,
    decodeMappings,
    rebaseUrls,
  };
}
