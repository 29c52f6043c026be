// adaptMiddleware / adaptApiRoute: what the runtimes call with a plain Request and an event.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { adaptApiRoute, adaptMiddleware } from 'next/adapter';
import { NextFetchEvent, NextRequest, NextResponse } from 'next/server';

/** The runtime's side of the event: records what reaches `waitUntil`. */
function hostEvent() {
  const promises = [];
  return { promises, waitUntil: (promise) => promises.push(promise) };
}

const NOT_A_RESPONSE = { name: 'TypeError', message: 'Expected an instance of Response to be returned' };

describe('adaptMiddleware', () => {
  it('needs a middleware, proxy or default function', () => {
    assert.throws(() => adaptMiddleware({}, '/middleware'), {
      message: 'The Middleware "/middleware" must export a `middleware` or a `default` function',
    });
    assert.throws(() => adaptMiddleware({ middleware: 'nope' }, '/src/middleware'), {
      message: 'The Middleware "/src/middleware" must export a `middleware` or a `default` function',
    });
    assert.throws(() => adaptMiddleware({ config: {} }, '/proxy'), {
      message: 'The Proxy "/proxy" must export a `proxy` or a `default` function',
    });
    for (const module of [{ middleware() {} }, { proxy() {} }, { default() {} }]) {
      assert.equal(typeof adaptMiddleware(module, '/middleware'), 'function');
    }
  });

  it('prefers middleware over proxy over default', async () => {
    const tagged = (tag) => () => new Response(tag);
    const handler = adaptMiddleware({ default: tagged('default'), proxy: tagged('proxy'), middleware: tagged('middleware') }, '/middleware');
    assert.equal(await (await handler(new Request('https://a.com/'), hostEvent())).text(), 'middleware');
    const proxy = adaptMiddleware({ default: tagged('default'), proxy: tagged('proxy') }, '/proxy');
    assert.equal(await (await proxy(new Request('https://a.com/'), hostEvent())).text(), 'proxy');
  });

  it('gives the handler a NextRequest and a NextFetchEvent', async () => {
    let seen;
    const handler = adaptMiddleware(
      {
        middleware(request, event) {
          seen = { request, event };
          return NextResponse.next();
        },
      },
      '/middleware',
    );
    await handler(new Request('https://a.com/shop?item=1', { headers: { cookie: 'a=1', 'x-h': 'v' } }), hostEvent());
    assert.ok(seen.request instanceof NextRequest);
    assert.ok(seen.event instanceof NextFetchEvent);
    assert.equal(seen.request.url, 'https://a.com/shop?item=1');
    assert.equal(seen.request.nextUrl.searchParams.get('item'), '1');
    assert.equal(seen.request.headers.get('x-h'), 'v');
    assert.equal(seen.request.cookies.get('a').value, '1');
  });

  it('turns undefined (or null) into NextResponse.next()', async () => {
    for (const result of [undefined, null]) {
      const response = await adaptMiddleware({ default: () => result }, '/middleware')(new Request('https://a.com/'), hostEvent());
      assert.ok(response instanceof NextResponse);
      assert.equal(response.headers.get('x-middleware-next'), '1');
    }
  });

  it('rejects a result that is not a Response', async () => {
    const handler = adaptMiddleware({ default: async () => 'Boom' }, '/middleware');
    await assert.rejects(handler(new Request('https://a.com/'), hostEvent()), NOT_A_RESPONSE);
  });

  it('passes handler errors through', async () => {
    const handler = adaptMiddleware({ default: () => { throw new Error('broken'); } }, '/middleware');
    await assert.rejects(handler(new Request('https://a.com/'), hostEvent()), { message: 'broken' });
  });

  it('returns NextResponse helpers with their x-middleware headers', async () => {
    const handler = adaptMiddleware(
      {
        middleware(request) {
          const headers = new Headers(request.headers);
          headers.set('x-user', 'ada');
          const response = NextResponse.rewrite(new URL('/internal', request.url), { request: { headers } });
          response.cookies.set('seen', '1');
          return response;
        },
      },
      '/middleware',
    );
    const response = await handler(new Request('https://a.com/public', { headers: { accept: '*/*' } }), hostEvent());
    assert.equal(response.headers.get('x-middleware-rewrite'), 'https://a.com/internal');
    assert.equal(response.headers.get('x-middleware-override-headers'), 'accept,x-user');
    assert.equal(response.headers.get('x-middleware-request-x-user'), 'ada');
    assert.equal(response.headers.get('x-middleware-set-cookie'), 'seen=1; Path=/');
  });

  it('returns a plain Response.redirect as it is', async () => {
    const redirect = Response.redirect('https://a.com/login', 302);
    const response = await adaptMiddleware({ default: () => redirect }, '/middleware')(new Request('https://a.com/'), hostEvent());
    assert.equal(response, redirect);
  });

  it('forwards waitUntil to the runtime event', async () => {
    const host = hostEvent();
    const work = Promise.resolve('done');
    let event;
    const handler = adaptMiddleware(
      {
        middleware(_request, fetchEvent) {
          event = fetchEvent;
          fetchEvent.waitUntil(work);
        },
      },
      '/middleware',
    );
    await handler(new Request('https://a.com/'), host);
    assert.deepEqual(host.promises, [work]);
    assert.deepEqual(event.waitUntilPromises, [work]);
  });

  it('keeps the old API surfaces throwing the page signature error', async () => {
    let request;
    let event;
    await adaptMiddleware({ default: (r, e) => { request = r; event = e; } }, '/middleware')(new Request('https://a.com/'), hostEvent());
    const signature = { message: /^The middleware "\/middleware" accepts an async API directly with the form:\n/ };
    assert.throws(() => event.respondWith(new Response('x')), signature);
    assert.throws(() => event.request, signature);
    assert.throws(() => request.request, signature);
    assert.throws(() => request.respondWith(), signature);
    assert.throws(() => request.waitUntil(), signature);
    assert.match(
      (() => { try { event.respondWith(); } catch (error) { return error.message; } })(),
      /Read more: https:\/\/nextjs\.org\/docs\/messages\/middleware-new-signature/,
    );
  });

  it('lets the handler read the request body', async () => {
    const handler = adaptMiddleware({ default: async (request) => new Response(`got: ${await request.text()}`) }, '/middleware');
    const response = await handler(new Request('https://a.com/form', { method: 'POST', body: 'hello, world.' }), hostEvent());
    assert.equal(await response.text(), 'got: hello, world.');
  });

  it('shows a data request as its page and maps its rewrites and redirects back', async () => {
    let url;
    const rewrite = adaptMiddleware(
      {
        middleware(request) {
          url = request.url;
          return NextResponse.rewrite(new URL('/other', request.url));
        },
      },
      '/middleware',
    );
    const data = (path) => new Request(`https://a.com/_next/data/b1/${path}.json`, { headers: { 'x-nextjs-data': '1' } });
    const rewritten = await rewrite(data('blog/post'), hostEvent());
    assert.equal(url, 'https://a.com/blog/post');
    assert.equal(rewritten.headers.get('x-middleware-rewrite'), 'https://a.com/_next/data/b1/other.json');
    assert.equal(rewritten.headers.get('x-nextjs-rewrite'), '/other');

    await rewrite(data('index'), hostEvent());
    assert.equal(url, 'https://a.com/');

    const redirect = adaptMiddleware({ default: (request) => Response.redirect(new URL('/login', request.url), 307) }, '/middleware');
    const redirected = await redirect(data('account'), hostEvent());
    assert.equal(redirected.status, 307);
    assert.equal(redirected.headers.get('location'), null);
    assert.equal(redirected.headers.get('x-nextjs-redirect'), '/login');
  });

  it('names the locale in same-origin rewrites when i18n is on', async () => {
    const nextConfig = { i18n: { locales: ['en', 'fr'], defaultLocale: 'en' } };
    const handler = adaptMiddleware(
      { default: (request) => NextResponse.rewrite(new URL('/about', request.url)) },
      '/middleware',
      { nextConfig },
    );
    const response = await handler(new Request('https://a.com/'), hostEvent());
    assert.equal(response.headers.get('x-middleware-rewrite'), 'https://a.com/en/about');
    const external = adaptMiddleware({ default: () => NextResponse.rewrite('https://b.com/x') }, '/middleware', { nextConfig });
    assert.equal((await external(new Request('https://a.com/'), hostEvent())).headers.get('x-middleware-rewrite'), 'https://b.com/x');
  });

  it('applies nextConfig to nextUrl', async () => {
    let nextUrl;
    const handler = adaptMiddleware({ default: (request) => { nextUrl = request.nextUrl; } }, '/middleware', {
      nextConfig: { basePath: '/app' },
    });
    await handler(new Request('https://a.com/app/settings'), hostEvent());
    assert.equal(nextUrl.basePath, '/app');
    assert.equal(nextUrl.pathname, '/settings');
  });
});

describe('adaptApiRoute', () => {
  it('needs a default function', () => {
    assert.throws(() => adaptApiRoute({ handler() {} }, '/api/hello'), {
      message: 'The Edge Function "pages/api/hello" must export a `default` function',
    });
  });

  it('returns the handler response unchanged', async () => {
    const sent = new Response('hi', { status: 201 });
    const response = await adaptApiRoute({ default: async () => sent }, '/api/hello')(new Request('https://a.com/api/hello'), hostEvent());
    assert.equal(response, sent);
  });

  it('gives the handler a NextRequest with the merged params and its body', async () => {
    const handler = adaptApiRoute(
      {
        async default(request) {
          assert.ok(request instanceof NextRequest);
          const query = Object.fromEntries(request.nextUrl.searchParams);
          return Response.json({ query, method: request.method, body: await request.json() });
        },
      },
      '/api/[id]',
    );
    const request = new Request('https://a.com/api/id-1?a=b&id=id-1', { method: 'POST', body: '{"x":1}' });
    const response = await handler(request, hostEvent());
    assert.deepEqual(await response.json(), { query: { a: 'b', id: 'id-1' }, method: 'POST', body: { x: 1 } });
  });

  it('streams a request body through to the handler', async () => {
    const handler = adaptApiRoute({ default: async (request) => new Response(await request.text()) }, '/api/echo');
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk 1, '));
        controller.enqueue(new TextEncoder().encode('chunk 2'));
        controller.close();
      },
    });
    const request = new Request('https://a.com/api/echo', { method: 'POST', body, duplex: 'half' });
    assert.equal(await (await handler(request, hostEvent())).text(), 'chunk 1, chunk 2');
  });

  it('rejects anything but a Response, undefined included', async () => {
    for (const result of ['Boom', undefined, { status: 200 }]) {
      const handler = adaptApiRoute({ default: () => result }, '/api/x');
      await assert.rejects(handler(new Request('https://a.com/api/x'), hostEvent()), NOT_A_RESPONSE);
    }
  });

  it('forwards waitUntil and aborts with the request signal', async () => {
    const host = hostEvent();
    const controller = new AbortController();
    let signal;
    const handler = adaptApiRoute(
      {
        default(request, event) {
          event.waitUntil(Promise.resolve(1));
          signal = request.signal;
          return new Response('ok');
        },
      },
      '/api/x',
    );
    await handler(new Request('https://a.com/api/x', { signal: controller.signal }), host);
    assert.equal(host.promises.length, 1);
    assert.equal(signal.aborted, false);
    controller.abort();
    assert.equal(signal.aborted, true);
  });
});
