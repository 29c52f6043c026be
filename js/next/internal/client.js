// Switchyard's client runtime (the `main` chunk): hydrates the server's HTML and routes
// between pages in the browser the way Next.js's pages router does.
//
// The document gives it `__NEXT_DATA__` (page, query, props, buildId), `self.__BUILD_MANIFEST`
// (a classic script, so it ran before this module: every page's chunk URL and whether its
// props come from `/_next/data`) and `<div id="__next">` with the server's HTML. Each page
// chunk's default export is the page (the `/_app` chunk's is the App).
//
// The tree it renders is the server's — RouterContext, HeadManagerContext, then
// `<App {...props} Component router>` — so hydration finds what the server rendered; later
// navigations render into the same root, so the App (and its state) stays.

import React from 'react';
import { hydrateRoot } from 'react-dom/client';
import { HeadManagerContext, RouterContext } from 'next/internal/contexts';
import { reduceHead } from 'next/head';
import { events, makePublicRouterInstance, setClientRouter } from 'next/router';
import DefaultApp, { loadGetInitialProps } from 'next/app';
import {
  dataUrl,
  formatUrl,
  isDynamicRoute,
  isLocalURL,
  matchPage,
  matchRoute,
  onlyAHashChange,
  parseRelativeUrl,
  pathOfDataUrl,
  removeTrailingSlash,
  resolveHref,
  searchParamsToUrlQuery,
  stripOrigin,
} from 'next/internal/route-matcher';

const h = React.createElement;

/** The Next.js version whose pages-router behaviour this runtime follows (`window.next.version`). */
export const version = '15.5.0';

// --- the document's <head> ---------------------------------------------------------------------

const DOM_ATTRIBUTE_NAMES = {
  acceptCharset: 'accept-charset',
  className: 'class',
  htmlFor: 'for',
  httpEquiv: 'http-equiv',
  noModule: 'noModule',
};
const IGNORED_PROPS = new Set([
  'children',
  'dangerouslySetInnerHTML',
  'onLoad',
  'onReady',
  'onError',
  'strategy',
  'stylesheets',
]);
const SCRIPT_BOOLEANS = new Set(['async', 'defer', 'noModule']);

const textOf = (children) => (Array.isArray(children) ? children.join('') : String(children));

/** The DOM element for a head element, with the attributes React's server markup gives it. */
function elementToDom(document, { type, props }) {
  const element = document.createElement(type);
  for (const [name, value] of Object.entries(props)) {
    if (IGNORED_PROPS.has(name) || value == null || typeof value === 'function' || typeof value === 'object') continue;
    const attribute = DOM_ATTRIBUTE_NAMES[name] || name.toLowerCase();
    if (type === 'script' && SCRIPT_BOOLEANS.has(attribute)) {
      // A script made by the DOM is async unless told otherwise: set the property.
      element[attribute] = Boolean(value) && value !== 'false';
    } else if (value !== false) {
      // React writes `true` as an empty attribute, except on data-* and aria-*.
      element.setAttribute(attribute, value === true && !/^(data|aria)-/.test(attribute) ? '' : String(value));
    }
  }
  const { children, dangerouslySetInnerHTML } = props;
  if (dangerouslySetInnerHTML) element.innerHTML = dangerouslySetInnerHTML.__html || '';
  else if (children != null && children !== false) element.textContent = textOf(children);
  return element;
}

// A CSP nonce is hidden from the attribute once the element is in the document.
function isEqualNode(oldTag, newTag) {
  const nonce = newTag.getAttribute('nonce');
  if (nonce && !oldTag.getAttribute('nonce')) {
    const clone = newTag.cloneNode(true);
    clone.setAttribute('nonce', '');
    clone.nonce = nonce;
    return nonce === oldTag.nonce && oldTag.isEqualNode(clone);
  }
  return oldTag.isEqualNode(newTag);
}

// Replaces the head's `type` elements that Switchyard owns (data-next-head) with `elements`,
// leaving the equal ones in place: a stylesheet or script that stays is not loaded again.
function updateElements(document, type, elements) {
  const head = document.head;
  if (!head) return;
  const oldTags = new Set(head.querySelectorAll(`${type}[data-next-head]`));
  if (type === 'meta') {
    const charset = head.querySelector('meta[charset]');
    if (charset) oldTags.add(charset);
  }
  const newTags = [];
  for (const element of elements) {
    const tag = elementToDom(document, element);
    tag.setAttribute('data-next-head', '');
    const same = [...oldTags].find((old) => isEqualNode(old, tag));
    if (same) oldTags.delete(same);
    else newTags.push(tag);
  }
  for (const old of oldTags) old.parentNode?.removeChild(old);
  for (const tag of newTags) {
    // <meta charset> must come first.
    if (type === 'meta' && tag.getAttribute('charset') !== null) head.prepend(tag);
    else head.appendChild(tag);
  }
}

/** Makes `document`'s <head> show `elements` (the output of `reduceHead`): title, meta, base, link, style, script. */
export function applyHead(document, elements) {
  const byType = {};
  for (const element of elements) (byType[element.type] ||= []).push(element);
  const children = byType.title?.[0]?.props.children;
  const title = ['string', 'number'].includes(typeof children) || Array.isArray(children) ? textOf(children) : '';
  if (title !== document.title) document.title = title;
  for (const type of ['meta', 'base', 'link', 'style', 'script']) updateElements(document, type, byType[type] || []);
}

/**
 * The browser's `HeadManagerContext` value. Every mounted `next/head` reports its elements
 * after commit (`update`, `remove`); once the commit is over, all of them (in first-mount
 * order, so a page's Head comes after its App's) are reduced and applied once.
 */
export function createHeadManager(apply = (elements) => applyHead(window.document, elements)) {
  const instances = new Map();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    apply(reduceHead([...instances.values()]));
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // Layout effects of one commit run synchronously: a microtask sees all of them.
    queueMicrotask(flush);
  };
  return {
    update(token, elements) {
      instances.set(token, elements);
      schedule();
    },
    remove(token) {
      instances.delete(token);
      schedule();
    },
    updateHead: (elements) => apply(reduceHead(elements)),
  };
}

// --- pages' code ---------------------------------------------------------------------------

/**
 * Loads page components by page (`/blog/[slug]`) from the manifest's chunk URLs, once each; a
 * load that failed is tried again next time.
 */
/**
 * Adds the stylesheet `href` to the document unless it is there; resolves once it applies
 * (or failed), so a page never renders unstyled. Stylesheets of pages left stay: later pages
 * may share them.
 */
function loadStylesheet(href) {
  if (typeof document === 'undefined') return Promise.resolve();
  for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
    if (link.getAttribute('href') === href) return Promise.resolve();
  }
  return new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = link.onerror = () => resolve();
    document.head.appendChild(link);
  });
}

export function createPageLoader(manifest, importModule = (url) => import(/* @vite-ignore */ url)) {
  const loaded = new Map();
  return {
    load(page) {
      let promise = loaded.get(page);
      if (!promise) {
        const entry = manifest.pages?.[page];
        const url = entry?.js;
        const stylesheets = (entry?.css ?? []).map(loadStylesheet);
        promise = url
          ? Promise.all([importModule(url), ...stylesheets]).then(([module]) => module.default)
          : Promise.reject(new Error(`The build manifest has no chunk for page "${page}"`));
        loaded.set(page, promise);
        promise.catch(() => loaded.delete(page));
      }
      return promise;
    },
  };
}

// --- the router ----------------------------------------------------------------------------

const createKey = () => Math.random().toString(36).slice(2, 10);

const getURL = () => window.location.href.slice(window.location.origin.length);

// Next.js refuses to navigate to javascript: URLs, however they are spelled.
const isJavaScriptURL = (url) =>
  // eslint-disable-next-line no-control-regex
  /^[\u0000-\u001F ]*j[\r\n\t]*a[\r\n\t]*v[\r\n\t]*a[\r\n\t]*s[\r\n\t]*c[\r\n\t]*r[\r\n\t]*i[\r\n\t]*p[\r\n\t]*t[\r\n\t]*:/i.test(String(url));

const cancellationError = () => Object.assign(new Error('Route Cancelled'), { cancelled: true });

// Only these options go into history.state (it must be structured-clonable).
const storedOptions = ({ shallow, scroll, locale }) => ({ shallow, scroll, locale });

/**
 * Next.js's pages router in the browser. `render({ App, Component, props, router })` renders
 * the tree and resolves once it is committed; `loader` loads page components.
 */
export class ClientRouter {
  constructor({ page, query, asPath, props, Component, App, buildId, manifest, loader, render, isReady = true }) {
    this.state = { route: removeTrailingSlash(page), pathname: page, query, asPath, isReady };
    this.current = { Component, props };
    this.App = App;
    this.buildId = buildId;
    this.manifest = manifest;
    this.loader = loader;
    this.renderTree = render;
    this.sdc = new Map(); // getStaticProps data, by data URL
    this.inFlight = null;
    this._bps = null;
    this._shallow = undefined;
    this._key = createKey();
    this.isSsr = true;
    this.isFirstPopStateEvent = true;
    // The first history entry gets a state too, so coming back to it is a client navigation.
    if (!asPath.startsWith('//')) this.changeState('replaceState', formatUrl({ pathname: page, query }), getURL(), {});
    window.addEventListener('popstate', this.onPopState);
  }

  get route() {
    return this.state.route;
  }
  get pathname() {
    return this.state.pathname;
  }
  get query() {
    return this.state.query;
  }
  get asPath() {
    return this.state.asPath;
  }
  get isReady() {
    return this.state.isReady;
  }
  get basePath() {
    return '';
  }
  get isFallback() {
    return false;
  }
  get isPreview() {
    return false;
  }
  get isLocaleDomain() {
    return false;
  }
  get locale() {
    return undefined;
  }
  get locales() {
    return undefined;
  }
  get defaultLocale() {
    return undefined;
  }
  get domainLocales() {
    return undefined;
  }
  get events() {
    return events;
  }
  get components() {
    return { [this.state.route]: this.current, '/_app': { Component: this.App } };
  }

  /** Renders the current page; resolves once React committed it. */
  renderCurrent() {
    const { Component, props } = this.current;
    return this.renderTree({ App: this.App, Component, props, router: makePublicRouterInstance(this) });
  }

  /**
   * The first render (hydration). A page the server rendered before its query was known
   * becomes ready afterwards, with the URL's query, as in Next.js.
   */
  async hydrate() {
    await this.renderCurrent();
    if (this.state.isReady) return;
    const search = searchParamsToUrlQuery(new URLSearchParams(window.location.search));
    this.state = { ...this.state, isReady: true, query: { ...search, ...this.state.query } };
    await this.renderCurrent();
  }

  reload() {
    window.location.reload();
  }
  back() {
    window.history.back();
  }
  forward() {
    window.history.forward();
  }
  /** `callback(state)` decides whether a back/forward navigation is the router's (true) or not. */
  beforePopState(callback) {
    this._bps = callback;
  }

  push(url, as, options = {}) {
    return this.navigate('pushState', url, as, options);
  }
  replace(url, as, options = {}) {
    return this.navigate('replaceState', url, as, options);
  }

  navigate(method, url, as, options) {
    if (isJavaScriptURL(url) || (as && isJavaScriptURL(as))) {
      throw new Error('Next.js has blocked a javascript: URL as a security precaution.');
    }
    if (method === 'pushState') this.saveScroll();
    const prepared = this.prepareUrlAs(url, as);
    return this.change(method, prepared.url, prepared.as, options);
  }

  /** Next's `prepareUrlAs`: href and as resolved against the current route, same-origin ones made relative. */
  prepareUrlAs(url, as) {
    const [href, resolvedAs] = resolveHref(this, url, true);
    const strippedAs = resolvedAs ? stripOrigin(resolvedAs) : resolvedAs;
    return { url: stripOrigin(href), as: as ? stripOrigin(resolveHref(this, as)) : strippedAs || stripOrigin(href) };
  }

  /** Loads the code of the page `url` goes to (not its data). */
  async prefetch(url, asPath = url) {
    try {
      const { url: href } = this.prepareUrlAs(url, asPath);
      if (!isLocalURL(href)) return;
      const match = matchRoute(this.manifest.sortedPages ?? [], parseRelativeUrl(href).pathname);
      if (match) await this.loader.load(match.page);
    } catch {
      // A prefetch is a hint: navigating reports the failure.
    }
  }

  hardNavigate(url) {
    window.location.href = url;
  }

  /**
   * A navigation to `url` (the page-ish href) shown as `as`. Resolves to true once the new
   * page is rendered, false when it was cancelled or left to the browser. `forcedScroll`
   * (back/forward) is where the page was scrolled when it was left.
   */
  async change(method, url, as, options = {}, forcedScroll) {
    if (!isLocalURL(url)) {
      this.hardNavigate(url);
      return false;
    }
    this.isSsr = false;
    const shallow = Boolean(options.shallow);
    const routeProps = { shallow };
    // A newer navigation wins over the one still loading.
    if (this.inFlight) {
      events.emit('routeChangeError', cancellationError(), this.inFlight.as, routeProps);
      this.inFlight.cancelled = true;
    }
    const navigation = { as, cancelled: false };
    this.inFlight = navigation;
    const settle = () => {
      if (this.inFlight === navigation) this.inFlight = null;
    };

    if (onlyAHashChange(this.asPath, as)) {
      settle();
      events.emit('hashChangeStart', as, routeProps);
      this.changeState(method, url, as, { ...options, scroll: false });
      this.state = { ...this.state, asPath: as };
      if (forcedScroll) window.scrollTo(forcedScroll.x, forcedScroll.y);
      else if (options.scroll ?? true) this.scrollToHash(as);
      await this.renderCurrent();
      events.emit('hashChangeComplete', as, routeProps);
      return true;
    }

    const { pathname, query: urlQuery } = parseRelativeUrl(url);
    const match = matchRoute(this.manifest.sortedPages ?? [], pathname);
    // Not a page of this app (an API route, a file, another app on this origin): the server's.
    if (!match) {
      settle();
      this.hardNavigate(as);
      return false;
    }
    const page = match.page;
    let params = match.params;
    if (isDynamicRoute(page)) {
      const asPathname = parseRelativeUrl(as).pathname;
      const fromAs = matchPage(page, asPathname);
      if (fromAs) params = fromAs;
      else if (page === removeTrailingSlash(pathname)) {
        settle();
        throw new Error(
          `The provided \`as\` value (${asPathname}) is incompatible with the \`href\` value (${page}). Read more: https://nextjs.org/docs/messages/incompatible-href-as`,
        );
      }
    }
    const query = { ...urlQuery, ...params };
    // Same URL again (router.replace(router.asPath) to refresh data): no new history entry.
    if (this.asPath === as) method = 'replaceState';

    events.emit('routeChangeStart', as, routeProps);
    try {
      const isValidShallowRoute = shallow && page === this.route;
      const info = isValidShallowRoute ? this.current : await this.getRouteInfo(page, as, query);
      if (navigation.cancelled) return false;
      if (info.redirect !== undefined) {
        settle();
        return this.followRedirect(method, info, options);
      }
      events.emit('beforeHistoryChange', as, routeProps);
      this.changeState(method, url, as, options);
      this.state = { route: removeTrailingSlash(page), pathname: page, query, asPath: as, isReady: true };
      this.current = info;
      settle();
      await this.renderCurrent();
      const shouldScroll = options.scroll ?? !isValidShallowRoute;
      if (forcedScroll) window.scrollTo(forcedScroll.x, forcedScroll.y);
      else if (shouldScroll) window.scrollTo(0, 0);
      events.emit('routeChangeComplete', as, routeProps);
      if (!forcedScroll && shouldScroll && /#.+$/.test(as)) this.scrollToHash(as);
      return true;
    } catch (error) {
      if (navigation.cancelled) return false;
      settle();
      events.emit('routeChangeError', error, as, routeProps);
      // The page's code or data could not be had here: the server shows what there is (its
      // 404 or 500, or a page of another app). Never the page shown now: that could reload
      // forever (router.replace(router.asPath) in an effect, say).
      if (as !== this.asPath) this.hardNavigate(as);
      else console.error(error);
      return false;
    }
  }

  /** The page's component and the App's props for `as`. */
  async getRouteInfo(page, as, query) {
    const [Component, data] = await Promise.all([this.loader.load(page), this.getData(page, as)]);
    if (data?.redirect !== undefined) return data;
    if (data) return { Component, props: data.props };
    // No data request: the App's (and page's) getInitialProps run here, as in Next.js.
    const App = this.App;
    const router = makePublicRouterInstance(this);
    const AppTree = (props) => h(App, { ...props, Component, router });
    const ctx = { pathname: page, query, asPath: as, AppTree };
    const props = await loadGetInitialProps(App, { AppTree, Component, router, ctx });
    return { Component, props };
  }

  /**
   * The page's props from `/_next/data` when its manifest entry says it has server data:
   * `{ props }`, or `{ redirect, basePath }` for a redirect (getServerSideProps's or the
   * middleware's). Throws when there is none to be had (a 404 or 500): the caller hands the
   * URL to the server.
   */
  async getData(page, as) {
    const kind = this.manifest.pages?.[page]?.data;
    if (kind !== 'ssp' && kind !== 'ssg') return null;
    const href = dataUrl(this.buildId, as);
    if (kind === 'ssg' && this.sdc.has(href)) return this.sdc.get(href);
    const response = await window.fetch(href, { headers: { 'x-nextjs-data': '1' }, credentials: 'same-origin' });
    const redirect = response.headers.get('x-nextjs-redirect');
    if (redirect) return { redirect };
    // Middleware rewrote the request to another page: the server renders that (a rewrite to
    // the same page, with other params, say, is data like any other).
    const rewrite = response.headers.get('x-nextjs-rewrite');
    if (rewrite) {
      const target = pathOfDataUrl(this.buildId, parseRelativeUrl(stripOrigin(rewrite)).pathname);
      if (matchRoute(this.manifest.sortedPages ?? [], target)?.page !== page) {
        throw new Error(`The data of ${as} was rewritten to another page`);
      }
    }
    if (!response.ok) throw new Error(`Failed to load the data of ${as}: ${response.status}`);
    const json = await response.json();
    const props = json.pageProps?.__N_REDIRECT !== undefined ? json.pageProps : json;
    if (props.__N_REDIRECT !== undefined) return { redirect: props.__N_REDIRECT, basePath: props.__N_REDIRECT_BASE_PATH };
    const result = { props: json };
    if (kind === 'ssg') this.sdc.set(href, result);
    return result;
  }

  /** A redirect found while loading: on this app, another client navigation; elsewhere, the browser's. */
  followRedirect(method, { redirect, basePath }, options) {
    const destination = stripOrigin(String(redirect));
    if (destination.startsWith('/') && !destination.startsWith('//') && basePath !== false) {
      const { url, as } = this.prepareUrlAs(destination, destination);
      return this.change(method, url, as, options);
    }
    this.hardNavigate(String(redirect));
    return false;
  }

  changeState(method, url, as, options = {}) {
    if (method === 'pushState' && getURL() === as) return;
    this._shallow = options.shallow;
    if (method === 'pushState') this._key = createKey();
    window.history[method]({ url, as, options: storedOptions(options), __N: true, key: this._key }, '', as);
  }

  scrollToHash(as) {
    const [, hash = ''] = as.split('#', 2);
    // `#` and `#top` scroll to the top, as browsers do.
    if (hash === '' || hash === 'top') {
      window.scrollTo(0, 0);
      return;
    }
    let id = hash;
    try {
      id = decodeURIComponent(hash);
    } catch {
      // Not percent-encoded after all.
    }
    const target = window.document.getElementById(id) ?? window.document.getElementsByName(id)[0];
    target?.scrollIntoView();
  }

  // Back and forward come back to where each page was left (kept per history entry).
  saveScroll() {
    try {
      window.sessionStorage.setItem(`__next_scroll_${this._key}`, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch {
      // No storage (private mode, quota): Next's scroll-to-top then.
    }
  }

  savedScroll(key) {
    try {
      return JSON.parse(window.sessionStorage.getItem(`__next_scroll_${key}`)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  onPopState = (event) => {
    const isFirstPopStateEvent = this.isFirstPopStateEvent;
    this.isFirstPopStateEvent = false;
    const state = event.state;
    // A history entry the router did not make (an in-page #anchor): adopt it.
    if (!state) {
      this.changeState('replaceState', formatUrl({ pathname: this.pathname, query: this.query }), getURL());
      return;
    }
    // The app router's entry.
    if (state.__NA) {
      window.location.reload();
      return;
    }
    if (!state.__N) return;
    // Safari fires popstate when the page loads.
    if (isFirstPopStateEvent && state.as === this.asPath) return;
    let forcedScroll;
    if (this._key !== state.key) {
      this.saveScroll();
      forcedScroll = this.savedScroll(state.key);
    }
    this._key = state.key;
    // Back from another site to the page it left: nothing to render.
    if (this.isSsr && state.as === this.asPath && parseRelativeUrl(state.url).pathname === this.pathname) return;
    if (this._bps && !this._bps(state)) return;
    const options = { ...state.options, shallow: Boolean(state.options?.shallow && this._shallow) };
    this.change('replaceState', state.url, state.as, options, forcedScroll).catch((error) => console.error(error));
  };
}

// --- start ----------------------------------------------------------------------------------

// Tells `onCommit` each time React commits a tree given to the root (no DOM of its own, so
// hydration is unaffected).
function Root({ onCommit, children }) {
  React.useLayoutEffect(() => onCommit());
  return children;
}

/** Hydrates the page described by the document's `__NEXT_DATA__`; returns the router. */
export async function boot() {
  const nextData = JSON.parse(document.getElementById('__NEXT_DATA__').textContent);
  window.__NEXT_DATA__ = nextData;
  const manifest = self.__BUILD_MANIFEST ?? { sortedPages: [], pages: {} };
  const loader = createPageLoader(manifest);
  const [App, Component] = await Promise.all([
    manifest.pages?.['/_app'] ? loader.load('/_app') : DefaultApp,
    loader.load(nextData.page),
  ]);

  const container = document.getElementById('__next');
  const headManager = createHeadManager();
  let root = null;
  // A tree React never commits (a newer one replaced it first) is done when the newer one is.
  let waiting = [];
  const onCommit = () => {
    const done = waiting;
    waiting = [];
    for (const resolve of done) resolve();
  };
  const render = ({ App, Component, props, router }) =>
    new Promise((resolve) => {
      waiting.push(resolve);
      const tree = h(
        Root,
        { onCommit },
        h(
          RouterContext.Provider,
          { value: router },
          h(HeadManagerContext.Provider, { value: headManager }, h(App, { ...props, Component, router })),
        ),
      );
      if (root) root.render(tree);
      else root = hydrateRoot(container, tree);
    });

  const router = new ClientRouter({
    page: nextData.page,
    query: nextData.query ?? {},
    asPath: getURL(),
    props: nextData.props ?? {},
    Component,
    App,
    buildId: nextData.buildId,
    manifest,
    loader,
    render,
    // The server renders with a ready router unless it says otherwise.
    isReady: nextData.isReady !== false,
  });
  setClientRouter(router);
  window.next = { version, router, emitter: events };
  await router.hydrate();
  return router;
}

if (typeof document !== 'undefined' && document.getElementById('__NEXT_DATA__')) {
  boot().catch((error) => console.error('Switchyard could not start the page:', error));
}
