'use strict'
/**
 * Switchyard's Node.js worker: one `node` process that runs Next.js pages-router API routes.
 *
 * The Rust supervisor (crates/node/src) starts this script with `cwd` = the app root and
 *   SWITCHYARD_SOCKET   Unix socket path to listen on
 *   SWITCHYARD_OUT_DIR  absolute path of the build output (APP/.switchyard)
 *   SWITCHYARD_WORKER_ID, NODE_ENV=production, NEXT_RUNTIME=nodejs
 *   SWITCHYARD_PARENT_PID  the supervisor's pid: we exit once that process is gone
 *   SWITCHYARD_LIFELINE    `stdin`: stdin is a pipe the supervisor holds; we exit at its end
 * We listen with node:http on the socket and print the line `SWITCHYARD_READY` to stdout.
 *
 * `GET /__switchyard/health` answers 200 `ok`. Every other request is the client's own request
 * (method, path and query, headers, streamed body) plus internal headers, which we read and
 * remove (with any other `x-switchyard-*` header) before user code runs:
 *   x-switchyard-page    the route's page path (`/api/items/[id]`)
 *   x-switchyard-bundle  its CommonJS bundle, relative to SWITCHYARD_OUT_DIR
 *   x-switchyard-params  encodeURIComponent(JSON.stringify(params))
 *   x-switchyard-kind    `api` (also when absent) for an API route, `middleware` for a
 *                        fetch-style handler (Web Request in, Response out), `page` for a page
 *                        (the bundle's default export renders it); anything else is a 500
 *   x-switchyard-url     with `middleware`: the request's absolute URL, percent-encoded
 *   x-switchyard-render  with `page`: JSON `{ data, status }` (a /_next/data request, the
 *                        status to render with)
 * The route's handler then runs with Next.js's API helpers on `req` and `res` (see
 * nextjs-runtime-behaviour.md §4 and next's server/api-utils), and whatever it writes streams back.
 *
 * Started as `node worker.js --prerender JOBS RESULTS` (at build time), it renders the pages
 * listed in the JSON file JOBS (`[{ page, bundle }]`) and writes what each gave to RESULTS.
 *
 * This file must stay one CommonJS script whose only dependency is `../protocol.json`: the
 * supervisor embeds both in the binary and writes them to a temp folder in the same layout. When `require`d (by the tests) it only
 * exports its pure helpers and starts nothing.
 */

const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const querystring = require('node:querystring')
const { Stream } = require('node:stream')

// The header names shared with the server (crates/protocol) and the page adapters.
const PROTOCOL = require('../protocol.json')

const HEALTH_PATH = '/__switchyard/health'
const PAGE_HEADER = PROTOCOL.headers.page
const BUNDLE_HEADER = PROTOCOL.headers.bundle
const PARAMS_HEADER = PROTOCOL.headers.params
const KIND_HEADER = PROTOCOL.headers.kind
const URL_HEADER = PROTOCOL.headers.url
const RENDER_HEADER = PROTOCOL.headers.render
const FAILED_HEADER = PROTOCOL.headers.failed
const INTERNAL_NAME = new RegExp(`^${PROTOCOL.prefix}`, 'i')
const KINDS = new Set(['api', 'middleware', 'page'])

const DEFAULT_BODY_LIMIT = '1mb'
const RESPONSE_LIMIT_DEFAULT = 4 * 1024 * 1024
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
const ERROR_PREFIX = ' ⨯'

// ---------------------------------------------------------------------------------------------
// Sizes: the `bytes` package's parse/format, which Next uses for sizeLimit and responseLimit.
// ---------------------------------------------------------------------------------------------

const BYTE_UNITS = { b: 1, kb: 1 << 10, mb: 1 << 20, gb: 1 << 30, tb: 1024 ** 4, pb: 1024 ** 5 }
const BYTES_PATTERN = /^((-|\+)?(\d+(?:\.\d+)?)) *(kb|mb|gb|tb|pb)$/i

/** `bytes.parse`: a number as is, '1.5mb' → 1572864, '10b' / '10' → 10, junk → null. */
function parseBytes(value) {
  if (typeof value === 'number' && !Number.isNaN(value)) return value
  if (typeof value !== 'string') return null
  const match = BYTES_PATTERN.exec(value)
  const amount = match ? parseFloat(match[1]) : parseInt(value, 10)
  const unit = match ? match[4].toLowerCase() : 'b'
  return Number.isNaN(amount) ? null : Math.floor(BYTE_UNITS[unit] * amount)
}

/** `bytes.format`: 4194304 → '4MB', 1536 → '1.5KB', 100 → '100B' (the responseLimit warning). */
function formatBytes(value) {
  const size = Math.abs(value)
  let unit = 'B'
  if (size >= BYTE_UNITS.pb) unit = 'PB'
  else if (size >= BYTE_UNITS.tb) unit = 'TB'
  else if (size >= BYTE_UNITS.gb) unit = 'GB'
  else if (size >= BYTE_UNITS.mb) unit = 'MB'
  else if (size >= BYTE_UNITS.kb) unit = 'KB'
  const amount = (value / BYTE_UNITS[unit.toLowerCase()]).toFixed(2)
  return amount.replace(/(?:\.0*|(\.[^0]+)0+)$/, '$1') + unit
}

// ---------------------------------------------------------------------------------------------
// Content-Type: the `content-type` package's strict parser (Next falls back to text/plain when
// it throws, so a malformed header means "raw string body" even for JSON).
// ---------------------------------------------------------------------------------------------

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const MEDIA_TYPE_PATTERN = new RegExp(`^${TOKEN}/${TOKEN}$`)
const PARAM_PATTERN = new RegExp(
  `; *(${TOKEN}) *= *("(?:[\\u000b\\u0020\\u0021\\u0023-\\u005b\\u005d-\\u007e\\u0080-\\u00ff]|\\\\[\\u000b\\u0020-\\u00ff])*"|${TOKEN}) *`,
  'g'
)
const QUOTED_ESCAPE = /\\([\u000b\u0020-\u00ff])/g
const TEXT_PLAIN = { type: 'text/plain', charset: 'utf-8' }

/** `{ type, charset }` of a Content-Type header; missing or malformed → text/plain, utf-8. */
function parseContentType(header) {
  if (typeof header !== 'string') return TEXT_PLAIN
  const semicolon = header.indexOf(';')
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim()
  if (!MEDIA_TYPE_PATTERN.test(type)) return TEXT_PLAIN
  let charset
  if (semicolon !== -1) {
    let index = semicolon
    PARAM_PATTERN.lastIndex = index
    let match
    while ((match = PARAM_PATTERN.exec(header)) !== null) {
      if (match.index !== index) return TEXT_PLAIN
      index += match[0].length
      if (match[1].toLowerCase() === 'charset') charset = unquote(match[2])
    }
    if (index !== header.length) return TEXT_PLAIN
  }
  return { type: type.toLowerCase(), charset: charset || 'utf-8' }
}

function unquote(value) {
  if (value.charCodeAt(0) !== 0x22) return value
  const inner = value.slice(1, -1)
  return inner.includes('\\') ? inner.replace(QUOTED_ESCAPE, '$1') : inner
}

// Decoders are reused: a TextDecoder without `stream` keeps no state between calls.
const decoders = new Map()
// Node's names for encodings that the WHATWG labels TextDecoder knows don't cover.
const CHARSET_ALIASES = { binary: 'latin1', ucs2: 'utf-16le', 'ucs-2': 'utf-16le', utf16le: 'utf-16le' }

/** A decoder for `charset`, or an ApiError 400 "Invalid body" (raw-body's unsupported encoding). */
function decoderFor(charset) {
  let decoder = decoders.get(charset)
  if (decoder === undefined) {
    const label = charset.toLowerCase()
    try {
      decoder = new TextDecoder(CHARSET_ALIASES[label] || label)
    } catch {
      throw new ApiError(400, 'Invalid body')
    }
    decoders.set(charset, decoder)
  }
  return decoder
}

// ---------------------------------------------------------------------------------------------
// Cookies: the `cookie` package's parse (first value wins, quotes stripped, values URI-decoded
// when that works).
// ---------------------------------------------------------------------------------------------

function parseCookies(header) {
  const cookies = {}
  if (typeof header !== 'string' || header.length < 2) return cookies
  const length = header.length
  let index = 0
  while (index < length) {
    const equals = header.indexOf('=', index)
    if (equals === -1) break
    let end = header.indexOf(';', index)
    if (end === -1) end = length
    if (equals > end) {
      // A pair without '=' ("a; b=1"): restart after its semicolon.
      index = header.lastIndexOf(';', equals - 1) + 1
      continue
    }
    const key = header.slice(index, equals).trim()
    if (!Object.prototype.hasOwnProperty.call(cookies, key)) {
      let value = header.slice(equals + 1, end).trim()
      if (value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22) {
        value = value.slice(1, -1)
      }
      cookies[key] = decodeCookieValue(value)
    }
    index = end + 1
  }
  return cookies
}

function decodeCookieValue(value) {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

// ---------------------------------------------------------------------------------------------
// Query: Next merges the parsed query string with the route params, params winning.
// ---------------------------------------------------------------------------------------------

function buildQuery(url, params) {
  const mark = url.indexOf('?')
  // querystring gives arrays for repeated keys like Next's parser; maxKeys 0 = no cap, as there.
  const parsed = mark === -1 ? null : querystring.parse(url.slice(mark + 1), '&', '=', { maxKeys: 0 })
  // Plain object (querystring's has a null prototype): user code may call query.hasOwnProperty.
  return Object.assign({}, parsed, params)
}

/** The params header: encodeURIComponent(JSON.stringify(params)); absent → none. */
function decodeParams(header) {
  if (header === undefined || header === '') return null
  return JSON.parse(decodeURIComponent(header))
}

// ---------------------------------------------------------------------------------------------
// ETag: Next's generateETag (fnv1a-52 in base 36 + length in base 36) and fresh() for 304s.
// ---------------------------------------------------------------------------------------------

function fnv1a52(str) {
  const len = str.length
  let i = 0
  let t0 = 0
  let v0 = 0x2325
  let t1 = 0
  let v1 = 0x8422
  let t2 = 0
  let v2 = 0x9ce4
  let t3 = 0
  let v3 = 0xcbf2
  while (i < len) {
    v0 ^= str.charCodeAt(i++)
    t0 = v0 * 435
    t1 = v1 * 435
    t2 = v2 * 435
    t3 = v3 * 435
    t2 += v0 << 8
    t3 += v1 << 8
    t1 += t0 >>> 16
    v0 = t0 & 65535
    t2 += t1 >>> 16
    v1 = t1 & 65535
    v3 = (t3 + (t2 >>> 16)) & 65535
    v2 = t2 & 65535
  }
  return (v3 & 15) * 281474976710656 + v2 * 4294967296 + v1 * 65536 + (v0 ^ (v3 >> 4))
}

function generateETag(payload) {
  return '"' + fnv1a52(payload).toString(36) + payload.length.toString(36) + '"'
}

const NO_CACHE = /(?:^|,)\s*?no-cache\s*?(?:,|$)/

/** The `fresh` package as Next calls it (only an ETag on our side): may we answer 304? */
function isFresh(requestHeaders, etag) {
  const noneMatch = requestHeaders['if-none-match']
  const modifiedSince = requestHeaders['if-modified-since']
  if (!noneMatch && !modifiedSince) return false
  const cacheControl = requestHeaders['cache-control']
  if (cacheControl && NO_CACHE.test(cacheControl)) return false
  if (noneMatch && noneMatch !== '*') {
    const matches = noneMatch.split(',').map((tag) => tag.trim())
    if (!matches.some((tag) => tag === etag || tag === 'W/' + etag || 'W/' + tag === etag)) return false
  }
  // We never send Last-Modified, so an If-Modified-Since can't be satisfied.
  return !modifiedSince
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** An error with the status Next answers with (body parsing), like next's ApiError. */
class ApiError extends Error {
  constructor(statusCode, message) {
    super(message)
    this.statusCode = statusCode
  }
}

/** Next's sendError: status, statusMessage and body are the message (plus a correct length). */
function sendError(res, statusCode, message) {
  res.statusCode = statusCode
  res.statusMessage = message
  res.setHeader('Content-Type', 'text/plain')
  res.setHeader('Content-Length', Buffer.byteLength(message))
  res.removeHeader('Transfer-Encoding')
  res.end(message)
}

function logError(...args) {
  try {
    console.error(ERROR_PREFIX, ...args)
  } catch {
    // stderr is gone (supervisor died); nothing sensible left to do with the error.
  }
}

/** A handler failed: 500 if nothing was sent yet, else cut the response so the client sees it. */
/** The response header marking a 500 as the worker's report of a thrown error. */

function failRequest(res, err) {
  if (err instanceof ApiError) {
    sendError(res, err.statusCode, err.message)
    return
  }
  if (isCutOff(res.req, err)) {
    // The supervisor dropped the exchange because its client left mid-body, and logs that
    // itself; the route did nothing wrong and nobody is left to answer.
    res.destroy()
    return
  }
  logError(err)
  if (!res.headersSent) {
    // Tells the server the code failed (a response the app chose would not carry it), so a
    // failed middleware can get Next's error page; the server removes it from every response.
    res.setHeader(FAILED_HEADER, '1')
    sendError(res, 500, 'Internal Server Error')
  } else if (!res.writableEnded) {
    // A half-written response can't turn into an error any more; an aborted one is honest.
    res.destroy()
  }
}

/** `err` is the body stream failing because the connection closed before the body ended. */
function isCutOff(req, err) {
  return err != null && err.code === 'ECONNRESET' && req != null && req.destroyed && !req.complete
}

// ---------------------------------------------------------------------------------------------
// Request and response classes. Next adds its helpers to each req/res; we put them on the
// prototypes of the classes node:http instantiates, so a request allocates no closures.
// ---------------------------------------------------------------------------------------------

const kResponseLimit = Symbol('switchyard.responseLimit')
const kBytesWritten = Symbol('switchyard.bytesWritten')
const kHeadersDistinct = Symbol('switchyard.headersDistinct')

class ApiRequest extends http.IncomingMessage {
  constructor(socket) {
    super(socket)
    // Declared up front so every request has the same shape.
    this.query = undefined
    this.body = undefined
    this[kHeadersDistinct] = undefined
  }

  /**
   * Node builds this lazily from rawHeaders using the header count it parsed, which is wrong
   * once the internal headers are spliced out of rawHeaders; build it from what is left.
   */
  get headersDistinct() {
    if (this[kHeadersDistinct] === undefined) {
      const distinct = {}
      const raw = this.rawHeaders
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i].toLowerCase()
        if (distinct[name] === undefined) distinct[name] = [raw[i + 1]]
        else distinct[name].push(raw[i + 1])
      }
      this[kHeadersDistinct] = distinct
    }
    return this[kHeadersDistinct]
  }

  set headersDistinct(value) {
    this[kHeadersDistinct] = value
  }

  /** Parsed on first use, like Next's setLazyProp; assignable. */
  get cookies() {
    const cookies = parseCookies(this.headers.cookie)
    defineOwn(this, 'cookies', cookies)
    return cookies
  }

  set cookies(value) {
    defineOwn(this, 'cookies', value)
  }

  // Preview / draft mode needs Next's preview secrets, which Switchyard doesn't issue, so no
  // request can carry a valid preview cookie: report "not in preview" as Next does then.
  get previewData() {
    return false
  }

  set previewData(value) {
    defineOwn(this, 'previewData', value)
  }

  get preview() {
    return undefined
  }

  set preview(value) {
    defineOwn(this, 'preview', value)
  }

  get draftMode() {
    return undefined
  }

  set draftMode(value) {
    defineOwn(this, 'draftMode', value)
  }
}

function defineOwn(object, key, value) {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true })
}

class ApiResponse extends http.ServerResponse {
  constructor(req, options) {
    super(req, options)
    // 0 = not counting (health checks, worker errors, `responseLimit: false`).
    this[kResponseLimit] = 0
    this[kBytesWritten] = 0
  }

  // -- responseLimit accounting: Next wraps write/end to count bytes; it only ever warns.

  write(chunk, encoding, callback) {
    if (this[kResponseLimit] !== 0) countResponseBytes(this, chunk, encoding)
    return super.write(chunk, encoding, callback)
  }

  end(chunk, encoding, callback) {
    if (this[kResponseLimit] !== 0 && typeof chunk !== 'function') countResponseBytes(this, chunk, encoding)
    return super.end(chunk, encoding, callback)
  }

  // -- Next's response helpers (server/api-utils).

  status(statusCode) {
    this.statusCode = statusCode
    return this
  }

  send(body) {
    sendData(this.req, this, body)
  }

  json(body) {
    this.setHeader('Content-Type', JSON_CONTENT_TYPE)
    this.send(JSON.stringify(body))
  }

  redirect(statusOrUrl, url) {
    if (typeof statusOrUrl === 'string') {
      url = statusOrUrl
      statusOrUrl = 307
    }
    if (typeof statusOrUrl !== 'number' || typeof url !== 'string') {
      throw new Error(
        `Invalid redirect arguments. Please use a single argument URL, e.g. res.redirect('/destination') or use a status code and URL, e.g. res.redirect(307, '/destination').`
      )
    }
    this.writeHead(statusOrUrl, { Location: url })
    this.write(url)
    this.end()
    return this
  }

  revalidate(urlPath) {
    return Promise.reject(
      new Error(
        `res.revalidate(${JSON.stringify(urlPath)}) is not supported by Switchyard yet: on-demand revalidation needs an ISR cache, which Switchyard does not have.`
      )
    )
  }

  setDraftMode() {
    throw new Error('res.setDraftMode() is not supported by Switchyard yet.')
  }

  setPreviewData() {
    throw new Error('res.setPreviewData() is not supported by Switchyard yet.')
  }

  /** Expires Next's preview cookies; needs no secret, so it works as in Next (production flags). */
  clearPreviewData(options = {}) {
    const attributes = `; Path=${options.path || '/'}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=None`
    const previous = this.getHeader('Set-Cookie')
    this.setHeader('Set-Cookie', [
      ...(typeof previous === 'string' ? [previous] : Array.isArray(previous) ? previous : []),
      `__prerender_bypass=${attributes}`,
      `__next_preview_data=${attributes}`,
    ])
    return this
  }
}

function countResponseBytes(res, chunk, encoding) {
  const before = res[kBytesWritten]
  res[kBytesWritten] = before + byteLengthOf(chunk, encoding)
  const limit = res[kResponseLimit]
  // Warn once, at the write that crosses the limit (Next checks at end(); a stream may never end).
  if (before < limit && res[kBytesWritten] >= limit) {
    console.warn(
      `API response for ${res.req.url} exceeds ${formatBytes(limit)}. API Routes are meant to respond quickly. https://nextjs.org/docs/messages/api-routes-response-size-limit`
    )
  }
}

function byteLengthOf(chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding : 'utf8')
  return chunk != null && typeof chunk.byteLength === 'number' ? chunk.byteLength : 0
}

/** Next's sendData (res.send). */
function sendData(req, res, body) {
  if (body === null || body === undefined) {
    res.end()
    return
  }
  // 204 and 304 carry no body: drop it and the headers that would describe it.
  if (res.statusCode === 204 || res.statusCode === 304) {
    res.removeHeader('Content-Type')
    res.removeHeader('Content-Length')
    res.removeHeader('Transfer-Encoding')
    res.end()
    return
  }
  const contentType = res.getHeader('Content-Type')
  if (body instanceof Stream) {
    if (!contentType) res.setHeader('Content-Type', 'application/octet-stream')
    // Next doesn't watch the source; without this a failing stream would hang the response.
    body.once('error', (err) => failRequest(res, err))
    body.pipe(res)
    return
  }
  const isBuffer = Buffer.isBuffer(body)
  const isJsonLike = !isBuffer && (typeof body === 'object' || typeof body === 'number' || typeof body === 'boolean')
  const payload = isJsonLike ? JSON.stringify(body) : body
  // Next hashes a Buffer's JSON form; hashing its bytes (as latin1 chars) is stable and cheaper.
  const etag = generateETag(isBuffer ? body.toString('latin1') : payload)
  res.setHeader('ETag', etag)
  if (isFresh(req.headers, etag)) {
    res.statusCode = 304
    res.end()
    return
  }
  if (isBuffer) {
    if (!contentType) res.setHeader('Content-Type', 'application/octet-stream')
    res.setHeader('Content-Length', body.length)
    res.end(body)
    return
  }
  if (isJsonLike) res.setHeader('Content-Type', JSON_CONTENT_TYPE)
  res.setHeader('Content-Length', Buffer.byteLength(payload))
  res.end(payload)
}

// ---------------------------------------------------------------------------------------------
// Body parsing: Next's parseBody (raw-body with a size limit, then by content type).
// ---------------------------------------------------------------------------------------------

/** req.body for `route`, or a rejected ApiError (413 over the limit, 400 unreadable / bad JSON). */
async function parseBody(req, route) {
  const { type, charset } = parseContentType(req.headers['content-type'])
  const decoder = decoderFor(charset)
  const text = hasBody(req.headers) ? decoder.decode(await readBody(req, route)) : ''
  if (type === 'application/json' || type === 'application/ld+json') return parseJson(text)
  if (type === 'application/x-www-form-urlencoded') return querystring.decode(text)
  return text
}

/** HTTP/1.1: a request without Content-Length or Transfer-Encoding has no body, so skip the stream. */
function hasBody(headers) {
  const length = headers['content-length']
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

function parseJson(text) {
  // Next special-cases an empty JSON body, a common client-side mistake.
  if (text.length === 0) return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError(400, 'Invalid JSON')
  }
}

/** The whole body as one Buffer, at most `route.sizeLimit` bytes. */
function readBody(req, route) {
  const limit = route.sizeLimit
  const tooLarge = () => new ApiError(413, `Body exceeded ${route.sizeLimitLabel} limit`)
  return new Promise((resolve, reject) => {
    // The declared length already tells (raw-body would find out after reading that much).
    const declared = req.headers['content-length']
    if (declared !== undefined && Number(declared) > limit) {
      req.resume()
      reject(tooLarge())
      return
    }
    const chunks = []
    let received = 0
    let settled = false
    req.on('data', (chunk) => {
      // After an error we keep reading and dropping, so the keep-alive connection stays usable.
      if (settled) return
      received += chunk.length
      if (received > limit) {
        settled = true
        chunks.length = 0
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (settled) return
      settled = true
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received))
    })
    const fail = () => {
      if (settled) return
      settled = true
      reject(new ApiError(400, 'Invalid body'))
    }
    req.on('error', fail)
    req.on('close', fail) // closed before 'end': the client went away mid-body
  })
}

// ---------------------------------------------------------------------------------------------
// Routes: a bundle is required once; its config is read once into what a request needs.
// ---------------------------------------------------------------------------------------------

// Keyed by kind and bundle: what a bundle compiles to depends on the kind it is called as, and
// a request calling it as the wrong kind must not decide what every later request gets.
const routes = new Map()

function loadRoute(outDir, bundle, page, kind) {
  const key = kind + '\0' + bundle
  let route = routes.get(key)
  if (route === undefined) {
    route = kind === 'page' ? compilePage(outDir, bundle) : compileRoute(outDir, bundle, page)
    routes.set(key, route)
  }
  return route
}

/** The kind header's value; a value we don't know fails the request instead of guessing. */
function checkKind(kind) {
  if (kind === undefined) return 'api'
  if (!KINDS.has(kind)) throw new Error(`Switchyard: unknown ${KIND_HEADER} ${JSON.stringify(kind)}`)
  return kind
}

function requireBundle(outDir, bundle) {
  if (!bundle) throw new Error(`Switchyard: request without the ${BUNDLE_HEADER} header`)
  const file = path.resolve(outDir, bundle)
  if (!file.startsWith(outDir + path.sep)) throw new Error(`Switchyard: bundle outside the build output: ${bundle}`)
  return require(file)
}

/** A page bundle's default export is the page adapter: `{ render(req, res, internal), prerender() }`. */
function compilePage(outDir, bundle) {
  const mod = requireBundle(outDir, bundle)
  const adapter = mod && mod.default
  if (!adapter || typeof adapter.render !== 'function') {
    throw new Error(`Switchyard: ${bundle} is not a page bundle (its default export has no render function).`)
  }
  return adapter
}

function compileRoute(outDir, bundle, page) {
  const mod = requireBundle(outDir, bundle)
  // Next's interopDefault: `mod.default || mod`.
  const handler = (mod && mod.default) || mod
  if (typeof handler !== 'function') {
    throw new Error(`The default export of ${page || bundle} is not a function (an API route must export a handler).`)
  }
  return { handler, page, ...readApiConfig((mod && mod.config) || {}, page || bundle) }
}

/** config.api → { bodyParser, sizeLimit, sizeLimitLabel, responseLimit (0 = off) }. */
function readApiConfig(config, where) {
  const api = config.api || {}
  const bodyParser = api.bodyParser !== false
  let sizeLimitLabel = (api.bodyParser && api.bodyParser.sizeLimit) || DEFAULT_BODY_LIMIT
  let sizeLimit = parseBytes(sizeLimitLabel)
  if (sizeLimit === null) {
    // raw-body would silently read without a limit; a typo shouldn't remove the protection.
    console.warn(`${where}: config.api.bodyParser.sizeLimit ${JSON.stringify(sizeLimitLabel)} is not a size; using ${DEFAULT_BODY_LIMIT}.`)
    sizeLimitLabel = DEFAULT_BODY_LIMIT
    sizeLimit = parseBytes(DEFAULT_BODY_LIMIT)
  }
  const responseLimitSetting = api.responseLimit ?? true
  let responseLimit = 0
  if (responseLimitSetting === true) {
    responseLimit = RESPONSE_LIMIT_DEFAULT
  } else if (responseLimitSetting) {
    responseLimit = parseBytes(responseLimitSetting) ?? RESPONSE_LIMIT_DEFAULT
  }
  // api.externalResolver only silences a dev-mode warning we never print; nothing to do.
  return {
    bodyParser,
    sizeLimit,
    sizeLimitLabel: String(sizeLimitLabel),
    responseLimit,
  }
}

// ---------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------

/**
 * Reads the internal headers and removes every `x-switchyard-*` header from req.headers and
 * req.rawHeaders. Reading req.headers first matters: Node builds it lazily from rawHeaders and
 * the parsed header count.
 */
function takeInternalHeaders(req) {
  const headers = req.headers
  const target = {
    page: decodeLiteral(headers[PAGE_HEADER]),
    bundle: decodeLiteral(headers[BUNDLE_HEADER]),
    params: headers[PARAMS_HEADER],
    kind: headers[KIND_HEADER],
    url: decodeLiteral(headers[URL_HEADER]),
    render: headers[RENDER_HEADER],
  }
  const raw = req.rawHeaders
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    const name = raw[i]
    if (INTERNAL_NAME.test(name)) {
      delete headers[name.toLowerCase()]
      raw.splice(i, 2)
    }
  }
  return target
}

/** Page and bundle may arrive percent-encoded (the supervisor encodes what a header can't hold). */
function decodeLiteral(value) {
  if (value === undefined || !value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function createRequestListener(outDir) {
  return function onRequest(req, res) {
    if (req.url === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' })
      res.end('ok')
      return
    }
    const target = takeInternalHeaders(req)
    let kind
    let route
    let params
    try {
      kind = checkKind(target.kind)
      route = loadRoute(outDir, target.bundle, target.page, kind)
      params = decodeParams(target.params)
    } catch (err) {
      // The worker's own failure (missing bundle, module threw at load, bad params header).
      logError(`Failed to run ${target.page || req.url} (${target.bundle}):`, err)
      sendError(res, 500, 'Internal Server Error')
      return
    }
    if (kind === 'middleware') {
      runFetchHandler(req, res, route, target.url)
    } else if (kind === 'page') {
      runPage(req, res, route, params, target.render)
    } else {
      runApiRoute(req, res, route, params)
    }
  }
}

/**
 * Middleware on Node.js: the bundle's default export is Next's adapter, which takes a Web
 * Request and returns a Response carrying the `x-middleware-*` headers the server acts on.
 */
async function runFetchHandler(req, res, route, url) {
  try {
    const request = new Request(url, {
      method: req.method,
      headers: webHeaders(req.rawHeaders),
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : await readAll(req),
    })
    const pending = []
    const response = await route.handler(request, { waitUntil: (promise) => pending.push(promise) })
    res.statusCode = response.status
    for (const [name, value] of response.headers) {
      if (name !== 'set-cookie') res.setHeader(name, value)
    }
    const cookies = response.headers.getSetCookie()
    if (cookies.length > 0) res.setHeader('set-cookie', cookies)
    if (response.body) {
      for await (const chunk of response.body) res.write(chunk)
    }
    res.end()
    // waitUntil work goes on after the response, as on Edge.
    for (const promise of pending) {
      Promise.resolve(promise).catch((err) => logError('A waitUntil promise rejected:', err))
    }
  } catch (err) {
    failRequest(res, err)
  }
}

function webHeaders(rawHeaders) {
  const headers = new Headers()
  for (let i = 0; i < rawHeaders.length; i += 2) headers.append(rawHeaders[i], rawHeaders[i + 1])
  return headers
}

async function readAll(stream) {
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** Next's apiResolver: query, body, the response limit, then the handler; never rejects. */
async function runApiRoute(req, res, route, params) {
  try {
    req.query = buildQuery(req.url, params)
    if (route.bodyParser) req.body = await parseBody(req, route)
    res[kResponseLimit] = route.responseLimit
    await route.handler(req, res)
  } catch (err) {
    failRequest(res, err)
  }
}

/** A page: getServerSideProps gets Next's `req` (with `query` and `cookies`) and `res`. */
async function runPage(req, res, page, params, render) {
  try {
    const internal = render ? JSON.parse(decodeLiteral(render)) : {}
    req.query = buildQuery(req.url, params)
    await page.render(req, res, { ...internal, params })
  } catch (err) {
    failRequest(res, err)
  }
}

// ---------------------------------------------------------------------------------------------
// Build time: static pages
// ---------------------------------------------------------------------------------------------

/** Renders every job's page; a page's failure is its result, so the build can name it. */
async function prerenderAll(jobsFile, resultsFile) {
  process.env.NEXT_RUNTIME = 'nodejs'
  if (process.env.NODE_ENV === undefined) process.env.NODE_ENV = 'production'
  const outDir = path.resolve(process.env.SWITCHYARD_OUT_DIR)
  const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'))
  const results = []
  for (const job of jobs) {
    try {
      const page = compilePage(outDir, job.bundle)
      results.push(page.isStatic ? await page.prerender() : { kind: 'dynamic' })
    } catch (err) {
      results.push({ kind: 'error', message: (err && err.stack) || String(err) })
    }
  }
  fs.writeFileSync(resultsFile, JSON.stringify(results))
  // Timers or sockets a page left open must not hold the build.
  process.exit(0)
}

// ---------------------------------------------------------------------------------------------
// Process
// ---------------------------------------------------------------------------------------------

function main() {
  const socketPath = process.env.SWITCHYARD_SOCKET
  const outDirSetting = process.env.SWITCHYARD_OUT_DIR
  if (!socketPath || !outDirSetting) {
    console.error('Switchyard worker: SWITCHYARD_SOCKET and SWITCHYARD_OUT_DIR must be set.')
    process.exit(1)
  }
  // Route code branches on these; the supervisor sets them, but they must hold however we start.
  process.env.NEXT_RUNTIME = 'nodejs'
  if (process.env.NODE_ENV === undefined) process.env.NODE_ENV = 'production'

  keepServingOnErrors()
  removeStaleSocket(socketPath)

  const server = http.createServer({ IncomingMessage: ApiRequest, ServerResponse: ApiResponse })
  server.on('request', createRequestListener(path.resolve(outDirSetting)))
  // The supervisor pools connections and owns every timeout; Node's defaults (close idle
  // keep-alive connections after 5 s, give up on a request after 5 min) would race with it.
  server.keepAliveTimeout = 0
  server.requestTimeout = 0
  server.headersTimeout = 0
  server.once('error', (err) => {
    console.error(`Switchyard worker could not listen on ${socketPath}:`, err)
    process.exit(1)
  })
  server.listen(socketPath, () => {
    process.stdout.write('SWITCHYARD_READY\n')
  })

  // SIGTERM comes from the supervisor; SIGINT from a terminal's Ctrl-C, which reaches the whole
  // process group while the server drains. Both let in-flight requests finish; a second one kills.
  process.once('SIGTERM', () => shutDown(server))
  process.once('SIGINT', () => shutDown(server))
  exitWhenOrphaned()
}

/** A route's bug must not take down the requests of every other route on this worker. */
function keepServingOnErrors() {
  process.on('uncaughtException', (err) => logError('uncaughtException:', err))
  process.on('unhandledRejection', (reason) => logError('unhandledRejection:', reason))
  // Writing to a closed stdout/stderr (supervisor gone) must not loop through the handler above.
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
}

/** A previous worker on this path may have died without unlinking its socket. */
function removeStaleSocket(socketPath) {
  try {
    if (fs.lstatSync(socketPath).isSocket()) fs.unlinkSync(socketPath)
  } catch (err) {
    if (err.code !== 'ENOENT') throw err
  }
}

/** Stop accepting, let in-flight requests finish, then exit (the supervisor kills us after 2 s). */
function shutDown(server) {
  if (!server.listening) return
  server.close(() => process.exit(0))
  // Keep-alive connections become idle as their responses finish; close them as they do.
  // (closeIdleConnections is Node >= 18.2; before that the supervisor's kill ends us.)
  if (typeof server.closeIdleConnections !== 'function') return
  server.closeIdleConnections()
  setInterval(() => server.closeIdleConnections(), 50).unref()
}

/**
 * If the supervisor dies without stopping us (SIGKILL, crash), don't linger holding the socket.
 * The kernel's parent-death signal (set by the supervisor) is the first line; these cover a
 * supervisor that could not set it.
 */
function exitWhenOrphaned() {
  const parent = process.ppid
  // Asked by pid, not compared with our ppid: a version manager's `node` shim may sit between
  // the supervisor and us, and our ppid may already be the reaper's if the supervisor died
  // while we started.
  const supervisor = Number(process.env.SWITCHYARD_PARENT_PID)
  const supervisorGone = () => supervisor > 0 && !isRunning(supervisor)
  if (supervisorGone()) process.exit(0)
  setInterval(() => {
    if (process.ppid !== parent || supervisorGone()) process.exit(0)
  }, 1000).unref()
  if (process.env.SWITCHYARD_LIFELINE === 'stdin') {
    const leave = () => process.exit(0)
    process.stdin.once('end', leave)
    process.stdin.once('close', leave)
    process.stdin.once('error', leave)
    process.stdin.resume()
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but is not ours to signal.
    return err.code === 'EPERM'
  }
}

if (require.main === module) {
  if (process.argv[2] === '--prerender') {
    prerenderAll(process.argv[3], process.argv[4])
  } else {
    main()
  }
}

module.exports = {
  ApiError,
  buildQuery,
  decodeParams,
  formatBytes,
  generateETag,
  isFresh,
  parseBytes,
  parseContentType,
  parseCookies,
  readApiConfig,
}
