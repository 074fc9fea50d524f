import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { connectCluster, type ConnectOptions, type KubeClient } from '../../src/kube/index.js';
import { startSim, type RunningSim, type SimOptions } from '../../src/sim/index.js';
import { simClient, type SimClient } from './client.js';

/**
 * The one way tests start and stop a simulator: `withSim` for one test, `useSim` for every test of a
 * file. Either way the simulator has a kubeconfig file in a scratch folder, and its clients, the
 * simulator and the folder go away together, whatever the test did.
 */
export interface TestSim extends RunningSim {
  kubeconfigPath: string;
  /** A scratch folder, removed with the simulator. */
  dir: string;
  /** A client over burn's request path (connectCluster on the kubeconfig); destroyed with the simulator. */
  connect(options?: Omit<ConnectOptions, 'kubeconfig'>): Promise<KubeClient>;
  /** A plain HTTPS client for simulator specifics; closed with the simulator. */
  http(token?: string | null): SimClient;
}

async function startTestSim(options: SimOptions): Promise<TestSim> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-test-sim-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  let sim: RunningSim;
  try {
    sim = await startSim({ seed: 1, nodes: 3, ...options, kubeconfigOut: kubeconfigPath });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const clients: KubeClient[] = [];
  const https: SimClient[] = [];
  return {
    ...sim,
    kubeconfigPath,
    dir,
    async connect(connectOptions = {}) {
      const client = await connectCluster({ env: {}, qps: 1000, burst: 1000, ...connectOptions, kubeconfig: kubeconfigPath });
      clients.push(client);
      return client;
    },
    http(token) {
      const client = simClient(sim, token === undefined ? sim.token : token);
      https.push(client);
      return client;
    },
    async stop() {
      try {
        await Promise.all([...clients.splice(0).map((c) => c.destroy()), ...https.splice(0).map((c) => c.close())]);
      } finally {
        await sim.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs `body` against a fresh simulator, stopped afterwards however `body` ends. */
export async function withSim<T>(options: SimOptions, body: (sim: TestSim) => Promise<T>): Promise<T> {
  const sim = await startTestSim(options);
  try {
    return await body(sim);
  } finally {
    await sim.stop();
  }
}

/** One simulator for every test of the file (started in beforeAll, stopped in afterAll); call the result inside tests. */
export function useSim(options: SimOptions = {}): () => TestSim {
  let sim: TestSim | undefined;
  beforeAll(async () => {
    sim = await startTestSim(options);
  });
  afterAll(async () => {
    await sim?.stop();
  });
  return () => {
    if (!sim) throw new Error('useSim: the simulator is not started (call the getter inside a test)');
    return sim;
  };
}
