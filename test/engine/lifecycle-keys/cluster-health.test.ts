import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClusterHealth, nodeProblems } from '../../../src/engine/cluster-health.js';
import { burnCli } from '../../helpers/burn-cli.js';
import { expectHealthyExit } from '../../helpers/healthy-exit.js';
import { withSim, type TestSim } from '../../sim/with-sim.js';
import { PAUSE_POD } from './pod-template.js';

/** global.clusterHealth: kube-burner's check (API server /healthz "ok", every node Ready and free of pressure) before anything is created. */


const CONFIG = `global:
  clusterHealth: true
jobs:
  - name: health
    namespace: health-ns
    jobIterations: 1
    preLoadImages: false
    objects:
      - objectTemplate: pod.yaml
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-cluster-health-'));
  await writeFile(join(dir, 'pod.yaml'), PAUSE_POD);
  await writeFile(join(dir, 'c.yaml'), CONFIG);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setCondition(sim: TestSim, node: string, type: string, status: string): Promise<void> {
  const client = await sim.connect();
  const current = (await client.request<{ status: { conditions: Array<{ type: string; status: string }> } }>({ method: 'GET', path: `/api/v1/nodes/${node}` })).status.conditions;
  const conditions = current.map((c) => (c.type === type ? { ...c, status, reason: 'TestSaysSo', message: `set by the test` } : c));
  await client.request({ method: 'PATCH', path: `/api/v1/nodes/${node}/status`, body: { status: { conditions } }, contentType: 'application/merge-patch+json' });
}

describe('clusterHealth', () => {
  it('judges node conditions as kube-burner does: Ready must be True, every other condition False', () => {
    expect(nodeProblems('n1', [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }])).toEqual([]);
    expect(nodeProblems('n1', [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }])).toEqual(['node n1 is not Ready (Ready=Unknown, NodeStatusUnknown)']);
    expect(nodeProblems('n1', [{ type: 'DiskPressure', status: 'Unknown' }])).toEqual(['node n1 has DiskPressure=Unknown']);
  });

  it('a healthy cluster: the run goes ahead and says it checked', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const ran = await burnCli(['init', '-c', 'c.yaml', '--kubeconfig', sim.kubeconfigPath, '--report-dir', join(dir, 'healthy')], { cwd: dir });
      expectHealthyExit(ran.code, ran.stdout + ran.stderr);
      expect(ran.stdout + ran.stderr).toMatch(/cluster health: the API server is healthy and all 2 node\(s\) are Ready/);
      expect(await checkClusterHealth(await sim.connect())).toEqual({ healthy: true, nodes: 2, problems: [] });
    });
  });

  it('a NotReady node and a node under DiskPressure: refused before anything is created, naming the key and both nodes', async () => {
    await withSim({ nodes: 3 }, async (sim) => {
      const client = await sim.connect();
      const names = (await client.list('v1', 'Node')).map((n) => n.metadata.name!).sort();
      await setCondition(sim, names[0]!, 'Ready', 'False');
      await setCondition(sim, names[1]!, 'DiskPressure', 'True');
      const health = await checkClusterHealth(client);
      expect(health.healthy).toBe(false);
      expect(health.problems).toEqual([`node ${names[0]} is not Ready (Ready=False, TestSaysSo: set by the test)`, `node ${names[1]} has DiskPressure=True (TestSaysSo: set by the test)`]);

      const ran = await burnCli(['init', '-c', 'c.yaml', '--kubeconfig', sim.kubeconfigPath, '--report-dir', join(dir, 'unhealthy')], { cwd: dir });
      expect(ran.code, ran.stdout + ran.stderr).toBe(1);
      expect(ran.stderr).toMatch(/c\.yaml:2:\d+: clusterHealth: the cluster is not healthy, nothing was created/);
      expect(ran.stderr).toContain(`node ${names[0]} is not Ready`);
      expect(ran.stderr).toContain(`node ${names[1]} has DiskPressure=True`);
      expect(await client.list('v1', 'Namespace', { labelSelector: 'kubernetes.io/metadata.name=health-ns' })).toEqual([]);
      expect(await readdir(dir)).not.toContain('unhealthy');
    });
  });
});
