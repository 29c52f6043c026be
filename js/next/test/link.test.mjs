// next/link: the <a> it renders, and which clicks it turns into router navigations. React
// is a tiny fake (tests use no npm packages); events and elements are plain objects.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import '../testing/fake-modules.mjs';

const { createElement: h } = await import('react');
const { default: Link, isModifiedEvent } = await import('next/link');
const { RouterContext } = await import('next/internal/contexts');

/** A router that records what it is asked to do. */
function recordingRouter(fields = {}) {
  const calls = [];
  const record = (name) => (...args) => {
    calls.push([name, ...args]);
    return Promise.resolve(true);
  };
  return { pathname: '/', asPath: '/', calls, push: record('push'), replace: record('replace'), prefetch: record('prefetch'), ...fields };
}

/** Renders `<Link {...props} />` (one level: Link's own output). */
const render = (props, ref = null) => Link.render(props, ref);

/** A click on an element with these attributes. */
function click(attributes = {}, init = {}) {
  return {
    currentTarget: {
      nodeName: init.nodeName ?? 'A',
      getAttribute: (name) => attributes[name] ?? null,
      hasAttribute: (name) => name in attributes,
    },
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
    ...init,
  };
}

/** Makes `window` exist (as `value`) for the rest of test `t`. */
function withWindow(t, value) {
  globalThis.window = value;
  t.after(() => delete globalThis.window);
}

let router;
beforeEach(() => {
  router = recordingRouter();
  RouterContext._currentValue = router;
});

describe('Link renders', () => {
  it('an <a> with the href, its other props, children and ref', () => {
    const ref = { current: null };
    const element = render({ href: '/about', id: 'to-about', className: 'nav', children: ['About', ' us'] }, ref);
    assert.equal(element.type, 'a');
    assert.equal(element.props.href, '/about');
    assert.equal(element.props.id, 'to-about');
    assert.equal(element.props.className, 'nav');
    assert.deepEqual(element.props.children, ['About', ' us']);
    assert.equal(element.props.ref, ref);
    for (const prop of ['as', 'replace', 'scroll', 'shallow', 'prefetch', 'passHref', 'legacyBehavior', 'locale']) {
      assert.ok(!(prop in element.props), `${prop} is not passed to the <a>`);
    }
  });

  it('URL objects, dynamic pages filled from the query, `as`, relative and trailing-slash hrefs', () => {
    assert.equal(render({ href: { pathname: '/posts/[id]', query: { id: '4 2', tab: 'a' }, hash: 'c' } }).props.href, '/posts/4%202?tab=a#c');
    assert.equal(render({ href: '/posts/[id]', as: '/posts/7' }).props.href, '/posts/7');
    assert.equal(render({ href: { pathname: '/search', query: { q: ['a', 'b'] } } }).props.href, '/search?q=a&q=b');
    router.pathname = '/docs/intro';
    assert.equal(render({ href: 'next' }).props.href, '/docs/next');
    assert.equal(render({ href: '/about/?x=1' }).props.href, '/about?x=1');
    assert.equal(render({ href: 'https://example.com/a/' }).props.href, 'https://example.com/a/');
  });

  it('without a router: the formatted href', () => {
    RouterContext._currentValue = null;
    assert.equal(render({ href: { pathname: '/a', query: { b: 1 } } }).props.href, '/a?b=1');
  });

  it('legacyBehavior: the only child gets the handlers, and the href with passHref or as an <a> without one', () => {
    const onClick = () => {};
    const anchor = render({ href: '/a', legacyBehavior: true, children: h('a', { className: 'x', onClick }, 'A') });
    assert.equal(anchor.type, 'a');
    assert.equal(anchor.props.href, '/a');
    assert.equal(anchor.props.className, 'x');
    assert.notEqual(anchor.props.onClick, onClick);
    assert.equal(render({ href: '/a', legacyBehavior: true, children: h('a', { href: '/own' }) }).props.href, '/own');
    assert.equal(render({ href: '/a', legacyBehavior: true, children: h('button', null) }).props.href, undefined);
    assert.equal(render({ href: '/a', legacyBehavior: true, passHref: true, children: h('button', null) }).props.href, '/a');
    assert.equal(render({ href: '/a', legacyBehavior: true, children: 'text' }).type, 'a');
    assert.throws(() => render({ href: '/a', legacyBehavior: true, children: [h('a'), h('a')] }), {
      message: 'Multiple children were passed to <Link> with `href` of `/a` but only one child is supported https://nextjs.org/docs/messages/link-multiple-children',
    });
    assert.throws(() => render({ href: '/a', legacyBehavior: true }), {
      message: 'No children were passed to <Link> with `href` of `/a` but one child is required https://nextjs.org/docs/messages/link-no-children',
    });
  });
});

describe('a click on a Link', () => {
  it('pushes href and as, scrolling by default', () => {
    const event = click();
    render({ href: '/posts/[id]', as: '/posts/1' }).props.onClick(event);
    assert.ok(event.defaultPrevented);
    assert.deepEqual(router.calls, [['push', '/posts/[id]', '/posts/1', { shallow: undefined, scroll: true }]]);
  });

  it('replaces with `replace`, keeps the scroll with scroll={false}, passes shallow', () => {
    render({ href: '/a', replace: true, scroll: false, shallow: true }).props.onClick(click());
    assert.deepEqual(router.calls, [['replace', '/a', '/a', { shallow: true, scroll: false }]]);
  });

  it('runs onClick first; preventDefault there stops the navigation', () => {
    const seen = [];
    render({ href: '/a', onClick: (event) => seen.push(event.defaultPrevented) }).props.onClick(click());
    render({ href: '/b', onClick: (event) => event.preventDefault() }).props.onClick(click());
    assert.deepEqual(seen, [false]);
    assert.deepEqual(router.calls.map(([method, href]) => `${method} ${href}`), ['push /a']);
  });

  it('runs the child’s onClick with legacyBehavior', () => {
    const seen = [];
    render({ href: '/a', legacyBehavior: true, children: h('a', { onClick: () => seen.push('child') }) }).props.onClick(click());
    assert.deepEqual(seen, ['child']);
    assert.equal(router.calls.length, 1);
  });

  it('leaves modified clicks, other targets and downloads to the browser', () => {
    const cases = [
      click({}, { metaKey: true }),
      click({}, { ctrlKey: true }),
      click({}, { shiftKey: true }),
      click({}, { altKey: true }),
      click({}, { nativeEvent: { which: 2 } }),
      click({ target: '_blank' }),
      click({ download: '' }),
    ];
    for (const event of cases) {
      render({ href: '/a' }).props.onClick(event);
      assert.ok(!event.defaultPrevented);
    }
    assert.deepEqual(router.calls, []);
    // target="_self" is this window.
    assert.ok(!isModifiedEvent(click({ target: '_self' })));
    render({ href: '/a', target: '_self' }).props.onClick(click({ target: '_self' }));
    assert.equal(router.calls.length, 1);
  });

  it('ignores modifier keys on a legacyBehavior child that is no anchor', () => {
    render({ href: '/a', legacyBehavior: true, children: h('button') }).props.onClick(click({}, { nodeName: 'BUTTON', metaKey: true }));
    assert.equal(router.calls.length, 1);
  });

  it('leaves external URLs to the browser (a replace link replaces the entry)', (t) => {
    const event = click();
    render({ href: 'https://example.com/' }).props.onClick(event);
    assert.ok(!event.defaultPrevented);
    withWindow(t, { location: { replace: (url) => router.calls.push(['location.replace', url]) } });
    const replaced = click();
    render({ href: 'https://example.com/', replace: true }).props.onClick(replaced);
    assert.ok(replaced.defaultPrevented);
    assert.deepEqual(router.calls, [['location.replace', 'https://example.com/']]);
  });

  it('does nothing special without a router', () => {
    RouterContext._currentValue = null;
    const event = click();
    render({ href: '/a' }).props.onClick(event);
    assert.ok(!event.defaultPrevented);
  });
});

describe('prefetching', () => {
  it('loads the page’s code on hover and touch, in the browser only', async (t) => {
    const element = render({ href: '/posts/[id]', as: '/posts/3', prefetch: false });
    element.props.onMouseEnter({});
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(router.calls, [], 'not on the server');

    withWindow(t, {});
    element.props.onMouseEnter({});
    element.props.onTouchStart({});
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(router.calls, [
      ['prefetch', '/posts/[id]', '/posts/3', { priority: true }],
      ['prefetch', '/posts/[id]', '/posts/3', { priority: true }],
    ]);
  });

  it('swallows prefetch failures and calls the user’s handlers', async (t) => {
    withWindow(t, {});
    const seen = [];
    router.prefetch = () => Promise.reject(new Error('offline'));
    render({ href: '/a', onMouseEnter: () => seen.push('enter') }).props.onMouseEnter({});
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ['enter']);
  });
});
