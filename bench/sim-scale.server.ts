/**
 * The simulator in its own process for bench/sim-scale.ts: prints its address as one JSON line,
 * then answers `stats` on stdin with its CPU so far, pod counts and heap (after a full GC, which
 * its CPU figure does not include), `progress` with the CPU and pod counts only, and `stop`.
 * SIM_CPU_PROFILE=file.cpuprofile: the simulator's CPU profile from start to stop (NODE_OPTIONS
 * refuses --cpu-prof), to open in Chrome DevTools.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { startSim } from '../src/sim/index.js';

const profileFile = process.env.SIM_CPU_PROFILE;
const profiler = profileFile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

const nodes = Number(process.env.SIM_NODES ?? 5000);
const sim = await startSim({ nodes, profile: process.env.SIM_PROFILE ?? 'large', seed: 1 });
process.stdout.write(JSON.stringify({ url: sim.url, token: sim.token, caPem: sim.caPem }) + '\n');

const gc = (globalThis as { gc?: () => void }).gc;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stats' || line === 'progress') {
    const cpu = process.cpuUsage();
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    const pods = sim.store.list('pods');
    const counts = { pods: pods.length, running: pods.filter((p) => p.status?.phase === 'Running').length, events: sim.store.list('events').length, revision: sim.store.revision(), cpuMs };
    if (line === 'stats') gc?.();
    const mem = process.memoryUsage();
    process.stdout.write(JSON.stringify({ ...counts, heapUsedMb: Math.round(mem.heapUsed / 2 ** 20), rssMb: Math.round(mem.rss / 2 ** 20) }) + '\n');
  } else if (line === 'stop') {
    if (profiler) writeFileSync(profileFile!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
    await sim.stop();
    process.exit(0);
  }
}
