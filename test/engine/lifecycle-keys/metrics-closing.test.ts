import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasurementSet } from '../../../src/measure/set.js';
import { measurementPlugins } from '../../../src/measure/plugins.js';
import type { Measurement, MeasurementContext } from '../../../src/measure/types.js';
import type { JobRecord } from '../../../src/report/index.js';
import { nowMs } from '../../../src/shared/clock.js';
import { createLogger } from '../../../src/shared/log.js';
import { burnCli } from '../../helpers/burn-cli.js';
import { expectHealthyExit } from '../../helpers/healthy-exit.js';
import { withSim } from '../../sim/with-sim.js';
import { PAUSE_POD } from './pod-template.js';

/**
 * metricsClosing: where the job's window ends (jobSummary's endTimestamp, the Prometheus range):
 * afterJob before jobPause, afterJobPause after it (the default), afterMeasurements once the
 * measurements stopped. Placed against a beforeCleanup hook, which kube-burner runs just before.
 */

const PAUSE_MS = 4000;
const config = (closing: string) => `jobs:
  - name: closing
    namespace: closing-${closing.toLowerCase()}
    preLoadImages: false
    jobPause: ${PAUSE_MS}ms
    metricsClosing: ${closing}
    hooks: [{cmd: ['true'], when: beforeCleanup}]
    objects:
      - objectTemplate: pod.yaml
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-metrics-closing-'));
  await writeFile(join(dir, 'pod.yaml'), PAUSE_POD);
  for (const c of ['afterJob', 'afterJobPause', 'afterMeasurements']) await writeFile(join(dir, `${c}.yaml`), config(c));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(closing: string, kubeconfig: string): Promise<{ job: JobRecord; runEnd: number; hookEnd: number }> {
  const reportDir = join(dir, `run-${closing}`);
  const ran = await burnCli(['init', '-c', `${closing}.yaml`, '--kubeconfig', kubeconfig, '--report-dir', reportDir], { cwd: dir });
  expectHealthyExit(ran.code, ran.stdout + ran.stderr);
  const record = JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8'));
  const summary = JSON.parse(await readFile(join(reportDir, 'jobSummary.json'), 'utf8'))[0];
  const job: JobRecord = record.jobs[0];
  expect(summary.endTimestamp).toBe(job.end);
  return { job, runEnd: Date.parse(record.end), hookEnd: Date.parse(job.hooks![0]!.end!) };
}

describe('metricsClosing', () => {
  it('afterJob ends the window before jobPause, afterJobPause after it, afterMeasurements after it too', async () => {
    await withSim({ nodes: 1 }, async (sim) => {
      const afterJob = await run('afterJob', sim.kubeconfigPath);
      expect(Date.parse(afterJob.job.end)).toBeGreaterThanOrEqual(afterJob.hookEnd);
      expect(Date.parse(afterJob.job.end)).toBeLessThan(afterJob.hookEnd + PAUSE_MS);
      expect(afterJob.runEnd - Date.parse(afterJob.job.end)).toBeGreaterThanOrEqual(PAUSE_MS);

      const afterPause = await run('afterJobPause', sim.kubeconfigPath);
      expect(Date.parse(afterPause.job.end) - afterPause.hookEnd).toBeGreaterThanOrEqual(PAUSE_MS);

      const afterMeasurements = await run('afterMeasurements', sim.kubeconfigPath);
      expect(Date.parse(afterMeasurements.job.end) - afterMeasurements.hookEnd).toBeGreaterThanOrEqual(PAUSE_MS);
    });
  });

  it('afterMeasurements: the window ends once the other measurements stopped and collected; the Prometheus one is collected over it', async () => {
    const seen: Record<string, number> = {};
    let windowEndSeenByPrometheus: number | undefined;
    const slow = (name: string): Measurement => ({
      name,
      start: async () => undefined,
      stop: async () => {
        await new Promise((r) => setTimeout(r, 300));
        seen[`${name} stopped`] = nowMs();
      },
      collect: async () => ({ name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [] }),
    });
    let ctx: MeasurementContext | undefined;
    const windowReader: Measurement = {
      name: 'prometheus',
      readsWindowEnd: true,
      start: async (c) => void (ctx = c),
      stop: async () => undefined,
      collect: async () => {
        windowEndSeenByPrometheus = ctx!.window().endMs;
        return { name: 'prometheus', documents: [], quantiles: [], thresholds: [], slis: [], errors: [] };
      },
    };
    const saved = { ...measurementPlugins };
    try {
      Object.assign(measurementPlugins, {
        'test-slow-a': { name: 'test-slow-a', jobTypes: 'all', parseOptions: () => ({}), create: () => slow('test-slow-a') },
        prometheus: { ...measurementPlugins.prometheus!, create: () => windowReader },
      });
      const set = new MeasurementSet({
        entries: [
          { name: 'prometheus', options: {} },
          { name: 'test-slow-a', options: {} },
        ],
        metricsEndpoints: [],
        client: {} as never,
        uuid: 'u',
        runId: 'r',
        jobName: 'j',
        labelSelector: '',
        log: createLogger('error', () => undefined),
      });
      await set.start();
      const results = await set.stopAndCollect({ windowEndsAfterMeasurements: true });
      expect(results.map((r) => r.name)).toEqual(['prometheus', 'test-slow-a']);
      expect(set.window().endMs).toBeGreaterThanOrEqual(seen['test-slow-a stopped']!);
      expect(windowEndSeenByPrometheus).toBe(set.window().endMs);
    } finally {
      for (const key of Object.keys(measurementPlugins)) if (!(key in saved)) delete measurementPlugins[key];
      Object.assign(measurementPlugins, saved);
    }
  });
});
