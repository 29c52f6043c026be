'use strict'
// Response helpers: status, send, json, redirect, ETag/304, streaming, responseLimit warnings.

const test = require('node:test')
const assert = require('node:assert/strict')
const { startWorker, sleep } = require('./harness.js')

const bundles = {
  // One route per res.send case, picked by ?kind=.
  'node/api/send.js': `
    const { Readable } = require('node:stream')
    const cases = {
      string: (res) => res.send('hello'),
      object: (res) => res.send({ a: 1, list: [true] }),
      number: (res) => res.send(42),
      boolean: (res) => res.send(false),
      buffer: (res) => res.send(Buffer.from([1, 2, 3])),
      'typed-buffer': (res) => res.setHeader('Content-Type', 'image/png').send(Buffer.from([9])),
      stream: (res) => res.send(Readable.from(['str', 'eam'])),
      null: (res) => res.send(null),
      undefined: (res) => res.send(undefined),
      'no-content': (res) => {
        res.setHeader('Content-Type', 'text/plain')
        res.setHeader('Content-Length', '7')
        res.status(204).send('ignored')
      },
      teapot: (res) => {
        if (res.status(418) !== res) throw new Error('status() must return res')
        res.send('short and stout')
      },
      json: (res) => res.status(201).json({ ok: true }),
      'json-string': (res) => res.json('text'),
      redirect: (res) => res.redirect('/destination'),
      'redirect-status': (res) => res.redirect(308, 'https://example.com/x'),
      'redirect-bad': (res) => {
        const messages = []
        for (const args of [[301], [], [301, 42], [null, '/x']]) {
          try { res.redirect(...args) } catch (err) { messages.push(err.message) }
        }
        res.json(messages)
      },
      'redirect-throws': (res) => res.redirect(301),
      revalidate: (res) => res.revalidate('/blog/1').then(() => res.send('revalidated'), (err) => res.send(err.message)),
      'clear-preview': (res) => res.clearPreviewData().send('cleared'),
    }
    module.exports = (req, res) => cases[req.query.kind](res)
  `,
  'node/api/stream.js': `
    module.exports = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      res.write('data: first\\n\\n')
      setTimeout(() => res.write('data: second\\n\\n'), 250)
      setTimeout(() => res.end('data: last\\n\\n'), 500)
    }
  `,
  'node/api/big.js': `
    exports.config = { api: { responseLimit: '1kb' } }
    exports.default = (req, res) => {
      for (let i = 0; i < 3; i++) res.write('x'.repeat(600))
      res.end('done')
    }
  `,
  'node/api/huge.js': `
    module.exports = (req, res) => res.send('z'.repeat(4 * 1024 * 1024 + 1))
  `,
  'node/api/unlimited.js': `
    module.exports = (req, res) => res.send('u'.repeat(5 * 1024 * 1024))
    module.exports.config = { api: { responseLimit: false, externalResolver: true } }
  `,
}

let worker
test.before(async () => {
  worker = await startWorker(bundles)
})
test.after(() => worker.stop())

function send(kind, options = {}) {
  return worker.route('node/api/send.js', { path: `/api/send?kind=${kind}`, ...options })
}

test('res.send(string) sends it as is with Content-Length and an ETag, no content type', async () => {
  const res = await send('string')
  assert.equal(res.status, 200)
  assert.equal(res.text, 'hello')
  assert.equal(res.headers['content-length'], '5')
  assert.equal(res.headers['content-type'], undefined)
  assert.equal(res.headers.etag, '"2caikvdqo85"')
})

test('res.send(object | number | boolean) sends JSON', async () => {
  for (const [kind, text] of [
    ['object', '{"a":1,"list":[true]}'],
    ['number', '42'],
    ['boolean', 'false'],
  ]) {
    const res = await send(kind)
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(res.text, text)
    assert.equal(res.headers['content-length'], String(text.length))
  }
})

test('res.send(Buffer) sends bytes as application/octet-stream unless a type is set', async () => {
  const res = await send('buffer')
  assert.equal(res.headers['content-type'], 'application/octet-stream')
  assert.equal(res.headers['content-length'], '3')
  assert.deepEqual([...res.body], [1, 2, 3])
  assert.ok(res.headers.etag)
  const typed = await send('typed-buffer')
  assert.equal(typed.headers['content-type'], 'image/png')
})

test('res.send(stream) pipes it as application/octet-stream', async () => {
  const res = await send('stream')
  assert.equal(res.headers['content-type'], 'application/octet-stream')
  assert.equal(res.text, 'stream')
})

test('res.send(null | undefined) ends the response without a body', async () => {
  for (const kind of ['null', 'undefined']) {
    const res = await send(kind)
    assert.deepEqual([res.status, res.text], [200, ''])
  }
})

test('a 204 drops the body and the headers describing it', async () => {
  const res = await send('no-content')
  assert.equal(res.status, 204)
  assert.equal(res.text, '')
  assert.equal(res.headers['content-type'], undefined)
  assert.equal(res.headers['content-length'], undefined)
  assert.equal(res.headers['transfer-encoding'], undefined)
})

test('res.status is chainable', async () => {
  const res = await send('teapot')
  assert.deepEqual([res.status, res.text], [418, 'short and stout'])
})

test('If-None-Match with the ETag gets a 304 without a body', async () => {
  const first = await send('object')
  const etag = first.headers.etag
  const cached = await send('object', { headers: { 'if-none-match': etag } })
  assert.equal(cached.status, 304)
  assert.equal(cached.text, '')
  assert.equal(cached.headers.etag, etag)
  const noCache = await send('object', { headers: { 'if-none-match': etag, 'cache-control': 'no-cache' } })
  assert.equal(noCache.status, 200)
  const other = await send('object', { headers: { 'if-none-match': '"something-else"' } })
  assert.equal(other.status, 200)
})

test('res.json sets application/json and sends JSON.stringify of anything', async () => {
  const res = await send('json')
  assert.equal(res.status, 201)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(res.json(), { ok: true })
  const string = await send('json-string')
  assert.equal(string.text, '"text"')
})

test('res.redirect defaults to 307 and writes Location and the URL as body', async () => {
  const res = await send('redirect')
  assert.deepEqual([res.status, res.headers.location, res.text], [307, '/destination', '/destination'])
  const permanent = await send('redirect-status')
  assert.deepEqual([permanent.status, permanent.headers.location], [308, 'https://example.com/x'])
})

test('res.redirect with bad arguments throws Next\'s message', async () => {
  const message =
    "Invalid redirect arguments. Please use a single argument URL, e.g. res.redirect('/destination') or use a status code and URL, e.g. res.redirect(307, '/destination')."
  const res = await send('redirect-bad')
  assert.deepEqual(res.json(), [message, message, message, message])
  const uncaught = await send('redirect-throws')
  assert.equal(uncaught.status, 500)
  await worker.waitForStderr(/ ⨯ Error: Invalid redirect arguments/)
})

test('res.revalidate rejects: not supported by Switchyard yet', async () => {
  const res = await send('revalidate')
  assert.match(res.text, /^res\.revalidate\("\/blog\/1"\) is not supported by Switchyard yet/)
})

test('res.clearPreviewData expires Next\'s preview cookies', async () => {
  const res = await send('clear-preview')
  assert.deepEqual(res.headers['set-cookie'], [
    '__prerender_bypass=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=None',
    '__next_preview_data=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=None',
  ])
})

test('res.write chunks reach the client as they are written, before end', async () => {
  const res = await worker.route('node/api/stream.js', { path: '/api/stream' })
  assert.equal(res.headers['content-type'], 'text/event-stream')
  assert.equal(res.text, 'data: first\n\ndata: second\n\ndata: last\n\n')
  const first = res.chunks[0]
  const last = res.chunks[res.chunks.length - 1]
  assert.equal(first.data.toString(), 'data: first\n\n')
  assert.ok(res.chunks.length >= 3, `expected separate chunks, got ${res.chunks.length}`)
  // The handler waits 500 ms between its first and last write; allow for a loaded machine.
  assert.ok(last.at - first.at >= 300, `first chunk at ${first.at} ms, last at ${last.at} ms`)
})

test('a response over config.api.responseLimit warns once with Next\'s message and still completes', async () => {
  const res = await worker.route('node/api/big.js', { path: '/api/big?n=1' })
  assert.equal(res.body.length, 1804)
  const message =
    'API response for /api/big?n=1 exceeds 1KB. API Routes are meant to respond quickly. https://nextjs.org/docs/messages/api-routes-response-size-limit'
  await worker.waitForStderr(new RegExp(escape(message)))
  await sleep(50)
  assert.equal(worker.stderr.split(message).length - 1, 1)
})

test('the default responseLimit is 4MB; responseLimit: false never warns', async () => {
  const unlimited = await worker.route('node/api/unlimited.js', { path: '/api/unlimited' })
  assert.equal(unlimited.body.length, 5 * 1024 * 1024)
  const huge = await worker.route('node/api/huge.js', { path: '/api/huge' })
  assert.equal(huge.body.length, 4 * 1024 * 1024 + 1)
  await worker.waitForStderr(/API response for \/api\/huge exceeds 4MB\. API Routes are meant to respond quickly\./)
  assert.doesNotMatch(worker.stderr, /\/api\/unlimited exceeds/)
})

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
