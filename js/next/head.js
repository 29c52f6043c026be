// Switchyard's `next/head`: `<Head>` puts elements into the document's <head>, with Next.js's
// de-duplication (later wins for <title>, <base>, <meta> by name / httpEquiv / charSet /
// itemProp, and any element with a `key` by its key) and its default head.
//
// Head renders nothing where it stands. It hands its children to `HeadManagerContext`:
//  - on the server, synchronously during render, to `updateHead(elements)`; the renderer
//    collects every Head's elements in render order and puts `reduceHead(all)` in <head>;
//  - in the browser, after commit, to the client runtime's head manager (`update(token,
//    elements)` / `remove(token)`), which reduces every mounted Head's elements and applies
//    them to `document.head` (see next/internal/client).

import React from 'react';
import { HeadManagerContext } from 'next/internal/contexts';

const isServer = typeof window === 'undefined';
// Effects never run on the server; skipping them there also keeps older React quiet.
const useClientLayoutEffect = isServer ? () => {} : React.useLayoutEffect;

/** The head every page starts with: `<meta charSet="utf-8">` and the viewport. */
export function defaultHead() {
  return [
    React.createElement('meta', { charSet: 'utf-8', key: 'charset' }),
    React.createElement('meta', { name: 'viewport', content: 'width=device-width', key: 'viewport' }),
  ];
}

/**
 * The elements among `children`: arrays and Fragments flattened (at any depth), text,
 * numbers, booleans and null dropped, as Next.js drops them.
 */
export function flattenHead(children, into = []) {
  if (Array.isArray(children)) {
    for (const child of children) flattenHead(child, into);
  } else if (React.isValidElement(children)) {
    if (children.type === React.Fragment) flattenHead(children.props.children, into);
    else into.push(children);
  }
  return into;
}

const METATYPES = ['name', 'httpEquiv', 'charSet', 'itemProp'];

/**
 * Next.js's filter for the reversed list (so the LAST of duplicates is the one kept): takes
 * `{ element, key }` records, `key` being the element's own key (null for the defaults, whose
 * keys are not the user's).
 */
function unique() {
  const keys = new Set();
  const tags = new Set();
  const metaTypes = new Set();
  const metaCategories = {};
  return ({ element, key }) => {
    let isUnique = true;
    const hasKey = key != null;
    if (hasKey) {
      if (keys.has(key)) isUnique = false;
      else keys.add(key);
    }
    if (element.type === 'title' || element.type === 'base') {
      if (tags.has(element.type)) isUnique = false;
      else tags.add(element.type);
    } else if (element.type === 'meta') {
      for (const metatype of METATYPES) {
        if (!Object.hasOwn(element.props, metatype)) continue;
        if (metatype === 'charSet') {
          if (metaTypes.has(metatype)) isUnique = false;
          else metaTypes.add(metatype);
        } else {
          const category = element.props[metatype];
          const categories = (metaCategories[metatype] ||= new Set());
          // A keyed <meta name> is told apart by its key alone (Next.js's rule).
          if ((metatype !== 'name' || !hasKey) && categories.has(category)) isUnique = false;
          else categories.add(category);
        }
      }
    }
    return isUnique;
  };
}

// <title>{a} | {b}</title> has an array of children; as one string, the title renders and
// compares as the text it is (no React text separators inside <title>).
function titleText(children) {
  if (!Array.isArray(children)) return children;
  return children.every((child) => typeof child === 'string' || typeof child === 'number') ? children.join('') : children;
}

/**
 * The final <head> elements for `elements` (every Head's, in render order): flattened,
 * de-duplicated, the default head first unless overridden, each with a unique `key` and
 * `data-next-head=""` (how the browser's head manager finds the ones it owns). Style
 * preloads go first without the mark, as Next's document puts them.
 */
export function reduceHead(elements) {
  const records = flattenHead(elements).map((element) => ({ element, key: element.key }));
  const defaults = defaultHead().map((element) => ({ element, key: null }));
  const kept = records.reverse().concat(defaults.reverse()).filter(unique()).reverse();
  const preloads = [];
  const others = [];
  kept.forEach(({ element, key }, index) => {
    // User keys are unique after the filter; '$' and '.' keep them apart from index keys.
    const props = { key: key != null ? `$${key}` : `.${index}` };
    if (element.type === 'title' && Array.isArray(element.props.children)) props.children = titleText(element.props.children);
    if (element.type === 'link' && element.props.rel === 'preload' && element.props.as === 'style') {
      preloads.push(React.cloneElement(element, props));
    } else {
      others.push(React.cloneElement(element, { ...props, 'data-next-head': '' }));
    }
  });
  return preloads.concat(others);
}

/**
 * Elements for the document's <head>. Several may be mounted; the last one's title (and
 * other de-duplicated tags) wins.
 */
export default function Head({ children }) {
  const manager = React.useContext(HeadManagerContext);
  const elements = flattenHead(children);
  if (isServer) {
    manager?.updateHead?.(elements);
    return null;
  }
  // This instance's identity for the manager: stable for as long as it is mounted.
  const token = React.useRef(null);
  // Every commit: the elements may have changed. The manager keeps first-mount order.
  useClientLayoutEffect(() => {
    manager?.update?.(token, elements);
  });
  useClientLayoutEffect(() => () => manager?.remove?.(token), [manager]);
  return null;
}
