/**
 * burn's request path against the simulator in its own process: creates/s of small objects at
 * unlimited qps over real HTTPS, and burn's CPU per request.
 */
import { startSimTarget } from '../src/cli/sim-child.js';
import { connectCluster } from '../src/kube/index.js';

export interface SimRequestPathFigure {
  concurrency: number;
  requests: number;
  createsPerSecond: number;
  cpuMicrosPerRequest: number;
  errors: number;
}

export async function benchRequestPathSim(options: { durationMs?: number; concurrency?: number } = {}): Promise<SimRequestPathFigure> {
  const durationMs = options.durationMs ?? 5000;
  const concurrency = options.concurrency ?? 64;
  const sim = await startSimTarget({ nodes: 3, profile: 'default' });
  const client = await connectCluster({ kubeconfig: sim.kubeconfigPath, maxConcurrency: concurrency });
  try {
    const fast = client.withLimits({ qps: Number.POSITIVE_INFINITY, burst: 0, maxConcurrency: concurrency });
    await fast.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }, { alreadyExistsOk: true });
    let sent = 0;
    let errors = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const end = start + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const n = sent++;
          await fast
            .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n}`, namespace: 'bench' }, data: { k: 'v' } }, { discardResponse: true })
            .catch(() => void errors++);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { concurrency, requests: sent, createsPerSecond: sent / seconds, cpuMicrosPerRequest: (cpu.user + cpu.system) / sent, errors };
  } finally {
    await client.close();
    await sim.stop();
  }
}
