import { Suspense, use } from 'react';

function Items({ promise }) {
  const items = use(promise);
  return (
    <ul>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}

/** Streams: the heading goes out at once, the list when its data is ready. */
export default function SlowList({ source }) {
  const promise = new Promise((resolve) =>
    setTimeout(() => resolve([`first from ${source}`, `second from ${source}`]), 500),
  );
  return (
    <Suspense fallback={<p>loading the list…</p>}>
      <Items promise={promise} />
    </Suspense>
  );
}
