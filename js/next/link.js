// Switchyard's `next/link` (pages router): an <a> whose clicks navigate with the page's
// router instead of loading a document, with Next.js's props and rules.
//
// A click stays with the browser when it should: modifier keys or a middle click, a `target`
// other than _self, a `download` attribute, an external URL, or an `onClick` that called
// `preventDefault()`. Prefetching loads the page's code on hover or touch (never its data).

import React from 'react';
import { RouterContext } from 'next/internal/contexts';
import {
  formatStringOrUrl,
  isAbsoluteUrl,
  isLocalURL,
  normalizePathTrailingSlash,
  resolveHref,
} from 'next/internal/route-matcher';

const h = React.createElement;

/** A click the browser should handle itself: new tab or window, download, another target. */
export function isModifiedEvent(event) {
  const target = event.currentTarget.getAttribute('target');
  return Boolean(
    (target && target !== '_self') ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      event.nativeEvent?.which === 2,
  );
}

/**
 * The click handling of a link to `href` shown as `as`: navigates with `router` and returns
 * true, or leaves the click to the browser and returns false.
 */
export function linkClicked(event, router, href, as, { replace, shallow, scroll, onNavigate } = {}) {
  const element = event.currentTarget;
  // Modifier keys only mean "new tab" on an anchor; a legacyBehavior <button> ignores them.
  if ((element.nodeName.toUpperCase() === 'A' && isModifiedEvent(event)) || element.hasAttribute('download')) return false;
  if (!isLocalURL(href)) {
    // An external `replace` link still must not leave a history entry behind.
    if (replace) {
      event.preventDefault();
      window.location.replace(href);
    }
    return false;
  }
  event.preventDefault();
  if (onNavigate) {
    let prevented = false;
    onNavigate({ preventDefault: () => (prevented = true) });
    if (prevented) return false;
  }
  router[replace ? 'replace' : 'push'](href, as, { shallow, scroll: scroll ?? true });
  return true;
}

/** `[href, as]` of a Link: resolved against the current route when there is a router. */
export function resolveLinkHrefs(router, hrefProp, asProp) {
  if (!router) {
    const href = formatStringOrUrl(hrefProp);
    return [href, asProp ? formatStringOrUrl(asProp) : href];
  }
  const [href, resolvedAs] = resolveHref(router, hrefProp, true);
  return [href, asProp ? resolveHref(router, asProp) : resolvedAs || href];
}

function prefetch(router, href, as) {
  if (typeof window === 'undefined' || !isLocalURL(href)) return;
  // Only code is fetched; a failure shows up again, and is reported, when navigating.
  Promise.resolve()
    .then(() => router.prefetch(href, as, { priority: true }))
    .catch(() => {});
}

function onlyChild(children, hrefProp) {
  try {
    return React.Children.only(children);
  } catch {
    if (!children) {
      throw new Error(
        `No children were passed to <Link> with \`href\` of \`${hrefProp}\` but one child is required https://nextjs.org/docs/messages/link-no-children`,
      );
    }
    throw new Error(
      `Multiple children were passed to <Link> with \`href\` of \`${hrefProp}\` but only one child is supported https://nextjs.org/docs/messages/link-multiple-children`,
    );
  }
}

/**
 * `<Link href="/about">About</Link>`. `href` is a string or a URL object; `as` masks it;
 * `replace`, `scroll` (default true), `shallow` go to the router; with `legacyBehavior` the
 * single child gets the handlers (and `href` with `passHref`, or when it is an <a> without one).
 */
const Link = React.forwardRef(function LinkComponent(props, forwardedRef) {
  const {
    href: hrefProp,
    as: asProp,
    children: childrenProp,
    prefetch: _prefetch, // Hover prefetching happens either way, as in Next.js.
    passHref,
    replace,
    shallow,
    scroll,
    locale: _locale, // No i18n routing.
    onClick,
    onMouseEnter,
    onTouchStart,
    onNavigate,
    legacyBehavior = false,
    ...restProps
  } = props;
  let children = childrenProp;
  if (legacyBehavior && (typeof children === 'string' || typeof children === 'number')) children = h('a', null, children);

  const router = React.useContext(RouterContext);
  const [href, as] = resolveLinkHrefs(router, hrefProp, asProp);
  const child = legacyBehavior ? onlyChild(children, hrefProp) : null;

  // The handler the link's own prop (or, with legacyBehavior, its child's) defines.
  const own = (name, prop) => (legacyBehavior ? child.props?.[name] : prop);
  const childProps = {
    onClick(event) {
      own('onClick', onClick)?.(event);
      if (!router || event.defaultPrevented) return;
      linkClicked(event, router, href, as, { replace, shallow, scroll, onNavigate });
    },
    onMouseEnter(event) {
      own('onMouseEnter', onMouseEnter)?.(event);
      if (router) prefetch(router, href, as);
    },
    onTouchStart(event) {
      own('onTouchStart', onTouchStart)?.(event);
      if (router) prefetch(router, href, as);
    },
  };
  if (isAbsoluteUrl(as)) childProps.href = as;
  else if (!legacyBehavior || passHref || (child.type === 'a' && !('href' in child.props))) {
    childProps.href = normalizePathTrailingSlash(as);
  }
  // A legacyBehavior child keeps its own ref: cloneElement carries it over.
  if (legacyBehavior) return React.cloneElement(child, childProps);
  return h('a', { ...restProps, ...childProps, ref: forwardedRef, children });
});

export default Link;
