import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate.js';
import { runBenchmark } from '../../src/engine/run.js';
import { createLogger } from '../../src/shared/log.js';
import { startSim } from '../../src/sim/index.js';
import { expectHealthyExit } from '../helpers/healthy-exit.js';

/**
 * Every config shipped in configs/ passes `burn validate` and then runs, unmodified, on the simulator:
 * what validate accepts, a run must not refuse (the seed configs once failed at job start with
 * `unknown measurement "none"` after validate had said they were valid).
 */

/**
 * Only how long a config waits, shortened for the run (validate sees these too, and the config as
 * shipped): hpa-scale-out's traffic stages (its documented RAMP and HOLD, 80 s of traffic by
 * default; test/traffic/hpa-scale-out.test.ts tells its story with the same stages) and churn's
 * 10 s pause between cycles.
 */
const SHORTER: Record<string, { userData?: Record<string, string>; set?: string[] }> = {
  'hpa-scale-out.yaml': { userData: { RAMP: '10s', HOLD: '25s' } },
  'churn.yaml': { set: ['jobs.0.churnConfig.delay=1s'] },
};

const root = join(import.meta.dirname, '../..');
const shipped = readdirSync(join(root, 'configs')).filter((f) => f.endsWith('.yaml')).sort();
/** seed-delete removes what the other seed configs leave (deployments labelled kube-burner-job=delete-me): it runs after one of them. */
const AFTER: Record<string, string> = { 'seed-delete.yaml': 'seed-one-deployment.yaml' };
const first = shipped.filter((name) => !AFTER[name]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-configs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('configs/', () => {
  it('holds configs, and every one of them is run below', () => {
    expect(shipped.length).toBeGreaterThan(5);
    for (const [then, before] of Object.entries(AFTER)) expect(shipped, `${then} runs after ${before}`).toContain(before);
  });

  it.each(first)('%s passes validate and runs on the simulator', async (name) => {
    const files = [name, ...Object.keys(AFTER).filter((then) => AFTER[then] === name)];
    const kubeconfig = join(dir, `${name}.kubeconfig`);
    const sim = await startSim({ nodes: 10, kubeconfigOut: kubeconfig, seed: 1 });
    try {
      for (const file of files) {
        const configPath = join('configs', file);
        const shorter = SHORTER[file];
        const userData = shorter?.userData ? join(dir, `${file}.user-data.json`) : undefined;
        if (userData) await writeFile(userData, JSON.stringify(shorter!.userData));
        const set = shorter?.set;
        // As shipped, and as run.
        for (const options of shorter ? [{}, { userData, set }] : [{}]) {
          let plan = '';
          await runValidate({ config: configPath, ...options }, (text) => (plan += text));
          expect(plan, file).toContain(`${configPath}: valid`);
        }

        const lines: string[] = [];
        const outcome = await runBenchmark({ configPath, userData, set, kubeconfig, reportDir: join(dir, file), log: createLogger('info', (line) => void lines.push(line)), tty: false });
        const why = [...outcome.record.errors, ...outcome.record.jobs.flatMap((j) => j.errors)].join('; ');
        expect(outcome.reason, `${file}: ${why}`).toBe('completed');
        expectHealthyExit(outcome.exitCode, `${file}: ${why}`);
        expect(outcome.record.jobs.map((j) => [j.name, j.passed]), file).toEqual(outcome.record.jobs.map((j) => [j.name, true]));
      }
    } finally {
      await sim.stop();
    }
  }, 600_000);
});
