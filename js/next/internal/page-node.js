// A page on the Node.js runtime. The worker calls `render(req, res, { params, data, status })`
// for a request, and `prerender()` at build time for a page without getServerSideProps.
// React renders with its Node streaming API: the document's head goes out once the page's
// shell is ready, the rest as React produces it, with the response's backpressure.

import { Writable } from 'node:stream';
import { getRouteMatcher, getRouteRegex } from 'next/internal/route-matcher';
import { renderToPipeableStream, renderToStaticMarkup, renderToString } from 'react-dom/server';
import {
  NOT_FOUND_HEADER,
  staticPropsCacheControl,
  dataResponse,
  definePage,
  documentParts,
  documentRendersPage,
  errorOutcome,
  errorPage,
  loadProps,
  nextData,
  pageContext,
  pageElement,
} from 'next/internal/render';

const HTML = 'text/html; charset=utf-8';

/** The Node.js handler for a page; `modules` as `definePage` takes them. */
export function adaptNodePage(modules) {
  const def = definePage({ ...modules, runtime: 'nodejs' });
  return {
    page: def.page,
    // Rendered once at build time: no per-request data (Next's automatic static optimization).
    isStatic: def.page === '/_error' || (!def.getServerSideProps && !def.hasInitialProps && !def.appGip),
    render: (req, res, internal) => render(def, req, res, internal),
    prerender: () => prerender(def),
  };
}

async function render(def, req, res, internal) {
  const url = new URL(req.url, 'http://localhost');
  // The worker parsed the query already (params over it), as for API routes.
  const context = pageContext(def, url, internal.params ?? {}, { req, res, query: req.query });
  let outcome;
  try {
    // The error page answering for a status renders with it, whatever its getInitialProps says.
    outcome = def.page === '/_error' ? errorOutcome(def, context, internal.status ?? 404) : await loadProps(def, context);
  } catch (err) {
    return failure(def, context, res, err, internal.data);
  }
  // getServerSideProps may answer by itself through `res`.
  if (res.writableEnded || res.headersSent) return;
  const cacheControl = staticPropsCacheControl(def, outcome);
  if (cacheControl && !res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', cacheControl);
  if (internal.data) {
    const { status, json } = dataResponse(def, outcome);
    // Next sends the notFound answer without a Content-Type.
    if (outcome.kind === 'notFound') {
      res.statusCode = status;
      return res.end(JSON.stringify(json));
    }
    return send(res, status, 'application/json; charset=utf-8', JSON.stringify(json));
  }
  if (outcome.kind === 'notFound') {
    res.setHeader(NOT_FOUND_HEADER, '1');
    return send(res, 404, 'text/plain; charset=utf-8', '');
  }
  if (outcome.kind === 'redirect') {
    // Next sends a redirect with no body and no Content-Type.
    res.setHeader('Location', outcome.destination);
    res.statusCode = outcome.status;
    return res.end();
  }
  try {
    await streamHtml(def, context, outcome, res, internal.status ?? 200);
  } catch (err) {
    return failure(def, context, res, err, false);
  }
}

function send(res, status, type, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.end(body);
}

/** Renders `outcome` into `res` once the shell is ready; rejects if the shell fails. */
async function streamHtml(def, context, outcome, res, status, err) {
  const { element, headElements } = pageElement(def, def.Component, outcome);
  const data = nextData(def, context, outcome, { statusCode: status, err });
  if (documentRendersPage(def)) {
    const html = await wholeDocument(def, data, element, headElements);
    return send(res, status, HTML, html);
  }
  let allReady = false;
  const stream = await new Promise((resolve, reject) => {
    const pipeable = renderToPipeableStream(element, {
      onShellReady: () => resolve(pipeable),
      onAllReady() {
        allReady = true;
      },
      onShellError: reject,
      onError(error) {
        // After the shell, React recovers on the client; the server log keeps the cause. A
        // shell error also rejects the render, and `failure` must not log it twice.
        logged.add(error);
        console.error(error);
      },
    });
    res.once('close', () => pipeable.abort());
  });
  const { prefix, suffix } = await documentParts(def, data, headElements, renderToStaticMarkup);
  // Nothing left to wait for (no pending Suspense boundary): one body with its length, not a
  // stream of React's many small chunks.
  if (allReady) {
    return send(res, status, HTML, prefix + (await collect(stream)) + suffix);
  }
  res.statusCode = status;
  res.setHeader('Content-Type', HTML);
  res.write(prefix);
  stream.pipe(
    new Writable({
      write(chunk, _encoding, callback) {
        if (res.write(chunk)) callback();
        else res.once('drain', callback);
      },
      final(callback) {
        res.end(suffix);
        callback();
      },
    }),
  );
}

/** What a pipeable React stream writes, as one string. */
function collect(pipeable) {
  return new Promise((resolve) => {
    const chunks = [];
    pipeable.pipe(
      new Writable({
        write(chunk, _encoding, callback) {
          chunks.push(chunk);
          callback();
        },
        final(callback) {
          resolve(Buffer.concat(chunks).toString('utf8'));
          callback();
        },
      }),
    );
  });
}

/** The document with the page rendered whole: for a custom `Document.getInitialProps`. */
async function wholeDocument(def, data, element, headElements) {
  let body = '';
  const renderPage = async () => {
    body = renderToString(element);
    return { html: body, head: headElements() };
  };
  const { prefix, suffix } = await documentParts(def, data, headElements, renderToStaticMarkup, renderPage);
  return prefix + body + suffix;
}

/** The page rendered whole, Suspense boundaries resolved: what a static page is built from. */
async function renderComplete(def, context, outcome, status) {
  const { element, headElements } = pageElement(def, def.Component, outcome);
  const data = nextData(def, context, outcome, { statusCode: status });
  if (documentRendersPage(def)) return wholeDocument(def, data, element, headElements);
  const body = await new Promise((resolve, reject) => {
    const pipeable = renderToPipeableStream(element, {
      onAllReady: () => resolve(collect(pipeable)),
      onShellError: reject,
      onError: reject,
    });
  });
  const { prefix, suffix } = await documentParts(def, data, headElements, renderToStaticMarkup);
  return prefix + body + suffix;
}

/**
 * Build time: the page's HTML (and getStaticProps' JSON), or what its getStaticProps decided
 * instead. Pages with dynamic segments and no data are rendered once, not ready, as Next.js's
 * automatic static optimization does; getStaticProps on them renders each of getStaticPaths'
 * paths.
 */
async function prerender(def) {
  const dynamic = def.page.includes('[');
  if (dynamic && def.getStaticProps) return prerenderPaths(def);
  const url = new URL(def.page, 'http://localhost');
  const context = pageContext(def, url, {}, { isReady: !dynamic, resolvedUrl: def.page });
  // `_error` is built as the 404 page.
  const outcome = def.page === '/_error' ? errorOutcome(def, context, 404) : await loadProps(def, context);
  const status = def.page === '/404' || def.page === '/_error' ? 404 : 200;
  return staticResult(def, context, outcome, status);
}

async function staticResult(def, context, outcome, status) {
  if (outcome.kind !== 'props') return { kind: outcome.kind, destination: outcome.destination, status: outcome.status };
  const html = await renderComplete(def, context, outcome, status);
  const json = def.getStaticProps ? dataResponse(def, outcome).json : undefined;
  return { kind: 'html', html, json, revalidate: outcome.revalidate };
}

const pathsHelp = 'See here for more info https://nextjs.org/docs/messages/invalid-getstaticpaths-value';

/** Every path getStaticPaths lists, rendered, and its `fallback`. */
async function prerenderPaths(def) {
  if (typeof def.getStaticPaths !== 'function') {
    throw new Error(
      `getStaticPaths is required for dynamic SSG pages and is missing for '${def.page}'.\nRead more: https://nextjs.org/docs/messages/invalid-getstaticpaths-value`,
    );
  }
  const result = await def.getStaticPaths({ locales: undefined, defaultLocale: undefined });
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    throw new Error(
      `Invalid value returned from getStaticPaths in ${def.page}. Received ${typeof result} Expected: { paths: [], fallback: boolean }\n${pathsHelp}`,
    );
  }
  const extra = Object.keys(result).filter((key) => key !== 'paths' && key !== 'fallback');
  if (extra.length > 0) {
    throw new Error(
      `Extra keys returned from getStaticPaths in ${def.page} (${extra.join(', ')}) Expected: { paths: [], fallback: boolean }\n${pathsHelp}`,
    );
  }
  const { fallback, paths } = result;
  if (!(typeof fallback === 'boolean' || fallback === 'blocking')) {
    throw new Error(`The \`fallback\` key must be returned from getStaticPaths in ${def.page}.\n${pathsHelp}`);
  }
  if (!Array.isArray(paths)) {
    throw new Error(
      `Invalid \`paths\` value returned from getStaticPaths in ${def.page}.\n\`paths\` must be an array of strings or objects of shape { params: [key: string]: string }`,
    );
  }
  const pages = [];
  for (const entry of paths) {
    const { path, params } = staticPath(def.page, entry);
    const url = new URL(path, 'http://localhost');
    const context = pageContext(def, url, params, { isReady: true });
    pages.push({ path, result: await staticResult(def, context, await loadProps(def, context), 200) });
  }
  return { kind: 'paths', fallback, pages };
}

/** A getStaticPaths entry (a path, or `{ params }`) as the URL path and its params. */
function staticPath(page, entry) {
  const { re, groups } = getRouteRegex(page);
  if (typeof entry === 'string') {
    const params = getRouteMatcher({ re, groups })(entry);
    if (!params) {
      throw new Error(`The provided path \`${entry}\` does not match the page: \`${page}\`.`);
    }
    return { path: entry, params };
  }
  const params = entry?.params ?? {};
  const segments = page.split('/').map((segment) => {
    const [, optional, repeat, name] = /^\[(\[)?(\.\.\.)?([^[\]]+)\]\]?$/.exec(segment) ?? [];
    if (!name) return segment;
    const value = params[name];
    if (repeat ? !(Array.isArray(value) || (optional && value == null)) : typeof value !== 'string') {
      throw new Error(
        `A required parameter (${name}) was not provided as ${repeat ? 'an array' : 'a string'} received ${typeof value} in getStaticPaths for ${page}`,
      );
    }
    if (repeat) return (value ?? []).map(encodeURIComponent).join('/');
    return encodeURIComponent(value);
  });
  const path = segments.join('/').replace(/\/+$/, '') || '/';
  return { path, params: getRouteMatcher({ re, groups })(path) || {} };
}

/** Errors React's `onError` has logged already. */
const logged = new WeakSet();

async function failure(def, context, res, err, isData) {
  if (!(err instanceof Object && logged.has(err))) console.error(err);
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  if (isData) return send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
  try {
    const page = errorPage(def);
    await streamHtml(page, context, errorOutcome(page, context, 500, err), res, 500, err);
  } catch (renderError) {
    console.error(renderError);
    if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
  }
}
