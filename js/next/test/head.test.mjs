// next/head: reduceHead (Next.js's de-duplication and default head), Head on the server, and
// the client runtime's head manager. React is a tiny fake (tests use no npm packages).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import '../testing/fake-modules.mjs';

const React = await import('react');
const { default: Head, defaultHead, flattenHead, reduceHead } = await import('next/head');
const { HeadManagerContext } = await import('next/internal/contexts');
const { createHeadManager } = await import('next/internal/client');

const h = React.createElement;

/** The reduced head as `type key {props}` lines, without children. */
function describeHead(elements) {
  return elements.map(({ type, key, props }) => {
    const { children, ...rest } = props;
    const text = children === undefined ? '' : ` ${JSON.stringify(children)}`;
    return `${type} ${key} ${JSON.stringify(rest)}${text}`;
  });
}

describe('defaultHead', () => {
  it('is the charset and the viewport', () => {
    assert.deepEqual(describeHead(defaultHead()), [
      'meta charset {"charSet":"utf-8"}',
      'meta viewport {"name":"viewport","content":"width=device-width"}',
    ]);
  });
});

describe('reduceHead', () => {
  it('puts the default head first and marks every element', () => {
    assert.deepEqual(describeHead(reduceHead([h('title', null, 'Hi'), h('link', { rel: 'icon', href: '/i.png' })])), [
      'meta .0 {"charSet":"utf-8","data-next-head":""}',
      'meta .1 {"name":"viewport","content":"width=device-width","data-next-head":""}',
      'title .2 {"data-next-head":""} "Hi"',
      'link .3 {"rel":"icon","href":"/i.png","data-next-head":""}',
    ]);
  });

  it('keeps the last title and base, at the place of the last one', () => {
    const head = reduceHead([h('title', null, 'App'), h('base', { href: '/a/' }), h('meta', { name: 'x', content: '1' }), h('title', null, 'Page'), h('base', { href: '/b/' })]);
    assert.deepEqual(describeHead(head).slice(2), [
      'meta .2 {"name":"x","content":"1","data-next-head":""}',
      'title .3 {"data-next-head":""} "Page"',
      'base .4 {"href":"/b/","data-next-head":""}',
    ]);
  });

  it('de-duplicates meta by name, httpEquiv, charSet and itemProp, not by property', () => {
    const head = reduceHead([
      h('meta', { name: 'description', content: 'old' }),
      h('meta', { httpEquiv: 'refresh', content: '5' }),
      h('meta', { itemProp: 'name', content: 'a' }),
      h('meta', { property: 'og:title', content: 'a' }),
      h('meta', { name: 'description', content: 'new' }),
      h('meta', { httpEquiv: 'refresh', content: '10' }),
      h('meta', { itemProp: 'name', content: 'b' }),
      h('meta', { property: 'og:title', content: 'b' }),
      h('meta', { charSet: 'iso-8859-1' }),
      h('meta', { name: 'viewport', content: 'width=320' }),
    ]);
    assert.deepEqual(
      head.map(({ props }) => `${props.name ?? props.httpEquiv ?? props.itemProp ?? props.property ?? 'charSet'}=${props.content ?? props.charSet}`),
      ['og:title=a', 'description=new', 'refresh=10', 'name=b', 'og:title=b', 'charSet=iso-8859-1', 'viewport=width=320'],
    );
  });

  it('de-duplicates by key, last wins; a keyed meta name is told apart by its key only', () => {
    const head = reduceHead([
      h('meta', { property: 'og:image', content: '/a.png', key: 'image' }),
      h('meta', { name: 'robots', content: 'index', key: 'r1' }),
      h('meta', { name: 'robots', content: 'noindex', key: 'r2' }),
      h('meta', { property: 'og:image', content: '/b.png', key: 'image' }),
      h('link', { rel: 'canonical', href: '/x', key: 'viewport' }),
    ]);
    assert.deepEqual(describeHead(head), [
      'meta .0 {"charSet":"utf-8","data-next-head":""}',
      'meta .1 {"name":"viewport","content":"width=device-width","data-next-head":""}',
      'meta $r1 {"name":"robots","content":"index","data-next-head":""}',
      'meta $r2 {"name":"robots","content":"noindex","data-next-head":""}',
      'meta $image {"property":"og:image","content":"/b.png","data-next-head":""}',
      'link $viewport {"rel":"canonical","href":"/x","data-next-head":""}',
    ]);
  });

  it('flattens arrays and Fragments and drops text, numbers and empties', () => {
    const children = [
      'text',
      7,
      null,
      false,
      [h('title', null, 'T')],
      h(React.Fragment, null, h('meta', { name: 'a', content: '1' }), 'x', h(React.Fragment, null, h('meta', { name: 'b', content: '2' }))),
    ];
    assert.deepEqual(
      flattenHead(children).map((element) => element.props.name ?? element.type),
      ['title', 'a', 'b'],
    );
    assert.equal(reduceHead(children).length, 5);
  });

  it('puts style preloads first, unmarked, and joins a title’s parts', () => {
    const head = reduceHead([h('title', null, 'A', ' | ', 1), h('link', { rel: 'preload', as: 'style', href: '/s.css' })]);
    assert.deepEqual(describeHead(head), [
      'link .3 {"rel":"preload","as":"style","href":"/s.css"}',
      'meta .0 {"charSet":"utf-8","data-next-head":""}',
      'meta .1 {"name":"viewport","content":"width=device-width","data-next-head":""}',
      'title .2 {"data-next-head":""} "A | 1"',
    ]);
  });
});

describe('Head on the server', () => {
  it('hands its flattened children to updateHead while rendering, and renders nothing', () => {
    const calls = [];
    HeadManagerContext._currentValue = { updateHead: (elements) => calls.push(elements) };
    try {
      const output = Head({ children: [h('title', null, 'A'), h(React.Fragment, null, h('meta', { name: 'x' })), 'ignored'] });
      assert.equal(output, null);
      assert.deepEqual(calls.map((elements) => elements.map((element) => element.type)), [['title', 'meta']]);
      assert.equal(React.effects.length, 0, 'no effects on the server');
    } finally {
      HeadManagerContext._currentValue = null;
    }
  });

  it('renders without a head manager', () => {
    assert.equal(Head({ children: h('title', null, 'A') }), null);
  });
});

describe('the client head manager', () => {
  it('applies all mounted heads once per commit, in first-mount order', async () => {
    const applied = [];
    const manager = createHeadManager((elements) => applied.push(elements));
    const app = {};
    const page = {};
    manager.update(app, [h('title', null, 'App'), h('meta', { name: 'theme', content: 'dark' })]);
    manager.update(page, [h('title', null, 'Page')]);
    assert.equal(applied.length, 0, 'nothing before the commit ends');
    await null;
    assert.equal(applied.length, 1);
    assert.deepEqual(
      applied[0].map((element) => element.props.children ?? element.props.name),
      [undefined, 'viewport', 'theme', 'Page'],
    );

    // An update keeps the instance's place: the page's title still wins.
    manager.update(app, [h('title', null, 'App 2')]);
    await null;
    assert.equal(applied[1].find((element) => element.type === 'title').props.children, 'Page');

    // Leaving the page: its title goes with it.
    manager.remove(page);
    await null;
    assert.equal(applied[2].find((element) => element.type === 'title').props.children, 'App 2');
  });
});
