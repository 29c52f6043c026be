// Switchyard's `next/dynamic`: a component whose code loads when it first renders. On the
// server it renders inside a Suspense boundary (streamed when it resolves); in the browser
// its module is a chunk of its own, fetched on demand. `ssr: false` renders `loading` (or
// nothing) on the server and on the client's first render, then the component after mount.

import React from 'react';

const h = React.createElement;

/** `dynamic(() => import('./x'), { loading, ssr })`, or `dynamic({ loader, loading, ssr })`. */
export default function dynamic(loaderOrOptions, options = {}) {
  let loader = loaderOrOptions;
  if (loaderOrOptions && typeof loaderOrOptions === 'object' && typeof loaderOrOptions.then !== 'function') {
    options = { ...loaderOrOptions, ...options };
    loader = options.loader;
  }
  const load = typeof loader === 'function' ? loader : () => loader;
  const ssr = options.ssr !== false;
  const Loading = options.loading;
  // A module's default export, or the module itself (`() => import('./x').then(m => m.Named)`).
  const Lazy = React.lazy(() =>
    Promise.resolve(load()).then((module) => ({ default: module && module.default !== undefined ? module.default : module })),
  );

  function LoadableComponent(props) {
    const fallback = Loading ? h(Loading, { isLoading: true, pastDelay: true, error: null }) : null;
    if (!ssr) {
      // The same answer on the server and in the browser's first render keeps hydration exact.
      const [mounted, setMounted] = React.useState(false);
      React.useEffect(() => setMounted(true), []);
      if (!mounted) return fallback;
    }
    return h(React.Suspense, { fallback }, h(Lazy, props));
  }
  return LoadableComponent;
}
