// A page on the Edge runtime: `async (request) => Response`, the shape every Edge route has.
// React renders with its Web-streams API; the document's head goes out as soon as the page's
// shell is ready, the rest as React produces it.
//
// The server passes what it knows of the route in `x-switchyard-render` (JSON: `params`,
// `data` for a `/_next/data` request — the URL is then the page's own —, `status` for the
// 404 page), and removes nothing else.

import { renderToReadableStream, renderToStaticMarkup, renderToString } from 'react-dom/server';
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
import PROTOCOL from 'next/internal/protocol';

const RENDER_HEADER = PROTOCOL.headers.render;
const HTML = 'text/html; charset=utf-8';

/** The Edge handler for a page; `modules` as `definePage` takes them. */
export function adaptEdgePage(modules) {
  // getStaticProps runs per request here; the build warned about it, as Next.js's does.
  const def = definePage({ ...modules, runtime: 'edge' });
  return async function page(request) {
    const internal = JSON.parse(request.headers.get(RENDER_HEADER) || '{}');
    const url = new URL(request.url);
    const context = pageContext(def, url, internal.params ?? {}, { req: requestSummary(request, url) });
    let outcome;
    try {
      // The error page answering for a status renders with it, whatever its getInitialProps says.
      outcome = def.page === '/_error' ? errorOutcome(def, context, internal.status ?? 404) : await loadProps(def, context);
    } catch (err) {
      return failure(def, context, err, internal.data);
    }
    const cacheControl = staticPropsCacheControl(def, outcome);
    const cached = (response) => {
      if (cacheControl && !response.headers.has('cache-control')) response.headers.set('cache-control', cacheControl);
      return response;
    };
    if (internal.data) {
      const { status, json } = dataResponse(def, outcome);
      return cached(Response.json(json, { status }));
    }
    if (outcome.kind === 'notFound') {
      return cached(new Response(null, { status: 404, headers: { [NOT_FOUND_HEADER]: '1' } }));
    }
    if (outcome.kind === 'redirect') {
      return cached(new Response(null, { status: outcome.status, headers: { location: outcome.destination } }));
    }
    try {
      return cached(await renderHtml(def, context, outcome, internal.status ?? 200));
    } catch (err) {
      return failure(def, context, err, false);
    }
  };
}

/** What getServerSideProps on Edge may read of the request (Next.js gives no `res` here). */
function requestSummary(request, url) {
  return {
    url: url.pathname + url.search,
    method: request.method,
    // The server's instructions to this runtime are not the client's headers.
    headers: Object.fromEntries([...request.headers].filter(([name]) => !name.startsWith(PROTOCOL.prefix))),
  };
}

async function renderHtml(def, context, outcome, status, err) {
  const { element, headElements } = pageElement(def, def.Component, outcome);
  const data = nextData(def, context, outcome, { statusCode: status, err });
  const headers = { 'content-type': HTML };
  if (documentRendersPage(def)) {
    let body = '';
    const renderPage = async () => {
      body = renderToString(element);
      return { html: body, head: headElements() };
    };
    const { prefix, suffix } = await documentParts(def, data, headElements, renderToStaticMarkup, renderPage);
    return new Response(prefix + body + suffix, { status, headers });
  }
  const stream = await renderToReadableStream(element, {
    onError(error) {
      // After the shell, React recovers on the client; the server log keeps the cause. A shell
      // error also rejects the render, and `failure` must not log it twice.
      logged.add(error);
      console.error(error);
    },
  });
  const { prefix, suffix } = await documentParts(def, data, headElements, renderToStaticMarkup);
  // Nothing left to wait for (no pending Suspense boundary): one body, not a stream of React's
  // many small chunks. `allReady` is already settled then, so it wins the race.
  if ((await Promise.race([stream.allReady, STILL_PENDING])) !== PENDING) {
    return new Response(await whole(prefix, stream, suffix), { status, headers });
  }
  return new Response(around(prefix, stream, suffix), { status, headers });
}

const PENDING = Symbol('pending');
const STILL_PENDING = Promise.resolve(PENDING);

/** `body`'s bytes between `prefix` and `suffix`, in one buffer. */
async function whole(prefix, body, suffix) {
  const encoder = new TextEncoder();
  const parts = [encoder.encode(prefix)];
  let length = parts[0].length;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
  }
  parts.push(encoder.encode(suffix));
  length += parts[parts.length - 1].length;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** `body`'s bytes between `prefix` and `suffix`, each chunk passed on as it comes. */
function around(prefix, body, suffix) {
  const encoder = new TextEncoder();
  const reader = body.getReader();
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(prefix));
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.enqueue(encoder.encode(suffix));
        controller.close();
      } else {
        controller.enqueue(value);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** Errors React's `onError` has logged already. */
const logged = new WeakSet();

/** A failed page: the error in the log, then the error page with 500 (or a data request's 500). */
async function failure(def, context, err, isData) {
  if (!(err instanceof Object && logged.has(err))) console.error(err);
  if (isData) return new Response('Internal Server Error', { status: 500 });
  try {
    const page = errorPage(def);
    return await renderHtml(page, context, errorOutcome(page, context, 500, err), 500, err);
  } catch (renderError) {
    console.error(renderError);
    return new Response('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
}
