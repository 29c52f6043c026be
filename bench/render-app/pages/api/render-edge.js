// The render benchmark on the Edge runtime (JavaScriptCore); see lib/render.js.
import { renderToReadableStream } from 'react-dom/server';
import { benchmark } from '../../lib/render';

export const config = { runtime: 'edge' };

/** Renders `element` with the Web-streams API and reads the stream to its end. */
async function stream(element) {
  const body = await renderToReadableStream(element);
  const reader = body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

export default async function handler(req) {
  const query = Object.fromEntries(new URL(req.url).searchParams);
  const result = await benchmark({ query, stream, streamApi: 'renderToReadableStream' });
  return Response.json(result);
}
