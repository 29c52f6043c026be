import Link from 'next/link';
import '../styles/globals.css';

export default function App({ Component, pageProps }) {
  return (
    <>
      <nav>
        <Link href="/">Home</Link>
        <Link href="/edge-ssr">Edge SSR</Link>
        <Link href="/node-ssr">Node.js SSR</Link>
      </nav>
      <Component {...pageProps} />
    </>
  );
}
