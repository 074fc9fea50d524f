import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDestroy } from '../../src/cli/destroy.js';
import { startSimTarget } from '../../src/cli/sim-child.js';
import { runBenchmark, type RunOptions } from '../../src/engine/run.js';
import { connectCluster } from '../../src/kube/index.js';
import { createLogger } from '../../src/shared/log.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { expectHealthyExit } from '../helpers/healthy-exit.js';

/** burn's engine against the simulator over HTTPS, as against a real cluster. */

let dir: string;
const lines: string[] = [];
const log = createLogger('info', (line) => void lines.push(line));

async function simWith(nodes: number, profile = 'default'): Promise<{ sim: RunningSim; kubeconfig: string }> {
  const kubeconfig = join(dir, `kubeconfig-${nodes}-${Math.random().toString(36).slice(2)}`);
  const sim = await startSim({ nodes, kubeconfigOut: kubeconfig, seed: 7, profile });
  return { sim, kubeconfig };
}

function run(kubeconfig: string, configPath: string, extra: Partial<RunOptions> = {}) {
  return runBenchmark({ configPath, kubeconfig, reportDir: join(dir, `run-${Math.random().toString(36).slice(2)}`), log, tty: false, ...extra });
}

async function burnNamespaces(kubeconfig: string, uuid: string): Promise<string[]> {
  const client = await connectCluster({ kubeconfig });
  try {
    return (await client.list('v1', 'Namespace', { labelSelector: `burn.dev/uuid=${uuid}` })).filter((n) => !n.metadata.deletionTimestamp).map((n) => n.metadata.name!);
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-engine-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('burn init against the simulator', () => {
  it('runs the quickstart: creates, waits, deletes, cleans up, grades, writes the run folder', async () => {
    const { sim, kubeconfig } = await simWith(3);
    try {
      const outcome = await run(kubeconfig, 'configs/quickstart.yaml');
      expect(outcome.reason).toBe('completed');
      expectHealthyExit(outcome.exitCode);
      const summaries = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8'));
      expect(summaries.map((s: any) => [s.jobName, s.passed, s.objectsCreated, s.target])).toEqual([
        ['quickstart', true, 15, 'real'],
        ['quickstart-delete', true, 15, 'real'],
      ]);
      expect(summaries[0].achievedQps).toBeGreaterThan(0);
      expect(summaries[0].metricName).toBe('jobSummary');
      const slo = JSON.parse(await readFile(join(outcome.reportDir, 'slo.json'), 'utf8'));
      expect(slo.passed).toBe(true);
      expect(slo.verdicts.some((v: any) => v.slo === 'Pod startup latency')).toBe(true);
      expect(await burnNamespaces(kubeconfig, outcome.uuid)).toEqual([]);
    } finally {
      await sim.stop();
    }
  });

  it('explains pods that never became ready, says what is left and how to remove it', async () => {
    const { sim, kubeconfig } = await simWith(1);
    try {
      lines.length = 0;
      const outcome = await run(kubeconfig, 'configs/seed-too-many-pods.yaml', { set: ['jobs.0.jobIterations=120', 'jobs.0.maxWaitTimeout=6s'] });
      expect(outcome.exitCode).toBe(1);
      expect(outcome.reason).toBe('failed');
      const [explanation] = outcome.record.explanations;
      expect(explanation).toMatch(/^\d+ pods? Pending: 0\/1 nodes are available: 1 Too many pods\./);
      expect(lines.join('')).toContain(`remove it with: burn destroy --uuid ${outcome.uuid}`);
      const runJson = JSON.parse(await readFile(join(outcome.reportDir, 'run.json'), 'utf8'));
      expect(runJson.explanations).toEqual(outcome.record.explanations);
      expect(runJson.created).toBe('120 namespaces, 120 Deployment');

      expect(await burnNamespaces(kubeconfig, outcome.uuid)).toHaveLength(120);
      const printed: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => (printed.push(chunk), true)) as typeof process.stdout.write;
      try {
        await runDestroy({ uuid: outcome.uuid, kubeconfig, wait: 30_000, logLevel: 'warn' });
        await runDestroy({ uuid: outcome.uuid, kubeconfig, wait: 30_000, logLevel: 'warn' });
      } finally {
        process.stdout.write = write;
      }
      expect(printed[0]).toMatch(/^removed 120 namespace\(s\)/);
      expect(printed[1]).toBe(`nothing of run ${outcome.uuid} is left on the cluster\n`);
      expect(await burnNamespaces(kubeconfig, outcome.uuid)).toEqual([]);
    } finally {
      await sim.stop();
    }
  });

  it('runs a kube-burner config with podWait, churn and a delete job unmodified', async () => {
    const { sim, kubeconfig } = await simWith(3);
    try {
      const outcome = await run(kubeconfig, 'configs/churn.yaml', { set: ['jobs.0.jobIterations=4', 'jobs.0.churnConfig.cycles=2', 'jobs.0.churnConfig.delay=200ms', 'jobs.0.churnConfig.percent=50'] });
      expectHealthyExit(outcome.exitCode);
      const [create, del] = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8'));
      expect(create.churnCycles).toBe(2);
      expect(create.passed).toBe(true);
      expect(del.objectsCreated).toBe(16);
      expect(await burnNamespaces(kubeconfig, outcome.uuid)).toEqual([]);
    } finally {
      await sim.stop();
    }
  });

  it('patches with every patch type and reads, after preloading images', async () => {
    const { sim, kubeconfig } = await simWith(3);
    try {
      lines.length = 0;
      const outcome = await run(kubeconfig, 'test/engine/fixtures/patch-read.yaml', { set: ['global.gc=false'] });
      expectHealthyExit(outcome.exitCode, outcome.record.errors.join('; '));
      const summaries = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8'));
      expect(summaries.map((s: any) => [s.jobName, s.passed, s.objectsCreated])).toEqual([
        ['make', true, 4],
        ['merge', true, 4],
        ['json', true, 4],
        ['strategic', true, 4],
        ['apply', true, 4],
        ['read', true, 12],
      ]);
      expect(lines.join('')).toContain('preloading registry.k8s.io/pause:3.10');
      const client = await connectCluster({ kubeconfig });
      try {
        const deployments = await client.list('apps/v1', 'Deployment', { labelSelector: 'app=patched' });
        expect(deployments).toHaveLength(4);
        for (const d of deployments) {
          expect(d.metadata.labels).toMatchObject({ merged: 'merge', applied: 'yes', 'burn.dev/job': 'make' });
          expect(d.metadata.annotations).toMatchObject({ 'json-patched': 'true' });
          expect(d.spec.template.spec.containers[0].env).toEqual([
            { name: 'KEEP', value: 'yes' },
            { name: 'ADDED', value: 'strategic' },
          ]);
        }
        const preload = await client.list('v1', 'Namespace', { labelSelector: 'burn.dev/job=make-preload' });
        expect(preload.filter((n) => !n.metadata.deletionTimestamp)).toEqual([]);
      } finally {
        await client.close();
      }
    } finally {
      await sim.stop();
    }
  });

  it('carries on through 429s, 500s, cut watches and expired resourceVersions (flaky profile)', async () => {
    const { sim, kubeconfig } = await simWith(5, 'flaky');
    try {
      const outcome = await run(kubeconfig, 'configs/cluster-density.yaml', { set: ['jobs.0.jobIterations=10', 'jobs.0.qps=100', 'jobs.0.burst=100'] });
      expect(outcome.exitCode, outcome.record.errors.join('; ')).toBe(0);
      const [summary] = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8'));
      expect(summary.objectsCreated).toBe(300);
      const api = JSON.parse(await readFile(join(outcome.reportDir, 'apiLatencyMeasurement-cluster-density.json'), 'utf8'));
      expect(api.reduce((n: number, key: { retries: number }) => n + key.retries, 0)).toBeGreaterThan(0);
      expect(await burnNamespaces(kubeconfig, outcome.uuid)).toEqual([]);
    } finally {
      await sim.stop();
    }
  });

  it('stops at --timeout with exit 2 and still writes the run folder', async () => {
    const { sim, kubeconfig } = await simWith(1);
    try {
      const outcome = await run(kubeconfig, 'configs/seed-too-many-pods.yaml', { set: ['jobs.0.jobIterations=120', 'jobs.0.qps=5', 'jobs.0.burst=5'], timeoutMs: 1500 });
      expect(outcome.exitCode).toBe(2);
      expect(outcome.reason).toBe('timeout');
      const runJson = JSON.parse(await readFile(join(outcome.reportDir, 'run.json'), 'utf8'));
      expect(runJson.reason).toBe('timeout');
      const [summary] = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8'));
      expect(summary.objectsCreated).toBeGreaterThan(0);
      expect(summary.objectsCreated).toBeLessThan(120);
    } finally {
      await sim.stop();
    }
  });

  it('stops on an interrupt, writes results marked interrupted and runs gc', async () => {
    const { sim, kubeconfig } = await simWith(3);
    try {
      const interrupt = new AbortController();
      setTimeout(() => interrupt.abort(), 1500);
      const outcome = await run(kubeconfig, 'configs/quickstart.yaml', { set: ['jobs.0.jobIterations=50', 'jobs.0.qps=5', 'jobs.0.burst=1'], interrupt: interrupt.signal });
      expect(outcome.reason).toBe('interrupted');
      expect(outcome.exitCode).toBe(1);
      const runJson = JSON.parse(await readFile(join(outcome.reportDir, 'run.json'), 'utf8'));
      expect(runJson.reason).toBe('interrupted');
      expect(await burnNamespaces(kubeconfig, outcome.uuid)).toEqual([]);
    } finally {
      await sim.stop();
    }
  });
});

describe('burn init --sim', () => {
  it('runs against the simulator child the CLI starts, given only its kubeconfig, and says the target was simulated', async () => {
    const sim = await startSimTarget({ nodes: 3, profile: 'default' });
    let outcome;
    try {
      outcome = await runBenchmark({ configPath: 'configs/quickstart.yaml', set: ['jobs.0.jobIterations=2'], kubeconfig: sim.kubeconfigPath, simProfile: 'default', reportDir: join(dir, 'sim-child'), log, tty: false });
    } finally {
      await sim.stop();
    }
    expectHealthyExit(outcome.exitCode);
    expect(JSON.parse(await readFile(join(outcome.reportDir, 'run.json'), 'utf8')).cluster).toMatchObject({ target: 'sim', simProfile: 'default' });
    const [summary] = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8'));
    expect(summary.target).toBe('sim');
    expect(summary.k8sVersion).toMatch(/sim/);
    expect(summary.totalNodes).toBe(3);
  });
});
