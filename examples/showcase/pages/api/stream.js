export const config = { runtime: 'edge' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Each line reaches the client as soon as it is enqueued: try `curl -N`.
export default function handler() {
  const encoder = new TextEncoder();
  const stream = new ReadableStream({
    async start(controller) {
      for (let i = 1; i <= 5; i++) {
        controller.enqueue(encoder.encode(`tick ${i} at ${new Date().toISOString()}\n`));
        await sleep(300);
      }
      controller.close();
    },
  });
  return new Response(stream, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
