'use strict'
// The worker's pure helpers, required directly (requiring worker.js starts nothing).

const test = require('node:test')
const assert = require('node:assert/strict')
const {
  buildQuery,
  decodeParams,
  formatBytes,
  generateETag,
  isFresh,
  parseBytes,
  parseContentType,
  parseCookies,
  readApiConfig,
} = require('../worker.js')

test('parseBytes reads numbers and bytes-style strings like the `bytes` package', () => {
  assert.equal(parseBytes(1234), 1234)
  assert.equal(parseBytes('10b'), 10)
  assert.equal(parseBytes('10'), 10)
  assert.equal(parseBytes('500kb'), 500 * 1024)
  assert.equal(parseBytes('1mb'), 1024 * 1024)
  assert.equal(parseBytes('1.5MB'), 1.5 * 1024 * 1024)
  assert.equal(parseBytes('2 gb'), 2 * 1024 ** 3)
  assert.equal(parseBytes('lots'), null)
  assert.equal(parseBytes(undefined), null)
})

test('formatBytes writes sizes as Next prints them in the responseLimit warning', () => {
  assert.equal(formatBytes(4 * 1024 * 1024), '4MB')
  assert.equal(formatBytes(1024), '1KB')
  assert.equal(formatBytes(1536), '1.5KB')
  assert.equal(formatBytes(1000), '1000B')
  assert.equal(formatBytes(1.25 * 1024 ** 3), '1.25GB')
})

test('parseContentType is strict and falls back to text/plain utf-8', () => {
  assert.deepEqual(parseContentType(undefined), { type: 'text/plain', charset: 'utf-8' })
  assert.deepEqual(parseContentType('Application/JSON'), { type: 'application/json', charset: 'utf-8' })
  assert.deepEqual(parseContentType('text/plain; charset=ISO-8859-1'), { type: 'text/plain', charset: 'ISO-8859-1' })
  assert.deepEqual(parseContentType('text/plain; format=flowed; Charset="utf-16le"'), {
    type: 'text/plain',
    charset: 'utf-16le',
  })
  // Malformed headers are treated as text/plain, so even JSON stays a string.
  assert.deepEqual(parseContentType('application/json; charset'), { type: 'text/plain', charset: 'utf-8' })
  assert.deepEqual(parseContentType('json'), { type: 'text/plain', charset: 'utf-8' })
})

test('parseCookies: first value wins, quotes stripped, values decoded when possible', () => {
  assert.deepEqual(parseCookies(undefined), {})
  assert.deepEqual(parseCookies('a=1; b=hello%20world; a=2; c="quoted"; bad=%E0%A4%A; flag; d = 4 '), {
    a: '1',
    b: 'hello world',
    c: 'quoted',
    bad: '%E0%A4%A',
    d: '4',
  })
})

test('buildQuery merges query and params, params winning, repeated keys as arrays', () => {
  const query = buildQuery('/api/items/abc?id=123&tag=a&tag=b&q=x+y%21', { id: 'abc' })
  assert.deepEqual(query, { id: 'abc', tag: ['a', 'b'], q: 'x y!' })
  assert.equal(Object.getPrototypeOf(query), Object.prototype)
  assert.deepEqual(buildQuery('/api/docs', { slug: ['a', 'b'] }), { slug: ['a', 'b'] })
  assert.deepEqual(buildQuery('/api/docs', null), {})
})

test('decodeParams reads encodeURIComponent(JSON.stringify(params))', () => {
  const params = { id: 'a b/é', slug: ['x', 'y'] }
  assert.deepEqual(decodeParams(encodeURIComponent(JSON.stringify(params))), params)
  assert.equal(decodeParams(undefined), null)
  assert.throws(() => decodeParams('%7Bnot-json'))
})

test('generateETag matches Next (fnv1a-52 + length, base 36) and isFresh follows `fresh`', () => {
  // fnv1a52 is Next's code ported verbatim; this pins its output so a refactor can't drift.
  assert.equal(generateETag('hello'), '"2caikvdqo85"')
  const etag = generateETag('{"a":1}')
  assert.equal(isFresh({}, etag), false)
  assert.equal(isFresh({ 'if-none-match': etag }, etag), true)
  assert.equal(isFresh({ 'if-none-match': `"x", W/${etag}` }, etag), true)
  assert.equal(isFresh({ 'if-none-match': '"other"' }, etag), false)
  assert.equal(isFresh({ 'if-none-match': '*' }, etag), true)
  assert.equal(isFresh({ 'if-none-match': etag, 'cache-control': 'no-cache' }, etag), false)
  assert.equal(isFresh({ 'if-modified-since': new Date().toUTCString() }, etag), false)
})

test('readApiConfig applies Next defaults and accepts every documented form', () => {
  assert.deepEqual(readApiConfig({}, 'x'), {
    bodyParser: true,
    sizeLimit: 1024 * 1024,
    sizeLimitLabel: '1mb',
    responseLimit: 4 * 1024 * 1024,
  })
  assert.deepEqual(readApiConfig({ api: { bodyParser: false, responseLimit: false, externalResolver: true } }, 'x'), {
    bodyParser: false,
    sizeLimit: 1024 * 1024,
    sizeLimitLabel: '1mb',
    responseLimit: 0,
  })
  assert.deepEqual(readApiConfig({ api: { bodyParser: { sizeLimit: 500 }, responseLimit: '8mb' } }, 'x'), {
    bodyParser: true,
    sizeLimit: 500,
    sizeLimitLabel: '500',
    responseLimit: 8 * 1024 * 1024,
  })
  assert.equal(readApiConfig({ api: { responseLimit: 2048 } }, 'x').responseLimit, 2048)
})
