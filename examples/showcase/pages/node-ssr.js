import os from 'node:os';
import Head from 'next/head';
import SlowList from '../components/slow-list';

// Rendered per request in a Node.js worker, with every Node.js API at hand.
export async function getServerSideProps({ req }) {
  return {
    props: {
      runtime: process.env.NEXT_RUNTIME,
      platform: `${os.platform()} with ${os.cpus().length} CPUs`,
      userAgent: req.headers['user-agent'] ?? 'unknown',
    },
  };
}

export default function NodeSsr({ runtime, platform, userAgent }) {
  return (
    <main>
      <Head>
        <title>{`Rendered on ${runtime}`}</title>
      </Head>
      <h1>Rendered on {runtime}</h1>
      <p>
        {platform}, for {userAgent}
      </p>
      <SlowList source={runtime} />
    </main>
  );
}
