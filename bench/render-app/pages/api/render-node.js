// The render benchmark on the Node.js runtime (V8); see lib/render.js.
import { Writable } from 'node:stream';
import { renderToPipeableStream } from 'react-dom/server';
import { benchmark } from '../../lib/render';

export const config = { runtime: 'nodejs' };

/** Renders `element` with Node's streaming API into a Writable that counts what it is sent. */
function stream(element) {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    });
    sink.on('finish', () => resolve(bytes));
    sink.on('error', reject);
    const { pipe } = renderToPipeableStream(element, {
      onShellReady() {
        pipe(sink);
      },
      onShellError: reject,
      onError: reject,
    });
  });
}

export default async function handler(req, res) {
  const result = await benchmark({
    query: req.query,
    stream,
    streamApi: 'renderToPipeableStream',
  });
  result.v8 = process.versions.v8;
  result.node = process.version;
  res.json(result);
}
