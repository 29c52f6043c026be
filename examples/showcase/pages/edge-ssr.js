import Head from 'next/head';
import SlowList from '../components/slow-list';

// Rendered per request in the built-in Edge runtime (JavaScriptCore), streamed.
export const config = { runtime: 'experimental-edge' };

export async function getServerSideProps({ query }) {
  return { props: { runtime: process.env.NEXT_RUNTIME, renderedAt: new Date().toISOString(), query } };
}

export default function EdgeSsr({ runtime, renderedAt, query }) {
  return (
    <main>
      <Head>
        <title>{`Rendered on ${runtime}`}</title>
      </Head>
      <h1>Rendered on {runtime}</h1>
      <p>at {renderedAt}, query {JSON.stringify(query)}</p>
      <SlowList source={runtime} />
    </main>
  );
}
