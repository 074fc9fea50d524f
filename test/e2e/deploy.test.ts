// deploy/ on the real control plane: the manifests render and apply, and burn runs as their
// ServiceAccount the way a pod does (in-cluster environment, a TokenRequest token in a
// service-account folder) to the end without a 403; with one verb taken out of the role, it fails
// with burn's RBAC message naming the verb, the resource and the namespace.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eTarget, kubectl, kubectlJson } from './cluster.js';

const BIN = resolve('bin/burn.js');
const OVERLAYS = ['nightly-eks', 'oneoff-kind'];

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
}

function render(dir: string): Promise<Rendered[]> {
  return kubectl(['kustomize', dir]).then((text) => parseAllDocuments(text).map((d) => d.toJS() as Rendered));
}

interface BurnRun {
  code: number;
  output: string;
}

/** burn as the pod runs it: no kubeconfig anywhere, the in-cluster variables and a service-account folder. */
function burnInCluster(args: string[], env: Record<string, string>, cwd: string): Promise<BurnRun> {
  return new Promise((done, fail) => {
    const { KUBECONFIG: _k, ...parent } = process.env;
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...parent, NO_COLOR: '1', HOME: cwd, ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code: code ?? -1, output }));
  });
}

let dir: string;
let saDir: string;
let podEnv: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-e2e-deploy-'));
  saDir = join(dir, 'serviceaccount');
  await mkdir(saDir);
});

afterAll(async () => {
  await kubectl(['delete', '-k', 'deploy/base', '--ignore-not-found', '--wait=false']).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('deploy/', () => {
  it('every overlay renders with kubectl kustomize: its image override, and only its own run object', async () => {
    const base = await render('deploy/base');
    expect(base.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'ConfigMap', 'CronJob', 'Job', 'Namespace', 'Role', 'RoleBinding', 'ServiceAccount']);
    const cron = base.find((o) => o.kind === 'CronJob')!;
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
    expect(cron.spec.failedJobsHistoryLimit).toBeGreaterThan(0);
    // The CronJob's and the Job's pods are the same pod.
    expect(cron.spec.jobTemplate.spec.template).toEqual(base.find((o) => o.kind === 'Job')!.spec.template);
    for (const overlay of OVERLAYS) {
      const objects = await render(`deploy/overlays/${overlay}`);
      const runs = objects.filter((o) => o.kind === 'CronJob' || o.kind === 'Job');
      expect(runs.map((o) => o.kind), overlay).toEqual([overlay === 'nightly-eks' ? 'CronJob' : 'Job']);
      const pod = runs[0]!.kind === 'CronJob' ? runs[0]!.spec.jobTemplate.spec.template.spec : runs[0]!.spec.template.spec;
      expect(pod.containers[0].image, overlay).toMatch(/\/burn:\d+\.\d+\.\d+-[0-9a-f]{7}$/);
      expect(pod.serviceAccountName).toBe('burn');
    }
  });

  it('the base applies (server-side dry run, then for real), and the overlays pass a server-side dry run', async () => {
    // A dry run creates nothing, so the objects in namespace burn could not be checked before it
    // exists: the Namespace alone goes first, then the dry run checks every object, then the apply.
    const namespace = (await render('deploy/base')).find((o) => o.kind === 'Namespace')!;
    await kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify(namespace));
    const dry = await kubectl(['apply', '--server-side', '--dry-run=server', '-k', 'deploy/base']);
    expect(dry).toMatch(/clusterrole\.rbac\.authorization\.k8s\.io\/burn serverside-applied \(server dry run\)/);
    expect(dry).toMatch(/cronjob\.batch\/burn-nightly serverside-applied \(server dry run\)/);
    for (const overlay of OVERLAYS) await kubectl(['apply', '--server-side', '--dry-run=server', '-k', `deploy/overlays/${overlay}`]);
    await expect(kubectl(['get', 'clusterrole', 'burn'])).rejects.toThrow(/not found/);
    await kubectl(['apply', '--server-side', '-k', 'deploy/base']);
    const sa = await kubectlJson<{ metadata: { name: string } }>(['get', 'serviceaccount', 'burn', '-n', 'burn']);
    expect(sa.metadata.name).toBe('burn');
    const binding = await kubectlJson<{ subjects: unknown[] }>(['get', 'clusterrolebinding', 'burn']);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'burn', namespace: 'burn' }]);
  });

  it('burn runs as the ServiceAccount, configured in-cluster with a TokenRequest token, to the end without a 403', async () => {
    const target = e2eTarget();
    const token = (await kubectl(['create', 'token', 'burn', '-n', 'burn', '--duration', '1h'])).trim();
    const kubeconfig = parseYaml(await readFile(target.kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }> };
    const cluster = kubeconfig.clusters[0]!.cluster;
    const ca = cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64') : await readFile(cluster['certificate-authority']!);
    await writeFile(join(saDir, 'token'), token);
    await writeFile(join(saDir, 'ca.crt'), ca);
    await writeFile(join(saDir, 'namespace'), 'burn');
    const server = new URL(cluster.server);
    podEnv = { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port || '443', BURN_SERVICE_ACCOUNT_DIR: saDir, ITERATIONS: '3' };
    const reportDir = join(dir, 'allowed');
    const run = await burnInCluster(['init', '-c', resolve('deploy/base/config/config.yaml'), '--report-dir', reportDir], podEnv, dir);
    // Exit 4 is an SLO a loaded machine missed: the grading is not what this test is about.
    expect([0, 4], run.output).toContain(run.code);
    expect(run.output).not.toMatch(/RBAC denied|forbidden|\b403\b|cannot create Lease/i);
    const record = JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8')) as { reason: string; errors: string[]; cluster: { server: string }; created: string };
    expect(record.reason).toBe('completed');
    expect(record.errors).toEqual([]);
    expect(record.cluster.server).toBe(`https://${server.hostname}:${server.port || '443'}`);
    expect(record.created).toBe('nothing (gc ran)');
  }, 600_000);

  it('with create of ConfigMaps taken out of the ClusterRole, burn fails with its RBAC message naming verb, resource and namespace', async () => {
    const role = await kubectlJson<{ rules: Array<{ apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] }> }>(['get', 'clusterrole', 'burn']);
    const rules = role.rules.flatMap((r) => {
      if (!r.resources?.includes('configmaps') || !r.apiGroups?.includes('')) return [r];
      const others = r.resources.filter((x) => x !== 'configmaps');
      return [...(others.length ? [{ ...r, resources: others }] : []), { ...r, resources: ['configmaps'], verbs: r.verbs.filter((v) => v !== 'create') }];
    });
    expect(rules).not.toEqual(role.rules);
    await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'burn' }, rules }));
    try {
      const reportDir = join(dir, 'denied');
      const run = await burnInCluster(['init', '-c', resolve('deploy/base/config/config.yaml'), '--report-dir', reportDir], podEnv, dir);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(/RBAC denied: not allowed to create configmaps in namespace "nightly-density-\d+"/);
      const record = JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8')) as { reason: string; errors: string[] };
      expect(record.reason).toBe('failed');
      expect(record.errors.join('\n')).toMatch(/RBAC denied: not allowed to create configmaps in namespace "nightly-density-\d+"/);
    } finally {
      await kubectl(['apply', '--server-side', '--force-conflicts', '-k', 'deploy/base']);
    }
  }, 600_000);
});
