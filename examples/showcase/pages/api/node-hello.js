import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';

// No runtime config: this route runs on Node.js, with every Node API available.
export default function handler(req, res) {
  const name = req.query.name ?? 'world';
  res.json({
    greeting: `Hello, ${name}, from Node.js ${process.version}`,
    runtime: process.env.NEXT_RUNTIME,
    sha256: createHash('sha256').update(name).digest('hex'),
    requestId: randomUUID(),
    host: os.hostname(),
  });
}
