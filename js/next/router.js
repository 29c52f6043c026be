// Switchyard's `next/router` (pages router): `useRouter`, `withRouter`, the `Router`
// singleton and its events, with Next.js's behaviour and messages.
//
// The router itself lives in the client runtime (next/internal/client), which hands it to the
// singleton with `setClientRouter`. On the server there is none: the renderer gives
// `RouterContext` a `createServerRouter(...)` object, and the singleton throws, as in Next.js.

import React from 'react';
import { RouterContext } from 'next/internal/contexts';

/** Next.js's tiny event emitter (`mitt`): handlers run in order; `off` of an unknown handler is a no-op. */
export function mitt() {
  const all = Object.create(null);
  return {
    on(type, handler) {
      (all[type] ||= []).push(handler);
    },
    off(type, handler) {
      // -1 >>> 0 is past the end: splice removes nothing.
      if (all[type]) all[type].splice(all[type].indexOf(handler) >>> 0, 1);
    },
    emit(type, ...args) {
      // A copy: a handler may remove itself while the event is being emitted.
      for (const handler of (all[type] || []).slice()) handler(...args);
    },
  };
}

/** `Router.events`: exists before (and without) a router, like Next's static `Router.events`. */
export const events = mitt();

// The fields and methods the singleton forwards to the router.
const urlPropertyFields = [
  'pathname',
  'route',
  'query',
  'asPath',
  'components',
  'isFallback',
  'basePath',
  'locale',
  'locales',
  'defaultLocale',
  'isReady',
  'isPreview',
  'isLocaleDomain',
  'domainLocales',
];
const coreMethodFields = ['push', 'replace', 'reload', 'back', 'forward', 'prefetch', 'beforePopState'];
const routerEvents = [
  'routeChangeStart',
  'beforeHistoryChange',
  'routeChangeComplete',
  'routeChangeError',
  'hashChangeStart',
  'hashChangeComplete',
];

const singletonRouter = {
  /** The client router, once the client runtime made it. */
  router: null,
  readyCallbacks: [],
  /** Runs `callback` once the client router exists (never on the server). */
  ready(callback) {
    if (this.router) return callback();
    if (typeof window !== 'undefined') this.readyCallbacks.push(callback);
  },
};

Object.defineProperty(singletonRouter, 'events', { get: () => events });

function getRouter() {
  if (!singletonRouter.router) {
    throw new Error('No router instance found.\nYou should only use "next/router" on the client side of your app.\n');
  }
  return singletonRouter.router;
}

// Getters, not copies: the router's fields change with every navigation.
for (const field of urlPropertyFields) {
  Object.defineProperty(singletonRouter, field, { get: () => getRouter()[field], enumerable: true });
}
for (const method of coreMethodFields) {
  singletonRouter[method] = (...args) => getRouter()[method](...args);
}

// The pre-`events` API: `Router.onRouteChangeStart = (url) => …`.
for (const event of routerEvents) {
  singletonRouter.ready(() => {
    events.on(event, (...args) => {
      const field = `on${event.charAt(0).toUpperCase()}${event.slice(1)}`;
      if (typeof singletonRouter[field] !== 'function') return;
      try {
        singletonRouter[field](...args);
      } catch (error) {
        console.error(`Error when running the Router event: ${field}`);
        console.error(error instanceof Error ? `${error.message}\n${error.stack}` : `${error}`);
      }
    });
  });
}

/** The client runtime's: makes `router` the singleton's router and runs the ready callbacks. */
export function setClientRouter(router) {
  singletonRouter.router = router;
  const callbacks = singletonRouter.readyCallbacks;
  singletonRouter.readyCallbacks = [];
  for (const callback of callbacks) callback();
  return router;
}

/**
 * A snapshot of `router` for `RouterContext`: its fields now (objects copied, so a consumer
 * holding one sees no later navigation), its methods, and the events.
 */
export function makePublicRouterInstance(router) {
  const instance = {};
  for (const field of urlPropertyFields) {
    const value = router[field];
    instance[field] = value && typeof value === 'object' ? Object.assign(Array.isArray(value) ? [] : {}, value) : value;
  }
  instance.events = events;
  for (const method of coreMethodFields) instance[method] = (...args) => router[method](...args);
  return instance;
}

/** The page's router. */
export function useRouter() {
  const router = React.useContext(RouterContext);
  if (!router) {
    throw new Error('NextRouter was not mounted. https://nextjs.org/docs/messages/next-router-not-mounted');
  }
  return router;
}

/** `Component` with the page's router as its `router` prop (props given win, as in Next.js). */
export function withRouter(Component) {
  function WithRouterWrapper(props) {
    return React.createElement(Component, { router: useRouter(), ...props });
  }
  WithRouterWrapper.getInitialProps = Component.getInitialProps;
  WithRouterWrapper.origGetInitialProps = Component.origGetInitialProps;
  WithRouterWrapper.displayName = `withRouter(${Component.displayName || Component.name || 'Unknown'})`;
  return WithRouterWrapper;
}

function noRouter() {
  throw new Error(
    'No router instance found. you should only use "next/router" inside the client side of your app. https://nextjs.org/docs/messages/no-router-instance',
  );
}

/**
 * The router the server renders a page with (Next's `ServerRouter`): the route's fields, and
 * methods that throw, since nothing navigates during a server render.
 */
export function createServerRouter({ page, query = {}, asPath, isReady = true }) {
  return {
    route: page.replace(/\/$/, '') || '/',
    pathname: page,
    query,
    asPath: asPath ?? page,
    isFallback: false,
    basePath: '',
    locale: undefined,
    locales: undefined,
    defaultLocale: undefined,
    domainLocales: undefined,
    isReady: Boolean(isReady),
    isPreview: false,
    isLocaleDomain: false,
    events,
    push: noRouter,
    replace: noRouter,
    reload: noRouter,
    back: noRouter,
    forward: noRouter,
    prefetch: noRouter,
    beforePopState: noRouter,
  };
}

export default singletonRouter;
