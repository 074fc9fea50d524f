/**
 * Every pod waited for counts: with configs/seed-too-many-pods.yaml at 120 iterations on a
 * one-node simulator, the pods the node has no room for stay Pending; they enter the pod startup
 * SLI beyond the threshold, so the SLO fails and the result says how many never started.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/engine/run.js';
import type { PodStartupSli } from '../../src/measure/types.js';
import { createLogger } from '../../src/shared/log.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

let dir: string;
let sim: RunningSim;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-never-ready-'));
  sim = await startSim({ nodes: 1, seed: 7, kubeconfigOut: join(dir, 'kubeconfig') });
}, 60_000);
afterAll(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pods that never became ready', () => {
  it('fail the pod startup SLI and are counted (seed-too-many-pods, ITERATIONS=120, --sim with one node)', async () => {
    const outcome = await runBenchmark({
      configPath: 'configs/seed-too-many-pods.yaml',
      kubeconfig: join(dir, 'kubeconfig'),
      reportDir: join(dir, 'run'),
      log: createLogger('warn', () => undefined),
      tty: false,
      set: ['jobs.0.jobIterations=120', 'jobs.0.maxWaitTimeout=6s'],
    });
    const startup = outcome.record.jobs.flatMap((j) => j.measurements).flatMap((r) => r.slis).find((s): s is PodStartupSli => s.sli === 'podStartup' && s.source === 'watch')!;
    // The node holds 110 pods, some of them system pods: at least 10 of the 120 stay Pending.
    expect(startup.neverReady).toBeGreaterThanOrEqual(10);
    expect(startup.count).toBe(120);
    expect(startup.p99).toBe(Number.POSITIVE_INFINITY);
    const slo = JSON.parse(await readFile(join(outcome.reportDir, 'slo.json'), 'utf8'));
    const verdict = slo.verdicts.find((v: any) => v.slo === 'Pod startup latency' && v.binding);
    expect(verdict.passed).toBe(false);
    expect(slo.passed).toBe(false);
  }, 300_000);
});
