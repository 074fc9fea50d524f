// The storage measurements and pprof on a real control plane with kwok nodes (no provisioner, no
// snapshot CRDs, no containers): burn profiles the real kube-apiserver through its own connection,
// says that claims stay Pending without giving them a figure, refuses volumeSnapshotLatency before
// any load, and reports an exec into a kwok pod as the failure it is.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlJson, uniqueName } from './cluster.js';
import { burnInit, removeScratch } from './fixtures/burn-run.js';

const dirs: string[] = [];

async function config(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-e2e-storage-'));
  dirs.push(dir);
  await writeFile(join(dir, 'claim.yml'), 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: claim-{{ .Iteration }}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n');
  await writeFile(join(dir, 'pod.yml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: pp-{{ .Iteration }}\n  labels: {app: pp}\nspec:\n  containers:\n  - name: c\n    image: registry.k8s.io/pause:3.10\n');
  await writeFile(join(dir, 'c.yaml'), text.replaceAll('DIR', dir));
  return join(dir, 'c.yaml');
}

afterAll(async () => {
  await removeScratch();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('storage measurements and pprof on a real control plane', () => {
  it('profiles the real kube-apiserver and says the claims nothing binds stay Pending', async () => {
    const ns = uniqueName('burn-e2e-pvc');
    const path = await config(`global:
  measurements:
    - name: pprof
      pprofTargets:
        - {name: apiserver-heap, url: /debug/pprof/heap}
    - name: pvcLatency
jobs:
  - name: claims
    namespace: ${ns}
    namespacedIterations: false
    jobIterations: 2
    preLoadImages: false
    jobPause: 2s
    objects:
      - objectTemplate: DIR/claim.yml
        replicas: 1
        wait: false
`);
    const run = await burnInit(path, { reportDir: join(dirs.at(-1)!, 'run') });
    const folder = join(dirs.at(-1)!, 'run');
    const profiles = (await readdir(join(folder, 'pprof'))).sort();
    expect(profiles).toEqual(['apiserver-heap-apiserver-claims-end.pprof', 'apiserver-heap-apiserver-claims-start.pprof']);
    for (const f of profiles) {
      const bytes = await readFile(join(folder, 'pprof', f));
      expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // a gzipped profile.proto, as Go's net/http/pprof writes
      expect(bytes.length).toBeGreaterThan(1000);
    }
    // Without a provisioner (or a StorageClass), the claims stay Pending: said, never given a figure.
    const claims = await kubectlJson<{ items: Array<{ status: { phase: string } }> }>(['get', 'pvc', '-n', ns]);
    expect(claims.items.map((c) => c.status.phase)).toEqual(['Pending', 'Pending']);
    expect(run.log.join('\n')).toMatch(/2 of 2 PersistentVolumeClaims \(storage class unknown\) were still Pending when the measurement stopped/);
    expect((await readdir(folder)).filter((f) => f.startsWith('pvcLatency'))).toEqual([]);
  }, 300_000);

  it('refuses volumeSnapshotLatency before any load on a cluster without the VolumeSnapshot CRDs', async () => {
    const ns = uniqueName('burn-e2e-vs');
    const path = await config(`jobs:
  - name: snaps
    namespace: ${ns}
    jobIterations: 1
    preLoadImages: false
    objects:
      - objectTemplate: DIR/pod.yml
        replicas: 1
    measurements:
      - name: volumeSnapshotLatency
`);
    await expect(burnInit(path)).rejects.toThrow(/volumeSnapshotLatency cannot measure anything: the cluster does not serve snapshot\.storage\.k8s\.io\/v1 \(the VolumeSnapshot CRDs are not installed\)/);
    const namespaces = await kubectlJson<{ items: Array<{ metadata: { name: string } }> }>(['get', 'namespaces']);
    expect(namespaces.items.map((n) => n.metadata.name).filter((n) => n.startsWith(ns))).toEqual([]);
  }, 120_000);

  it('reports an exec into a kwok pod as a failure of pprof, with the API server\'s reason, and writes no file', async () => {
    const ns = uniqueName('burn-e2e-pprof');
    const path = await config(`jobs:
  - name: pods
    namespace: ${ns}
    namespacedIterations: false
    jobIterations: 1
    preLoadImages: false
    objects:
      - objectTemplate: DIR/pod.yml
        replicas: 1
    measurements:
      - name: pprof
        pprofTargets:
          - {name: pp-heap, namespace: ${ns}, labelSelector: {app: pp}, url: "https://localhost:6060/debug/pprof/heap"}
`);
    const run = await burnInit(path, { reportDir: join(dirs.at(-1)!, 'run') });
    expect(run.outcome.exitCode).toBe(4);
    const slo = JSON.parse(await readFile(join(dirs.at(-1)!, 'run', 'slo.json'), 'utf8')) as { verdicts: Array<{ source: string; message: string; passed: boolean }> };
    const pprof = slo.verdicts.filter((v) => v.source === 'pprof');
    expect(pprof.map((v) => v.message)).toEqual([
      `pprof target pp-heap: namespace ${ns}: no profile: no pod matches app=pp`,
      expect.stringMatching(new RegExp(`^pprof target pp-heap: pod ${ns}/pp-0: no profile: exec in pod ${ns}/pp-0 failed: .*kwok`)),
    ]);
    expect(await readdir(join(dirs.at(-1)!, 'run', 'pprof'))).toEqual([]);
  }, 300_000);
});
