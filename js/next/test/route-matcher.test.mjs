// next/internal/route-matcher: pages, params, data URLs and Next.js's href resolution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  dataUrl,
  formatUrl,
  getRouteRegex,
  interpolateAs,
  isDynamicRoute,
  isLocalURL,
  matchRoute,
  onlyAHashChange,
  parseRelativeUrl,
  pathOfDataUrl,
  resolveHref,
  stripOrigin,
} from '../internal/route-matcher.js';

const PAGES = [
  '/',
  '/404',
  '/_app',
  '/_error',
  '/about',
  '/api/users/[id]',
  '/blog/new',
  '/blog/[slug]',
  '/blog/[slug]/comments',
  '/docs/[...slug]',
  '/opt/[[...slug]]',
];

describe('getRouteRegex', () => {
  it('builds Next.js patterns and groups', () => {
    assert.deepEqual(getRouteRegex('/blog/[slug]'), {
      re: /^\/blog\/([^/]+?)(?:\/)?$/,
      groups: { slug: { pos: 1, repeat: false, optional: false } },
    });
    assert.deepEqual(getRouteRegex('/docs/[...slug]').re, /^\/docs\/(.+?)(?:\/)?$/);
    assert.deepEqual(getRouteRegex('/opt/[[...slug]]'), {
      re: /^\/opt(?:\/(.+?))?(?:\/)?$/,
      groups: { slug: { pos: 1, repeat: true, optional: true } },
    });
    assert.deepEqual(getRouteRegex('/').re, /^(?:\/)?$/);
    assert.deepEqual(getRouteRegex('/[a]/x.y/[b]').groups, {
      a: { pos: 1, repeat: false, optional: false },
      b: { pos: 2, repeat: false, optional: false },
    });
  });

  it('escapes static segments and reads malformed brackets literally', () => {
    assert.ok(getRouteRegex('/a.b/[id]').re.test('/a.b/1'));
    assert.ok(!getRouteRegex('/a.b/[id]').re.test('/aXb/1'));
    assert.deepEqual(getRouteRegex('/a/[[x]]').groups, {});
    assert.ok(getRouteRegex('/a/[[x]]').re.test('/a/[[x]]'));
  });

  it('tells dynamic pages', () => {
    assert.ok(isDynamicRoute('/blog/[slug]'));
    assert.ok(isDynamicRoute('/[[...all]]'));
    assert.ok(!isDynamicRoute('/blog'));
    assert.ok(!isDynamicRoute('/blog/x[y]'));
  });
});

describe('matchRoute', () => {
  it('prefers static pages, then dynamic ones in the given order', () => {
    assert.deepEqual(matchRoute(PAGES, '/'), { page: '/', params: {} });
    assert.deepEqual(matchRoute(PAGES, '/about/'), { page: '/about', params: {} });
    assert.deepEqual(matchRoute(PAGES, '/blog/new'), { page: '/blog/new', params: {} });
    assert.deepEqual(matchRoute(PAGES, '/blog/hello'), { page: '/blog/[slug]', params: { slug: 'hello' } });
    assert.deepEqual(matchRoute(PAGES, '/blog/hello/comments'), { page: '/blog/[slug]/comments', params: { slug: 'hello' } });
    assert.deepEqual(matchRoute(PAGES, '/404'), { page: '/404', params: {} });
  });

  it('decodes params; catch-alls are arrays; an absent optional catch-all has no key', () => {
    assert.deepEqual(matchRoute(PAGES, '/blog/caf%C3%A9%2Fx'), { page: '/blog/[slug]', params: { slug: 'café/x' } });
    assert.deepEqual(matchRoute(PAGES, '/docs/a/b%20c'), { page: '/docs/[...slug]', params: { slug: ['a', 'b c'] } });
    assert.deepEqual(matchRoute(PAGES, '/opt'), { page: '/opt/[[...slug]]', params: {} });
    assert.deepEqual(matchRoute(PAGES, '/opt/x/y'), { page: '/opt/[[...slug]]', params: { slug: ['x', 'y'] } });
    assert.equal(matchRoute(PAGES, '/docs'), null);
  });

  it('takes a pathname in page form as that page', () => {
    assert.deepEqual(matchRoute(PAGES, '/blog/[slug]'), { page: '/blog/[slug]', params: {} });
  });

  it('never matches API routes, _app, _error or _document; nor what does not decode', () => {
    assert.equal(matchRoute(PAGES, '/api/users/1'), null);
    assert.equal(matchRoute(PAGES, '/_app'), null);
    assert.equal(matchRoute(PAGES, '/_error'), null);
    assert.equal(matchRoute(PAGES, '/blog/%E0%A4%A'), null);
    assert.equal(matchRoute(PAGES, '/nope/deeper'), null);
  });
});

describe('interpolateAs', () => {
  it('fills a dynamic page from the query, encoding values', () => {
    assert.deepEqual(interpolateAs('/blog/[slug]', '/blog/[slug]', { slug: 'a b', x: '1' }), { params: ['slug'], result: '/blog/a%20b' });
    assert.deepEqual(interpolateAs('/docs/[...slug]', '/docs/[...slug]', { slug: ['a', 'b/c'] }).result, '/docs/a/b%2Fc');
    assert.equal(interpolateAs('/opt/[[...slug]]', '/opt/[[...slug]]', {}).result, '/opt');
    assert.equal(interpolateAs('/[[...slug]]', '/[[...slug]]', {}).result, '/');
  });

  it('reads params from a matching as-path first, and fails on a missing one', () => {
    assert.equal(interpolateAs('/blog/[slug]', '/blog/from-as', { slug: 'from-query' }).result, '/blog/from-as');
    assert.equal(interpolateAs('/blog/[slug]', '/blog/[slug]', {}).result, '');
  });
});

describe('dataUrl', () => {
  it('maps the path to /_next/data/<buildId>/….json, keeping the query and dropping the hash', () => {
    assert.equal(dataUrl('b1', '/'), '/_next/data/b1/index.json');
    assert.equal(dataUrl('b1', '/?x=1'), '/_next/data/b1/index.json?x=1');
    assert.equal(dataUrl('b1', '/posts/42'), '/_next/data/b1/posts/42.json');
    assert.equal(dataUrl('b1', '/posts/42/?a=1&a=2#top'), '/_next/data/b1/posts/42.json?a=1&a=2');
    assert.equal(dataUrl('b1', '/index'), '/_next/data/b1/index/index.json');
    assert.equal(dataUrl('b1', '/index/x'), '/_next/data/b1/index/index/x.json');
    assert.equal(dataUrl('b1', '/caf%C3%A9'), '/_next/data/b1/caf%C3%A9.json');
  });
});

describe('pathOfDataUrl', () => {
  it('turns a data URL back into its page path', () => {
    for (const path of ['/', '/posts/42', '/index', '/index/x', '/caf%C3%A9']) {
      assert.equal(pathOfDataUrl('b1', parseRelativeUrl(dataUrl('b1', path)).pathname), path);
    }
    assert.equal(pathOfDataUrl('b1', '/about'), '/about');
    assert.equal(pathOfDataUrl('b1', '/_next/data/other/x.json'), '/_next/data/other/x.json');
  });
});

describe('formatUrl', () => {
  it('formats URL objects like Node’s url.format as Next.js uses it', () => {
    assert.equal(formatUrl({ pathname: '/a', query: { x: '1', y: ['2', '3'], n: 4, b: true, u: undefined } }), '/a?x=1&y=2&y=3&n=4&b=true&u=');
    assert.equal(formatUrl({ pathname: '/a', hash: 'h' }), '/a#h');
    assert.equal(formatUrl({ pathname: '/a?b#c', search: 'q=1' }), '/a%3Fb%23c?q=1');
    assert.equal(formatUrl({ protocol: 'https', host: 'example.com', pathname: 'x' }), 'https://example.com/x');
    assert.equal(formatUrl({ protocol: 'mailto', pathname: 'a@b.c' }), 'mailto:a@b.c');
    assert.equal(formatUrl({}), '');
  });
});

describe('resolveHref', () => {
  const router = { pathname: '/blog/[slug]', asPath: '/blog/hello?x=1' };

  it('resolves relative hrefs against the page, hashes against the as-path', () => {
    assert.equal(resolveHref(router, 'about'), '/blog/about');
    assert.equal(resolveHref(router, '/about/'), '/about');
    assert.equal(resolveHref(router, '#top'), '/blog/hello?x=1#top');
    assert.equal(resolveHref({ pathname: '/', asPath: '/' }, '?q=1'), '/?q=1');
  });

  it('interpolates dynamic pages into `as`', () => {
    assert.deepEqual(resolveHref(router, { pathname: '/blog/[slug]', query: { slug: 'hi', q: 1 } }, true), [
      '/blog/[slug]?slug=hi&q=1',
      '/blog/hi?q=1',
    ]);
    // A query-only href on a dynamic page keeps the page.
    assert.deepEqual(resolveHref(router, '?slug=other', true), ['/blog/[slug]?slug=other', '/blog/other']);
    assert.deepEqual(resolveHref(router, '/about?a=1', true), ['/about?a=1', '/about?a=1']);
  });

  it('leaves external URLs alone; same-origin ones are local in the browser only', () => {
    assert.equal(resolveHref(router, 'https://example.com/x?y#z'), 'https://example.com/x?y#z');
    assert.deepEqual(resolveHref(router, 'mailto:a@b.c', true), ['mailto:a@b.c']);
    assert.ok(!isLocalURL('http://localhost/x'));
    assert.ok(isLocalURL('http://localhost/x', 'http://localhost'));
    assert.ok(!isLocalURL('http://other/x', 'http://localhost'));
    assert.ok(isLocalURL('/x'));
    assert.equal(stripOrigin('http://localhost/x?y', 'http://localhost'), '/x?y');
    assert.equal(stripOrigin('http://localhost', 'http://localhost'), '/');
    assert.equal(stripOrigin('https://other/x', 'http://localhost'), 'https://other/x');
  });

  it('collapses repeated slashes, with Next’s error', (t) => {
    const error = t.mock.method(console, 'error', () => {});
    assert.equal(resolveHref(router, '//evil.com/x'), '/evil.com/x');
    assert.equal(resolveHref(router, '/a\\b//c?d//e'), '/a/b/c?d//e');
    assert.match(error.mock.calls[0].arguments[0], /^Invalid href '\/\/evil\.com\/x' passed to next\/router in page: '\/blog\/\[slug\]'\. Repeated forward-slashes/);
  });
});

describe('parseRelativeUrl and onlyAHashChange', () => {
  it('splits a path-absolute URL', () => {
    assert.deepEqual(parseRelativeUrl('/a/b?x=1&x=2&y=#h'), {
      pathname: '/a/b',
      query: { x: ['1', '2'], y: '' },
      search: '?x=1&x=2&y=',
      hash: '#h',
      href: '/a/b?x=1&x=2&y=#h',
    });
    assert.throws(() => parseRelativeUrl('https://example.com/'), /invalid relative URL/);
  });

  it('tells a hash-only change', () => {
    assert.ok(onlyAHashChange('/a', '/a#x'));
    assert.ok(onlyAHashChange('/a#x', '/a#y'));
    assert.ok(onlyAHashChange('/a#x', '/a'));
    assert.ok(onlyAHashChange('/a#x', '/a#x'));
    assert.ok(!onlyAHashChange('/a', '/a'));
    assert.ok(!onlyAHashChange('/a#x', '/b#x'));
    assert.ok(!onlyAHashChange('/a?q=1#x', '/a#x'));
  });
});
