export const config = { runtime: 'nodejs' };

// Server-sent events written with res.write; each event is flushed as it is written.
export default function handler(req, res) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
  });
  let sent = 0;
  const timer = setInterval(() => {
    sent += 1;
    res.write(`data: event ${sent} at ${new Date().toISOString()}\n\n`);
    if (sent === 5) {
      clearInterval(timer);
      res.end();
    }
  }, 300);
  req.on('close', () => clearInterval(timer));
}
