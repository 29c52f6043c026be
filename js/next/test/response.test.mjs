// NextResponse: next / rewrite / redirect / json, request header overrides, cookies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NextRequest, NextResponse } from 'next/server';

const RELATIVE = (url) =>
  new RegExp(`^URL is malformed "${url}"\\. Please use only absolute URLs - https://nextjs\\.org/docs/messages/middleware-relative-urls$`);

describe('NextResponse.next', () => {
  it('marks the response and sets init.headers as response headers', () => {
    const response = NextResponse.next({ headers: { 'x-response': 'yes' } });
    assert.ok(response instanceof NextResponse);
    assert.ok(response instanceof Response);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-middleware-next'), '1');
    assert.equal(response.headers.get('x-response'), 'yes');
    assert.equal(response.headers.get('x-middleware-override-headers'), null);
    assert.equal(response.body, null);
  });

  it('encodes request header overrides', () => {
    const headers = new Headers({ 'x-user': 'ada', authorization: 'Bearer t' });
    headers.set('x-latin', 'caf\u00e9');
    const response = NextResponse.next({ request: { headers } });
    assert.equal(response.headers.get('x-middleware-request-x-user'), 'ada');
    assert.equal(response.headers.get('x-middleware-request-authorization'), 'Bearer t');
    assert.equal(response.headers.get('x-middleware-request-x-latin'), 'caf%C3%A9');
    assert.equal(response.headers.get('x-middleware-override-headers'), 'authorization,x-latin,x-user');
    assert.equal(response.headers.get('x-middleware-request-encoded'), 'x-latin');
  });

  it('requires request.headers to be a Headers', () => {
    assert.throws(() => NextResponse.next({ request: { headers: { a: '1' } } }), {
      name: 'Error',
      message: 'request.headers must be an instance of Headers',
    });
  });
});

describe('NextResponse.rewrite', () => {
  it('sets x-middleware-rewrite to the absolute URL', () => {
    const response = NextResponse.rewrite(new URL('/dest?q=1', 'https://a.com/src'));
    assert.equal(response.headers.get('x-middleware-rewrite'), 'https://a.com/dest?q=1');
    assert.equal(response.headers.get('x-middleware-next'), null);
    assert.equal(NextResponse.rewrite('https://b.com').headers.get('x-middleware-rewrite'), 'https://b.com/');
  });

  it('carries request header overrides and response headers', () => {
    const response = NextResponse.rewrite('https://a.com/x', {
      headers: { 'x-r': '1' },
      request: { headers: new Headers({ 'x-q': '2' }) },
    });
    assert.equal(response.headers.get('x-r'), '1');
    assert.equal(response.headers.get('x-middleware-request-x-q'), '2');
    assert.equal(response.headers.get('x-middleware-override-headers'), 'x-q');
  });

  it('rejects relative URLs', () => {
    assert.throws(() => NextResponse.rewrite('/relative'), { name: 'Error', message: RELATIVE('/relative') });
  });
});

describe('NextResponse.redirect', () => {
  it('defaults to 307 with an absolute Location', () => {
    const response = NextResponse.redirect(new URL('/login', 'https://a.com/x'));
    assert.equal(response.status, 307);
    assert.equal(response.headers.get('location'), 'https://a.com/login');
  });

  it('takes a status or an init', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      assert.equal(NextResponse.redirect('https://a.com/', status).status, status);
    }
    const response = NextResponse.redirect('https://a.com/', { status: 308, headers: { 'x-a': '1' } });
    assert.equal(response.status, 308);
    assert.equal(response.headers.get('x-a'), '1');
  });

  it('rejects other statuses and relative URLs', () => {
    for (const status of [200, 304, 400, 399]) {
      assert.throws(() => NextResponse.redirect('https://a.com/', status), {
        name: 'RangeError',
        message: 'Failed to execute "redirect" on "response": Invalid status code',
      });
    }
    assert.throws(() => NextResponse.redirect('login'), { name: 'Error', message: RELATIVE('login') });
  });

  it('takes a cloned nextUrl, basePath included (the common middleware idiom)', () => {
    const request = new NextRequest('https://a.com/app/account?tab=1', { nextConfig: { basePath: '/app' } });
    const url = request.nextUrl.clone();
    url.pathname = '/login';
    assert.equal(NextResponse.redirect(url).headers.get('location'), 'https://a.com/app/login?tab=1');
    assert.equal(NextResponse.rewrite(url).headers.get('x-middleware-rewrite'), 'https://a.com/app/login?tab=1');
    assert.equal(request.url, 'https://a.com/app/account?tab=1');
  });

  it('has mutable headers (unlike Response.redirect)', () => {
    const response = NextResponse.redirect('https://a.com/');
    response.headers.set('x-later', '1');
    response.cookies.set('a', '1');
    assert.equal(response.headers.get('x-later'), '1');
  });
});

describe('NextResponse.json', () => {
  it('serialises the body with the init', async () => {
    const response = NextResponse.json({ ok: true }, { status: 201, headers: { 'x-a': '1' } });
    assert.ok(response instanceof NextResponse);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('x-a'), '1');
    assert.deepEqual(await response.json(), { ok: true });
  });

  it('keeps a given content type and rejects what JSON cannot hold', async () => {
    const response = NextResponse.json([1], { headers: { 'content-type': 'application/vnd.api+json' } });
    assert.equal(response.headers.get('content-type'), 'application/vnd.api+json');
    assert.equal(await response.text(), '[1]');
    assert.throws(() => NextResponse.json(undefined), TypeError);
  });
});

describe('NextResponse cookies', () => {
  it('keeps set-cookie and x-middleware-set-cookie in step', () => {
    const response = NextResponse.next();
    response.cookies.set('a', '1');
    response.cookies.set('b', '2', { httpOnly: true, sameSite: 'strict' });
    assert.deepEqual(response.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Path=/; HttpOnly; SameSite=Strict']);
    assert.equal(response.headers.get('x-middleware-set-cookie'), 'a=1; Path=/,b=2; Path=/; HttpOnly; SameSite=Strict');
    response.cookies.delete('a');
    assert.deepEqual(response.headers.getSetCookie(), ['a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'b=2; Path=/; HttpOnly; SameSite=Strict']);
    assert.equal(
      response.headers.get('x-middleware-set-cookie'),
      'a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT,b=2; Path=/; HttpOnly; SameSite=Strict',
    );
    assert.deepEqual(response.cookies.get('b'), { name: 'b', value: '2', httpOnly: true, sameSite: 'strict', path: '/' });
  });

  it('sees cookies set through the constructor', () => {
    const response = new NextResponse('x', { headers: { 'set-cookie': 'pre=1; Path=/' } });
    assert.equal(response.cookies.get('pre').value, '1');
    assert.equal(response.headers.get('x-middleware-set-cookie'), null);
  });
});
