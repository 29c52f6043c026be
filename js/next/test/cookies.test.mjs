// Cookie parsing and serialisation (the @edge-runtime/cookies format), RequestCookies and
// ResponseCookies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseCookie, parseSetCookie, RequestCookies, ResponseCookies, stringifyCookie } from 'next/server';

describe('parseCookie', () => {
  it('splits pairs, decodes values and keeps the first = as separator', () => {
    const map = parseCookie('a=1; b=hello%20world;c=x=y; flag; ; bad=%E0%A4%A');
    assert.deepEqual([...map], [
      ['a', '1'],
      ['b', 'hello world'],
      ['c', 'x=y'],
      ['flag', 'true'],
    ]);
  });
});

describe('stringifyCookie', () => {
  it('renders every attribute in the @edge-runtime/cookies order', () => {
    const cookie = {
      name: 'session',
      value: 'a b;c',
      path: '/app',
      expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
      maxAge: 3600,
      domain: 'example.com',
      secure: true,
      httpOnly: true,
      sameSite: 'lax',
      partitioned: true,
      priority: 'high',
    };
    assert.equal(
      stringifyCookie(cookie),
      'session=a%20b%3Bc; Path=/app; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=3600; Domain=example.com; Secure; HttpOnly; SameSite=Lax; Partitioned; Priority=high',
    );
  });

  it('renders a bare pair without a trailing separator', () => {
    assert.equal(stringifyCookie({ name: 'a', value: '1' }), 'a=1');
    assert.equal(stringifyCookie({ name: 'a' }), 'a=');
  });

  it('accepts a numeric expires and Max-Age=0', () => {
    assert.equal(stringifyCookie({ name: 'a', value: '', expires: 0, maxAge: 0 }), 'a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0');
  });

  it('capitalises every SameSite value', () => {
    for (const [value, rendered] of [['strict', 'Strict'], ['lax', 'Lax'], ['none', 'None']]) {
      assert.equal(stringifyCookie({ name: 'a', value: '1', sameSite: value }), `a=1; SameSite=${rendered}`);
    }
  });
});

describe('parseSetCookie', () => {
  it('round-trips every attribute', () => {
    const header =
      'id=x%3Dy; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60; Domain=a.com; Secure; HttpOnly; SameSite=STRICT; Partitioned; Priority=Low';
    const cookie = parseSetCookie(header);
    assert.deepEqual(cookie, {
      name: 'id',
      value: 'x=y',
      domain: 'a.com',
      expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
      httpOnly: true,
      maxAge: 60,
      path: '/',
      sameSite: 'strict',
      secure: true,
      priority: 'low',
      partitioned: true,
    });
    assert.equal(
      stringifyCookie(cookie),
      'id=x%3Dy; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60; Domain=a.com; Secure; HttpOnly; SameSite=Strict; Partitioned; Priority=low',
    );
  });

  it('keeps only what is present', () => {
    assert.deepEqual(parseSetCookie('a=1'), { name: 'a', value: '1' });
    assert.deepEqual(parseSetCookie('a=1; max-age=0'), { name: 'a', value: '1', maxAge: 0 });
    assert.equal(parseSetCookie(''), undefined);
  });
});

describe('RequestCookies', () => {
  const withCookies = (cookie) => new Headers(cookie === undefined ? {} : { cookie });

  it('reads the cookie header', () => {
    const cookies = new RequestCookies(withCookies('a=1; b=2; a=3'));
    assert.equal(cookies.size, 2);
    assert.deepEqual(cookies.get('a'), { name: 'a', value: '3' });
    assert.deepEqual(cookies.get({ name: 'b' }), { name: 'b', value: '2' });
    assert.equal(cookies.get('missing'), undefined);
    assert.equal(cookies.has('b'), true);
    assert.deepEqual(cookies.getAll(), [{ name: 'a', value: '3' }, { name: 'b', value: '2' }]);
    assert.deepEqual(cookies.getAll('b'), [{ name: 'b', value: '2' }]);
    assert.deepEqual([...cookies], [['a', { name: 'a', value: '3' }], ['b', { name: 'b', value: '2' }]]);
    assert.equal(String(cookies), 'a=3; b=2');
  });

  it('rewrites the cookie header on every mutation', () => {
    const headers = withCookies('a=1; b=2');
    const cookies = new RequestCookies(headers);
    assert.equal(cookies.set('c', 'x y'), cookies);
    assert.equal(headers.get('cookie'), 'a=1; b=2; c=x%20y');
    cookies.set({ name: 'a', value: 'new' });
    assert.equal(headers.get('cookie'), 'a=new; b=2; c=x%20y');
    assert.equal(cookies.delete('b'), true);
    assert.equal(cookies.delete('b'), false);
    assert.equal(headers.get('cookie'), 'a=new; c=x%20y');
    assert.deepEqual(cookies.delete(['a', 'zz']), [true, false]);
    assert.equal(headers.get('cookie'), 'c=x%20y');
    cookies.clear();
    assert.equal(cookies.size, 0);
    assert.equal(headers.get('cookie'), '');
  });

  it('works without a cookie header', () => {
    const headers = withCookies(undefined);
    const cookies = new RequestCookies(headers);
    assert.equal(cookies.size, 0);
    cookies.set('a', '1');
    assert.equal(headers.get('cookie'), 'a=1');
  });
});

describe('ResponseCookies', () => {
  it('reads existing set-cookie headers', () => {
    const headers = new Headers();
    headers.append('set-cookie', 'a=1; Path=/');
    headers.append('set-cookie', 'b=2; Path=/x; HttpOnly');
    const cookies = new ResponseCookies(headers);
    assert.deepEqual(cookies.get('a'), { name: 'a', value: '1', path: '/' });
    assert.deepEqual(cookies.getAll('b'), [{ name: 'b', value: '2', path: '/x', httpOnly: true }]);
    assert.equal(cookies.getAll().length, 2);
    assert.equal(cookies.has('b'), true);
  });

  it('sets one set-cookie header per cookie with every attribute', () => {
    const headers = new Headers();
    const cookies = new ResponseCookies(headers);
    cookies.set('theme', 'dark');
    cookies.set('id', '42', {
      domain: 'example.com',
      path: '/app',
      expires: Date.UTC(2030, 0, 2),
      httpOnly: true,
      secure: true,
      sameSite: 'None',
      priority: 'medium',
      partitioned: true,
    });
    cookies.set({ name: 'theme', value: 'light', sameSite: 'LAX' });
    assert.deepEqual(headers.getSetCookie(), [
      'theme=light; Path=/; SameSite=Lax',
      'id=42; Path=/app; Expires=Wed, 02 Jan 2030 00:00:00 GMT; Domain=example.com; Secure; HttpOnly; SameSite=None; Partitioned; Priority=medium',
    ]);
    assert.equal(cookies.get('id').expires instanceof Date, true);
    assert.equal(cookies.get('id').sameSite, 'none');
  });

  it('turns maxAge into Max-Age plus Expires', () => {
    const headers = new Headers();
    const before = Date.now();
    new ResponseCookies(headers).set('a', '1', { maxAge: 60 });
    const [value] = headers.getSetCookie();
    const expires = Date.parse(/Expires=([^;]+)/.exec(value)[1]);
    assert.match(value, /^a=1; Path=\/; Expires=.+; Max-Age=60$/);
    assert.ok(expires >= Math.floor(before / 1000) * 1000 + 59_000 && expires <= before + 61_000);
  });

  it('deletes by setting an expired cookie', () => {
    const headers = new Headers({ 'set-cookie': 'a=1; Path=/' });
    const cookies = new ResponseCookies(headers);
    cookies.delete('a');
    cookies.delete({ name: 'b', path: '/p', domain: 'd.com' });
    assert.deepEqual(headers.getSetCookie(), [
      'a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      'b=; Path=/p; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=d.com',
    ]);
    assert.equal(String(cookies), headers.getSetCookie().join('; '));
  });
});

describe('ResponseCookies without Headers.getSetCookie (Node < 18.14)', () => {
  it('splits the combined set-cookie value', () => {
    const combined = 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, b=2; Path=/x';
    const headers = { get: (name) => (name === 'set-cookie' ? combined : null) };
    const cookies = new ResponseCookies(headers);
    assert.deepEqual(cookies.getAll().map((cookie) => [cookie.name, cookie.path]), [['a', '/'], ['b', '/x']]);
    assert.equal(cookies.get('a').expires.toISOString(), '2026-10-21T07:28:00.000Z');
  });
});
