// Switchyard's built-in `next/server`: NextRequest, NextResponse, NextFetchEvent, userAgent and
// URLPattern, with the behaviour and messages of Next.js 15 (see the runtime behaviour
// reference, §3 and §5).
//
// The build serves this file into route bundles of BOTH runtimes, so it uses only Web-standard
// globals that the Edge runtime and Node.js ≥ 18 share (Request, Response, Headers, URL, ...),
// no Node built-ins and no eval. `adapter.js` imports it as 'next/server', like user code, so a
// bundle holds one copy (one NextResponse class); under Node, package.json here resolves that
// specifier by package self-reference (for the tests).
//
// Beyond Next's `next/server` exports, this module also exports what the adapter and the tests
// use: NextURL, RequestCookies, ResponseCookies, the cookie (de)serialisers, validateURL, isBot
// and PageSignatureError.

// --- errors --------------------------------------------------------------------------------

// 16.x renamed middleware to "proxy" and its messages with it; a page named like the proxy
// file gets the new wording.
const isProxyPage = (page) => /(?:^|\/)proxy$/.test(String(page));

/** Thrown by the pre-12.2 middleware API surface (`event.request`, `request.respondWith()`). */
export class PageSignatureError extends Error {
  constructor({ page }) {
    const kind = isProxyPage(page) ? 'proxy' : 'middleware';
    super(`The ${kind} "${page}" accepts an async API directly with the form:
  
  export function ${kind}(request, event) {
    return NextResponse.redirect('/new-location')
  }
  
  Read more: https://nextjs.org/docs/messages/${kind}-new-signature
  `);
  }
}

class RemovedPageError extends Error {
  constructor() {
    super(`The request.page has been deprecated in favour of \`URLPattern\`.
  Read more: https://nextjs.org/docs/messages/middleware-request-page
  `);
  }
}

class RemovedUAError extends Error {
  constructor() {
    super(`The request.ua has been removed in favour of \`userAgent\` function.
  Read more: https://nextjs.org/docs/messages/middleware-parse-user-agent
  `);
  }
}

/** The absolute form of `url`; a relative URL throws the Next.js middleware message. */
export function validateURL(url) {
  try {
    return String(new URL(String(url)));
  } catch (error) {
    throw new Error(
      `URL is malformed "${String(url)}". Please use only absolute URLs - https://nextjs.org/docs/messages/middleware-relative-urls`,
      { cause: error },
    );
  }
}

// Custom inspection hooks: Node's (also used by the Edge runtime's console) and the one the
// standalone Edge Runtime uses.
const inspectNode = Symbol.for('nodejs.util.inspect.custom');
const inspectEdge = Symbol.for('edge-runtime.inspect.custom');

// --- cookies: parse and serialise (the @edge-runtime/cookies format) ---------------------------

/** A `Cookie` header (or the first part of a `Set-Cookie`) as a Map of name → decoded value. */
export function parseCookie(header) {
  const map = new Map();
  for (const pair of String(header).split(/; */)) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    // An attribute without a value (`Secure`) reads as 'true'.
    if (at === -1) {
      map.set(pair, 'true');
      continue;
    }
    try {
      map.set(pair.slice(0, at), decodeURIComponent(pair.slice(at + 1)));
    } catch {
      // A badly encoded value is dropped, as @edge-runtime/cookies does.
    }
  }
  return map;
}

const SAME_SITE = new Map([
  ['strict', 'Strict'],
  ['lax', 'Lax'],
  ['none', 'None'],
]);
const PRIORITY = ['low', 'medium', 'high'];

// `sameSite` is stored lowercased; `true` means strict (as in the `cookie` package).
function normalizeSameSite(value) {
  if (value === true) return 'strict';
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return SAME_SITE.has(lower) ? lower : value;
}

function normalizePriority(value) {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return PRIORITY.includes(lower) ? lower : undefined;
}

/** One cookie as a `Set-Cookie` value (a request cookie has no attributes). */
export function stringifyCookie(cookie) {
  const attributes = [];
  if (cookie.path) attributes.push(`Path=${cookie.path}`);
  if (cookie.expires || cookie.expires === 0) {
    const expires = typeof cookie.expires === 'number' ? new Date(cookie.expires) : cookie.expires;
    attributes.push(`Expires=${expires.toUTCString()}`);
  }
  if (typeof cookie.maxAge === 'number') attributes.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.domain) attributes.push(`Domain=${cookie.domain}`);
  if (cookie.secure) attributes.push('Secure');
  if (cookie.httpOnly) attributes.push('HttpOnly');
  if (cookie.sameSite) attributes.push(`SameSite=${SAME_SITE.get(cookie.sameSite) ?? cookie.sameSite}`);
  if (cookie.partitioned) attributes.push('Partitioned');
  if (cookie.priority) attributes.push(`Priority=${cookie.priority}`);
  const pair = `${cookie.name}=${encodeURIComponent(cookie.value ?? '')}`;
  return attributes.length === 0 ? pair : `${pair}; ${attributes.join('; ')}`;
}

/** A `Set-Cookie` value as a cookie object, or undefined for an empty string. */
export function parseSetCookie(setCookie) {
  if (!setCookie) return undefined;
  const [[name, value], ...rest] = parseCookie(setCookie);
  // Attribute names are case-insensitive and may be spelled `Max-Age` or `maxage`.
  const attributes = Object.fromEntries(rest.map(([key, v]) => [key.toLowerCase().replace(/-/g, ''), v]));
  const cookie = {
    name,
    value,
    domain: attributes.domain,
    expires: attributes.expires ? new Date(attributes.expires) : undefined,
    httpOnly: 'httponly' in attributes || undefined,
    maxAge: typeof attributes.maxage === 'string' ? Number(attributes.maxage) : undefined,
    path: attributes.path,
    sameSite: attributes.samesite ? normalizeSameSite(attributes.samesite) : undefined,
    secure: 'secure' in attributes || undefined,
    priority: normalizePriority(attributes.priority),
    partitioned: 'partitioned' in attributes || undefined,
  };
  return withoutEmpty(cookie);
}

function withoutEmpty(object) {
  const result = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined && value !== '' && value !== false) result[key] = value;
  }
  return result;
}

const cookieName = (nameOrCookie) => (typeof nameOrCookie === 'string' ? nameOrCookie : nameOrCookie?.name);

/** The cookies of a request (`request.cookies`); mutations rewrite its `cookie` header. */
export class RequestCookies {
  #headers;
  #parsed = new Map();

  constructor(requestHeaders) {
    this.#headers = requestHeaders;
    const header = requestHeaders.get('cookie');
    if (header) {
      for (const [name, value] of parseCookie(header)) this.#parsed.set(name, { name, value });
    }
  }

  [Symbol.iterator]() {
    return this.#parsed[Symbol.iterator]();
  }

  get size() {
    return this.#parsed.size;
  }

  get(nameOrCookie) {
    return this.#parsed.get(cookieName(nameOrCookie));
  }

  getAll(...args) {
    const all = [...this.#parsed.values()];
    if (args.length === 0) return all;
    const name = cookieName(args[0]);
    return all.filter((cookie) => cookie.name === name);
  }

  has(name) {
    return this.#parsed.has(name);
  }

  set(...args) {
    const [name, value] = args.length === 1 ? [args[0].name, args[0].value] : args;
    this.#parsed.set(name, { name, value });
    this.#writeHeader();
    return this;
  }

  /** Deletes one name (→ boolean) or several (→ booleans). */
  delete(names) {
    const result = Array.isArray(names) ? names.map((name) => this.#parsed.delete(name)) : this.#parsed.delete(names);
    this.#writeHeader();
    return result;
  }

  clear() {
    this.delete([...this.#parsed.keys()]);
    return this;
  }

  toString() {
    return [...this.#parsed.values()].map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`).join('; ');
  }

  [inspectNode]() {
    return `RequestCookies ${JSON.stringify(Object.fromEntries(this.#parsed))}`;
  }

  [inspectEdge]() {
    return this[inspectNode]();
  }

  #writeHeader() {
    this.#headers.set('cookie', [...this.#parsed.values()].map(stringifyCookie).join('; '));
  }
}

// Defaults applied by `ResponseCookies.set`: a numeric `expires` becomes a Date, `maxAge` also
// sets `expires` (for clients that ignore Max-Age), and the path defaults to '/'.
function normalizeResponseCookie(cookie) {
  const normalized = { ...cookie };
  if (typeof normalized.expires === 'number') normalized.expires = new Date(normalized.expires);
  if (normalized.maxAge) normalized.expires = new Date(Date.now() + normalized.maxAge * 1000);
  if (normalized.path === null || normalized.path === undefined) normalized.path = '/';
  if (normalized.sameSite !== undefined) normalized.sameSite = normalizeSameSite(normalized.sameSite);
  return withoutEmpty(normalized);
}

// Node before 18.14 lacks `getSetCookie`: split the combined value where a new `name=` starts
// (the comma inside an `Expires=` date is followed by a day number, not a name).
function setCookiesOf(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const combined = headers.get('set-cookie');
  return combined ? combined.split(/,(?=\s*[^;,=\s]+=)/).map((value) => value.trim()) : [];
}

/** The cookies a response sets (`response.cookies`); mutations rewrite its `set-cookie` headers. */
export class ResponseCookies {
  #headers;
  #parsed = new Map();

  constructor(responseHeaders) {
    this.#headers = responseHeaders;
    for (const setCookie of setCookiesOf(responseHeaders)) {
      const cookie = parseSetCookie(setCookie);
      if (cookie) this.#parsed.set(cookie.name, cookie);
    }
  }

  get(nameOrCookie) {
    return this.#parsed.get(cookieName(nameOrCookie));
  }

  getAll(...args) {
    const all = [...this.#parsed.values()];
    if (args.length === 0) return all;
    const name = cookieName(args[0]);
    return all.filter((cookie) => cookie.name === name);
  }

  has(name) {
    return this.#parsed.has(name);
  }

  /** `set(name, value, options?)` or `set({ name, value, ...options })`. */
  set(...args) {
    const [name, value, options] = args.length === 1 ? [args[0].name, args[0].value, args[0]] : args;
    this.#parsed.set(name, normalizeResponseCookie({ ...options, name, value }));
    this.#writeHeaders();
    return this;
  }

  /** Expires a cookie on the client: `delete(name)` or `delete({ name, path, domain })`. */
  delete(nameOrOptions) {
    const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
    const { name, path, domain } = options;
    return this.set({ name, path, domain, value: '', expires: new Date(0) });
  }

  toString() {
    return [...this.#parsed.values()].map(stringifyCookie).join('; ');
  }

  [inspectNode]() {
    return `ResponseCookies ${JSON.stringify(Object.fromEntries(this.#parsed))}`;
  }

  [inspectEdge]() {
    return this[inspectNode]();
  }

  #writeHeaders() {
    this.#headers.delete('set-cookie');
    for (const cookie of this.#parsed.values()) this.#headers.append('set-cookie', stringifyCookie(cookie));
  }
}

// The cookies of a NextResponse also keep `x-middleware-set-cookie` in step: the server applies
// those cookies to the request the route then sees.
class NextResponseCookies extends ResponseCookies {
  #headers;

  constructor(headers) {
    super(headers);
    this.#headers = headers;
  }

  set(...args) {
    super.set(...args);
    this.#headers.set('x-middleware-set-cookie', this.getAll().map(stringifyCookie).join(','));
    return this;
  }
}

// --- NextURL -------------------------------------------------------------------------------

const hasPathPrefix = (path, prefix) => path === prefix || path.startsWith(`${prefix}/`);

function removePathPrefix(path, prefix) {
  if (!hasPathPrefix(path, prefix)) return path;
  const rest = path.slice(prefix.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

const addPathPrefix = (path, prefix) => (prefix && path.startsWith('/') ? `${prefix}${path}` : path);
const removeTrailingSlash = (path) => path.replace(/\/$/, '') || '/';

function addLocale(path, locale, defaultLocale) {
  if (!locale || locale === defaultLocale) return path;
  const lower = path.toLowerCase();
  if (hasPathPrefix(lower, '/api') || hasPathPrefix(lower, `/${locale.toLowerCase()}`)) return path;
  return addPathPrefix(path, `/${locale}`);
}

/** The locale a pathname starts with (case-insensitive), and the pathname without it. */
function splitLocale(pathname, locales) {
  const first = pathname.split('/')[1]?.toLowerCase();
  const locale = locales?.find((candidate) => candidate.toLowerCase() === first);
  if (locale === undefined) return { pathname };
  return { locale, pathname: pathname.slice(locale.length + 1) || '/' };
}

// Next's "pathname info": what the basePath, a data URL (/_next/data/<buildId>/<page>.json)
// and the locale contribute to a pathname.
function analyzePathname(pathname, nextConfig) {
  const { basePath, i18n, trailingSlash } = nextConfig ?? {};
  const info = { pathname, trailingSlash: pathname !== '/' ? pathname.endsWith('/') : trailingSlash };
  if (basePath && hasPathPrefix(info.pathname, basePath)) {
    info.pathname = removePathPrefix(info.pathname, basePath);
    info.basePath = basePath;
  }
  if (info.pathname.includes('/_next/data/') && info.pathname.endsWith('.json')) {
    const parts = info.pathname.replace(/^.*\/_next\/data\//, '').replace(/\.json$/, '').split('/');
    info.buildId = parts[0];
    info.pathname = parts[1] !== 'index' ? `/${parts.slice(1).join('/')}` : '/';
  }
  if (i18n) {
    const { locale, pathname: rest } = splitLocale(info.pathname, i18n.locales);
    info.locale = locale;
    info.pathname = rest;
  }
  return info;
}

function formatPathname({ pathname, basePath, buildId, locale, defaultLocale, trailingSlash }) {
  let path = addLocale(pathname, locale, buildId ? undefined : defaultLocale);
  if (buildId || !trailingSlash) path = removeTrailingSlash(path);
  if (buildId) path = `${addPathPrefix(path, `/_next/data/${buildId}`)}${pathname === '/' ? 'index.json' : '.json'}`;
  path = addPathPrefix(path, basePath);
  if (!buildId && trailingSlash) return path.endsWith('/') ? path : `${path}/`;
  return removeTrailingSlash(path);
}

function hostnameOf(url, headers) {
  const host = headers?.get?.('host') ?? url.hostname;
  return host.split(':', 1)[0].toLowerCase();
}

// The i18n domain (`{ domain, defaultLocale, locales }`) serving `hostname`, if any.
function detectDomainLocale(domains, hostname) {
  return domains?.find((item) => item.domain?.split(':', 1)[0].toLowerCase() === hostname);
}

/**
 * `request.nextUrl`: a URL that also knows the Next.js parts of its pathname (basePath, locale,
 * the build id of a data URL). `pathname` excludes them; `href` puts them back.
 */
export class NextURL {
  #url;
  #options;
  #basePath = '';
  #buildId;
  #locale;
  #defaultLocale;
  #domainLocale;
  #trailingSlash;

  // (input, options) or (input, base, options); options: { base, headers, nextConfig, forceLocale }.
  constructor(input, baseOrOptions, options) {
    const hasBase = typeof baseOrOptions === 'string' || baseOrOptions instanceof URL;
    this.#options = (hasBase ? options : baseOrOptions) ?? {};
    const base = hasBase ? baseOrOptions : this.#options.base;
    this.#url = base === undefined ? new URL(String(input)) : new URL(String(input), String(base));
    this.#analyze();
  }

  #analyze() {
    const { nextConfig, headers } = this.#options;
    const info = analyzePathname(this.#url.pathname, nextConfig);
    this.#domainLocale = detectDomainLocale(nextConfig?.i18n?.domains, hostnameOf(this.#url, headers));
    this.#defaultLocale = this.#domainLocale?.defaultLocale || nextConfig?.i18n?.defaultLocale;
    // Each URL setter is a parse; most pathnames carry no basePath, data prefix or locale.
    if (info.pathname !== this.#url.pathname) this.#url.pathname = info.pathname;
    this.#basePath = info.basePath ?? '';
    this.#buildId = info.buildId;
    this.#locale = info.locale ?? this.#defaultLocale;
    this.#trailingSlash = info.trailingSlash;
  }

  get buildId() {
    return this.#buildId;
  }
  set buildId(value) {
    this.#buildId = value;
  }
  get locale() {
    return this.#locale ?? '';
  }
  set locale(value) {
    if (!this.#locale || !this.#options.nextConfig?.i18n?.locales?.includes(value)) {
      throw new TypeError(`The NextURL configuration includes no locale "${value}"`);
    }
    this.#locale = value;
  }
  get defaultLocale() {
    return this.#defaultLocale;
  }
  get domainLocale() {
    return this.#domainLocale;
  }
  get basePath() {
    return this.#basePath;
  }
  set basePath(value) {
    this.#basePath = value.startsWith('/') ? value : `/${value}`;
  }
  get searchParams() {
    return this.#url.searchParams;
  }
  get host() {
    return this.#url.host;
  }
  set host(value) {
    this.#url.host = value;
  }
  get hostname() {
    return this.#url.hostname;
  }
  set hostname(value) {
    this.#url.hostname = value;
  }
  get port() {
    return this.#url.port;
  }
  set port(value) {
    this.#url.port = value;
  }
  get protocol() {
    return this.#url.protocol;
  }
  set protocol(value) {
    this.#url.protocol = value;
  }
  get origin() {
    return this.#url.origin;
  }
  get pathname() {
    return this.#url.pathname;
  }
  set pathname(value) {
    this.#url.pathname = value;
  }
  get search() {
    return this.#url.search;
  }
  set search(value) {
    this.#url.search = value;
  }
  get hash() {
    return this.#url.hash;
  }
  set hash(value) {
    this.#url.hash = value;
  }
  get username() {
    return this.#url.username;
  }
  set username(value) {
    this.#url.username = value;
  }
  get password() {
    return this.#url.password;
  }
  set password(value) {
    this.#url.password = value;
  }

  get href() {
    const pathname = formatPathname({
      pathname: this.#url.pathname,
      basePath: this.#basePath,
      buildId: this.#buildId,
      locale: this.#locale,
      defaultLocale: this.#options.forceLocale ? undefined : this.#defaultLocale,
      trailingSlash: this.#trailingSlash,
    });
    return `${this.protocol}//${this.host}${pathname}${this.search}${this.hash}`;
  }
  set href(value) {
    this.#url = new URL(String(value));
    this.#analyze();
  }

  toString() {
    return this.href;
  }
  toJSON() {
    return this.href;
  }
  clone() {
    return new NextURL(String(this), this.#options);
  }

  [inspectNode]() {
    const { href, origin, protocol, username, password, host, hostname, port, pathname, search, searchParams, hash } = this;
    return { href, origin, protocol, username, password, host, hostname, port, pathname, search, searchParams, hash };
  }

  [inspectEdge]() {
    return this[inspectNode]();
  }
}

// --- NextRequest ---------------------------------------------------------------------------

const urlOf = (input) => (typeof input === 'object' && input !== null && 'url' in input ? input.url : String(input));

/**
 * A Web `Request` with `nextUrl` and `cookies`. `input` is an absolute URL (string, URL or
 * NextURL) or a Request, whose method, headers, body and signal it then takes over.
 * `init.nextConfig` ({ basePath, i18n, trailingSlash }) shapes `nextUrl`.
 */
export class NextRequest extends Request {
  #rawUrl;
  #nextConfig;
  #nextUrl = null;
  #url = null;
  #cookies = null;

  constructor(input, init = {}) {
    // A Request's URL is absolute already; validating it again would cost a parse.
    const url = input instanceof Request ? input.url : validateURL(urlOf(input));
    // Node's Request needs `duplex: 'half'` for any body (the Edge runtime only for streams).
    const requestInit = init.body && init.duplex !== 'half' ? { ...init, duplex: 'half' } : init;
    super(input instanceof Request ? input : url, requestInit);
    this.#rawUrl = url;
    this.#nextConfig = init.nextConfig;
  }

  get nextUrl() {
    // Parsed on first use: a handler that only reads headers or the body never pays for it.
    this.#nextUrl ??= new NextURL(this.#rawUrl, { headers: this.headers, nextConfig: this.#nextConfig });
    return this.#nextUrl;
  }

  get cookies() {
    // Parsed on first use: most requests never look at their cookies.
    this.#cookies ??= new RequestCookies(this.headers);
    return this.#cookies;
  }

  get url() {
    this.#url ??= this.nextUrl.toString();
    return this.#url;
  }

  get page() {
    throw new RemovedPageError();
  }

  get ua() {
    throw new RemovedUAError();
  }

  [inspectNode]() {
    const { cookies, nextUrl, url, bodyUsed, cache, credentials, destination, integrity, keepalive } = this;
    const { method, mode, redirect, referrer, referrerPolicy, signal } = this;
    const headers = Object.fromEntries(this.headers);
    return {
      cookies, nextUrl, url, bodyUsed, cache, credentials, destination, headers, integrity, keepalive,
      method, mode, redirect, referrer, referrerPolicy, signal,
    };
  }

  [inspectEdge]() {
    return this[inspectNode]();
  }
}

// --- NextResponse --------------------------------------------------------------------------

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// Header values travel as Latin-1; anything beyond ASCII is percent-encoded whole, and the
// server decodes the names listed in `x-middleware-request-encoded`.
const encodeHeaderValue = (value) => (/[^\x00-\x7f]/.test(value) ? encodeURIComponent(value) : value);

/**
 * `init.request.headers` of NextResponse.next/rewrite: the request headers the route will see,
 * sent to the server as `x-middleware-request-<name>` plus the list of names.
 */
function setRequestOverrides(init, headers) {
  const requestHeaders = init?.request?.headers;
  if (!requestHeaders) return;
  if (!(requestHeaders instanceof Headers)) throw new Error('request.headers must be an instance of Headers');
  const names = [];
  const encoded = [];
  for (const [name, value] of requestHeaders) {
    const sent = encodeHeaderValue(value);
    headers.set(`x-middleware-request-${name}`, sent);
    names.push(name);
    if (sent !== value) encoded.push(name);
  }
  headers.set('x-middleware-override-headers', names.join(','));
  if (encoded.length > 0) headers.set('x-middleware-request-encoded', encoded.join(','));
}

/** A Web `Response` with `cookies` and the middleware helpers next/rewrite/redirect/json. */
export class NextResponse extends Response {
  #cookies = null;

  get cookies() {
    this.#cookies ??= new NextResponseCookies(this.headers);
    return this.#cookies;
  }

  static json(body, init) {
    const text = JSON.stringify(body);
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    const headers = new Headers(init?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    // A string body (rather than Response.json's stream) lets the runtime send it directly.
    return new NextResponse(text, { status: init?.status, statusText: init?.statusText, headers });
  }

  static redirect(url, init) {
    const status = typeof init === 'number' ? init : (init?.status ?? 307);
    if (!REDIRECT_STATUSES.has(status)) {
      throw new RangeError('Failed to execute "redirect" on "response": Invalid status code');
    }
    const options = typeof init === 'object' && init !== null ? init : {};
    const headers = new Headers(options.headers);
    headers.set('Location', validateURL(url));
    return new NextResponse(null, { ...options, headers, status });
  }

  static rewrite(destination, init) {
    const headers = new Headers(init?.headers);
    headers.set('x-middleware-rewrite', validateURL(destination));
    setRequestOverrides(init, headers);
    return new NextResponse(null, { ...init, headers });
  }

  static next(init) {
    const headers = new Headers(init?.headers);
    headers.set('x-middleware-next', '1');
    setRequestOverrides(init, headers);
    return new NextResponse(null, { ...init, headers });
  }

  [inspectNode]() {
    const { cookies, body, bodyUsed, ok, redirected, status, statusText, type, url } = this;
    return { cookies, url, body, bodyUsed, headers: Object.fromEntries(this.headers), ok, redirected, status, statusText, type };
  }

  [inspectEdge]() {
    return this[inspectNode]();
  }
}

// --- NextFetchEvent ------------------------------------------------------------------------

/** The second handler argument: `waitUntil(promise)` keeps the invocation alive. */
export class NextFetchEvent {
  #page;
  #promises = [];
  #passThrough = false;

  constructor({ page } = {}) {
    this.#page = page;
  }

  get sourcePage() {
    return this.#page;
  }

  waitUntil(promise) {
    this.#promises.push(promise);
  }

  passThroughOnException() {
    this.#passThrough = true;
  }

  /** The promises given to `waitUntil` so far (for the host). */
  get waitUntilPromises() {
    return this.#promises.slice();
  }

  // The request is the first handler argument since 12.2; these are the old API.
  get request() {
    throw new PageSignatureError({ page: this.#page });
  }

  respondWith() {
    throw new PageSignatureError({ page: this.#page });
  }
}

// --- userAgent -----------------------------------------------------------------------------

// Next.js's bot list (spec-extension/user-agent.ts).
const BOTS =
  /Googlebot|Mediapartners-Google|AdsBot-Google|googleweblight|Storebot-Google|Google-PageRenderer|Google-InspectionTool|GoogleOther|Google-Extended|Bingbot|BingPreview|Slurp|DuckDuckBot|baiduspider|yandex|sogou|LinkedInBot|bitlybot|tumblr|vkShare|quora link preview|facebookexternalhit|facebookcatalog|Twitterbot|applebot|redditbot|Slackbot|Discordbot|WhatsApp|SkypeUriPreview|ia_archiver/i;

export const isBot = (ua) => BOTS.test(ua);

// Each table is a list of [pattern, (match) => fields]; the first pattern that matches wins.
// The names and the quirks (e.g. Linux's "version" being the next token) follow ua-parser-js,
// which Next.js uses, for the common browsers; rarer agents are left unparsed.
const named = (name) => (match) => ({ name, version: match[1] || undefined });

const BROWSERS = [
  [/\bEdg(?:e|A|iOS)?\/([\w.]+)/, named('Edge')],
  [/\bOPR\/([\w.]+)/, named('Opera')],
  [/\bSamsungBrowser\/([\w.]+)/, named('Samsung Browser')],
  [/ wv\).+\bChrome\/([\w.]+)/, named('Chrome WebView')],
  [/\bHeadlessChrome(?:\/([\w.]+)| )/, named('Chrome Headless')],
  [/\b(?:CriOS|CrMo)\/([\w.]+)/, named('Chrome')],
  [/\bFxiOS\/([\w.-]+)/, named('Firefox')],
  [/\bChrome\/([\w.]+)/, named('Chrome')],
  [/\bFirefox\/([\w.-]+)/, named('Firefox')],
  [/Version\/([\w.]+).+?Mobile\/\w+ Safari/, named('Mobile Safari')],
  [/Version\/([\w.]+).+?(Mobile ?Safari|Safari)/, (m) => ({ name: m[2], version: m[1] })],
  [/\bTrident.+rv[: ]([\w.]+).+like Gecko|\bMSIE ([\w.]+)/, (m) => ({ name: 'IE', version: m[1] ?? m[2] })],
];

const ENGINES = [
  [/WebKit\/537\.36.+Chrome\/(?!27)([\w.]+)/i, named('Blink')],
  [/\bTrident\/([\w.]+)/, named('Trident')],
  [/WebKit\/([\w.]+)/i, named('WebKit')],
  [/\brv:([\w.]{1,9})\b.+Gecko/i, named('Gecko')],
];

const WINDOWS_VERSIONS = {
  '4.90': 'ME',
  '5.0': '2000',
  '5.1': 'XP',
  '5.2': 'XP',
  '6.0': 'Vista',
  '6.1': '7',
  '6.2': '8',
  '6.3': '8.1',
  '6.4': '10',
  '10.0': '10',
};

const OSES = [
  [/Windows NT ([\d.]+)/, (m) => ({ name: 'Windows', version: WINDOWS_VERSIONS[m[1]] ?? m[1] })],
  [/Windows Phone(?: OS)? ([\d.]+)/, named('Windows Phone')],
  [/ip(?:hone|od|ad)\b.*? OS ([\w]+) like Mac/i, (m) => ({ name: 'iOS', version: m[1].replace(/_/g, '.') })],
  [/Mac OS X ?([\w.]*)/, (m) => ({ name: 'Mac OS', version: m[1].replace(/_/g, '.') || undefined })],
  [/\bAndroid[-/ ]?([\w.]*)/, named('Android')],
  [/\bCrOS [\w]+ ([\w.]+)/, named('Chromium OS')],
  [/\b(Ubuntu|Debian|Fedora)[-/ ]?(?!chrom|package)([\w.]*)/i, (m) => ({ name: m[1], version: m[2] || undefined })],
  [/\bLinux ?([\w.]*)/i, named('Linux')],
];

const ANDROID_VENDORS = [
  [/^(?:SM|GT|SCH|SGH|SHV|SPH)-|^SAMSUNG/i, 'Samsung'],
  [/^Pixel\b/, 'Google'],
  [/^(?:Redmi|POCO|Mi |Xiaomi)/i, 'Xiaomi'],
  [/^HUAWEI/i, 'Huawei'],
  [/^ONEPLUS/i, 'OnePlus'],
];

function androidDevice(ua) {
  // The token after "Android <version>;" names the model, unless it is another flag.
  const match = /\bAndroid [\w.]+; ([^;)]+?)(?: Build\/[^;)]*)?[;)]/.exec(ua);
  const candidate = match?.[1];
  const model = candidate && !/^(?:Mobile|Tablet|wv|rv:|[a-z]{2}[-_][a-z]{2}$)/i.test(candidate) ? candidate : undefined;
  const vendor = model && ANDROID_VENDORS.find(([pattern]) => pattern.test(model))?.[1];
  return { vendor, model, type: /\bMobile\b/.test(ua) ? 'mobile' : 'tablet' };
}

const DEVICES = [
  [/\((iPad)[;\s]/, () => ({ vendor: 'Apple', model: 'iPad', type: 'tablet' })],
  [/\((ip(?:hone|od)[\w ]*);/i, (m) => ({ vendor: 'Apple', model: m[1], type: 'mobile' })],
  [/\(Macintosh;/, () => ({ vendor: 'Apple', model: 'Macintosh' })],
  [/\bAndroid\b/, (m) => androidDevice(m.input)],
  [/\b(?:tablet|tab)[;/]/i, () => ({ type: 'tablet' })],
  [/\bmobile(?:[;/]| safari)/i, () => ({ type: 'mobile' })],
];

const CPUS = [
  [/(?:amd|x(?:(?:86|64)[-_])?|wow|win)64[;)]/i, () => ({ architecture: 'amd64' })],
  [/\b(?:aarch64|arm(?:v?8e?l?|_?64))\b/i, () => ({ architecture: 'arm64' })],
  [/(?:i[346]|x)86[;)]/i, () => ({ architecture: 'ia32' })],
  [/\barm(?:v[67])?ht?n?[fl]p?\b/i, () => ({ architecture: 'armhf' })],
];

function firstMatch(table, ua, empty) {
  for (const [pattern, fields] of table) {
    const match = pattern.exec(ua);
    if (match) return { ...empty, ...fields(match) };
  }
  return { ...empty };
}

const majorOf = (version) => (typeof version === 'string' ? version.replace(/[^\d.]/g, '').split('.')[0] : undefined);

function parseUserAgent(ua) {
  const browser = firstMatch(BROWSERS, ua, { name: undefined, version: undefined });
  return {
    ua,
    browser: { ...browser, major: majorOf(browser.version) },
    engine: firstMatch(ENGINES, ua, { name: undefined, version: undefined }),
    os: firstMatch(OSES, ua, { name: undefined, version: undefined }),
    device: firstMatch(DEVICES, ua, { vendor: undefined, model: undefined, type: undefined }),
    cpu: firstMatch(CPUS, ua, { architecture: undefined }),
  };
}

/** The parsed `User-Agent` string: browser, engine, os, device, cpu and whether it is a bot. */
export function userAgentFromString(input) {
  return { ...parseUserAgent(input ?? ''), isBot: input === undefined ? false : isBot(input) };
}

/** `userAgentFromString` of a request's (or `{ headers }`'s) `User-Agent` header. */
export function userAgent({ headers }) {
  return userAgentFromString(headers.get('user-agent') || undefined);
}

// --- URLPattern ----------------------------------------------------------------------------

/**
 * The platform's URLPattern: a global in the Edge runtime (and Node ≥ 23.8), else undefined.
 * Read through a pure call so that bundles which never import it drop the read: on Edge the
 * first read of the global loads its implementation into the context.
 */
export const URLPattern = /* @__PURE__ */ (() => globalThis.URLPattern)();
