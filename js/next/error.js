// Switchyard's `next/error`: Next.js's default error page (`_error`), the same markup and
// inline styles, so a 404 or 500 looks like Next's.

import React from 'react';
import Head from 'next/head';

const h = React.createElement;

const statusCodes = {
  400: 'Bad Request',
  404: 'This page could not be found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

// The page's status: the response's, else the error's, else a 404 (no page matched).
function getInitialProps({ res, err }) {
  const statusCode = res && res.statusCode ? res.statusCode : err ? err.statusCode : 404;
  const props = { statusCode };
  // What a client-side exception's message names; the server has no use for it.
  if (typeof window !== 'undefined') props.hostname = window.location.hostname;
  return props;
}

const styles = {
  error: {
    fontFamily: 'system-ui,"Segoe UI",Roboto,Helvetica,Arial,sans-serif,"Apple Color Emoji","Segoe UI Emoji"',
    height: '100vh',
    textAlign: 'center',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
  },
  desc: { lineHeight: '48px' },
  h1: {
    display: 'inline-block',
    margin: '0 20px 0 0',
    paddingRight: 23,
    fontSize: 24,
    fontWeight: 500,
    verticalAlign: 'top',
  },
  h2: { fontSize: 14, fontWeight: 400, lineHeight: '28px' },
  wrap: { display: 'inline-block' },
};

const css = (withDarkMode) =>
  'body{color:#000;background:#fff;margin:0}.next-error-h1{border-right:1px solid rgba(0,0,0,.3)}' +
  (withDarkMode
    ? '@media (prefers-color-scheme:dark){body{color:#fff;background:#000}.next-error-h1{border-right:1px solid rgba(255,255,255,.3)}}'
    : '');

/** `<Error statusCode={404} />`; `title` overrides the status's text. */
export default class ErrorPage extends React.Component {
  static displayName = 'ErrorPage';
  static getInitialProps = getInitialProps;
  static origGetInitialProps = getInitialProps;

  render() {
    const { statusCode, withDarkMode = true, hostname } = this.props;
    const title = this.props.title || statusCodes[statusCode] || 'An unexpected error has occurred';
    const documentTitle = statusCode ? `${statusCode}: ${title}` : 'Application error: a client-side exception has occurred';
    // Without a status code, the page reports an exception in the browser.
    const message =
      this.props.title || statusCode
        ? title
        : h(
            React.Fragment,
            null,
            'Application error: a client-side exception has occurred',
            ' ',
            Boolean(hostname) && h(React.Fragment, null, 'while loading ', hostname),
            ' ',
            '(see the browser console for more information)',
          );
    return h(
      'div',
      { style: styles.error },
      h(Head, null, h('title', null, documentTitle)),
      h(
        'div',
        { style: styles.desc },
        h('style', { dangerouslySetInnerHTML: { __html: css(withDarkMode) } }),
        statusCode ? h('h1', { className: 'next-error-h1', style: styles.h1 }, statusCode) : null,
        h('div', { style: styles.wrap }, h('h2', { style: styles.h2 }, message, '.')),
      ),
    );
  }
}
