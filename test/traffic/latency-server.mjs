// A 127.0.0.1 HTTP server that answers every request after a set latency (argv[2], ms), held
// precisely: a timer for the bulk, then yielding turns for the last millisecond. It runs in its own
// process so its timers do not share burn's event loop. Prints {"port": N} once listening.
// GET /status/<code> answers that status; ?latency=<ms> overrides the latency for one request.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const latencyMs = Number(process.argv[2] ?? '0');

function holdUntil(deadline, done) {
  const left = deadline - performance.now();
  if (left > 1.5) setTimeout(() => holdUntil(deadline, done), left - 1);
  else if (left > 0) setImmediate(() => holdUntil(deadline, done));
  else done();
}

const server = createServer((req, res) => {
  const start = performance.now();
  const url = new URL(req.url, 'http://x');
  const hold = url.searchParams.has('latency') ? Number(url.searchParams.get('latency')) : latencyMs;
  const status = url.pathname.startsWith('/status/') ? Number(url.pathname.slice('/status/'.length)) : 200;
  req.resume();
  req.on('end', () => holdUntil(start + hold, () => res.writeHead(status, { 'content-type': 'text/plain' }).end('ok\n')));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
