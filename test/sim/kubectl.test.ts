import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';

/** The acceptance check of issue 2, through the real kubectl (skipped when it is not installed). */

const run = promisify(execFile);
const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);
if (!hasKubectl) console.warn('kubectl not found on PATH: skipping the kubectl acceptance tests');

const dir = mkdtempSync(join(tmpdir(), 'burn-sim-kubectl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim: RunningSim;

// Asynchronous on purpose: the simulator runs in this process and must keep serving.
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', sim.kubeconfigPath!, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function eventually(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 5
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        resources: {requests: {cpu: 10m, memory: 16Mi}}
`;

describe.skipIf(!hasKubectl)('kubectl against burn sim', () => {
  beforeAll(async () => {
    sim = await startSim({ nodes: 3, seed: 11, kubeconfigOut: join(dir, 'kubeconfig') });
  });
  afterAll(async () => sim?.stop());

  it('applies a Deployment of 5 replicas that runs spread over the 3 nodes with its events', async () => {
    const file = join(dir, 'web.yaml');
    writeFileSync(file, deployment);
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/web created');
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/web unchanged');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s')).toContain('successfully rolled out');
    await kubectl('wait', '--for=condition=Available', 'deployment/web', '--timeout=60s');
    const lines = (await kubectl('get', 'pods', '-o', 'wide', '--no-headers')).trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.split(/\s+/).slice(1, 3)).toEqual(['1/1', 'Running']);
    const nodes = new Set(lines.map((l) => l.split(/\s+/)[6]));
    expect(nodes).toEqual(new Set(['sim-node-0001', 'sim-node-0002', 'sim-node-0003']));
    const events = await kubectl('get', 'events');
    for (const reason of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started', 'ScalingReplicaSet', 'SuccessfulCreate']) expect(events).toContain(reason);
  }, 180_000);

  it('scales to 400: the pods beyond 330 stay Pending with "Too many pods"', async () => {
    expect(await kubectl('scale', 'deployment/web', '--replicas=400')).toContain('scaled');
    let phases = new Map<string, number>();
    await eventually(
      async () => {
        const out = await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}');
        phases = new Map();
        for (const p of out.trim().split('\n')) phases.set(p, (phases.get(p) ?? 0) + 1);
        return phases.get('Running') === 330 && phases.get('Pending') === 70;
      },
      90_000,
      '330 Running and 70 Pending pods',
    );
    expect(Object.fromEntries(phases)).toEqual({ Running: 330, Pending: 70 });
    const pending = (await kubectl('get', 'pods', '--field-selector=status.phase=Pending', '-o', 'name')).trim().split('\n')[0]!;
    const described = await kubectl('describe', pending);
    expect(described).toContain('FailedScheduling');
    expect(described).toContain('0/3 nodes are available: 3 Too many pods.');
  }, 180_000);

  it('deletes the deployment and its pods go away', async () => {
    await kubectl('delete', 'deployment', 'web', '--wait=true', '--timeout=60s');
    await eventually(async () => (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'name')).trim() === '', 120_000, 'the pods to be deleted');
  }, 180_000);
});
