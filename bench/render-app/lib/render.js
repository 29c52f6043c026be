// The React tree of ../shared/bench/next-app/pages/edge-ssr.js (a list of 200 items), rendered
// n times with react-dom/server in whichever runtime imports this module, and timed with
// performance.now(). Both API routes (render-edge.js on JavaScriptCore, render-node.js on V8)
// call `benchmark` with their runtime's streaming renderer.

import { renderToString } from 'react-dom/server';

const ITEMS = 200;

function items() {
  const list = [];
  for (let i = 0; i < ITEMS; i++) {
    list.push({ id: i, label: `item ${i}` });
  }
  return list;
}

export function Page({ runtime, items }) {
  return (
    <main>
      <h1>SSR on {runtime}</h1>
      <ul>
        {items.map((item) => (
          <li key={item.id}>{item.label}</li>
        ))}
      </ul>
    </main>
  );
}

// The first render this context or worker ever did, per API: it includes the engine's first
// compilation of React's code, which is where interpreters and JITs differ most.
const coldest = {};

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const total = sorted.reduce((sum, t) => sum + t, 0);
  return {
    median_ms: at(0.5),
    p90_ms: at(0.9),
    mean_ms: total / sorted.length,
    min_ms: sorted[0],
    max_ms: sorted[sorted.length - 1],
  };
}

/** Times `once()` (sync or async): one first call, `warmup` untimed ones, then `n` timed. */
async function time(api, once, n, warmup) {
  let start = performance.now();
  const bytes = await once();
  const first = performance.now() - start;
  coldest[api] ??= first;
  for (let i = 0; i < warmup; i++) {
    await once();
  }
  const times = new Array(n);
  for (let i = 0; i < n; i++) {
    start = performance.now();
    await once();
    times[i] = performance.now() - start;
  }
  return { api, bytes, first_ms: first, process_first_ms: coldest[api], ...summary(times) };
}

function count(value, fallback, max) {
  const parsed = Number.parseInt(value ?? '', 10);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.min(parsed, max) : fallback;
}

/**
 * Renders the page `n` times (query `?n=`, default 200) after `warmup` renders (`?warmup=`,
 * default 50), with renderToString and with `stream` (element -> Promise<bytes>), if given.
 * `query` maps names to strings.
 */
export async function benchmark({ query, stream, streamApi }) {
  const n = Math.max(1, count(query.n, 200, 10000));
  const warmup = count(query.warmup, 50, 10000);
  const runtime = process.env.NEXT_RUNTIME;
  const element = <Page runtime={runtime} items={items()} />;
  const html = renderToString(element);
  const results = [await time('renderToString', () => renderToString(element).length, n, warmup)];
  if (stream && query.stream !== '0') {
    results.push(await time(streamApi, () => stream(element), n, warmup));
  }
  return {
    runtime,
    // React picks its production or development build by this, on both runtimes.
    node_env: process.env.NODE_ENV,
    n,
    warmup,
    html_bytes: html.length,
    has_last_item: html.includes(`item ${ITEMS - 1}`),
    results,
  };
}
