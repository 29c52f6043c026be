import Link from 'next/link';

export default function App({ Component, pageProps }) {
  return (
    <>
      <nav style={{ display: 'flex', gap: '1rem', fontFamily: 'system-ui' }}>
        <Link href="/">Home</Link>
        <Link href="/edge-ssr">Edge SSR</Link>
        <Link href="/node-ssr">Node.js SSR</Link>
      </nav>
      <Component {...pageProps} />
    </>
  );
}
