// The part of rendering a pages-router page both runtimes share: data (getServerSideProps,
// getStaticProps, getInitialProps), the React tree the browser hydrates, `__NEXT_DATA__` and
// the document around the page. How the page's HTML is streamed is the runtime's business
// (next/internal/page-edge, next/internal/page-node); this module never touches a stream.

import React from 'react';
import { HeadManagerContext, HtmlContext, RouterContext } from 'next/internal/contexts';
import { reduceHead } from 'next/head';
import { createServerRouter } from 'next/router';
import { BODY_RENDER_TARGET } from 'next/document';
import { assets, buildId } from 'next/internal/build-info';
import PROTOCOL from 'next/internal/protocol';

const h = React.createElement;

const BODY_MARKER = `<${BODY_RENDER_TARGET}></${BODY_RENDER_TARGET}>`;

/** What a page handler answers besides HTML. */
export class PageOutcome {
  constructor(kind, fields) {
    this.kind = kind;
    Object.assign(this, fields);
  }
}

/** `query`: the URL's search params with the route's params over them, as Next.js merges them. */
export function queryOf(searchParams, params) {
  const query = {};
  for (const [name, value] of searchParams) {
    const previous = query[name];
    if (previous === undefined) query[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else query[name] = [previous, value];
  }
  return Object.assign(query, params);
}

function invalidKeysError(method, keys) {
  return new Error(
    `Additional keys were returned from \`${method}\`. Properties intended for your component must be nested under the \`props\` key, e.g.:` +
      `\n\n\treturn { props: { title: 'My Title', content: '...' } }` +
      `\n\nKeys that need to be moved: ${keys.join(', ')}.` +
      `\nRead more: https://nextjs.org/docs/messages/${method === 'getStaticProps' ? 'invalid-getstaticprops-value' : 'invalid-getserversideprops-value'}`,
  );
}

/** Next's `checkRedirectValues`, and the status a redirect is sent with. */
function redirectOf(redirect, method, resolvedUrl) {
  const { destination, permanent, statusCode, basePath } = redirect;
  const errors = [];
  if (statusCode !== undefined && permanent !== undefined) {
    errors.push('`permanent` and `statusCode` can not both be provided');
  } else if (statusCode !== undefined && ![301, 302, 303, 307, 308].includes(statusCode)) {
    errors.push('`statusCode` must undefined or one of 301, 302, 303, 307, 308');
  }
  const destinationType = typeof destination;
  if (destinationType !== 'string') errors.push(`\`destination\` should be string but received ${destinationType}`);
  const basePathType = typeof basePath;
  if (basePathType !== 'undefined' && basePathType !== 'boolean') {
    errors.push(`\`basePath\` should be undefined or a false, received ${basePathType}`);
  }
  if (errors.length > 0) {
    throw new Error(
      `Invalid redirect object returned from ${method} for ${resolvedUrl}\n` +
        errors.join(' and ') +
        '\nSee more info here: https://nextjs.org/docs/messages/invalid-redirect-gssp',
    );
  }
  return { destination, status: statusCode ?? (permanent ? 308 : 307) };
}

/**
 * Runs the page's data function. `context` is what Next.js passes it (params, query,
 * resolvedUrl, and req/res on Node.js). Returns `{ props }` (props for the App, `pageProps`
 * inside), a `notFound` outcome or a `redirect` outcome.
 */
export async function loadProps(def, context) {
  const method = def.getServerSideProps ? 'getServerSideProps' : def.getStaticProps ? 'getStaticProps' : null;
  let pageProps = {};
  let revalidate;
  if (method) {
    const result = await (method === 'getServerSideProps'
      ? def.getServerSideProps(context)
      : def.getStaticProps({ params: context.params, locales: undefined, locale: undefined }));
    if (result == null || typeof result !== 'object') {
      throw new Error(`Your \`${method}\` function did not return an object. Did you forget to add a \`return\`?`);
    }
    const allowed = method === 'getStaticProps' ? ['props', 'redirect', 'notFound', 'revalidate'] : ['props', 'redirect', 'notFound'];
    const extra = Object.keys(result).filter((key) => !allowed.includes(key));
    if (extra.length > 0) throw invalidKeysError(method, extra);
    // getStaticProps's revalidate holds for its notFound and redirect answers too.
    if (result.notFound) return new PageOutcome('notFound', { revalidate: result.revalidate });
    if (result.redirect) {
      return new PageOutcome('redirect', { ...redirectOf(result.redirect, method, context.resolvedUrl), revalidate: result.revalidate });
    }
    pageProps = await result.props;
    revalidate = result.revalidate;
  }
  const router = routerFor(def, context);
  let props = { pageProps };
  // A custom App's getInitialProps (or a page's) runs as Next.js runs it: after the data function,
  // with the data function's props laid over the ones it returns.
  const App = def.App;
  if (typeof App.getInitialProps === 'function' && App.getInitialProps !== def.DefaultApp?.getInitialProps) {
    const appProps = await App.getInitialProps({
      AppTree: (appTreeProps) => tree(def, def.Component, appTreeProps, router),
      Component: def.Component,
      router,
      ctx: initialPropsContext(def, context),
    });
    props = { ...appProps, pageProps: Object.assign({}, appProps?.pageProps, pageProps) };
  } else if (typeof def.Component.getInitialProps === 'function') {
    props = { pageProps: Object.assign({}, await def.Component.getInitialProps(initialPropsContext(def, context)), pageProps) };
  }
  return new PageOutcome('props', { props, revalidate, router });
}

function initialPropsContext(def, context) {
  return {
    req: context.req,
    res: context.res,
    pathname: def.page,
    query: context.query,
    asPath: context.resolvedUrl,
    AppTree: def.App,
  };
}

function routerFor(def, context) {
  return createServerRouter({
    page: def.page,
    query: context.query,
    asPath: context.resolvedUrl,
    isReady: context.isReady ?? true,
  });
}

/**
 * The tree the browser hydrates: App with the page, under the router and head contexts —
 * the same providers next/internal/client renders, so hydration finds what it expects.
 */
function tree(def, Component, props, router, headManager) {
  return h(
    RouterContext.Provider,
    { value: router },
    h(
      HeadManagerContext.Provider,
      { value: headManager ?? { updateHead() {} } },
      h(def.App, { ...props, Component, router }),
    ),
  );
}

/** The element a runtime streams: `<div id="__next">` around the tree, and what collects `next/head`. */
export function pageElement(def, Component, outcome) {
  const collected = [];
  const headManager = {
    updateHead(elements) {
      collected.push(...elements);
    },
  };
  const element = h('div', { id: '__next' }, tree(def, Component, outcome.props, outcome.router, headManager));
  return { element, headElements: () => reduceHead(collected) };
}

// Like Next's htmlEscapeJsonString: the JSON sits inside a <script> element.
const ESCAPES = { '&': '\\u0026', '>': '\\u003e', '<': '\\u003c', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function scriptSafeJson(value) {
  return JSON.stringify(value).replace(/[&><\u2028\u2029]/g, (char) => ESCAPES[char]);
}

/** `__NEXT_DATA__` for a page rendered with `outcome`. */
export function nextData(def, context, outcome, { statusCode, err } = {}) {
  const data = {
    props: outcome.props,
    page: def.page,
    query: context.query,
    buildId,
    isFallback: false,
  };
  if (def.getServerSideProps) {
    data.props = { ...outcome.props, __N_SSP: true };
    data.gssp = true;
  } else if (def.getStaticProps) {
    data.props = { ...outcome.props, __N_SSG: true };
    data.gsp = true;
  } else if (!def.hasInitialProps) {
    data.autoExport = true;
  }
  if (def.appGip) data.appGip = true;
  if (statusCode && statusCode >= 400 && err) {
    // What Next.js's production server tells the browser about an error: never its message.
    data.err = {
      name: 'Internal Server Error.',
      message: '500 - Internal Server Error.',
      statusCode,
      source: def.runtime === 'edge' ? 'edge-server' : 'server',
    };
  }
  data.scriptLoader = [];
  return data;
}

/**
 * The document around the page, split where the page's HTML goes. `renderToStaticMarkup` is
 * the runtime's react-dom/server; `headElements()` gives `next/head`'s elements, known once the
 * shell rendered (or, with a custom `Document.getInitialProps`, once its `renderPage` did).
 */
export async function documentParts(def, data, headElements, renderToStaticMarkup, renderPage) {
  const pageAssets = [def.page, '/_app'].flatMap((page) => assets.preload[page] ?? []);
  // `_app`'s stylesheets (the global ones) come before the page's.
  const stylesheets = ['/_app', def.page].flatMap((page) => assets.css?.[page] ?? []);
  const html = {
    headElements: [],
    nextDataJson: scriptSafeJson(data),
    stylesheets: [...new Set(stylesheets)],
    preloads: [...new Set(pageAssets)],
    scripts: { buildManifest: assets.buildManifest, main: assets.main },
  };
  const Document = def.Document;
  let documentProps = { html: BODY_MARKER, head: [], styles: undefined };
  if (typeof Document.getInitialProps === 'function') {
    const defaultGetInitialProps = async (ctx) => {
      const page = ctx.renderPage ? await ctx.renderPage() : { html: BODY_MARKER, head: [] };
      return { ...page, styles: undefined };
    };
    documentProps = await Document.getInitialProps({
      renderPage: renderPage ?? (async () => ({ html: BODY_MARKER, head: [] })),
      defaultGetInitialProps,
      pathname: def.page,
      query: data.query,
      asPath: undefined,
    });
  }
  html.headElements = headElements();
  const markup = renderToStaticMarkup(h(HtmlContext.Provider, { value: html }, h(Document, documentProps)));
  const at = markup.indexOf(BODY_MARKER);
  if (at === -1) {
    throw new Error(
      'The `<Main />` component from next/document was not rendered by pages/_document. Read more: https://nextjs.org/docs/messages/no-document-main',
    );
  }
  return { prefix: `<!DOCTYPE html>${markup.slice(0, at)}`, suffix: markup.slice(at + BODY_MARKER.length) };
}

/** Whether the document renders the page itself (a custom getInitialProps), so nothing streams. */
export function documentRendersPage(def) {
  const getInitialProps = def.Document.getInitialProps;
  return typeof getInitialProps === 'function' && getInitialProps !== def.DefaultDocument.getInitialProps;
}

/** The definition of a page for the renderers, from the modules the generated entry imports. */
export function definePage({ page, runtime, page_module: mod, app, document, error, defaults }) {
  const Component = mod.default;
  if (typeof Component !== 'function' && !(Component && typeof Component === 'object' && Component.$$typeof)) {
    throw new Error(`The default export is not a React Component in page: "${page}"`);
  }
  if (mod.getServerSideProps && mod.getStaticProps) {
    throw new Error(
      'You can not use getStaticProps or getStaticPaths with getServerSideProps. To use SSG, please remove getServerSideProps',
    );
  }
  const App = app.default ?? defaults.App;
  return {
    page,
    runtime,
    Component,
    getServerSideProps: mod.getServerSideProps,
    getStaticProps: mod.getStaticProps,
    getStaticPaths: mod.getStaticPaths,
    hasInitialProps: typeof Component.getInitialProps === 'function',
    appGip: typeof App.getInitialProps === 'function' && App.getInitialProps !== defaults.App.getInitialProps,
    App,
    DefaultApp: defaults.App,
    Document: document.default ?? defaults.Document,
    DefaultDocument: defaults.Document,
    ErrorComponent: error.default ?? defaults.Error,
  };
}

/** The outcome for rendering the error page with `statusCode` (500 after a failure, 404). */
export function errorOutcome(def, context, statusCode, err) {
  const router = routerFor(def, context);
  return new PageOutcome('props', { props: { pageProps: { statusCode } }, router, err });
}

/** The page definition the error page renders with: the same App and Document, `_error` as the page. */
export function errorPage(def) {
  return { ...def, page: '/_error', Component: def.ErrorComponent, getServerSideProps: undefined, getStaticProps: undefined };
}

/** What a data request (`/_next/data/…json`) answers with `outcome`: a status and JSON. */
export function dataResponse(def, outcome) {
  const flag = def.getServerSideProps ? { __N_SSP: true } : def.getStaticProps ? { __N_SSG: true } : {};
  switch (outcome.kind) {
    case 'notFound':
      return { status: 404, json: { notFound: true } };
    case 'redirect':
      return {
        status: 200,
        json: { pageProps: { __N_REDIRECT: outcome.destination, __N_REDIRECT_STATUS: outcome.status }, ...flag },
      };
    default:
      return { status: 200, json: { ...outcome.props, ...flag } };
  }
}

/**
 * The context a page's data function gets, from what the runtime knows of the request.
 * `params` is left out on pages without dynamic segments, as Next.js leaves it.
 */
export function pageContext(def, url, params, extra) {
  const dynamic = def.page.includes('[');
  return {
    params: dynamic ? params : undefined,
    query: queryOf(url.searchParams, params),
    resolvedUrl: url.pathname + url.search,
    locale: undefined,
    locales: undefined,
    defaultLocale: undefined,
    ...extra,
  };
}

/**
 * The `Cache-Control` Next sends with a getStaticProps page rendered on request (and its
 * data, notFound and redirect answers): shared caches keep it `revalidate` seconds and may
 * serve it stale up to a year in all, or a year when it never revalidates. The server sends
 * the same for pages rendered at build time (crates/server/src/state.rs).
 */
export function staticPropsCacheControl(def, outcome) {
  if (!def.getStaticProps || def.getServerSideProps || def.page === '/_error') return undefined;
  const YEAR = 31536000;
  const seconds = outcome?.revalidate;
  if (typeof seconds === 'number' && seconds > 0) return `s-maxage=${seconds}, stale-while-revalidate=${YEAR - seconds}`;
  return `s-maxage=${YEAR}`;
}

/** The header telling the server to answer with the app's 404 page instead. */
export const NOT_FOUND_HEADER = PROTOCOL.headers.notFound;
