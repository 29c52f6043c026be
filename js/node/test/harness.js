'use strict'
// Test harness (no tests here; `node --test` also loads this file and finds none): starts the
// worker as the supervisor does, in a temp app with a fake build output, and talks HTTP/1.1 to
// it over its Unix socket.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')

const WORKER = path.resolve(__dirname, '..', 'worker.js')

/**
 * Starts a worker whose build output holds `bundles` ({ 'node/api/x.js': 'source' }).
 * Resolves once it printed SWITCHYARD_READY. `stdin: 'pipe'` gives the worker a stdin pipe
 * (`worker.child.stdin`), as the supervisor does.
 */
async function startWorker(bundles, { env = {}, socketPath, stdin = 'ignore' } = {}) {
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-worker-test-'))
  const outDir = path.join(appDir, '.switchyard')
  for (const [file, source] of Object.entries(bundles)) {
    const target = path.join(outDir, file)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(target, source)
  }
  socketPath = socketPath || path.join(appDir, 'worker.sock')
  const child = spawn(process.execPath, [WORKER], {
    cwd: appDir,
    env: {
      ...process.env,
      SWITCHYARD_SOCKET: socketPath,
      SWITCHYARD_OUT_DIR: outDir,
      SWITCHYARD_WORKER_ID: '0',
      NODE_ENV: 'production',
      NEXT_RUNTIME: 'nodejs',
      ...env,
    },
    stdio: [stdin, 'pipe', 'pipe'],
  })
  const worker = new Worker(child, appDir, outDir, socketPath)
  await worker.ready
  return worker
}

class Worker {
  constructor(child, appDir, outDir, socketPath) {
    this.child = child
    this.appDir = appDir
    this.outDir = outDir
    this.socketPath = socketPath
    this.stdout = ''
    this.stderr = ''
    this.agent = new http.Agent({ keepAlive: true })
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (text) => (this.stderr += text))
    this.ready = new Promise((resolve, reject) => {
      child.stdout.on('data', (text) => {
        this.stdout += text
        if (this.stdout.split('\n').includes('SWITCHYARD_READY')) resolve()
      })
      this.exited.then(({ code }) => reject(new Error(`worker exited (${code}) before ready:\n${this.stderr}`)))
    })
  }

  /**
   * Calls the route in `bundle` as the supervisor would: internal headers plus the client's
   * request. Options: page, params, path, method, headers, body (string/Buffer/array of chunks
   * with delays: [{ data, delay }]), agent.
   */
  route(bundle, options = {}) {
    const params = options.params || {}
    const headers = {
      'x-switchyard-page': options.page || '/api/test',
      'x-switchyard-bundle': bundle,
      'x-switchyard-params': encodeURIComponent(JSON.stringify(params)),
      ...options.headers,
    }
    return this.request({ ...options, headers })
  }

  /** A plain HTTP request over the socket; resolves with status, headers, body and chunk timing. */
  request({ method = 'GET', path: urlPath = '/', headers = {}, body, agent = this.agent } = {}) {
    return new Promise((resolve, reject) => {
      const started = Date.now()
      const req = http.request({ socketPath: this.socketPath, method, path: urlPath, headers, agent }, (res) => {
        const chunks = []
        res.on('data', (data) => chunks.push({ at: Date.now() - started, data }))
        res.on('error', reject)
        res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ABORTED' })))
        res.on('end', () => {
          const buffer = Buffer.concat(chunks.map((chunk) => chunk.data))
          resolve({
            status: res.statusCode,
            statusMessage: res.statusMessage,
            headers: res.headers,
            body: buffer,
            text: buffer.toString('utf8'),
            json: () => JSON.parse(buffer.toString('utf8')),
            chunks,
            reusedSocket: req.reusedSocket,
          })
        })
      })
      req.on('error', reject)
      writeBody(req, body).catch(reject)
    })
  }

  /** Waits until stderr matches `pattern`. */
  async waitForStderr(pattern, timeout = 3000) {
    const deadline = Date.now() + timeout
    while (!pattern.test(this.stderr)) {
      if (Date.now() > deadline) throw new Error(`stderr never matched ${pattern}:\n${this.stderr}`)
      await sleep(10)
    }
  }

  async stop() {
    this.agent.destroy()
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
    await this.exited
    fs.rmSync(this.appDir, { recursive: true, force: true })
  }
}

async function writeBody(req, body) {
  if (body === undefined) return req.end()
  if (!Array.isArray(body)) return req.end(body)
  for (const { data, delay = 0 } of body) {
    if (delay) await sleep(delay)
    req.write(data)
  }
  req.end()
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

module.exports = { startWorker, sleep }
