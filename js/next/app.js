// Switchyard's `next/app`: the default `_app` (renders the page with its props) and the
// `getInitialProps` protocol Next.js runs App and pages with.

import React from 'react';

const displayName = (Component) =>
  typeof Component === 'string' ? Component : Component.displayName || Component.name || 'Unknown';

// A response already answered (a redirect written by getInitialProps, say).
const isResSent = (res) => Boolean(res.finished || res.headersSent);

/**
 * Next.js's `loadGetInitialProps`: `Component.getInitialProps(ctx)`, checked. When called for
 * an App (`ctx.ctx` and `ctx.Component` set) without its own, the page's becomes `pageProps`.
 */
export async function loadGetInitialProps(Component, ctx) {
  const res = ctx.res || ctx.ctx?.res;
  if (!Component.getInitialProps) {
    if (ctx.ctx && ctx.Component) return { pageProps: await loadGetInitialProps(ctx.Component, ctx.ctx) };
    return {};
  }
  const props = await Component.getInitialProps(ctx);
  if (res && isResSent(res)) return props;
  if (!props) {
    throw new Error(`"${displayName(Component)}.getInitialProps()" should resolve to an object. But found "${props}" instead.`);
  }
  return props;
}

async function appGetInitialProps({ Component, ctx }) {
  return { pageProps: await loadGetInitialProps(Component, ctx) };
}

/** The default App: `<Component {...pageProps} />`. Custom Apps extend it. */
export default class App extends React.Component {
  static origGetInitialProps = appGetInitialProps;
  static getInitialProps = appGetInitialProps;

  render() {
    const { Component, pageProps } = this.props;
    return React.createElement(Component, { ...pageProps });
  }
}
