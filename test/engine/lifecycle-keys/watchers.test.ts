import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord, WatcherRecord } from '../../../src/report/index.js';
import { burnCli } from '../../helpers/burn-cli.js';
import { expectHealthyExit } from '../../helpers/healthy-exit.js';
import { withSim } from '../../sim/with-sim.js';

/** kube-burner's job watchers through the real CLI against the simulator: list+watch streams held for the job, started before it creates anything. */

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p-{{ .Iteration }}
  labels: {app: watched}
spec:
  containers:
    - name: c
      image: registry.k8s.io/pause:3.10
`;

const config = (watchers: string) => `jobs:
  - name: watching
    namespace: watching
    jobIterations: 3
    qps: 20
    burst: 20
    preLoadImages: false
    waitWhenFinished: true
    watchers:
${watchers}
    objects:
      - objectTemplate: pod.yaml
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-watchers-'));
  await writeFile(join(dir, 'pod.yaml'), POD);
  await writeFile(join(dir, 'watch.yaml'), config('      - {kind: Pod, apiVersion: v1, labelSelector: {app: watched}, replicas: 2}\n      - {kind: ConfigMap, labelSelector: {app: watched}}'));
  await writeFile(join(dir, 'unknown.yaml'), config('      - {kind: Nope, apiVersion: v1}'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function jobRecord(reportDir: string): Promise<JobRecord> {
  return JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8')).jobs[0];
}

describe('watchers', () => {
  it('each replica lists and watches its kind across namespaces for the whole job, from before the first object', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const reportDir = join(dir, 'watch-run');
      const ran = await burnCli(['init', '-c', 'watch.yaml', '--kubeconfig', sim.kubeconfigPath, '--report-dir', reportDir], { cwd: dir });
      expectHealthyExit(ran.code, ran.stdout + ran.stderr);
      expect(ran.stdout + ran.stderr).toMatch(/job watching: 3 of 3 watcher\(s\) listed and watching/);
      const job = await jobRecord(reportDir);
      const watchers: WatcherRecord[] = job.watchers!;
      expect(watchers.map((w) => w.name)).toEqual(['pod_watcher_1_replica_1', 'pod_watcher_1_replica_2', 'configmap_watcher_2_replica_1']);
      for (const w of watchers.slice(0, 2)) {
        expect(w, JSON.stringify(w)).toMatchObject({ kind: 'Pod', apiVersion: 'v1', labelSelector: 'app=watched', synced: true, objectsAtSync: 0, objectsAtStop: 3, deleted: 0 });
        // every pod of the job arrived on the watch, and so did their status changes up to Ready
        expect(w.added).toBe(3);
        expect(w.modified).toBeGreaterThanOrEqual(3);
      }
      expect(watchers[2]).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', synced: true, objectsAtSync: 0, added: 0, objectsAtStop: 0 });
    });
  });

  it('a watcher of a kind the cluster does not serve fails the job, naming it', async () => {
    await withSim({ nodes: 1 }, async (sim) => {
      const reportDir = join(dir, 'unknown-run');
      const ran = await burnCli(['init', '-c', 'unknown.yaml', '--kubeconfig', sim.kubeconfigPath, '--report-dir', reportDir], { cwd: dir });
      expect(ran.code, ran.stdout + ran.stderr).toBe(1);
      const job = await jobRecord(reportDir);
      expect(job.passed).toBe(false);
      expect(job.errors.join('\n')).toMatch(/^watcher nope_watcher_1_replica_1 \(Nope v1\) did not start: .*Nope/m);
      expect(job.watchers![0]).toMatchObject({ name: 'nope_watcher_1_replica_1', synced: false });
    });
  });
});
