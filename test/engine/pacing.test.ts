import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark, type RunOptions } from '../../src/engine/run.js';
import { createLogger } from '../../src/shared/log.js';
import { withSim } from '../sim/with-sim.js';
import { expectHealthyExit } from '../helpers/healthy-exit.js';

/** kube-burner's pacing keys (waitOptions per object, ...) through burn's engine against the simulator. */

const FIXTURES = 'test/engine/fixtures/pacing';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-pacing-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(kubeconfig: string, config: string, extra: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const log = createLogger('info', (line) => void lines.push(line));
  const outcome = await runBenchmark({ configPath: join(FIXTURES, config), kubeconfig, reportDir: join(dir, `run-${Math.random().toString(36).slice(2)}`), log, tty: false, ...extra });
  const jobs = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8')) as Array<Record<string, any>>;
  return { ...outcome, jobs, lines };
}

describe('waitOptions apply to their own object only', () => {
  it('waits for a Deployment by its customStatusPaths and for Pods, Jobs, Services and Secrets by their own rules', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const outcome = await run(sim.kubeconfigPath, 'wait-options.yaml');
      expectHealthyExit(outcome.exitCode, JSON.stringify({ reason: outcome.reason, errors: outcome.record.errors, job: outcome.jobs[0] }));
      expect(outcome.jobs[0].passed).toBe(true);
      expect(outcome.jobs[0].objectsCreated).toBe(2 * 4 + 1);
    });
  }, 120_000);

  it('waits for the children waitOptions.kind names, in every namespace, instead of the object itself', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const ok = await run(sim.kubeconfigPath, 'wait-kind.yaml');
      expectHealthyExit(ok.exitCode, JSON.stringify(ok.record.errors));
      // Pods that can never be scheduled: the Service (no wait of its own) now waits for them.
      const stuck = await run(sim.kubeconfigPath, 'wait-kind.yaml', { set: ['jobs.0.namespace=wait-kind-stuck', 'jobs.0.maxWaitTimeout=3s', 'jobs.0.objects.0.inputVars.cpu=1000'] });
      expect(stuck.exitCode).not.toBe(0);
      expect(stuck.jobs[0].executionErrors).toMatch(/2 objects not ready after maxWaitTimeout 3s/);
    });
  }, 120_000);
});

describe('churn waits until what it deleted is gone before re-creating it', () => {
  for (const mode of ['namespaces', 'objects']) {
    it(`mode ${mode}: past maxWaitTimeout, however long the deletion takes`, async () => {
      await withSim({ nodes: 1 }, async (sim) => {
        const client = await sim.connect();
        const running = run(sim.kubeconfigPath, 'churn-held.yaml', { set: [`jobs.0.churnConfig.mode=${mode}`] });
        const held = async () => (await client.get('v1', 'ConfigMap', 'held-0-1', 'churn-held-0', { notFoundOk: true }))?.metadata.deletionTimestamp;
        for (let tries = 0; !(await held()); tries++) {
          if (tries > 600) throw new Error('churn never deleted the ConfigMap');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // Held for twice the job's maxWaitTimeout (2s), then released.
        await new Promise((resolve) => setTimeout(resolve, 4000));
        await client.patch('v1', 'ConfigMap', 'held-0-1', 'churn-held-0', JSON.stringify({ metadata: { finalizers: null } }), 'merge');
        const outcome = await running;
        expect(outcome.jobs[0].executionErrors ?? '').toBe('');
        expect(outcome.jobs[0].churnCycles).toBe(1);
        expect(outcome.jobs[0].passed).toBe(true);
        const recreated = await client.get('v1', 'ConfigMap', 'held-0-1', 'churn-held-0');
        expect(recreated.metadata.deletionTimestamp).toBeUndefined();
      });
    }, 120_000);
  }
});


describe('a namespace the job needs that is still terminating', () => {
  it('is waited for until gone, then created again (kube-burner retries while it terminates)', async () => {
    await withSim({ nodes: 1 }, async (sim) => {
      const client = await sim.connect();
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leftover-0' } });
      await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'leftover-0', finalizers: ['burn.test/hold'] } });
      await client.delete('v1', 'Namespace', 'leftover-0');
      const running = run(sim.kubeconfigPath, 'churn-held.yaml', { set: ['jobs.0.namespace=leftover', 'jobs.0.churnConfig.cycles=0'] });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await client.patch('v1', 'ConfigMap', 'old', 'leftover-0', JSON.stringify({ metadata: { finalizers: null } }), 'merge');
      const outcome = await running;
      expect(outcome.jobs[0].executionErrors ?? '').toBe('');
      expect(outcome.jobs[0].objectsCreated).toBe(1);
      const ns = await client.get('v1', 'Namespace', 'leftover-0');
      expect(ns.metadata.labels?.['burn.dev/uuid']).toBe(outcome.uuid);
    });
  }, 120_000);
});

describe('grouped execution (object key group)', () => {
  it('runs group 1 through every iteration, deletes its gc objects, then runs group 2; objects carry kube-burner.io/group', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const client = await sim.connect();
      const events: string[] = [];
      const watches = (['ConfigMap', 'Deployment'] as const).map((kind) =>
        client.watchResources({
          apiVersion: kind === 'ConfigMap' ? 'v1' : 'apps/v1',
          kind,
          labelSelector: 'kube-burner.io/group',
          onEvent: (type, obj) => void events.push(`${type} ${kind} ${obj.metadata.labels?.['kube-burner.io/group']}`),
        }),
      );
      await Promise.all(watches.map((w) => w.synced));
      try {
        const outcome = await run(sim.kubeconfigPath, 'groups.yaml');
        expectHealthyExit(outcome.exitCode, JSON.stringify(outcome.record.errors));
        expect(outcome.jobs[0].objectsCreated).toBe(2 * 3 + 2);
        // Every ConfigMap was created and deleted before the first Deployment was created.
        const firstDeployment = events.indexOf('ADDED Deployment 2');
        expect(firstDeployment).toBeGreaterThan(0);
        expect(events.slice(0, firstDeployment).filter((e) => e === 'ADDED ConfigMap 1')).toHaveLength(6);
        expect(events.slice(0, firstDeployment).filter((e) => e === 'DELETED ConfigMap 1')).toHaveLength(6);
        expect(await client.list('v1', 'ConfigMap', { labelSelector: 'kube-burner.io/group=1' })).toHaveLength(0);
        expect(await client.list('apps/v1', 'Deployment', { labelSelector: 'kube-burner.io/group=2' })).toHaveLength(2);
      } finally {
        await Promise.all(watches.map((w) => w.stop()));
      }
    });
  }, 120_000);
});

describe('incrementalLoad', () => {
  it('runs growing steps, each created, verified, health-checked and deleted before the next', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const client = await sim.connect();
      const added: string[] = [];
      const watch = client.watchResources({ apiVersion: 'v1', kind: 'Namespace', labelSelector: 'burn.dev/job=grow', onEvent: (type, ns) => void (type === 'ADDED' && added.push(ns.metadata.name!)) });
      await watch.synced;
      try {
        const outcome = await run(sim.kubeconfigPath, 'incremental.yaml');
        expectHealthyExit(outcome.exitCode, JSON.stringify(outcome.record.errors));
        expect(outcome.jobs[0].objectsCreated).toBe((1 + 2 + 3) * 2);
        // Every step starts from nothing: grow-0 three times, grow-1 twice, grow-2 once.
        expect(added.sort()).toEqual(['grow-0', 'grow-0', 'grow-0', 'grow-1', 'grow-1', 'grow-2']);
        expect((await client.list('v1', 'Namespace', { labelSelector: `burn.dev/uuid=${outcome.uuid}` })).filter((n) => !n.metadata.deletionTimestamp)).toEqual([]);
      } finally {
        await watch.stop();
      }
    });
  }, 180_000);

  it('stops at the first step whose health check script fails, saying why', async () => {
    await withSim({ nodes: 1 }, async (sim) => {
      const outcome = await run(sim.kubeconfigPath, 'incremental.yaml', { set: ['jobs.0.incrementalLoad.healthCheckScript=unhealthy.sh now'] });
      expect(outcome.exitCode).not.toBe(0);
      expect(outcome.jobs[0].objectsCreated).toBe(2);
      expect(outcome.jobs[0].executionErrors).toMatch(/health check script .*unhealthy\.sh failed after incremental step 1 \(exit 3\): cluster is sick: now/);
    });
  }, 120_000);
});

describe('patch jobs: executionMode and objectWait', () => {
  const modes: Array<[string, string[], boolean]> = [
    ['parallel (the default) waits for the patched objects at the end', [], false],
    ['sequential with objectWait waits for each object', ['jobs.1.executionMode=sequential', 'jobs.1.objectWait=true', 'jobs.1.waitWhenFinished=false'], false],
    ['sequential without objectWait nor waitWhenFinished does not wait', ['jobs.1.executionMode=sequential', 'jobs.1.waitWhenFinished=false'], true],
  ];
  for (const [name, set, passes] of modes) {
    it(name, async () => {
      await withSim({ nodes: 1 }, async (sim) => {
        const outcome = await run(sim.kubeconfigPath, 'patch-modes.yaml', { set });
        const patch = outcome.jobs[1];
        expect(patch.objectsCreated).toBe(2);
        if (passes) expect(patch.executionErrors ?? '').toBe('');
        else expect(patch.executionErrors).toMatch(/job "break": 2 objects not ready after maxWaitTimeout 3s/);
      });
    }, 120_000);
  }
});
