// next/router (the singleton, useRouter, withRouter, createServerRouter) and the client
// runtime's router (next/internal/client) against a fake browser: history, popstate, data
// requests, redirects, scrolling. React is a tiny fake (tests use no npm packages).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import '../testing/fake-modules.mjs';

// --- a fake browser: one tab's location, history, scroll, storage and network ---------------
const ORIGIN = 'http://localhost';
const browser = {
  entries: [],
  index: 0,
  listeners: new Set(),
  hardNavigations: [],
  scrolls: [],
  scrolledInto: [],
  fetches: [],
  storage: new Map(),
  responses: () => undefined,
  reset(url) {
    Object.assign(browser, { entries: [{ url, state: null }], index: 0, hardNavigations: [], scrolls: [], scrolledInto: [], fetches: [] });
    browser.listeners.clear();
    browser.storage.clear();
    window.scrollY = 0;
  },
  get url() {
    return browser.entries[browser.index].url;
  },
  // Like a browser: popstate is dispatched after history.back() returns.
  go(delta) {
    browser.index += delta;
    const { state } = browser.entries[browser.index];
    queueMicrotask(() => browser.listeners.forEach((listener) => listener({ state })));
  },
};
const relative = (url) => {
  const parsed = new URL(url, ORIGIN + browser.url);
  return parsed.pathname + parsed.search + parsed.hash;
};
const location = {
  origin: ORIGIN,
  hostname: 'localhost',
  get href() {
    return ORIGIN + browser.url;
  },
  set href(url) {
    browser.hardNavigations.push(url);
  },
  get search() {
    return new URL(this.href).search;
  },
  reload: () => browser.hardNavigations.push('reload'),
};
globalThis.location = location;
globalThis.window = {
  location,
  scrollX: 0,
  scrollY: 0,
  history: {
    pushState(state, _title, url) {
      browser.entries.splice(browser.index + 1, Infinity, { url: relative(url), state: structuredClone(state) });
      browser.index += 1;
    },
    replaceState(state, _title, url) {
      browser.entries[browser.index] = { url: relative(url), state: structuredClone(state) };
    },
    back: () => browser.go(-1),
    forward: () => browser.go(1),
  },
  addEventListener(type, listener) {
    if (type === 'popstate') browser.listeners.add(listener);
  },
  scrollTo: (x, y) => browser.scrolls.push([x, y]),
  sessionStorage: {
    getItem: (key) => browser.storage.get(key) ?? null,
    setItem: (key, value) => browser.storage.set(key, String(value)),
  },
  document: {
    getElementById: (id) => (id === 'team' ? { scrollIntoView: () => browser.scrolledInto.push(id) } : null),
    getElementsByName: () => [],
  },
  async fetch(url, init) {
    browser.fetches.push({ url, headers: init.headers });
    const answer = browser.responses(url) ?? defaultResponse(url);
    return new Response(answer.json === undefined ? 'not json' : JSON.stringify(answer.json), { status: answer.status ?? 200, headers: answer.headers });
  },
};

function defaultResponse(url) {
  const match = /^\/_next\/data\/B\/(posts|static)\/([^/.]+)\.json/.exec(url);
  if (match?.[2] === 'missing') return { status: 404, json: { notFound: true } };
  if (match) return { json: { pageProps: { id: match[2] }, [match[1] === 'posts' ? '__N_SSP' : '__N_SSG']: true } };
  if (url === '/_next/data/B/old.json') return { json: { pageProps: { __N_REDIRECT: '/posts/9', __N_REDIRECT_STATUS: 307 }, __N_SSP: true } };
  return { status: 500, json: {} };
}
// ----------------------------------------------------------------------------------------------

const { createElement: h } = await import('react');
const { default: Router, createServerRouter, events, makePublicRouterInstance, mitt, setClientRouter, useRouter, withRouter } = await import('next/router');
const { RouterContext } = await import('next/internal/contexts');
const { ClientRouter, createPageLoader } = await import('next/internal/client');
const { default: App } = await import('next/app');

const NO_ROUTER = 'No router instance found.\nYou should only use "next/router" on the client side of your app.\n';

// --- the app: pages, chunks, manifest -------------------------------------------------------
const Home = () => null;
const About = () => null;
const Post = () => null;
const Static = () => null;
const Old = () => null;
const Slow = () => null;
const Gip = () => null;
Gip.getInitialProps = async ({ pathname, query, asPath }) => ({ fromGip: { pathname, query, asPath } });

const chunk = (page) => `/_next/static/chunks/pages${page === '/' ? '/index' : page}.js`;
const PAGES = {
  '/': [Home, null],
  '/about': [About, null],
  '/gip': [Gip, null],
  '/old': [Old, 'ssp'],
  '/slow': [Slow, null],
  '/posts/[id]': [Post, 'ssp'],
  '/static/[id]': [Static, 'ssg'],
};
const manifest = {
  sortedPages: ['/', '/_app', '/_error', '/about', '/api/hello', '/gip', '/old', '/slow', '/posts/[id]', '/static/[id]'],
  pages: Object.fromEntries(Object.entries(PAGES).map(([page, [, data]]) => [page, { js: chunk(page), data }])),
};

let imports;
let slowChunk;
let renders;
let log;
for (const type of ['routeChangeStart', 'beforeHistoryChange', 'routeChangeComplete', 'routeChangeError', 'hashChangeStart', 'hashChangeComplete']) {
  events.on(type, (...args) => log.push([type, ...args.filter((arg) => typeof arg === 'string' || arg instanceof Error).map(String)]));
}

/** A client router as the runtime makes it, on `url` showing `page`. */
function startRouter(url, page, { query = {}, props = { pageProps: {} }, isReady = true } = {}) {
  browser.reset(url);
  imports = [];
  renders = [];
  log = [];
  slowChunk = Promise.withResolvers?.() ?? (() => {
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    return { promise, resolve };
  })();
  const importModule = async (src) => {
    imports.push(src);
    if (src === chunk('/slow')) return slowChunk.promise;
    const [Component] = Object.entries(PAGES).find(([name]) => chunk(name) === src)[1];
    return { default: Component };
  };
  const router = new ClientRouter({
    page,
    query,
    asPath: url,
    props,
    Component: PAGES[page][0],
    App,
    buildId: 'B',
    manifest,
    loader: createPageLoader(manifest, importModule),
    render: async (tree) => void renders.push(tree),
    isReady,
  });
  setClientRouter(router);
  return router;
}

const lastRender = () => renders.at(-1);
const tick = () => new Promise((resolve) => setImmediate(resolve));

// --- next/router ------------------------------------------------------------------------------

describe('the Router singleton before the client router exists', () => {
  it('throws Next’s error for fields and methods, but has events', () => {
    assert.throws(() => Router.pathname, { message: NO_ROUTER });
    assert.throws(() => Router.query, { message: NO_ROUTER });
    assert.throws(() => Router.push('/'), { message: NO_ROUTER });
    assert.equal(Router.router, null);
    assert.equal(Router.events, events);
  });
});

describe('mitt', () => {
  it('runs handlers in order; off of an unknown handler is a no-op; a handler may remove itself', () => {
    const emitter = mitt();
    const seen = [];
    const once = (value) => {
      seen.push(`once ${value}`);
      emitter.off('x', once);
    };
    emitter.on('x', once);
    emitter.on('x', (value) => seen.push(`always ${value}`));
    emitter.off('x', () => {});
    emitter.emit('x', 1);
    emitter.emit('x', 2);
    emitter.emit('nothing');
    assert.deepEqual(seen, ['once 1', 'always 1', 'always 2']);
  });
});

describe('useRouter and withRouter', () => {
  it('useRouter reads RouterContext, and throws Next’s error without one', () => {
    assert.throws(() => useRouter(), { message: 'NextRouter was not mounted. https://nextjs.org/docs/messages/next-router-not-mounted' });
    const router = createServerRouter({ page: '/', query: {}, asPath: '/' });
    RouterContext._currentValue = router;
    try {
      assert.equal(useRouter(), router);
      function Page() {}
      Page.getInitialProps = () => ({});
      const Wrapped = withRouter(Page);
      assert.equal(Wrapped.displayName, 'withRouter(Page)');
      assert.equal(Wrapped.getInitialProps, Page.getInitialProps);
      const element = Wrapped({ a: 1 });
      assert.equal(element.type, Page);
      assert.deepEqual(element.props, { router, a: 1 });
      assert.equal(Wrapped({ router: 'mine' }).props.router, 'mine');
    } finally {
      RouterContext._currentValue = null;
    }
  });
});

describe('createServerRouter', () => {
  it('has the route’s fields and methods that throw Next’s server message', () => {
    const router = createServerRouter({ page: '/blog/[slug]', query: { slug: 'a' }, asPath: '/blog/a?x=1', isReady: true });
    assert.deepEqual(
      { ...router, events: undefined, push: undefined, replace: undefined, reload: undefined, back: undefined, forward: undefined, prefetch: undefined, beforePopState: undefined },
      {
        route: '/blog/[slug]',
        pathname: '/blog/[slug]',
        query: { slug: 'a' },
        asPath: '/blog/a?x=1',
        isFallback: false,
        basePath: '',
        locale: undefined,
        locales: undefined,
        defaultLocale: undefined,
        domainLocales: undefined,
        isReady: true,
        isPreview: false,
        isLocaleDomain: false,
        events: undefined,
        push: undefined,
        replace: undefined,
        reload: undefined,
        back: undefined,
        forward: undefined,
        prefetch: undefined,
        beforePopState: undefined,
      },
    );
    assert.equal(router.events, events);
    for (const method of ['push', 'replace', 'reload', 'back', 'forward', 'prefetch', 'beforePopState']) {
      assert.throws(() => router[method]('/'), {
        message: 'No router instance found. you should only use "next/router" inside the client side of your app. https://nextjs.org/docs/messages/no-router-instance',
      });
    }
    assert.equal(createServerRouter({ page: '/', isReady: false }).isReady, false);
  });
});

// --- the client router ------------------------------------------------------------------------

describe('the client router', () => {
  beforeEach(() => {
    window.scrollY = 0;
  });

  it('gives the first history entry its state and becomes the singleton’s router', () => {
    const router = startRouter('/posts/1?x=2#c', '/posts/[id]', { query: { x: '2', id: '1' } });
    assert.deepEqual(browser.entries.length, 1);
    assert.deepEqual(browser.entries[0].url, '/posts/1?x=2#c');
    assert.deepEqual({ ...browser.entries[0].state, key: typeof browser.entries[0].state.key }, {
      url: '/posts/[id]?x=2&id=1',
      as: '/posts/1?x=2#c',
      options: { shallow: undefined, scroll: undefined, locale: undefined },
      __N: true,
      key: 'string',
    });
    assert.equal(Router.router, router);
    assert.equal(Router.pathname, '/posts/[id]');
    assert.deepEqual(Router.query, { x: '2', id: '1' });
    assert.equal(Router.asPath, '/posts/1?x=2#c');
    assert.equal(Router.isReady, true);
    assert.equal(Router.isFallback, false);
    assert.equal(Router.basePath, '');
    assert.equal(Router.locale, undefined);
  });

  it('makes public snapshots whose query does not change under them', () => {
    const router = startRouter('/posts/1', '/posts/[id]', { query: { id: '1' } });
    const snapshot = makePublicRouterInstance(router);
    assert.equal(snapshot.pathname, '/posts/[id]');
    assert.notEqual(snapshot.query, router.query);
    assert.deepEqual(snapshot.query, { id: '1' });
    assert.equal(typeof snapshot.push, 'function');
    assert.equal(snapshot.events, events);
  });

  it('hydrates, then becomes ready with the URL’s query when the server was not', async () => {
    const router = startRouter('/about?x=1', '/about', { isReady: false });
    await router.hydrate();
    assert.deepEqual(renders.map((tree) => [tree.router.isReady, tree.router.query]), [
      [false, {}],
      [true, { x: '1' }],
    ]);
  });

  it('push: loads the page, records history, renders, scrolls to the top, in Next’s event order', async () => {
    const router = startRouter('/', '/');
    const seen = [];
    Router.onRouteChangeStart = (url) => seen.push(url);
    try {
      assert.equal(await router.push('/about'), true);
    } finally {
      delete Router.onRouteChangeStart;
    }
    assert.deepEqual(seen, ['/about']);
    assert.deepEqual(log, [
      ['routeChangeStart', '/about'],
      ['beforeHistoryChange', '/about'],
      ['routeChangeComplete', '/about'],
    ]);
    assert.deepEqual(browser.entries.map((entry) => entry.url), ['/', '/about']);
    assert.equal(browser.entries[1].state.url, '/about');
    assert.equal(lastRender().Component, About);
    assert.equal(lastRender().App, App);
    assert.deepEqual(lastRender().props, { pageProps: {} });
    assert.equal(lastRender().router.pathname, '/about');
    assert.deepEqual(browser.scrolls, [[0, 0]]);
    assert.deepEqual(imports, [chunk('/about')]);
    assert.deepEqual([Router.pathname, Router.asPath, Router.route], ['/about', '/about', '/about']);
    assert.deepEqual(browser.fetches, []);
    assert.deepEqual(browser.hardNavigations, []);
  });

  it('push of a getServerSideProps page: props from /_next/data, query with the params', async () => {
    const router = startRouter('/', '/');
    await router.push('/posts/42?ref=x');
    assert.deepEqual(browser.fetches, [{ url: '/_next/data/B/posts/42.json?ref=x', headers: { 'x-nextjs-data': '1' } }]);
    assert.equal(lastRender().Component, Post);
    assert.deepEqual(lastRender().props, { pageProps: { id: '42' }, __N_SSP: true });
    assert.deepEqual(router.query, { ref: 'x', id: '42' });
    assert.equal(router.pathname, '/posts/[id]');
    assert.equal(router.asPath, '/posts/42?ref=x');
  });

  it('push of a URL object for a dynamic page, and of href + as', async () => {
    const router = startRouter('/', '/');
    await router.push({ pathname: '/posts/[id]', query: { id: '7', tab: 'a' } });
    assert.equal(browser.url, '/posts/7?tab=a');
    assert.equal(browser.entries[1].state.url, '/posts/[id]?id=7&tab=a');
    assert.deepEqual(router.query, { id: '7', tab: 'a' });
    await router.push('/posts/[id]', '/posts/8');
    assert.equal(browser.url, '/posts/8');
    assert.deepEqual(router.query, { id: '8' });
    await assert.rejects(router.push('/posts/[id]', '/elsewhere'), {
      message: 'The provided `as` value (/elsewhere) is incompatible with the `href` value (/posts/[id]). Read more: https://nextjs.org/docs/messages/incompatible-href-as',
    });
  });

  it('runs getInitialProps in the browser for a page without server data', async () => {
    const router = startRouter('/', '/');
    await router.push('/gip?x=1');
    assert.deepEqual(lastRender().props, { pageProps: { fromGip: { pathname: '/gip', query: { x: '1' }, asPath: '/gip?x=1' } } });
  });

  it('follows a getServerSideProps redirect with another client navigation', async () => {
    const router = startRouter('/', '/');
    assert.equal(await router.push('/old'), true);
    assert.deepEqual(log, [
      ['routeChangeStart', '/old'],
      ['routeChangeStart', '/posts/9'],
      ['beforeHistoryChange', '/posts/9'],
      ['routeChangeComplete', '/posts/9'],
    ]);
    assert.deepEqual(browser.entries.map((entry) => entry.url), ['/', '/posts/9']);
    assert.equal(router.asPath, '/posts/9');
  });

  it('leaves a middleware redirect elsewhere, a 404 and a failed load to the server', async () => {
    const router = startRouter('/', '/');
    browser.responses = (url) => (url.includes('/posts/mw') ? { headers: { 'x-nextjs-redirect': 'https://elsewhere.example/x' }, json: {} } : undefined);
    try {
      assert.equal(await router.push('/posts/mw'), false);
    } finally {
      browser.responses = () => undefined;
    }
    assert.deepEqual(browser.hardNavigations, ['https://elsewhere.example/x']);

    assert.equal(await router.push('/posts/missing'), false);
    assert.deepEqual(browser.hardNavigations.at(-1), '/posts/missing');
    assert.deepEqual(log.at(-1), ['routeChangeError', 'Error: Failed to load the data of /posts/missing: 404', '/posts/missing']);
    assert.deepEqual(browser.entries.map((entry) => entry.url), ['/'], 'no history entry for what the server shows');
    assert.equal(router.pathname, '/');
  });

  it('renders a middleware rewrite to the same page, and leaves one to another page to the server', async () => {
    const router = startRouter('/', '/');
    browser.responses = (url) =>
      url.includes('/posts/5.')
        ? { headers: { 'x-nextjs-rewrite': '/posts/6' }, json: { pageProps: { id: '6' }, __N_SSP: true } }
        : url.includes('/posts/7.')
          ? { headers: { 'x-nextjs-rewrite': '/about' }, json: {} }
          : undefined;
    try {
      assert.equal(await router.push('/posts/5'), true);
      assert.deepEqual(lastRender().props.pageProps, { id: '6' });
      assert.equal(await router.push('/posts/7'), false);
    } finally {
      browser.responses = () => undefined;
    }
    assert.deepEqual(browser.hardNavigations, ['/posts/7']);
  });

  it('follows a middleware redirect to this app on the client', async () => {
    const router = startRouter('/', '/');
    browser.responses = (url) => (url.includes('/posts/mw') ? { headers: { 'x-nextjs-redirect': '/about' }, json: {} } : undefined);
    try {
      assert.equal(await router.push('/posts/mw'), true);
    } finally {
      browser.responses = () => undefined;
    }
    assert.equal(browser.url, '/about');
    assert.deepEqual(browser.hardNavigations, []);
  });

  it('hands unknown pages, API routes and other origins to the browser', async () => {
    const router = startRouter('/', '/');
    assert.equal(await router.push('/nope'), false);
    assert.equal(await router.push('/api/hello'), false);
    assert.equal(await router.push('https://example.com/a'), false);
    assert.deepEqual(browser.hardNavigations, ['/nope', '/api/hello', 'https://example.com/a']);
    assert.deepEqual(log, []);
    // A same-origin absolute URL is this app's.
    assert.equal(await router.push(`${ORIGIN}/about`), true);
    assert.equal(browser.url, '/about');
  });

  it('blocks javascript: URLs', () => {
    const router = startRouter('/', '/');
    assert.throws(() => router.push(' javascript:alert(1)'), { message: 'Next.js has blocked a javascript: URL as a security precaution.' });
    assert.throws(() => router.push('/a', 'java\nscript:x'), { message: 'Next.js has blocked a javascript: URL as a security precaution.' });
  });

  it('a hash-only change scrolls to the element and emits the hash events', async () => {
    const router = startRouter('/about', '/about');
    assert.equal(await router.push('/about#team'), true);
    assert.deepEqual(log, [
      ['hashChangeStart', '/about#team'],
      ['hashChangeComplete', '/about#team'],
    ]);
    assert.deepEqual(browser.scrolledInto, ['team']);
    assert.equal(router.asPath, '/about#team');
    assert.equal(browser.url, '/about#team');
    assert.deepEqual(imports, []);
    await router.push('/about#top');
    assert.deepEqual(browser.scrolls, [[0, 0]]);
  });

  it('a navigation with a hash scrolls to it after the page rendered', async () => {
    const router = startRouter('/', '/');
    await router.push('/about#team');
    assert.deepEqual(browser.scrolls, [[0, 0]]);
    assert.deepEqual(browser.scrolledInto, ['team']);
    await router.push('/posts/3', undefined, { scroll: false });
    assert.deepEqual(browser.scrolls, [[0, 0]]);
  });

  it('the same URL again replaces the entry and fetches the data again', async () => {
    const router = startRouter('/', '/');
    await router.push('/posts/5');
    await router.push('/posts/5');
    assert.deepEqual(browser.entries.map((entry) => entry.url), ['/', '/posts/5']);
    assert.equal(browser.fetches.length, 2);
  });

  it('shallow routing on the same page keeps the page and its props', async () => {
    const router = startRouter('/', '/');
    await router.push('/posts/5');
    const before = lastRender();
    await router.push('/posts/5?tab=2', undefined, { shallow: true });
    assert.equal(browser.fetches.length, 1);
    assert.equal(lastRender().props, before.props);
    assert.deepEqual(router.query, { tab: '2', id: '5' });
    assert.deepEqual(browser.scrolls, [[0, 0]], 'a shallow change does not scroll');
  });

  it('caches getStaticProps data, not getServerSideProps data', async () => {
    const router = startRouter('/', '/');
    await router.push('/static/1');
    await router.push('/posts/1');
    await router.push('/static/1');
    await router.push('/posts/1');
    assert.deepEqual(browser.fetches.map((fetch) => fetch.url), [
      '/_next/data/B/static/1.json',
      '/_next/data/B/posts/1.json',
      '/_next/data/B/posts/1.json',
    ]);
  });

  it('back and forward render the entry’s page, refetch its server data and restore the scroll', async () => {
    const router = startRouter('/', '/');
    window.scrollY = 300;
    await router.push('/posts/2');
    window.scrollY = 40;
    await router.push('/about');
    log = [];

    const back = new Promise((resolve) => events.on('routeChangeComplete', function done() {
      events.off('routeChangeComplete', done);
      resolve();
    }));
    window.history.back();
    await back;
    assert.equal(router.asPath, '/posts/2');
    assert.equal(lastRender().Component, Post);
    assert.equal(browser.fetches.length, 2);
    assert.deepEqual(browser.scrolls.at(-1), [0, 40]);
    assert.deepEqual(log, [
      ['routeChangeStart', '/posts/2'],
      ['beforeHistoryChange', '/posts/2'],
      ['routeChangeComplete', '/posts/2'],
    ]);
    assert.deepEqual(browser.entries.map((entry) => entry.url), ['/', '/posts/2', '/about'], 'back keeps the entries');

    window.history.back();
    await tick();
    await tick();
    assert.equal(router.pathname, '/');
    assert.deepEqual(browser.scrolls.at(-1), [0, 300]);
  });

  it('beforePopState can keep a back navigation from the router', async () => {
    const router = startRouter('/', '/');
    await router.push('/about');
    const states = [];
    router.beforePopState((state) => {
      states.push(state.as);
      return false;
    });
    window.history.back();
    await tick();
    assert.deepEqual(states, ['/']);
    assert.equal(router.pathname, '/about');
  });

  it('a newer navigation cancels one still loading', async () => {
    const router = startRouter('/', '/');
    const slow = router.push('/slow');
    await tick();
    const fast = router.push('/about');
    assert.deepEqual(log.slice(0, 2), [
      ['routeChangeStart', '/slow'],
      ['routeChangeError', 'Error: Route Cancelled', '/slow'],
    ]);
    slowChunk.resolve({ default: Slow });
    assert.deepEqual(await Promise.all([slow, fast]), [false, true]);
    assert.equal(router.pathname, '/about');
    assert.equal(lastRender().Component, About);
    assert.deepEqual(browser.entries.map((entry) => entry.url), ['/', '/about']);
  });

  it('prefetch loads the page’s code once, and no data', async () => {
    const router = startRouter('/', '/');
    await router.prefetch('/posts/[id]', '/posts/5');
    await router.prefetch('/posts/6');
    await router.prefetch('/nope');
    await router.prefetch('https://example.com/');
    assert.deepEqual(imports, [chunk('/posts/[id]')]);
    assert.deepEqual(browser.fetches, []);
  });

  it('replace, reload, back and forward', async () => {
    const router = startRouter('/', '/');
    await router.replace('/about');
    assert.deepEqual(browser.entries.map((entry) => entry.url), ['/about']);
    router.reload();
    assert.deepEqual(browser.hardNavigations, ['reload']);
    await router.push('/gip');
    router.back();
    assert.equal(browser.url, '/about');
    router.forward();
    assert.equal(browser.url, '/gip');
  });
});
