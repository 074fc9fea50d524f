/**
 * How much the simulator absorbs: pod creates per second over HTTPS (keep-alive, 128 in flight)
 * into a 5,000-node simulated cluster while several watchers stream every pod event, and its heap
 * once 150,000 pods exist and run, and the simulator's CPU per pod (machine load does not change it). The simulator runs in its own process with a 4 GiB heap.
 * Run: npx vite-node bench/sim-scale.main.ts   (SIM_PODS, SIM_NODES, SIM_WATCHERS override)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import path from 'node:path';
import { Agent, Pool, request } from 'undici';

export interface SimScaleFigures {
  nodes: number;
  pods: number;
  watchers: number;
  createsPerSecond: number;
  createErrors: number;
  /** Seconds from the first create until every pod was Running. */
  allRunningSeconds: number;
  eventsPerWatcher: number;
  /** Simulator process CPU per pod, from first create to all Running (load-independent). */
  cpuMsPerPod: number;
  /** 1000 / cpuMsPerPod: what one fully available core absorbs. */
  createsPerCoreSecond: number;
  heapUsedMb: number;
  rssMb: number;
  storedEvents: number;
  /** 1-minute load average at the start and at the end. */
  loadAverage: [number, number];
}

interface Stats {
  heapUsedMb: number;
  rssMb: number;
  pods: number;
  running: number;
  events: number;
  revision: number;
  cpuMs: number;
}

const root = path.join(import.meta.dirname, '..');

export async function benchSimScale(options: { nodes?: number; pods?: number; watchers?: number } = {}): Promise<SimScaleFigures> {
  const nodes = options.nodes ?? 5000;
  const pods = options.pods ?? 150_000;
  const watcherCount = options.watchers ?? 4;
  const child = spawn(path.join(root, 'node_modules', '.bin', 'vite-node'), [path.join(root, 'bench', 'sim-scale.server.ts')], {
    cwd: root,
    env: { ...process.env, SIM_NODES: String(nodes), NODE_OPTIONS: `--max-old-space-size=4096 --expose-gc ${process.env.SIM_NODE_OPTIONS ?? ''}` },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => JSON.parse(((await lines.next()).value as string) ?? 'null');
  const stats = async (what: 'stats' | 'progress' = 'stats'): Promise<Stats> => {
    child.stdin!.write(`${what}\n`);
    return nextLine();
  };
  try {
    const { url, token, caPem } = await nextLine();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // A busy machine can take more than undici's 10 s to finish 32 TLS handshakes.
    const pool = new Pool(url, { connect: { ca: caPem, timeout: 120_000 }, connections: 32 });
    const post = async (p: string, body: unknown) => {
      const res = await pool.request({ path: p, method: 'POST', headers, body: JSON.stringify(body) });
      await res.body.dump();
      return res.statusCode;
    };
    const namespaces = Math.ceil(pods / 3000);
    for (let i = 0; i < namespaces; i++) await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `scale-${i}` } });

    const watchAgent = new Agent({ connect: { ca: caPem, timeout: 120_000 } });
    const watchCounts = new Array<number>(watcherCount).fill(0);
    const watchAbort = new AbortController();
    const watchers = watchCounts.map(async (_, w) => {
      const res = await request(`${url}/api/v1/pods?watch=1&allowWatchBookmarks=true`, { headers, dispatcher: watchAgent, signal: watchAbort.signal });
      try {
        for await (const chunk of res.body) for (const byte of chunk as Buffer) if (byte === 10) watchCounts[w]!++;
      } catch {
        // aborted at the end
      }
    });

    const before = await stats();
    const loadStart = loadavg()[0]!;
    const started = performance.now();
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < pods) {
        const i = next++;
        const code = await post(`/api/v1/namespaces/scale-${i % namespaces}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `pod-${i}`, labels: { app: 'scale', 'burn.dev/replica': String(i) } },
          spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '1m', memory: '1Mi' } } }] },
        });
        if (code !== 201) errors++;
      }
    };
    await Promise.all(Array.from({ length: 128 }, worker));
    const createSeconds = (performance.now() - started) / 1000;
    let s = await stats('progress');
    while (s.running < pods - errors && (performance.now() - started) / 1000 < 900) {
      await new Promise((r) => setTimeout(r, 2000));
      s = await stats('progress');
    }
    const loadEnd = loadavg()[0]!;
    const heap = await stats();
    const allRunningSeconds = (performance.now() - started) / 1000;
    watchAbort.abort();
    await Promise.allSettled(watchers);
    await pool.close();
    await watchAgent.close();
    return {
      nodes,
      pods,
      watchers: watcherCount,
      createsPerSecond: Math.round(pods / createSeconds),
      createErrors: errors,
      allRunningSeconds: Math.round(allRunningSeconds),
      eventsPerWatcher: Math.min(...watchCounts),
      cpuMsPerPod: Math.round(((s.cpuMs - before.cpuMs) / pods) * 100) / 100,
      createsPerCoreSecond: Math.round(1000 / ((s.cpuMs - before.cpuMs) / pods)),
      heapUsedMb: heap.heapUsedMb,
      rssMb: heap.rssMb,
      storedEvents: s.events,
      loadAverage: [Math.round(loadStart * 10) / 10, Math.round(loadEnd * 10) / 10],
    };
  } finally {
    child.stdin!.write('stop\n');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
