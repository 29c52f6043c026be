// Switchyard's `next/document`: the pieces a custom `pages/_document` is made of, and the
// default Document Next.js renders when the app has none.
//
// The document is rendered to static markup after the page's shell has streamed past React
// (see next/internal/render): everything these components need — the head elements `next/head`
// collected, `__NEXT_DATA__`, the script URLs — arrives through `HtmlContext`. `Main` renders a
// marker where the page's streamed HTML goes.

import React from 'react';
import { HtmlContext } from 'next/internal/contexts';

const h = React.createElement;

/** Where the page's HTML is spliced into the document (the name Next.js uses). */
export const BODY_RENDER_TARGET = 'next-js-internal-body-render-target';

function useHtmlContext(component) {
  const context = React.useContext(HtmlContext);
  if (!context) {
    throw new Error(
      `<${component} /> from next/document can only be used in pages/_document. Read more: https://nextjs.org/docs/messages/no-document-import-in-page`,
    );
  }
  return context;
}

/** `<html>`, with the attributes the app gives it. */
export function Html(props) {
  useHtmlContext('Html');
  return h('html', props);
}

/**
 * `<head>`: the elements `next/head` collected, the document's own children, the page's
 * stylesheets (before it renders, so it never shows unstyled) and module preloads.
 */
export function Head({ children, ...props }) {
  const context = useHtmlContext('Head');
  return h(
    'head',
    props,
    context.headElements,
    children,
    context.stylesheets.map((href) => h('link', { key: href, rel: 'stylesheet', href })),
    context.preloads.map((href) => h('link', { key: href, rel: 'modulepreload', href })),
  );
}

/** Where the page renders. */
export function Main() {
  useHtmlContext('Main');
  return h(BODY_RENDER_TARGET);
}

/** `__NEXT_DATA__` and the scripts that hydrate the page. */
export function NextScript({ nonce, crossOrigin }) {
  const context = useHtmlContext('NextScript');
  const common = { nonce, crossOrigin };
  return h(
    React.Fragment,
    null,
    h('script', {
      id: '__NEXT_DATA__',
      type: 'application/json',
      nonce,
      dangerouslySetInnerHTML: { __html: context.nextDataJson },
    }),
    context.scripts.buildManifest &&
      h('script', { ...common, src: context.scripts.buildManifest, defer: true }),
    context.scripts.main && h('script', { ...common, src: context.scripts.main, type: 'module' }),
  );
}

/** The default Document, and the base class of custom ones. */
export default class Document extends React.Component {
  /** What the document renders with: the page's HTML and head, rendered by `renderPage`. */
  static getInitialProps(ctx) {
    return ctx.defaultGetInitialProps(ctx);
  }

  render() {
    return h(Html, null, h(Head), h('body', null, h(Main), h(NextScript)));
  }
}

// Apps written for older Next.js versions import these from next/document too.
export { Document };
