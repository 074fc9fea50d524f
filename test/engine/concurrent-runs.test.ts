import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/engine/run.js';
import { connectCluster } from '../../src/kube/index.js';
import { createLogger } from '../../src/shared/log.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

/** Runs that share a cluster never adopt or delete each other's namespaces, and a wait whose objects vanish says so. */

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
const children: ChildProcess[] = [];

function burn(args: string[], onStderr?: (text: string) => void): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/burn.js', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p-{{ .Iteration }}
spec:
  {{- if .stuck }}
  nodeSelector: {burn-test: no-such-node}
  {{- end }}
  containers:
    - name: c
      image: registry.k8s.io/pause:3.10
`;

/** `holdUntil`: a file whose appearance ends the job (an afterJobExecution hook waits for it), keeping the run going till then. */
function config(namespace: string, iterations: number, qps: number, stuck = false, holdUntil?: string): string {
  const hold = holdUntil ? `    hooks:\n      - cmd: ["sh", "-c", "until [ -e '${holdUntil}' ]; do sleep 0.1; done"]\n        when: afterJobExecution\n` : '';
  return `global:
  gc: true
  measurements:
    - name: podLatency
jobs:
  - name: shared
    jobType: create
    jobIterations: ${iterations}
    qps: ${qps}
    burst: 1
    namespace: ${namespace}
    namespacedIterations: false
    podWait: false
    waitWhenFinished: true
    preLoadImages: false
    maxWaitTimeout: 10m
${hold}    objects:
      - objectTemplate: pod.yaml
        replicas: 1
        inputVars: {stuck: ${stuck}}
`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-concurrent-'));
  await writeFile(join(dir, 'pod.yaml'), POD);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const A_PODS = 10;

describe('two runs with the same namespace names on one simulator (burn sim serve)', () => {
  it('the second refuses the first one\'s namespace, naming its uuid; neither deletes the other\'s objects', async () => {
    const kubeconfig = join(dir, 'serve.kubeconfig');
    const server = burn(['sim', 'serve', '--port', '0', '--nodes', '3', '--kubeconfig-out', kubeconfig]);
    try {
      await until('the simulator', async () => ((await readFile(kubeconfig, 'utf8').catch(() => '')).includes('current-context') ? true : undefined));
      // The same job and namespace; A goes on until B has ended, however long B takes on a busy machine.
      const bEnded = join(dir, 'b-ended');
      const configA = join(dir, 'shared-a.yaml');
      const configB = join(dir, 'shared-b.yaml');
      await writeFile(configA, config('shared-ns', A_PODS, 5, false, bEnded));
      await writeFile(configB, config('shared-ns', A_PODS, 5));
      const client = await connectCluster({ kubeconfig });
      try {
        const a = burn(['init', '-c', configA, '--kubeconfig', kubeconfig, '--uuid', 'run-a', '--report-dir', join(dir, 'a')]);
        // B starts once A has made the namespace and its first pods.
        await until('run A\'s first pods', async () => ((await client.list('v1', 'Pod', { namespace: 'shared-ns', labelSelector: 'burn.dev/uuid=run-a' })).length >= 2 ? true : undefined));
        const b = await burn(['init', '-c', configB, '--kubeconfig', kubeconfig, '--uuid', 'run-b', '--report-dir', join(dir, 'b')]);
        expect(b.code, b.stderr).toBe(1);
        expect(b.stderr).toContain('namespace shared-ns exists and belongs to another burn run (uuid run-a');
        expect(b.stderr).toContain('burn destroy --uuid run-a');
        // B's cleanup (kube-burner's default) left A's namespace alone: A's run Lease said A is still going.
        expect(b.stderr).toMatch(/job shared: cleanup spared \d+ object\(s\) of kube-burner.io\/job=shared that belong to burn runs still going: Namespace shared-ns \(run run-a\)/);
        // B ran its gc (its own uuid only) and A's namespace and pods are all still there.
        const ns = await client.get('v1', 'Namespace', 'shared-ns');
        expect(ns.metadata.labels?.['burn.dev/uuid']).toBe('run-a');
        expect(ns.metadata.deletionTimestamp).toBeUndefined();
        expect(await client.list('v1', 'Pod', { labelSelector: 'burn.dev/uuid=run-b' })).toEqual([]);
        const bRun = JSON.parse(await readFile(join(dir, 'b', 'run.json'), 'utf8'));
        expect(bRun.errors).toEqual([expect.stringContaining('belongs to another burn run (uuid run-a')]);

        await writeFile(bEnded, '');
        const ranA = await a;
        expect(ranA.code, ranA.stderr).toBe(0);
        const [summary] = JSON.parse(await readFile(join(dir, 'a', 'jobSummary.json'), 'utf8'));
        expect(summary.objectsCreated).toBe(A_PODS);
        expect(summary.passed).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGINT');
      await server;
    }
  }, 300_000);
});

describe('a wait whose objects are deleted by someone else', () => {
  it('ends at once saying they were deleted and that their namespace went, not that they were not ready', async () => {
    const kubeconfig = join(dir, 'vanish.kubeconfig');
    const sim: RunningSim = await startSim({ nodes: 2, kubeconfigOut: kubeconfig, seed: 5 });
    const lines: string[] = [];
    try {
      const configPath = join(dir, 'stuck.yaml');
      await writeFile(configPath, config('vanishing', 3, 50, true));
      const running = runBenchmark({ configPath, kubeconfig, reportDir: join(dir, 'vanish'), log: createLogger('info', (l) => void lines.push(l)), tty: false });
      const client = await connectCluster({ kubeconfig });
      try {
        await until('the stuck pods', async () => ((await client.list('v1', 'Pod', { namespace: 'vanishing' })).length === 3 ? true : undefined));
        await until('the wait', () => (lines.some((l) => l.includes('waiting')) ? true : undefined));
        await client.delete('v1', 'Namespace', 'vanishing');
      } finally {
        await client.close();
      }
      // maxWaitTimeout is 10 minutes: ending within the test's timeout shows the wait did not run out.
      const outcome = await running;
      expect(outcome.exitCode).toBe(1);
      expect(outcome.record.errors).toEqual([expect.stringMatching(/job shared: job "shared": \d objects? it was waiting for (was|were) deleted \(not by this run\): Pod vanishing\/p-\d/)]);
      expect(outcome.record.explanations).toEqual([expect.stringMatching(/in namespace vanishing: the namespace (was deleted|is being deleted)/)]);
    } finally {
      await sim.stop();
    }
  }, 240_000);
});
