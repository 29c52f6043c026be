// Pure route and URL helpers shared by next/link, next/router and the client runtime (and
// usable by the server): which page a pathname belongs to, a page's params, the data URL of a
// navigation, and Next.js's href resolution (`formatUrl`, `resolveHref`, `interpolateAs`).
//
// No React and no DOM here: what depends on the browser (the page's origin) is a parameter,
// so the server, where every absolute URL is external, gets the same answers as Next.js.

// --- pages and their params ------------------------------------------------------------------

/** A page with a dynamic segment (`/blog/[slug]`, `/docs/[...all]`, `/[[...opt]]`). */
export function isDynamicRoute(route) {
  return /\/\[[^/]+\](?=\/|$)/.test(route);
}

/** `path` without its trailing slash; `/` stays. */
export function removeTrailingSlash(path) {
  return path.replace(/\/$/, '') || '/';
}

/** A path-absolute URL with its pathname's trailing slash removed (Next's rendered hrefs). */
export function normalizePathTrailingSlash(path) {
  if (!path.startsWith('/')) return path;
  const end = path.search(/[?#]/);
  return end === -1 ? removeTrailingSlash(path) : removeTrailingSlash(path.slice(0, end)) + path.slice(end);
}

const escapeRegExp = (text) => text.replace(/[|\\{}()[\]^$+*?.-]/g, '\\$&');

/**
 * The regular expression of a pages-router page and its params, as Next.js builds it:
 * `groups[name] = { pos, repeat, optional }`, `pos` being the capture group. A trailing slash
 * is allowed. Only whole segments are dynamic: the pages router has no `a-[b]` segments.
 */
export function getRouteRegex(page) {
  const groups = {};
  let pos = 1;
  let source = '';
  for (const segment of removeTrailingSlash(page).slice(1).split('/')) {
    const [, optional, repeat, name] = /^\[(\[)?(\.\.\.)?([^[\]]+)\]\]?$/.exec(segment) ?? [];
    // Anything else (`[[x]]` without the dots, stray brackets) is literal text, as in Next.js.
    const closes = optional ? segment.endsWith(']]') : !segment.endsWith(']]');
    if (!name || !closes || (optional && !repeat)) {
      if (segment) source += `/${escapeRegExp(segment)}`;
      continue;
    }
    groups[name] = { pos: pos++, repeat: Boolean(repeat), optional: Boolean(optional) };
    source += repeat ? (optional ? '(?:/(.+?))?' : '/(.+?)') : '/([^/]+?)';
  }
  return { re: new RegExp(`^${source}(?:/)?$`), groups };
}

/**
 * A matcher for `getRouteRegex(page)`: pathname (as in the URL, percent-encoded) → its params,
 * decoded (catch-alls as arrays; an absent optional catch-all has no key), or `false`. A
 * param that does not decode does not match either: the server answers that URL.
 */
export function getRouteMatcher({ re, groups }) {
  return (pathname) => {
    const match = re.exec(pathname);
    if (!match) return false;
    const params = {};
    try {
      for (const [name, { pos, repeat }] of Object.entries(groups)) {
        const value = match[pos];
        if (value === undefined) continue;
        params[name] = repeat ? value.split('/').map(decodeURIComponent) : decodeURIComponent(value);
      }
    } catch {
      return false;
    }
    return params;
  };
}

const matchers = new Map();

/** The params of `pathname` for `page`, or null when it is not that page's URL. */
export function matchPage(page, pathname) {
  let matcher = matchers.get(page);
  if (!matcher) {
    matcher = getRouteMatcher(getRouteRegex(page));
    matchers.set(page, matcher);
  }
  return matcher(pathname) || null;
}

// Pages a browser never navigates to on the client.
const isInternalPage = (page) => /^\/(?:api(?:\/|$)|_app$|_error$|_document$)/.test(page);

const safeDecode = (text) => {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
};

/**
 * The page of `pathname` among `sortedPages` (Next.js's order: static before dynamic, then
 * catch-alls), as `{ page, params }`, or null. A static page wins over a dynamic one, and a
 * pathname that names a page itself (`/blog/[slug]`, an href in page form) is that page, with
 * no params. API routes, `_app`, `_error` and `_document` are never matched.
 */
export function matchRoute(sortedPages, pathname) {
  const path = removeTrailingSlash(pathname);
  const decoded = safeDecode(path);
  for (const page of sortedPages) {
    if (!isInternalPage(page) && (page === path || page === decoded)) return { page, params: {} };
  }
  for (const page of sortedPages) {
    if (isInternalPage(page) || !isDynamicRoute(page)) continue;
    const params = matchPage(page, path);
    if (params) return { page, params };
  }
  return null;
}

/**
 * Next.js's `interpolateAs`: `route` (a dynamic page) filled with its params, read from
 * `asPathname` when it is a URL of the route, else from `query`. `result` is '' when a
 * required param is missing; `params` names every param of the route.
 */
export function interpolateAs(route, asPathname, query) {
  const { groups } = getRouteRegex(route);
  const values = (asPathname !== route && matchPage(route, asPathname)) || query;
  let result = route;
  const params = Object.keys(groups);
  const complete = params.every((param) => {
    const { repeat, optional } = groups[param];
    let value = values[param] || '';
    let pattern = `[${repeat ? '...' : ''}${param}]`;
    if (optional) pattern = `${value ? '' : '/'}[${pattern}]`;
    if (repeat && !Array.isArray(value)) value = [value];
    if (!optional && !(param in values)) return false;
    const replacement = repeat ? value.map((segment) => encodeURIComponent(segment)).join('/') : encodeURIComponent(value);
    result = result.replace(pattern, replacement) || '/';
    return true;
  });
  return { params, result: complete ? result : '' };
}

/** `object` without `keys`. */
export function omit(object, keys) {
  const copy = {};
  for (const key of Object.keys(object)) if (!keys.includes(key)) copy[key] = object[key];
  return copy;
}

/**
 * The URL of a navigation's data (getServerSideProps / getStaticProps JSON):
 * `/_next/data/<buildId><path>.json` plus the query; `/` is `/index.json` and `/index/...`
 * keeps its `index` (`/index/index.json`), like Next's `getAssetPathFromRoute`.
 */
export function dataUrl(buildId, asPath) {
  const { pathname, search } = parseRelativeUrl(asPath);
  const path = removeTrailingSlash(pathname);
  const asset = path === '/' ? '/index' : /^\/index(?:\/|$)/.test(path) ? `/index${path}` : path;
  return `/_next/data/${buildId}${asset}.json${search}`;
}

/**
 * The page path a data URL is for (the inverse of `dataUrl`, pathname only); other paths come
 * back as they are. Middleware reports the rewrite of a data request as a data URL.
 */
export function pathOfDataUrl(buildId, pathname) {
  const prefix = `/_next/data/${buildId}/`;
  if (!pathname.startsWith(prefix) || !pathname.endsWith('.json')) return pathname;
  const path = pathname.slice(prefix.length - 1, -'.json'.length);
  return path === '/index' ? '/' : path.startsWith('/index/') ? path.slice('/index'.length) : path;
}

// --- URLs ------------------------------------------------------------------------------------

/** A URL with a scheme (`https:`, `mailto:`, `javascript:`). */
export function isAbsoluteUrl(url) {
  return /^[a-zA-Z][a-zA-Z\d+\-.]*?:/.test(url);
}

/** The page's origin in a browser; undefined on the server, where no absolute URL is local. */
export function currentOrigin() {
  return globalThis.location?.origin;
}

/** Whether the app's router can take `url`: relative, or absolute on `origin`. */
export function isLocalURL(url, origin = currentOrigin()) {
  if (!isAbsoluteUrl(url)) return true;
  if (!origin) return false;
  try {
    return new URL(url, origin).origin === origin;
  } catch {
    return false;
  }
}

/** Query object → URLSearchParams, with Next's rules: arrays repeat, non-strings stringify or are ''. */
export function urlQueryToSearchParams(query) {
  const params = new URLSearchParams();
  const text = (value) => {
    if (typeof value === 'string') return value;
    return (typeof value === 'number' && !Number.isNaN(value)) || typeof value === 'boolean' ? String(value) : '';
  };
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) params.append(key, text(item));
    else params.set(key, text(value));
  }
  return params;
}

/** URLSearchParams → query object; a repeated key becomes an array. */
export function searchParamsToUrlQuery(searchParams) {
  const query = {};
  for (const [key, value] of searchParams) {
    const previous = query[key];
    if (previous === undefined) query[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else query[key] = [previous, value];
  }
  return query;
}

/** Node's legacy `url.format` as Next.js uses it for `href` objects (`{ pathname, query, hash }`). */
export function formatUrl(urlObject) {
  const { auth: rawAuth, hostname } = urlObject;
  let protocol = urlObject.protocol || '';
  let pathname = urlObject.pathname || '';
  let hash = urlObject.hash || '';
  let query = urlObject.query || '';
  let host = false;
  const auth = rawAuth ? `${encodeURIComponent(rawAuth).replace(/%3A/i, ':')}@` : '';
  if (urlObject.host) host = auth + urlObject.host;
  else if (hostname) {
    host = auth + (hostname.includes(':') ? `[${hostname}]` : hostname) + (urlObject.port ? `:${urlObject.port}` : '');
  }
  if (query && typeof query === 'object') query = String(urlQueryToSearchParams(query));
  let search = urlObject.search || (query && `?${query}`) || '';
  if (protocol && !protocol.endsWith(':')) protocol += ':';
  if (urlObject.slashes || ((!protocol || /https?|ftp|gopher|file/.test(protocol)) && host !== false)) {
    host = `//${host || ''}`;
    if (pathname && pathname[0] !== '/') pathname = `/${pathname}`;
  } else if (!host) {
    host = '';
  }
  if (hash && hash[0] !== '#') hash = `#${hash}`;
  if (search && search[0] !== '?') search = `?${search}`;
  pathname = pathname.replace(/[?#]/g, encodeURIComponent);
  search = search.replace('#', '%23');
  return `${protocol}${host}${pathname}${search}${hash}`;
}

/** An href prop (string or URL object) as a string. */
export function formatStringOrUrl(href) {
  return typeof href === 'string' ? href : formatUrl(href);
}

const DUMMY_ORIGIN = 'http://n';

/**
 * A path-absolute URL (`/a/b?x=1#h`, resolved against `base`) in parts: `pathname`, `query`
 * (object), `search`, `hash`, and `href` (all of it). Throws for another origin.
 */
export function parseRelativeUrl(url, base) {
  const baseUrl = new URL(base ?? '/', DUMMY_ORIGIN);
  const parsed = new URL(url, baseUrl);
  if (parsed.origin !== DUMMY_ORIGIN) throw new Error(`invariant: invalid relative URL, router received ${url}`);
  const { pathname, searchParams, search, hash } = parsed;
  const href = parsed.href.slice(DUMMY_ORIGIN.length);
  return { pathname, query: searchParamsToUrlQuery(searchParams), search, hash, href };
}

/** `url` with repeated slashes and backslashes in its path collapsed (they match no page). */
export function normalizeRepeatedSlashes(url) {
  const [path, ...rest] = url.split('?');
  return path.replace(/\\/g, '/').replace(/\/\/+/g, '/') + (rest.length ? `?${rest.join('?')}` : '');
}

/**
 * Next.js's `resolveHref`: an href (string or URL object) made absolute-path against the
 * current route (`router.pathname`, or `router.asPath` for `#hash` and `?query` hrefs). With
 * `resolveAs`, returns `[href, as]` where `as` is the href of a dynamic page filled in from its
 * query (`/blog/[slug]?slug=a` → `/blog/a`). External URLs come back as they are.
 */
export function resolveHref(router, href, resolveAs = false, origin = currentOrigin()) {
  let url = formatStringOrUrl(href);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  const rest = scheme ? url.slice(scheme[0].length) : url;
  if (/(\/\/|\\)/.test(rest.split('?', 1)[0] || '')) {
    console.error(
      `Invalid href '${url}' passed to next/router in page: '${router?.pathname}'. Repeated forward-slashes (//) or backslashes \\ are not valid in the href.`,
    );
    url = (scheme ? scheme[0] : '') + normalizeRepeatedSlashes(rest);
  }
  if (!isLocalURL(url, origin)) return resolveAs ? [url] : url;

  let base;
  try {
    let from = url.startsWith('#') ? router?.asPath : router?.pathname;
    if (url.startsWith('?')) {
      from = router?.asPath;
      // On a dynamic page, a query-only href keeps interpolating the page (unless the URL
      // was rewritten and is no URL of the page).
      const page = router?.pathname;
      if (page && isDynamicRoute(page) && matchPage(page, parseRelativeUrl(router.asPath).pathname)) from = page;
    }
    base = new URL(from || '/', DUMMY_ORIGIN);
  } catch {
    base = new URL('/', DUMMY_ORIGIN);
  }
  try {
    const final = new URL(url, base);
    final.pathname = removeTrailingSlash(final.pathname);
    let interpolated = '';
    if (resolveAs && isDynamicRoute(final.pathname)) {
      const query = searchParamsToUrlQuery(final.searchParams);
      const { result, params } = interpolateAs(final.pathname, final.pathname, query);
      if (result) interpolated = formatUrl({ pathname: result, hash: final.hash, query: omit(query, params) });
    }
    const resolved = final.origin === base.origin ? final.href.slice(final.origin.length) : final.href;
    return resolveAs ? [resolved, interpolated || resolved] : resolved;
  } catch {
    return resolveAs ? [url] : url;
  }
}

/** `url` without `origin` when it is on it. */
export function stripOrigin(url, origin = currentOrigin()) {
  return origin && url.startsWith(origin) ? url.slice(origin.length) || '/' : url;
}

/**
 * Whether going from `oldAs` to `newAs` only changes the hash (or re-targets the same
 * hash): the router then scrolls instead of rendering.
 */
export function onlyAHashChange(oldAs, newAs) {
  if (!oldAs) return false;
  const [oldUrl, oldHash] = oldAs.split('#', 2);
  const [newUrl, newHash] = newAs.split('#', 2);
  if (newHash && oldUrl === newUrl && oldHash === newHash) return true;
  if (oldUrl !== newUrl) return false;
  return oldHash !== newHash;
}
