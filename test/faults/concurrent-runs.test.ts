import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSim } from '../sim/with-sim.js';
import { burn, countOfRun, FIXTURES, readJson } from './harness.js';

/** Two runs against one cluster at the same time: neither loses objects, neither deletes the other's. */

describe('two concurrent runs against one simulator', () => {
  it('in their own namespaces: both complete, and the first one\'s gc leaves the second one\'s objects alone', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const client = await sim.connect();
      const start = (uuid: string, env: Record<string, string>) =>
        burn(['init', '-c', join(FIXTURES, 'configmaps.yaml'), '--kubeconfig', sim.kubeconfigPath, '--uuid', uuid, '--report-dir', join(sim.dir, uuid)], env);
      const a = start('run-a', { NAMESPACE: 'conc-a', ITERATIONS: '30', GC: 'true' });
      const b = start('run-b', { NAMESPACE: 'conc-b', ITERATIONS: '60', GC: 'false' });
      const [ranA, ranB] = await Promise.all([a.done, b.done]);
      expect(ranA.code === 0 || ranA.code === 5, ranA.stderr).toBe(true);
      expect(ranB.code === 0 || ranB.code === 5, ranB.stderr).toBe(true);
      expect((await readJson(join(sim.dir, 'run-a', 'jobSummary.json')))[0].objectsCreated).toBe(60);
      expect((await readJson(join(sim.dir, 'run-b', 'jobSummary.json')))[0].objectsCreated).toBe(120);
      expect(await countOfRun(client, 'ConfigMap', 'run-a')).toBe(0);
      expect(await countOfRun(client, 'ConfigMap', 'run-b')).toBe(120);
      expect(await countOfRun(client, 'Namespace', 'run-b')).toBe(1);
    });
  }, 300_000);

  it('sharing a namespace name: the second run refuses the namespace the first one owns, naming its uuid; the first keeps everything', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const client = await sim.connect();
      const start = (uuid: string, env: Record<string, string>) =>
        burn(['init', '-c', join(FIXTURES, 'configmaps.yaml'), '--kubeconfig', sim.kubeconfigPath, '--uuid', uuid, '--report-dir', join(sim.dir, uuid)], env);
      const a = start('owner-run', { NAMESPACE: 'shared', ITERATIONS: '60', GC: 'false' });
      const b = start('other-run', { NAMESPACE: 'shared', ITERATIONS: '30', GC: 'true' });
      const [ranA, ranB] = await Promise.all([a.done, b.done]);
      const runs = [
        { uuid: 'owner-run', ran: ranA, objects: 120 },
        { uuid: 'other-run', ran: ranB, objects: 60 },
      ];
      const failed = runs.filter((r) => r.ran.code === 1);
      const passed = runs.filter((r) => r.ran.code === 0 || r.ran.code === 5);
      // Whichever made the namespace first owns it; the other fails at once and says whose it is.
      expect(failed, runs.map((r) => `${r.uuid}: ${r.ran.code} ${r.ran.stderr}`).join('\n')).toHaveLength(1);
      expect(passed).toHaveLength(1);
      const [winner, loser] = [passed[0]!, failed[0]!];
      expect(loser.ran.stderr).toContain(winner.uuid);
      expect(await countOfRun(client, 'ConfigMap', loser.uuid)).toBe(0);
      if (winner.uuid === 'owner-run') expect(await countOfRun(client, 'ConfigMap', 'owner-run')).toBe(120);
      else expect(await countOfRun(client, 'ConfigMap', 'other-run')).toBe(0); // its own gc
    });
  }, 300_000);
});
