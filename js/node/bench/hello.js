'use strict'
// Requests per second of one worker for a hello handler, measured the way the supervisor talks
// to it: keep-alive HTTP/1.1 connections over the Unix socket, one request at a time each.
//
//   node crates/node/js/bench/hello.js [seconds=5] [connections=32] [route=hello|json|echo]
//
// The client is a minimal raw-socket one (it only counts responses), so that it costs far
// less CPU than the worker it measures.

const net = require('node:net')
const { startWorker } = require('../test/harness.js')

const seconds = Number(process.argv[2] || 5)
const connections = Number(process.argv[3] || 32)
const route = process.argv[4] || 'hello'

const bundles = {
  'node/api/hello.js': `module.exports = (req, res) => res.end('hello')`,
  'node/api/json.js': `exports.default = (req, res) => res.status(200).json({ id: req.query.id, name: 'x' })`,
  'node/api/echo.js': `exports.default = (req, res) => res.json(req.body)`,
}

const REQUESTS = {
  hello:
    'GET /api/hello HTTP/1.1\r\nHost: w\r\nx-switchyard-page: /api/hello\r\n' +
    'x-switchyard-bundle: node/api/hello.js\r\nx-switchyard-params: %7B%7D\r\n\r\n',
  json:
    'GET /api/items/42?sort=asc HTTP/1.1\r\nHost: w\r\nx-switchyard-page: /api/items/[id]\r\n' +
    'x-switchyard-bundle: node/api/json.js\r\nx-switchyard-params: %7B%22id%22%3A%2242%22%7D\r\n\r\n',
  echo:
    'POST /api/echo HTTP/1.1\r\nHost: w\r\nx-switchyard-page: /api/echo\r\n' +
    'x-switchyard-bundle: node/api/echo.js\r\nx-switchyard-params: %7B%7D\r\n' +
    'Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{"hello":"x"}',
}

/** Runs one connection until `deadline`, counting complete responses. */
function drive(socketPath, request, deadline, counts) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath)
    let buffered = ''
    socket.setEncoding('latin1')
    socket.on('connect', () => socket.write(request))
    socket.on('error', reject)
    socket.on('data', (text) => {
      buffered += text
      // A response is complete once its head and Content-Length bytes have arrived.
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n')
        if (headEnd === -1) return
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, headEnd))[1])
        if (buffered.length < headEnd + 4 + length) return
        if (!buffered.startsWith('HTTP/1.1 200')) counts.errors++
        buffered = buffered.slice(headEnd + 4 + length)
        counts.ok++
        if (Date.now() >= deadline) {
          socket.end()
          resolve()
          return
        }
        socket.write(request)
      }
    })
  })
}

async function main() {
  const worker = await startWorker(bundles)
  try {
    const request = REQUESTS[route]
    // Warm up: load the bundle, let the JIT see the path.
    await Promise.all(Array.from({ length: 4 }, () => drive(worker.socketPath, request, Date.now() + 500, { ok: 0, errors: 0 })))
    const counts = { ok: 0, errors: 0 }
    const started = Date.now()
    await Promise.all(Array.from({ length: connections }, () => drive(worker.socketPath, request, started + seconds * 1000, counts)))
    const elapsed = (Date.now() - started) / 1000
    console.log(`${route}: ${Math.round(counts.ok / elapsed)} req/s over ${connections} connections (${counts.errors} non-200)`)
  } finally {
    await worker.stop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
