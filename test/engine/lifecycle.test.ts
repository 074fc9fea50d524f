import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark, type RunOptions } from '../../src/engine/run.js';
import { connectCluster } from '../../src/kube/index.js';
import { measurementPlugins } from '../../src/measure/plugins.js';
import type { Measurement } from '../../src/measure/types.js';
import { readRunFolder } from '../../src/report/run-folder.js';
import { createLogger } from '../../src/shared/log.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

/**
 * One job lifecycle: whatever fails in a later job (a measurement that cannot start, a template
 * that fails at one iteration, the API server going away), the run folder holds what every job did,
 * the error, gc runs, and burn says what it left behind.
 */

let dir: string;

// A measurement whose start() fails the way a bug would: not a UserError.
measurementPlugins['test-start-throws'] = {
  name: 'test-start-throws',
  jobTypes: 'all',
  parseOptions: () => ({}),
  access: () => [],
  create: (): Measurement => ({
    name: 'test-start-throws',
    start: () => Promise.reject(new TypeError('cannot read properties of undefined (test)')),
    stop: () => Promise.resolve(),
    collect: () => Promise.reject(new Error('never started')),
  }),
};

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p-{{ .Iteration }}-{{ .Replica }}
spec:
  containers:
    - name: c
      image: registry.k8s.io/pause:3.10
`;

// Renders fine for iterations 0 and 1 (so the pre-run check passes), broken YAML at iteration 2.
const POD_BROKEN_AT_2 = `{{ if eq .Iteration 2 }}kind: [{{ end }}
${POD}`;

function config(second: string): string {
  return `global:
  gc: true
  measurements:
    - name: podLatency
jobs:
  - name: first
    jobType: create
    jobIterations: 2
    qps: 50
    burst: 50
    namespace: first-${Math.random().toString(36).slice(2, 8)}
    podWait: false
    waitWhenFinished: true
    preLoadImages: false
    maxWaitTimeout: 2m
    objects:
      - objectTemplate: pod.yaml
        replicas: 1
${second}`;
}

function secondJob(template: string, extra = ''): string {
  return `  - name: second
    jobType: create
    jobIterations: 4
    qps: 50
    burst: 50
    namespace: second-${Math.random().toString(36).slice(2, 8)}
    namespacedIterations: false
    podWait: false
    waitWhenFinished: true
    preLoadImages: false
    maxWaitTimeout: 2m
${extra}    objects:
      - objectTemplate: ${template}
        replicas: 1
`;
}

async function writeConfig(name: string, text: string): Promise<string> {
  await writeFile(join(dir, 'pod.yaml'), POD);
  await writeFile(join(dir, 'pod-broken-at-2.yaml'), POD_BROKEN_AT_2);
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, text);
  return path;
}

async function namespacesOf(kubeconfig: string, uuid: string): Promise<string[]> {
  const client = await connectCluster({ kubeconfig });
  try {
    return (await client.list('v1', 'Namespace', { labelSelector: `burn.dev/uuid=${uuid}` })).filter((n) => !n.metadata.deletionTimestamp).map((n) => n.metadata.name!);
  } finally {
    await client.close();
  }
}

async function withSim<T>(body: (sim: RunningSim, kubeconfig: string) => Promise<T>): Promise<T> {
  const kubeconfig = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  const sim = await startSim({ nodes: 3, kubeconfigOut: kubeconfig, seed: 3 });
  try {
    return await body(sim, kubeconfig);
  } finally {
    await sim.stop();
  }
}

function run(configPath: string, kubeconfig: string, lines: string[], extra: Partial<RunOptions> = {}) {
  return runBenchmark({
    configPath,
    kubeconfig,
    reportDir: join(dir, `run-${Math.random().toString(36).slice(2)}`),
    log: createLogger('info', (line) => void lines.push(line)),
    tty: false,
    ...extra,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-lifecycle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a run whose second job fails', () => {
  it('when a measurement of job 2 fails to start (an internal error): writes job 1 and the error, runs gc', async () => {
    const configPath = await writeConfig('measurement-fails', config(secondJob('pod.yaml', '    measurements:\n      - name: test-start-throws\n')));
    await withSim(async (_sim, kubeconfig) => {
      const lines: string[] = [];
      const outcome = await run(configPath, kubeconfig, lines);
      expect(outcome.reason).toBe('failed');
      expect(outcome.exitCode).toBe(1);
      const folder = await readRunFolder(outcome.reportDir);
      expect(folder.meta.jobs.map((j) => [j.name, j.passed, j.objectsCreated])).toEqual([
        ['first', true, 2],
        ['second', false, 0],
      ]);
      expect(folder.meta.errors).toEqual(['job second: internal error: cannot read properties of undefined (test)']);
      // Job 1's measurements are in the folder; job 2's podLatency started before the failing one and was stopped and collected.
      expect(folder.meta.jobs[0]!.measurements.map((m) => m.name)).toContain('podLatency');
      expect(folder.meta.jobs[1]!.measurements.map((m) => m.name)).toContain('podLatency');
      expect(folder.jobs.map((j) => j.jobName)).toEqual(['first', 'second']);
      expect(folder.meta.created).toBe('nothing (gc ran)');
      expect(await namespacesOf(kubeconfig, outcome.uuid)).toEqual([]);
    });
  }, 240_000);

  it('when a template of job 2 fails to render at iteration 2: job 2 records what it created before, gc removes it', async () => {
    const configPath = await writeConfig('render-fails', config(secondJob('pod-broken-at-2.yaml')));
    await withSim(async (_sim, kubeconfig) => {
      const lines: string[] = [];
      const outcome = await run(configPath, kubeconfig, lines);
      expect(outcome.exitCode).toBe(1);
      const folder = await readRunFolder(outcome.reportDir);
      const [first, second] = folder.meta.jobs;
      expect(first).toMatchObject({ passed: true, objectsCreated: 2 });
      expect(second!.passed).toBe(false);
      // Iterations 0 and 1 went out; iteration 3 may have been in flight beside the failing 2.
      expect(second!.objectsCreated).toBeGreaterThanOrEqual(2);
      expect(second!.objectsCreated).toBeLessThanOrEqual(3);
      expect(second!.errors).toEqual([expect.stringMatching(/pod-broken-at-2\.yaml \(job "second", iteration 2, replica 1\) rendered invalid YAML/)]);
      expect(await namespacesOf(kubeconfig, outcome.uuid)).toEqual([]);
    });
  }, 240_000);

  it('when the API server goes away during job 2: writes the folder and says what is left with burn destroy --uuid', async () => {
    // Job 2 creates for 20 s (1,000 pods at qps 50) if nothing stops it. Its queued requests each
    // take a token to fail once burn gives up on the server (30 s without an answer): at qps 50 they
    // fail within a second or two, at a slow qps (5) they added 10-20 s.
    const configPath = await writeConfig('server-gone', config(secondJob('pod.yaml').replace('jobIterations: 4', 'jobIterations: 1000')));
    await withSim(async (sim, kubeconfig) => {
      const lines: string[] = [];
      const running = run(configPath, kubeconfig, lines, { timeoutMs: 10 * 60_000 });
      // Stop the server once job 2 has created something.
      while (!lines.some((l) => l.includes('job second: create'))) await new Promise((r) => setTimeout(r, 50));
      const client = await connectCluster({ kubeconfig });
      try {
        for (;;) {
          const pods = await client.list('v1', 'Pod', { labelSelector: 'burn.dev/job=second' });
          if (pods.length >= 2) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await client.close();
      }
      await sim.stop();
      const outcome = await running;
      expect(outcome.exitCode).toBe(1);
      const folder = await readRunFolder(outcome.reportDir);
      expect(folder.meta.jobs.map((j) => j.name)).toEqual(['first', 'second']);
      expect(folder.meta.jobs[0]!.passed).toBe(true);
      expect(folder.meta.jobs[1]!.errors.join('\n')).toMatch(/127\.0\.0\.1|unreachable|ECONNREFUSED/i);
      // gc could not reach the server: what is left is said, with the command that removes it.
      expect(folder.meta.created).toMatch(/namespace/);
      expect(lines.join('\n')).toContain(`remove it with: burn destroy --uuid ${outcome.uuid}`);
    });
  }, 240_000);
});

describe('checks before the first object', () => {
  it('--report-dir naming an existing file exits before anything is created', async () => {
    const configPath = await writeConfig('report-dir-file', config(''));
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    await withSim(async (_sim, kubeconfig) => {
      await expect(run(configPath, kubeconfig, [], { reportDir: file, uuid: 'report-dir-file' })).rejects.toThrow(/--report-dir .*not-a-folder: exists and is not a folder/);
      expect(await namespacesOf(kubeconfig, 'report-dir-file')).toEqual([]);
    });
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it('a template URL on a closed port exits naming the URL before any namespace', async () => {
    const url = 'http://127.0.0.1:9/pod.yaml';
    const configPath = await writeConfig('template-url', config(secondJob(url)));
    await withSim(async (_sim, kubeconfig) => {
      await expect(run(configPath, kubeconfig, [], { uuid: 'template-url' })).rejects.toThrow(new RegExp(`objectTemplate ${url.replace(/[./]/g, '\\$&')}: cannot fetch it`));
      expect(await namespacesOf(kubeconfig, 'template-url')).toEqual([]);
    });
  });
});
