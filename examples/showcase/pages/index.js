import Head from 'next/head';
import Counter from '../components/counter';

// No data function: rendered once by `switchyard build`, then served as a file.
export default function Home() {
  return (
    <main>
      <Head>
        <title>Switchyard showcase</title>
      </Head>
      <h1>Switchyard showcase</h1>
      <p>A static page, hydrated in the browser:</p>
      <Counter />
      <p>
        Pages rendered per request: <a href="/edge-ssr">on the Edge runtime</a> and{' '}
        <a href="/node-ssr">on Node.js</a>. API routes: <a href="/api/hello">/api/hello</a>,{' '}
        <a href="/api/node-hello">/api/node-hello</a>.
      </p>
    </main>
  );
}
