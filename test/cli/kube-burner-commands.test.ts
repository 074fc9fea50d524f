/**
 * kube-burner's subcommands and flags doing what they do in kube-burner, against the simulator over HTTPS:
 * `health-check`, `destroy -c` (by kube-burner.io/job), `init --configmap -n`, `init -c URL`.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDestroy } from '../../src/cli/destroy.js';
import { runHealthCheck } from '../../src/cli/health-check.js';
import { runInit, type InitFlags } from '../../src/cli/init.js';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { podTemplate } from '../config/helpers.js';
import { expectHealthyExit } from '../helpers/healthy-exit.js';

let dir: string;
let sim: RunningSim;
let kubeconfig: string;
let client: KubeClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-kb-commands-'));
  kubeconfig = join(dir, 'kubeconfig');
  sim = await startSim({ nodes: 3, kubeconfigOut: kubeconfig, seed: 5 });
  client = (await connectCluster({ kubeconfig })).unlimited();
});
afterAll(async () => {
  await client?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

const job = (name: string, namespace: string) => `jobs:\n  - name: ${name}\n    namespace: ${namespace}\n    jobIterations: 2\n    preLoadImages: false\n    objects:\n      - objectTemplate: pod.yaml\n        replicas: 1\n`;

function initFlags(flags: Partial<InitFlags>): InitFlags {
  return { namespace: 'default', set: [], logLevel: 'warn', simNodes: 1, simProfile: 'default', summary: 'short', kubeconfig, reportDir: join(dir, `run-${Math.random().toString(36).slice(2)}`), ...flags };
}

/** Runs a CLI function that prints to stdout (the run summary) without printing. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

describe('burn health-check', () => {
  it('exits 0 on a healthy cluster and 1, naming the node and condition, when a node is under pressure', async () => {
    let out = '';
    expect(await runHealthCheck({ kubeconfig, logLevel: 'warn' }, (t) => (out += t))).toBe(0);
    expect(out).toContain('cluster is healthy');
    expect(out).toContain('all 3 node(s)');

    const node = await client.get('v1', 'Node', 'sim-node-0002');
    const conditions = (node.status.conditions as Array<{ type: string; status: string; reason?: string }>).map((c) => (c.type === 'DiskPressure' ? { ...c, status: 'True', reason: 'KubeletHasDiskPressure' } : c));
    await client.update({ ...node, status: { ...node.status, conditions } }, { subresource: 'status' });
    out = '';
    expect(await runHealthCheck({ kubeconfig, logLevel: 'warn' }, (t) => (out += t))).toBe(1);
    expect(out).toMatch(/cluster is not healthy:\n {2}node sim-node-0002 has DiskPressure=True/);
    const healed = await client.get('v1', 'Node', 'sim-node-0002');
    await client.update({ ...healed, status: { ...healed.status, conditions: node.status.conditions } }, { subresource: 'status' });
  }, 120_000);
});

describe('burn destroy -c, as kube-burner destroy', () => {
  it('removes the namespaces and objects labelled kube-burner.io/job=<job> of each job of the config, and nothing else', async () => {
    const config = join(dir, 'destroy.yaml');
    await Promise.all([writeFile(config, job('kb-destroy', 'kb-destroy')), writeFile(join(dir, 'pod.yaml'), podTemplate)]);
    const label = (jobName: string) => ({ 'kube-burner.io/job': jobName, 'kube-burner.io/uuid': 'made-by-kube-burner' });
    for (const [name, jobName] of [['kb-destroy-0', 'kb-destroy'], ['kb-keep-0', 'kb-keep']])
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: label(jobName) } });
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kb-destroy-cm', namespace: 'default', labels: label('kb-destroy') }, data: {} });

    await quietly(() => runDestroy({ config, logLevel: 'warn', kubeconfig, timeout: 60_000 }));
    const live = async (kind: string, selector: string) =>
      (await client.list('v1', kind, { labelSelector: selector })).filter((o) => !o.metadata.deletionTimestamp).map((o) => o.metadata.name);
    expect(await live('Namespace', 'kube-burner.io/job=kb-destroy')).toEqual([]);
    expect(await live('ConfigMap', 'kube-burner.io/job=kb-destroy')).toEqual([]);
    expect(await live('Namespace', 'kube-burner.io/job=kb-keep')).toEqual(['kb-keep-0']);
  }, 120_000);
});

describe('burn init --configmap', () => {
  it('runs config.yml from a ConfigMap, finding the template it holds beside it, and removes its temporary copy', async () => {
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kb-config', namespace: 'kube-system' }, data: { 'config.yml': job('from-configmap', 'from-configmap'), 'pod.yaml': podTemplate } });
    const reportDir = join(dir, 'from-configmap');
    const exit = await quietly(() => runInit(initFlags({ configmap: 'kb-config', namespace: 'kube-system', reportDir })));
    expectHealthyExit(exit);
    const run = JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8'));
    expect(run.jobs.map((j: { name: string; objectsCreated: number }) => [j.name, j.objectsCreated])).toEqual([['from-configmap', 2]]);
    expect(run.configFile).toMatch(/burn-config-.*config\.yml$/);
    await expect(readFile(run.configFile, 'utf8')).rejects.toThrow(/ENOENT/);
  }, 180_000);
});

describe('burn init -c URL', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const templatePath = join(dir, 'url-pod.yaml');
    await writeFile(templatePath, podTemplate);
    server = createServer((req, res) => {
      if (req.url === '/config.yml') res.end(job('from-url', 'from-url').replace('objectTemplate: pod.yaml', `objectTemplate: ${templatePath}`));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches the config and runs it', async () => {
    const reportDir = join(dir, 'from-url');
    expectHealthyExit(await quietly(() => runInit(initFlags({ config: `${base}/config.yml`, reportDir }))));
    const run = JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8'));
    expect(run.jobs.map((j: { name: string; objectsCreated: number }) => [j.name, j.objectsCreated])).toEqual([['from-url', 2]]);
  }, 180_000);
});
