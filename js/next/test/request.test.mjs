// NextRequest and NextURL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NextRequest, NextURL } from 'next/server';

const RELATIVE = /^URL is malformed "\/relative"\. Please use only absolute URLs - https:\/\/nextjs\.org\/docs\/messages\/middleware-relative-urls$/;

describe('NextRequest', () => {
  it('accepts a string, a URL or a Request', async () => {
    assert.equal(new NextRequest('https://a.com/x?y=1').url, 'https://a.com/x?y=1');
    assert.equal(new NextRequest(new URL('https://a.com/u')).url, 'https://a.com/u');
    const plain = new Request('https://a.com/p', { method: 'POST', headers: { 'x-a': '1' }, body: 'hi' });
    const request = new NextRequest(plain);
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.get('x-a'), '1');
    assert.equal(await request.text(), 'hi');
    assert.ok(request instanceof Request);
  });

  it('rejects relative URLs with the Next.js message', () => {
    assert.throws(() => new NextRequest('/relative'), { name: 'Error', message: RELATIVE });
  });

  it('sends a body without an explicit duplex', async () => {
    const request = new NextRequest('https://a.com/', { method: 'PUT', body: new Blob(['data']).stream() });
    assert.equal(await request.text(), 'data');
  });

  it('has nextUrl with the URL parts and the Next.js parts', () => {
    const { nextUrl } = new NextRequest('https://a.com:8443/docs/intro?x=1&x=2#top');
    assert.equal(nextUrl.pathname, '/docs/intro');
    assert.equal(nextUrl.search, '?x=1&x=2');
    assert.deepEqual(nextUrl.searchParams.getAll('x'), ['1', '2']);
    assert.equal(nextUrl.href, 'https://a.com:8443/docs/intro?x=1&x=2#top');
    assert.equal(nextUrl.origin, 'https://a.com:8443');
    assert.equal(nextUrl.host, 'a.com:8443');
    assert.equal(nextUrl.hostname, 'a.com');
    assert.equal(nextUrl.port, '8443');
    assert.equal(nextUrl.protocol, 'https:');
    assert.equal(nextUrl.hash, '#top');
    assert.equal(nextUrl.basePath, '');
    assert.equal(nextUrl.buildId, undefined);
    assert.equal(nextUrl.locale, '');
    assert.equal(String(nextUrl), nextUrl.href);
    assert.equal(JSON.stringify({ nextUrl }), `{"nextUrl":"${nextUrl.href}"}`);
  });

  it('nextUrl.clone() is independent', () => {
    const { nextUrl } = new NextRequest('https://a.com/a');
    const copy = nextUrl.clone();
    copy.pathname = '/b';
    assert.equal(nextUrl.pathname, '/a');
    assert.equal(copy.href, 'https://a.com/b');
  });

  it('takes basePath from init.nextConfig', () => {
    const request = new NextRequest('https://a.com/docs/page', { nextConfig: { basePath: '/docs' } });
    assert.equal(request.nextUrl.basePath, '/docs');
    assert.equal(request.nextUrl.pathname, '/page');
    assert.equal(request.url, 'https://a.com/docs/page');
    const outside = new NextRequest('https://a.com/other', { nextConfig: { basePath: '/docs' } });
    assert.equal(outside.nextUrl.basePath, '');
  });

  it('exposes cookies and rewrites its cookie header', () => {
    const request = new NextRequest('https://a.com/', { headers: { cookie: 'a=1; b=2' } });
    assert.deepEqual(request.cookies.get('a'), { name: 'a', value: '1' });
    request.cookies.set('c', '3');
    request.cookies.delete('a');
    assert.equal(request.headers.get('cookie'), 'b=2; c=3');
    assert.equal(request.cookies, request.cookies);
  });

  it('has no geo or ip, and page / ua throw the Next.js messages', () => {
    const request = new NextRequest('https://a.com/');
    assert.equal(request.geo, undefined);
    assert.equal(request.ip, undefined);
    assert.throws(() => request.page, { message: /^The request\.page has been deprecated in favour of `URLPattern`\./ });
    assert.throws(() => request.ua, { message: /^The request\.ua has been removed in favour of `userAgent` function\./ });
  });
});

describe('NextURL', () => {
  it('parses data URLs into page + buildId', () => {
    const url = new NextURL('https://a.com/_next/data/build-1/blog/post.json?x=1');
    assert.equal(url.buildId, 'build-1');
    assert.equal(url.pathname, '/blog/post');
    assert.equal(url.href, 'https://a.com/_next/data/build-1/blog/post.json?x=1');
    url.buildId = '';
    assert.equal(url.href, 'https://a.com/blog/post?x=1');
    const index = new NextURL('https://a.com/_next/data/b/index.json');
    assert.equal(index.pathname, '/');
    assert.equal(index.href, 'https://a.com/_next/data/b/index.json');
  });

  it('detects locales and hides the default one', () => {
    const nextConfig = { i18n: { locales: ['en', 'fr'], defaultLocale: 'en' } };
    const fr = new NextURL('https://a.com/fr/about', { nextConfig });
    assert.equal(fr.locale, 'fr');
    assert.equal(fr.defaultLocale, 'en');
    assert.equal(fr.pathname, '/about');
    assert.equal(fr.href, 'https://a.com/fr/about');
    const plain = new NextURL('https://a.com/about', { nextConfig });
    assert.equal(plain.locale, 'en');
    assert.equal(plain.href, 'https://a.com/about');
    plain.locale = 'fr';
    assert.equal(plain.href, 'https://a.com/fr/about');
    assert.throws(() => { plain.locale = 'de'; }, { name: 'TypeError', message: 'The NextURL configuration includes no locale "de"' });
    const forced = new NextURL('https://a.com/about', { nextConfig, forceLocale: true });
    assert.equal(forced.href, 'https://a.com/en/about');
  });

  it('takes the default locale of the i18n domain it is served on', () => {
    const nextConfig = {
      i18n: { locales: ['en', 'fr'], defaultLocale: 'en', domains: [{ domain: 'example.fr', defaultLocale: 'fr' }] },
    };
    const url = new NextURL('https://example.fr/about', { nextConfig });
    assert.equal(url.defaultLocale, 'fr');
    assert.equal(url.locale, 'fr');
    assert.deepEqual(url.domainLocale, { domain: 'example.fr', defaultLocale: 'fr' });
    const host = new NextURL('http://10.0.0.1/about', { nextConfig, headers: new Headers({ host: 'example.fr:8080' }) });
    assert.equal(host.locale, 'fr');
    assert.equal(new NextURL('https://example.com/about', { nextConfig }).locale, 'en');
  });

  it('keeps trailing slashes as they came, and follows trailingSlash for the root', () => {
    assert.equal(new NextURL('https://a.com/x/').href, 'https://a.com/x/');
    assert.equal(new NextURL('https://a.com/x').href, 'https://a.com/x');
    assert.equal(new NextURL('https://a.com/').href, 'https://a.com/');
    const root = new NextURL('https://a.com/docs/', { nextConfig: { basePath: '/docs', trailingSlash: true } });
    assert.equal(root.pathname, '/');
    assert.equal(root.href, 'https://a.com/docs/');
  });

  it('takes a base', () => {
    assert.equal(new NextURL('/x', 'https://a.com/y').href, 'https://a.com/x');
    assert.equal(new NextURL('/x', { base: 'https://b.com' }).href, 'https://b.com/x');
  });
});
