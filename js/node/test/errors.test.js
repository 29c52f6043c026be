'use strict'
// Failures: handlers that throw or reject, errors after the head was sent, stray async errors,
// bundles that can't load. The worker answers what it can and keeps serving.

const test = require('node:test')
const assert = require('node:assert/strict')
const { startWorker, sleep } = require('./harness.js')

const bundles = {
  'node/api/hello.js': `module.exports = (req, res) => res.send('hello')`,
  'node/api/raw.js': `
    exports.config = { api: { bodyParser: false } }
    exports.default = async (req, res) => {
      let length = 0
      for await (const chunk of req) length += chunk.length
      res.send(String(length))
    }
  `,
  'node/api/throws-on-read.js': `
    exports.config = { api: { bodyParser: false } }
    exports.default = async (req, res) => {
      for await (const chunk of req) throw new Error('boom-while-reading')
    }
  `,
  'node/api/throw-sync.js': `module.exports = () => { throw new Error('boom-sync') }`,
  'node/api/throw-async.js': `
    exports.default = async function handler() {
      await new Promise((resolve) => setTimeout(resolve, 10))
      throw new Error('boom-async')
    }
  `,
  'node/api/throw-with-headers.js': `
    module.exports = (req, res) => {
      res.setHeader('Content-Type', 'application/json')
      res.setHeader('Content-Length', '999')
      throw new Error('boom-after-setting-headers')
    }
  `,
  'node/api/throw-after-head.js': `
    module.exports = async (req, res) => {
      res.write('partial')
      await new Promise((resolve) => setTimeout(resolve, 20))
      throw new Error('boom-mid-stream')
    }
  `,
  'node/api/throw-after-end.js': `
    module.exports = async (req, res) => {
      res.end('done')
      throw new Error('boom-after-end')
    }
  `,
  'node/api/stray.js': `
    module.exports = (req, res) => {
      setTimeout(() => { throw new Error('stray-timer-error') }, 5)
      Promise.reject(new Error('nobody-catches-this'))
      res.send('answered')
    }
  `,
  'node/api/load-error.js': `throw new Error('load-boom')`,
  'node/api/not-a-function.js': `exports.default = 42`,
}

let worker
test.before(async () => {
  worker = await startWorker(bundles)
})
test.after(() => worker.stop())

async function assertInternalServerError(res) {
  assert.equal(res.status, 500)
  assert.equal(res.statusMessage, 'Internal Server Error')
  assert.equal(res.text, 'Internal Server Error')
  assert.equal(res.headers['content-type'], 'text/plain')
}

async function assertStillServing() {
  const res = await worker.route('node/api/hello.js')
  assert.deepEqual([res.status, res.text], [200, 'hello'])
}

test('a handler that throws gets a 500 and its error and stack on stderr, prefixed " ⨯"', async () => {
  await assertInternalServerError(await worker.route('node/api/throw-sync.js'))
  await worker.waitForStderr(/ ⨯ Error: boom-sync\n\s+at /)
  await assertStillServing()
})

test('a handler that rejects gets a 500 too', async () => {
  await assertInternalServerError(await worker.route('node/api/throw-async.js'))
  await worker.waitForStderr(/ ⨯ Error: boom-async\n\s+at /)
  await assertStillServing()
})

test('the 500 replaces the content type and length the handler had set', async () => {
  const res = await worker.route('node/api/throw-with-headers.js')
  await assertInternalServerError(res)
  assert.equal(res.headers['content-length'], '21')
})

test('an error after the head was sent cuts the response off', async () => {
  await assert.rejects(worker.route('node/api/throw-after-head.js'), (err) => ['ABORTED', 'ECONNRESET'].includes(err.code))
  await worker.waitForStderr(/ ⨯ Error: boom-mid-stream/)
  await assertStillServing()
})

test('an error after the response ended is only logged', async () => {
  const res = await worker.route('node/api/throw-after-end.js')
  assert.deepEqual([res.status, res.text], [200, 'done'])
  await worker.waitForStderr(/ ⨯ Error: boom-after-end/)
  await assertStillServing()
})

test('uncaught exceptions and unhandled rejections are logged and the worker keeps serving', async () => {
  const res = await worker.route('node/api/stray.js')
  assert.equal(res.text, 'answered')
  await worker.waitForStderr(/uncaughtException: Error: stray-timer-error/)
  await worker.waitForStderr(/unhandledRejection: Error: nobody-catches-this/)
  await sleep(20)
  assert.equal(worker.child.exitCode, null)
  await assertStillServing()
})

test('a bundle that throws while loading gets a 500 and the error on stderr', async () => {
  await assertInternalServerError(await worker.route('node/api/load-error.js', { page: '/api/load-error' }))
  await worker.waitForStderr(/Failed to run \/api\/load-error \(node\/api\/load-error\.js\): Error: load-boom\n\s+at /)
  await assertStillServing()
})

test('a missing bundle, a non-function export and a bad params header get a 500', async () => {
  await assertInternalServerError(await worker.route('node/api/missing.js'))
  await worker.waitForStderr(/Cannot find module '.*node\/api\/missing\.js'/)
  await assertInternalServerError(await worker.route('node/api/not-a-function.js', { page: '/api/nf' }))
  await worker.waitForStderr(/The default export of \/api\/nf is not a function/)
  await assertInternalServerError(await worker.route('node/api/hello.js', { headers: { 'x-switchyard-params': '%7Bbroken' } }))
  await assertInternalServerError(await worker.route('../escape.js'))
  await worker.waitForStderr(/bundle outside the build output: \.\.\/escape\.js/)
  await assertStillServing()
})

test('a body cut off by a closed connection is not reported as the route failing', async () => {
  const net = require('node:net')
  const socket = net.connect(worker.socketPath)
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(
    'POST /api/raw HTTP/1.1\r\nHost: worker\r\nx-switchyard-bundle: node/api/raw.js\r\n' +
      'Content-Length: 100000\r\n\r\n0123456789'
  )
  await sleep(50)
  socket.destroy()
  await sleep(100)
  assert.doesNotMatch(worker.stderr, /aborted/)
  // A route's own error while reading is still reported.
  await assertInternalServerError(
    await worker.route('node/api/throws-on-read.js', { method: 'POST', body: 'x' })
  )
  await worker.waitForStderr(/boom-while-reading/)
  assert.equal((await worker.route('node/api/raw.js', { method: 'POST', body: '0123456789' })).text, '10')
})

test('a route calling process.exit() does exit the worker (the supervisor restarts it)', async () => {
  const exiting = await startWorker({ 'node/api/exit.js': `module.exports = () => process.exit(3)` })
  try {
    await assert.rejects(exiting.route('node/api/exit.js'))
    assert.deepEqual(await exiting.exited, { code: 3, signal: null })
  } finally {
    await exiting.stop()
  }
})
