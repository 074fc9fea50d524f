import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { runAccess, rbacYaml, rolesFor } from '../../src/engine/rbac.js';
import { runBenchmark } from '../../src/engine/run.js';
import { allows, requestNeed, type Access } from '../../src/kube/index.js';
import { createLogger } from '../../src/shared/log.js';
import { startSim } from '../../src/sim/index.js';

/**
 * `burn rbac`: the roles come from what each part of a run declares, and they must cover every
 * request a run sends: a run on the simulator records each request the server receives, and each
 * must be allowed by the computed rules, as the API server's RBAC authorizer would judge it.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-rbac-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TEMPLATES: Record<string, string> = {
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d-{{.Iteration}}-{{.Replica}}
  labels: {app: d-{{.Iteration}}, workload: rbac}
spec:
  replicas: 1
  selector: {matchLabels: {app: d-{{.Iteration}}}}
  template:
    metadata: {labels: {app: d-{{.Iteration}}, workload: rbac}}
    spec:
      containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: s-{{.Iteration}}
  labels: {workload: rbac}
spec:
  selector: {app: d-{{.Iteration}}}
  ports: [{port: 80, targetPort: 8080}]
`,
  'job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: j-{{.Iteration}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`,
  'pvc.yaml': `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pvc-{{.Iteration}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`,
  'configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{.Iteration}}
  labels: {workload: rbac}
data: {a: b}
`,
  'patch.yaml': `metadata:
  annotations: {patched: "yes"}
`,
};

const CONFIG = `global:
  gc: true
  clusterHealth: true
  measurements:
    - name: podLatency
    - name: jobLatency
    - name: nodeLatency
    - name: pvcLatency
    - name: schedulingThroughput
    - name: serviceLatency
      svcTimeout: 2s
    - name: volumeSnapshotLatency
jobs:
  - name: make
    jobType: create
    jobIterations: 3
    qps: 50
    burst: 50
    namespace: rbac-make
    preLoadImages: true
    preLoadPeriod: 10s
    maxWaitTimeout: 2m
    churnConfig: {cycles: 1, percent: 50, delay: 1s}
    watchers:
      - kind: ConfigMap
        labelSelector: {workload: rbac}
    objects:
      - {objectTemplate: deployment.yaml, replicas: 1}
      - {objectTemplate: service.yaml, replicas: 1}
      - {objectTemplate: job.yaml, replicas: 1, wait: false}
      - {objectTemplate: pvc.yaml, replicas: 1, wait: false}
      - {objectTemplate: configmap.yaml, replicas: 1}
  - name: touch
    jobType: patch
    jobIterations: 1
    objects:
      - {kind: ConfigMap, labelSelector: {workload: rbac}, objectTemplate: patch.yaml, patchType: application/strategic-merge-patch+json}
  - name: look
    jobType: read
    jobIterations: 1
    objects:
      - {kind: Deployment, apiVersion: apps/v1, labelSelector: {workload: rbac}}
  - name: remove
    jobType: delete
    objects:
      - {kind: Service, labelSelector: {workload: rbac}}
`;

async function writeConfig(text: string): Promise<string> {
  for (const [name, body] of Object.entries(TEMPLATES)) await writeFile(join(dir, name), body);
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, text);
  return path;
}

async function accessOf(path: string): Promise<Access[]> {
  return runAccess(await loadConfig(path, { uuid: 'rbac-test' }));
}

describe('burn rbac', () => {
  it('every request of a run on the simulator is allowed by the rules computed for its config', async () => {
    const path = await writeConfig(CONFIG);
    const access = await accessOf(path);
    const requests: Array<{ method: string; url: string }> = [];
    const kubeconfig = join(dir, 'kubeconfig');
    const sim = await startSim({ nodes: 3, kubeconfigOut: kubeconfig, seed: 5, onRequest: (method, url) => void requests.push({ method, url }) });
    const lines: string[] = [];
    try {
      const outcome = await runBenchmark({ configPath: path, kubeconfig, reportDir: join(dir, 'run'), log: createLogger('info', (l) => void lines.push(l)), tty: false });
      expect(outcome.record.errors, lines.join('\n')).toEqual([]);
      expect(outcome.reason).toBe('completed');
    } finally {
      await sim.stop();
    }
    const denied = (granted: Access[]) => {
      const out = new Set<string>();
      for (const r of requests) {
        const need = requestNeed(r.method, r.url);
        if (!allows(granted, need)) out.add('url' in need ? `${need.verb} ${need.url}` : `${need.verb} ${need.group}/${need.resource}${need.namespace ? ` in ${need.namespace}` : ''}`);
      }
      return [...out].sort();
    };
    expect(denied(access)).toEqual([]);
    // The check sees a missing rule: without the patch of ConfigMaps, the patch job's requests are denied.
    const withoutPatch = access.map((a) => ('resource' in a && a.resource === 'configmaps' ? { ...a, verbs: a.verbs.filter((v) => v !== 'patch') } : a));
    const missing = denied(withoutPatch);
    expect(missing.length).toBeGreaterThan(0);
    for (const m of missing) expect(m).toMatch(/^patch \/configmaps in rbac-make-\d+$/);
    // The run exercised what the rules are about (a recording that missed them would prove nothing).
    const verbs = new Set(requests.map((r) => requestNeed(r.method, r.url)).map((n) => ('url' in n ? `${n.verb} ${n.url}` : `${n.verb} ${n.resource}`)));
    for (const v of ['create deployments', 'patch configmaps', 'get deployments', 'delete services', 'watch pods', 'create leases', 'delete namespaces', 'create daemonsets', 'get /metrics', 'get /healthz']) expect(verbs).toContain(v);
  }, 240_000);

  it('grants only what the config uses: no exec, proxy or events without the measurements that need them', async () => {
    const path = await writeConfig(`global:
  gc: false
  measurements: []
jobs:
  - name: only-configmaps
    jobType: create
    jobIterations: 1
    namespace: rbac-small
    preLoadImages: false
    cleanup: false
    objects:
      - {objectTemplate: configmap.yaml, replicas: 1}
`);
    const access = await accessOf(path);
    const resources = new Set(access.flatMap((a) => ('resource' in a ? [a.resource] : [])));
    expect(resources.has('configmaps')).toBe(true);
    for (const absent of ['pods/exec', 'pods/proxy', 'daemonsets', 'deployments', 'persistentvolumeclaims']) expect(resources.has(absent)).toBe(false);
    // podLatency is a default measurement and watches pods; its image-pull events watch is on by default too.
    expect(allows(access, { group: '', resource: 'pods', verb: 'watch' })).toBe(true);
    expect(allows(access, { group: '', resource: 'configmaps', verb: 'delete' })).toBe(false);
    expect(allows(access, { group: '', resource: 'configmaps', verb: 'create', namespace: 'rbac-small-0' })).toBe(true);
  });

  it('puts what is needed only in a namespace that exists before the run into a Role there, the rest into the ClusterRole', async () => {
    const access = await accessOf(await writeConfig(CONFIG));
    const { clusterRole, roles } = rolesFor(access);
    expect([...roles.keys()]).toEqual(['default']);
    const lease = roles.get('default')!.find((r) => r.resources?.includes('leases'))!;
    expect(lease.apiGroups).toEqual(['coordination.k8s.io']);
    expect([...lease.verbs].sort()).toEqual(['create', 'delete', 'list', 'patch']);
    expect(clusterRole.some((r) => r.resources?.includes('leases'))).toBe(false);
    expect(clusterRole.find((r) => r.nonResourceURLs)?.nonResourceURLs).toEqual(expect.arrayContaining(['/metrics', '/healthz', '/version']));
  });

  it('prints YAML kubectl applies: ClusterRole, Role in default and, with a service account, their bindings; each rule says why', async () => {
    const access = await accessOf(await writeConfig(CONFIG));
    const text = rbacYaml(access, { name: 'burn', serviceAccount: { namespace: 'burn', name: 'runner' } }, ' header');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; subjects?: unknown[]; roleRef?: { kind: string } });
    expect(docs.map((d) => [d.kind, d.metadata.namespace ?? ''])).toEqual([
      ['ClusterRole', ''],
      ['Role', 'default'],
      ['ClusterRoleBinding', ''],
      ['RoleBinding', 'default'],
    ]);
    expect(docs[2]!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'runner', namespace: 'burn' }]);
    expect(text).toContain("# the run Lease burn-run-<uuid> tells other runs' cleanup this run is going");
  });
});

describe('deploy/base', () => {
  it('its rbac.yaml is what burn rbac prints for its config folder (regenerate it when the config or burn changes)', async () => {
    const config = await loadConfig('deploy/base/config/config.yaml', { uuid: 'deploy' });
    const expected = rbacYaml(await runAccess(config), { name: 'burn', serviceAccount: { namespace: 'burn', name: 'burn' } }, ' What burn needs to run config/config.yaml (burn rbac). Each rule says which part of the run uses it.');
    expect(await readFile('deploy/base/rbac.yaml', 'utf8')).toBe(expected);
  });
});
