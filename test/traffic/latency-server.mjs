// A 127.0.0.1 HTTP/1.1 server that answers every request after a set latency (argv[2], ms). It
// runs in its own process so its timers do not share burn's event loop; it speaks HTTP/1.1 on raw
// sockets (keep-alive, Content-Length bodies, answers in order on each connection) so that it costs
// a fraction of what the load generator does and is not the first thing a busy machine starves. It
// holds each answer with a plain timer (never a busy wait: the machine is shared), so the latency it
// holds is the set one give or take the timer's millisecond; it measures what it really held, from
// the request's arrival to the answer written, and GET /held reports that as {count, p50} (then
// forgets it). GET /status/<code> answers that status; ?latency=<ms> overrides the latency for one
// request. Prints {"port": N} once listening.
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

const latencyMs = Number(process.argv[2] ?? '0');
const REASONS = { 200: 'OK', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };
const answers = new Map();
let held = [];

function answer(status, body = 'ok\n') {
  const key = `${status} ${body}`;
  let bytes = answers.get(key);
  if (!bytes) {
    bytes = Buffer.from(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    if (body === 'ok\n') answers.set(key, bytes);
  }
  return bytes;
}

function median(values) {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** One request parsed from the head of `buf`, or undefined until it is all there. */
function parse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buf.toString('latin1', 0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const size = end + 4 + (length ? Number(length[1]) : 0);
  if (buf.length < size) return undefined;
  return { target: head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1)), size };
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  // Answers in request order: one is written once it and every one before it are ready.
  const pending = [];
  const flush = () => {
    while (pending.length > 0 && pending[0].bytes) {
      const p = pending.shift();
      if (!socket.destroyed) socket.write(p.bytes);
      if (p.start !== undefined) held.push(performance.now() - p.start);
    }
  };
  socket.on('data', (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (let req = parse(buf); req; req = parse(buf)) {
      buf = buf.subarray(req.size);
      const start = performance.now();
      const entry = { bytes: undefined, start };
      pending.push(entry);
      if (req.target === '/held') {
        entry.start = undefined;
        entry.bytes = answer(200, JSON.stringify({ count: held.length, p50: median(held) }));
        held = [];
        flush();
        continue;
      }
      let hold = latencyMs;
      let status = 200;
      if (req.target !== '/') {
        const url = new URL(req.target, 'http://x');
        if (url.searchParams.has('latency')) hold = Number(url.searchParams.get('latency'));
        if (url.pathname.startsWith('/status/')) status = Number(url.pathname.slice('/status/'.length));
      }
      setTimeout(() => {
        entry.bytes = answer(status);
        flush();
      }, hold);
    }
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open: the clients are done by now.
  setTimeout(() => process.exit(0), 1000).unref();
});
