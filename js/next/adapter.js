// Switchyard's route adapter: turns a user module (middleware / proxy, or an Edge API route)
// into the `async (request, event) => Response` function both runtimes call.
//
// The runtime passes a plain Web Request (absolute URL; an API route's dynamic params already
// in its search params) and an event with `waitUntil(promise)`. The handler gets a NextRequest
// and a NextFetchEvent, as in Next.js's own adapter (reference §3, §5).

import { NextFetchEvent, NextRequest, NextResponse, NextURL, PageSignatureError } from 'next/server';

/**
 * The request handlers see: `request.request`, `request.respondWith()` and
 * `request.waitUntil()` are the pre-12.2 API and throw the "page signature" error.
 */
class NextRequestHint extends NextRequest {
  #page;

  constructor(input, init, page) {
    super(input, init);
    this.#page = page;
  }

  get sourcePage() {
    return this.#page;
  }

  get request() {
    throw new PageSignatureError({ page: this.#page });
  }

  respondWith() {
    throw new PageSignatureError({ page: this.#page });
  }

  waitUntil() {
    throw new PageSignatureError({ page: this.#page });
  }
}

/** A NextFetchEvent whose `waitUntil` also reaches the runtime's event. */
class AdapterFetchEvent extends NextFetchEvent {
  #host;

  constructor(page, host) {
    super({ page });
    this.#host = host;
  }

  waitUntil(promise) {
    super.waitUntil(promise);
    this.#host?.waitUntil?.(promise);
  }
}

// Middleware sees a data request (/_next/data/<buildId>/<page>.json, the pages router's
// client-side navigation) as the page it is for; the build id comes back on rewrites and
// redirects (see `normalizeResponse`).
function pageUrlOf(request, nextConfig) {
  const nextUrl = new NextURL(request.url, { headers: request.headers, nextConfig });
  const buildId = nextUrl.buildId;
  nextUrl.buildId = '';
  const isData = request.headers.has('x-nextjs-data');
  if (isData && nextUrl.pathname === '/index') nextUrl.pathname = '/';
  return { url: nextUrl.toString(), buildId, isData };
}

/**
 * The handler's NextRequest. The plain request is handed over whole when its URL stands, so
 * its body moves across without being read or turned into a stream.
 */
function toNextRequest(request, page, nextConfig) {
  const isDataUrl = request.url.includes('/_next/data/');
  const target = isDataUrl ? pageUrlOf(request, nextConfig) : { url: request.url, buildId: undefined, isData: false };
  if (target.url === request.url) {
    return { request: new NextRequestHint(request, { nextConfig }, page), ...target };
  }
  const init = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    nextConfig,
  };
  if (init.body !== null) init.duplex = 'half';
  return { request: new NextRequestHint(target.url, init, page), ...target };
}

/** Like Next's `relativizeURL`: `url` without the origin of `base` when they share it. */
function relativize(url, base) {
  const target = new URL(url, base);
  const origin = new URL(base).origin;
  return target.origin === origin ? target.href.slice(origin.length) : target.href;
}

/**
 * Next.js re-formats same-origin rewrite and redirect URLs: a rewrite always names its locale,
 * and for a data request the server routes the rewrite to the data URL of its page. The
 * client of a data request learns about them in `x-nextjs-rewrite` / `x-nextjs-redirect` (a
 * Location would make its fetch follow the redirect), which name the page, as in Next 16.
 */
function normalizeResponse(response, context, nextConfig) {
  const { request, buildId, isData } = context;
  const reformat = (location, forceLocale) => {
    const url = new NextURL(location, { headers: request.headers, nextConfig, forceLocale });
    const sameHost = url.host === request.nextUrl.host;
    const page = String(url);
    if (sameHost) url.buildId = buildId || url.buildId;
    return { href: String(url), page, sameHost };
  };

  const rewrite = response.headers.get('x-middleware-rewrite');
  if (rewrite) {
    const { href, page, sameHost } = reformat(rewrite, true);
    if (sameHost) response.headers.set('x-middleware-rewrite', href);
    if (isData) response.headers.set('x-nextjs-rewrite', relativize(page, request.url));
  }

  const location = response.headers.get('location');
  if (!location) return response;
  const { href, page, sameHost } = reformat(location, false);
  if (!isData && (!sameHost || href === location)) return response;
  // A Response.redirect() has immutable headers: change a copy.
  const copy = new Response(response.body, response);
  if (sameHost) copy.headers.set('location', href);
  if (isData) {
    copy.headers.delete('location');
    copy.headers.set('x-nextjs-redirect', relativize(page, request.url));
  }
  return copy;
}

function createContext(request, event, page, nextConfig) {
  const context = toNextRequest(request, page, nextConfig);
  return { ...context, event: new AdapterFetchEvent(page, event) };
}

const isProxyPage = (page) => /(?:^|\/)proxy$/.test(page);

/**
 * Middleware (or a 16.x proxy): `module.middleware ?? module.proxy ?? module.default`. A
 * missing export throws now, when the route's module loads. `options.nextConfig` carries
 * basePath / i18n / trailingSlash for `request.nextUrl`.
 */
export function adaptMiddleware(module, page, { nextConfig } = {}) {
  const handler = module?.middleware ?? module?.proxy ?? module?.default;
  if (typeof handler !== 'function') {
    const [kind, name] = isProxyPage(page) ? ['Proxy', 'proxy'] : ['Middleware', 'middleware'];
    throw new Error(`The ${kind} "${page}" must export a \`${name}\` or a \`default\` function`);
  }
  return async function middleware(request, event) {
    const context = createContext(request, event, page, nextConfig);
    const result = await handler(context.request, context.event);
    // Returning nothing continues to the route, as NextResponse.next() does.
    if (!result) return NextResponse.next();
    if (!(result instanceof Response)) throw new TypeError('Expected an instance of Response to be returned');
    // Without a data request or locales, Next's re-formatting changes nothing.
    return context.buildId || nextConfig?.i18n ? normalizeResponse(result, context, nextConfig) : result;
  };
}

/** An Edge API route (`pages/api/*` with an edge runtime): `module.default(request, event)`. */
export function adaptApiRoute(module, page, { nextConfig } = {}) {
  const handler = module?.default;
  if (typeof handler !== 'function') {
    throw new Error(`The Edge Function "pages${page}" must export a \`default\` function`);
  }
  return async function apiRoute(request, event) {
    const context = createContext(request, event, page, nextConfig);
    const result = await handler(context.request, context.event);
    if (!(result instanceof Response)) throw new TypeError('Expected an instance of Response to be returned');
    return result;
  };
}
