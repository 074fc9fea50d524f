// autocannon (the peer of bench/traffic.ts) in its own process, as burn's agent runs in its own:
// argv = url, connections, seconds, rate (0: as fast as it can). Prints one JSON line: requests
// sent and answered, the duration, p50 latency (ms) and the CPU this process used during the run.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const [url, connections, seconds, rate] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v)));
const cpuStart = process.cpuUsage();
const result = await autocannon({ url, connections, duration: seconds, ...(rate > 0 ? { overallRate: rate } : {}) });
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({
    sent: result.requests.sent,
    answered: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationMs: result.duration * 1000,
    p50: result.latency.p50,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
