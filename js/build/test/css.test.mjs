// js/build/css.js: reading PostCSS configs the ways Next.js accepts them (and the function and
// object plugins Turbopack accepts), with Next.js's messages for malformed ones.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const {
  pluginEntries,
  parseJsonWithComments,
  missingPackageName,
  readPostcssConfig,
  decodeMappings,
  rebaseUrls,
} = require('../css.js');

describe('pluginEntries', () => {
  it('reads the object form, leaving out disabled plugins', () => {
    assert.deepEqual(
      pluginEntries({ plugins: { tailwindcss: {}, autoprefixer: { grid: true }, old: false, on: true } }),
      [
        { name: 'tailwindcss', options: {} },
        { name: 'autoprefixer', options: { grid: true } },
        { name: 'on', options: true },
      ],
    );
  });

  it('reads the array form: names, [name, options], and plugins themselves', () => {
    const made = { postcssPlugin: 'made' };
    const creator = () => made;
    assert.deepEqual(
      pluginEntries({ plugins: ['a', ['b', { x: 1 }], ['c', false], null, made, creator] }),
      [{ name: 'a', options: true }, { name: 'b', options: { x: 1 } }, { plugin: made }, { plugin: creator }],
    );
  });

  it("gives Next.js's messages for malformed configs", () => {
    const fails = (config, message) =>
      assert.throws(
        () => pluginEntries(config),
        (error) => error.kind === 'config' && error.message.startsWith(message),
      );
    fails({}, 'Your custom PostCSS configuration must export a `plugins` key.');
    fails({ plugins: 'tailwindcss' }, 'Your custom PostCSS configuration must export a `plugins` key.');
    fails({ plugins: { a: null } }, "Your PostCSS configuration for 'a' cannot have null configuration.");
    fails({ plugins: [[1, {}]] }, "A PostCSS Plugin must be provided as a string. Instead, we got: '1'.");
    fails(
      { plugins: [['a']] },
      "A PostCSS Plugin was passed as an array but did not provide its configuration ('a').",
    );
    fails({ plugins: [7] }, 'An unknown PostCSS plugin was provided (7).');
  });
});

describe('readPostcssConfig', () => {
  it('reads package.json values, JSON with comments, CommonJS and ESM files and functions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-postcss-'));
    try {
      assert.deepEqual(await readPostcssConfig({ format: 'package', value: { plugins: {} } }), {
        plugins: {},
      });
      writeFileSync(join(dir, '.postcssrc.json'), '{\n  // on\n  "plugins": { "a": {}, },\n}\n');
      assert.deepEqual(await readPostcssConfig({ format: 'json', file: join(dir, '.postcssrc.json') }), {
        plugins: { a: {} },
      });
      writeFileSync(join(dir, 'postcss.config.cjs'), 'module.exports = { plugins: ["b"] };\n');
      assert.deepEqual(await readPostcssConfig({ format: 'module', file: join(dir, 'postcss.config.cjs') }), {
        plugins: ['b'],
      });
      writeFileSync(join(dir, 'postcss.config.mjs'), 'export default () => ({ plugins: { c: {} } });\n');
      assert.deepEqual(await readPostcssConfig({ format: 'module', file: join(dir, 'postcss.config.mjs') }), {
        plugins: { c: {} },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rebaseUrls', () => {
  it("makes a partial's relative url() relative to the stylesheet that uses it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-sass-'));
    try {
      writeFileSync(join(dir, 'mark.svg'), '<svg/>');
      const entry = join(dir, 'styles', 'main.scss');
      const partial = join(dir, 'partials', '_a.scss');
      const css = '.a {\n  background: url("../mark.svg");\n}\n.b {\n  background: url(../mark.svg) url(data:x) url(gone.png);\n}';
      // Line 2 maps to the partial (source 1), line 5 to the entry (source 0).
      const map = {
        sources: [`file://${entry}`, `file://${partial}`],
        mappings: ';ACAA;;;ADAA',
      };
      assert.deepEqual(
        decodeMappings(map.mappings).map((line) => line.map((s) => s.source)),
        [[], [1], [], [], [0]],
      );
      // styles/ and partials/ are siblings: the same relative path.
      assert.equal(rebaseUrls(css, map, entry), css);
      const moved = join(dir, 'deep', 'styles', 'main.scss');
      assert.equal(
        rebaseUrls(css, { ...map, sources: [`file://${moved}`, `file://${partial}`] }, moved),
        css.replace('url("../mark.svg")', 'url("../../mark.svg")'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('helpers', () => {
  it('parses JSON with comments and trailing commas, strings left alone', () => {
    assert.deepEqual(parseJsonWithComments('{ "a": "http://x/*y*/", /* b */ "c": [1,], }'), {
      a: 'http://x/*y*/',
      c: [1],
    });
  });

  it('names the missing package of a module error', () => {
    const error = (message) => Object.assign(new Error(message), { code: 'MODULE_NOT_FOUND' });
    assert.equal(missingPackageName(error("Cannot find module 'autoprefixer'")), 'autoprefixer');
    assert.equal(missingPackageName(error("Cannot find module '@scope/pkg/lib/x.js'")), '@scope/pkg');
    assert.equal(missingPackageName(error("Cannot find module './local'")), null);
    assert.equal(missingPackageName(new Error("Cannot find module 'x'")), null);
  });
});
