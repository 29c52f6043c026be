'use strict'
// The supervisor ⇄ worker protocol: start-up, health, internal headers, module cache, socket
// and process lifecycle.

const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const { startWorker, sleep } = require('./harness.js')

const INSPECT = `
module.exports = (req, res) => {
  res.json({
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    distinctHeaders: Object.keys(req.headersDistinct),
    url: req.url,
    method: req.method,
    runtime: process.env.NEXT_RUNTIME,
    nodeEnv: process.env.NODE_ENV,
    workerId: process.env.SWITCHYARD_WORKER_ID,
    cwd: process.cwd(),
  })
}
`

const bundles = {
  'node/api/inspect.js': INSPECT,
  'node/api/counter.js': `
    let loads = (globalThis.__loads = (globalThis.__loads || 0) + 1)
    let calls = 0
    module.exports = (req, res) => res.json({ loads, calls: ++calls })
  `,
  'node/api/with space/é.js': `module.exports = (req, res) => res.send('decoded')`,
  'node/api/slow.js': `module.exports = (req, res) => setTimeout(() => res.send('slow done'), 300)`,
  'node/pages/page.js': `
    exports.default = { render: (req, res, internal) => res.end(JSON.stringify(internal)) }
  `,
}

let worker
test.before(async () => {
  worker = await startWorker(bundles)
})
test.after(() => worker.stop())

test('the worker prints exactly SWITCHYARD_READY once listening', () => {
  assert.equal(worker.stdout, 'SWITCHYARD_READY\n')
})

test('GET /__switchyard/health answers 200 ok without touching user code', async () => {
  const res = await worker.request({ path: '/__switchyard/health' })
  assert.deepEqual([res.status, res.text], [200, 'ok'])
  // Even with route headers present, the health path never runs a handler.
  const withRoute = await worker.route('node/api/counter.js', { path: '/__switchyard/health' })
  assert.equal(withRoute.text, 'ok')
})

test('the handler sees the client request without the internal headers', async () => {
  const res = await worker.route('node/api/inspect.js', {
    method: 'PATCH',
    path: '/api/inspect/x?y=1',
    headers: { 'X-Client-Header': 'kept', Accept: 'application/json' },
  })
  const seen = res.json()
  assert.equal(seen.method, 'PATCH')
  assert.equal(seen.url, '/api/inspect/x?y=1')
  assert.equal(seen.headers['x-client-header'], 'kept')
  assert.deepEqual(
    Object.keys(seen.headers).filter((name) => name.startsWith('x-switchyard')),
    []
  )
  assert.ok(seen.rawHeaders.includes('X-Client-Header'))
  assert.deepEqual(
    seen.rawHeaders.filter((entry) => /^x-switchyard/i.test(entry)),
    []
  )
  assert.equal(seen.rawHeaders.length % 2, 0)
  assert.ok(seen.distinctHeaders.includes('x-client-header'))
  assert.deepEqual(
    seen.distinctHeaders.filter((name) => name.startsWith('x-switchyard')),
    []
  )
})

test('every x-switchyard-* header is hidden from the handler, not only the known ones', async () => {
  const res = await worker.route('node/api/inspect.js', {
    headers: { 'X-Switchyard-Not-Found': '1', 'x-switchyard-anything': 'else', 'x-client-header': 'kept' },
  })
  const seen = res.json()
  assert.equal(seen.headers['x-client-header'], 'kept')
  assert.deepEqual(
    Object.keys(seen.headers).filter((name) => name.startsWith('x-switchyard')),
    []
  )
  assert.deepEqual(
    seen.rawHeaders.filter((entry) => /^x-switchyard/i.test(entry)),
    []
  )
})

test('a bundle called as the wrong kind is a 500 for that request only, never a poisoned cache', async () => {
  const normal = async () => {
    const res = await worker.route('node/api/counter.js')
    assert.equal(res.status, 200)
    return res.json()
  }
  const before = await normal()
  for (const kind of ['page', 'middleware', 'bogus', '']) {
    const res = await worker.route('node/api/counter.js', { headers: { 'x-switchyard-kind': kind } })
    assert.equal(res.status, 500, `kind ${JSON.stringify(kind)}`)
    const after = await normal()
    assert.equal(after.loads, before.loads)
  }
  await worker.waitForStderr(/is not a page bundle/)
  await worker.waitForStderr(/unknown x-switchyard-kind "bogus"/)
  // A page bundle called as an API route fails too, and the page still renders afterwards.
  const page = (headers) => worker.route('node/pages/page.js', { page: '/page', headers })
  assert.equal((await page({})).status, 500)
  assert.equal((await page({ 'x-switchyard-kind': 'page', 'x-switchyard-render': '%7Bnot json' })).status, 500)
  const rendered = await page({ 'x-switchyard-kind': 'page', 'x-switchyard-render': encodeURIComponent('{"status":200}') })
  assert.equal(rendered.status, 200)
  assert.deepEqual(rendered.json(), { status: 200, params: {} })
  assert.equal((await worker.route('node/api/counter.js', { headers: { 'x-switchyard-kind': 'api' } })).status, 200)
})

test('the environment: NEXT_RUNTIME=nodejs, NODE_ENV, worker id, cwd = the app root', async () => {
  const seen = (await worker.route('node/api/inspect.js')).json()
  assert.equal(seen.runtime, 'nodejs')
  assert.equal(seen.nodeEnv, 'production')
  assert.equal(seen.workerId, '0')
  assert.equal(fs.realpathSync(seen.cwd), fs.realpathSync(worker.appDir))
})

test('NEXT_RUNTIME is nodejs even if the environment did not say so', async () => {
  const bare = await startWorker({ 'node/api/inspect.js': INSPECT }, { env: { NEXT_RUNTIME: undefined } })
  try {
    assert.equal((await bare.route('node/api/inspect.js')).json().runtime, 'nodejs')
  } finally {
    await bare.stop()
  }
})

test('a bundle is loaded once and cached', async () => {
  const first = (await worker.route('node/api/counter.js')).json()
  const second = (await worker.route('node/api/counter.js')).json()
  assert.deepEqual([first.loads, second.loads], [1, 1])
  assert.equal(second.calls, first.calls + 1)
})

test('percent-encoded page and bundle headers are decoded', async () => {
  const res = await worker.route(encodeURIComponent('node/api/with space/é.js'), { page: encodeURIComponent('/api/with space/é') })
  assert.deepEqual([res.status, res.text], [200, 'decoded'])
})

test('idle keep-alive connections stay open (the supervisor pools them)', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    await worker.request({ path: '/__switchyard/health', agent })
    // Longer than Node's default keepAliveTimeout of 5 s.
    await sleep(5500)
    const res = await worker.request({ path: '/__switchyard/health', agent })
    assert.equal(res.reusedSocket, true)
  } finally {
    agent.destroy()
  }
})

test('a stale socket file left by a killed worker is replaced', async () => {
  const first = await startWorker({ 'node/api/inspect.js': INSPECT })
  const socketPath = first.socketPath
  first.child.kill('SIGKILL')
  await first.exited
  assert.ok(fs.lstatSync(socketPath).isSocket(), 'the killed worker left its socket behind')
  const second = await startWorker({ 'node/api/inspect.js': INSPECT }, { socketPath })
  try {
    const res = await second.request({ path: '/__switchyard/health' })
    assert.equal(res.text, 'ok')
  } finally {
    await second.stop()
    await first.stop()
  }
})

test('SIGTERM lets in-flight requests finish, then the worker exits 0', async () => {
  const stopping = await startWorker(bundles)
  try {
    const pending = stopping.route('node/api/slow.js')
    await sleep(50)
    stopping.child.kill('SIGTERM')
    const res = await pending
    assert.equal(res.text, 'slow done')
    assert.deepEqual(await stopping.exited, { code: 0, signal: null })
  } finally {
    await stopping.stop()
  }
})

test('a worker whose supervisor died exits instead of lingering', async () => {
  // A stand-in supervisor starts the worker, reports its pid, then dies.
  const appDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'switchyard-orphan-'))
  const script = `
    const { spawn } = require('node:child_process')
    const child = spawn(process.execPath, [${JSON.stringify(path.resolve(__dirname, '..', 'worker.js'))}], {
      cwd: ${JSON.stringify(appDir)},
      env: { ...process.env, SWITCHYARD_SOCKET: ${JSON.stringify(path.join(appDir, 'w.sock'))}, SWITCHYARD_OUT_DIR: ${JSON.stringify(appDir)} },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    child.stdout.once('data', () => { console.log(child.pid); process.exit(0) })
  `
  try {
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    parent.stdout.on('data', (text) => (output += text))
    await new Promise((resolve) => parent.once('exit', resolve))
    const pid = Number(output.trim())
    assert.ok(pid > 0)
    const deadline = Date.now() + 4000
    while (isAlive(pid)) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL')
        assert.fail('orphaned worker still running')
      }
      await sleep(50)
    }
  } finally {
    fs.rmSync(appDir, { recursive: true, force: true })
  }
})

test('a worker exits when the pipe its supervisor holds on its stdin closes', { timeout: 5000 }, async () => {
  const held = await startWorker(bundles, { stdin: 'pipe', env: { SWITCHYARD_LIFELINE: 'stdin' } })
  try {
    assert.equal((await held.request({ path: '/__switchyard/health' })).text, 'ok')
    held.child.stdin.end()
    assert.deepEqual(await held.exited, { code: 0, signal: null })
  } finally {
    await held.stop()
  }
})

test('a worker whose supervisor died before it started exits at once', { timeout: 5000 }, async () => {
  // SWITCHYARD_PARENT_PID names a process that has exited: the supervisor died while the
  // worker was starting, and the worker was handed to another process before it could look.
  const gone = require('node:child_process').spawnSync(process.execPath, ['-e', '']).pid
  await assert.rejects(
    startWorker(bundles, { env: { SWITCHYARD_PARENT_PID: String(gone) } }),
    /worker exited \(0\) before ready/
  )
})

function isAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
