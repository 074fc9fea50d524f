// What one tool's run left on the cluster and what its pods did, read from the API server.
import { spawn, type ChildProcess } from 'node:child_process';
import { kubectlOn, type E2eTarget } from '../../e2e/cluster.js';

export type ClusterTarget = Pick<E2eTarget, 'kubeconfig' | 'kubectl'>;

/** The kinds the side-by-side configs create; namespaced ones are listed in every namespace. */
export const RECORDED_KINDS = [
  'namespaces', 'deployments.apps', 'replicasets.apps', 'pods', 'services', 'configmaps', 'secrets', 'jobs.batch',
  'serviceaccounts', 'roles.rbac.authorization.k8s.io', 'rolebindings.rbac.authorization.k8s.io',
  'clusterroles.rbac.authorization.k8s.io', 'clusterrolebindings.rbac.authorization.k8s.io', 'networkpolicies.networking.k8s.io',
];

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generateName?: string;
    creationTimestamp: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
  };
  spec?: Record<string, unknown>;
  data?: Record<string, unknown>;
  status?: unknown;
}

/** Everything of RECORDED_KINDS that carries the run's kube-burner.io/uuid label and is not being deleted. */
export async function objectsOfRun(target: ClusterTarget, uuid: string): Promise<KubeObject[]> {
  const out = await kubectlOn(target, ['get', RECORDED_KINDS.join(','), '--all-namespaces', '-l', `kube-burner.io/uuid=${uuid}`, '-o', 'json']);
  const items = (JSON.parse(out) as { items: KubeObject[] }).items;
  return items.filter((o) => !o.metadata.deletionTimestamp);
}

/** One pod as last seen by the watch, with its server-side timestamps (1 s precision). */
export interface PodSeen {
  namespace: string;
  name: string;
  created: string;
  /** lastTransitionTime of Ready=True, '' until the pod was seen ready. */
  ready: string;
  /** lastTransitionTime of PodScheduled=True. */
  scheduled: string;
  ownerKind: string;
  /** Its kube-burner.io/uuid label, and burn's burn.dev/uuid ('' when it has none). */
  kubeBurnerUuid: string;
  burnUuid: string;
}

const POD_LINE =
  '{.metadata.namespace}{"|"}{.metadata.name}{"|"}{.metadata.creationTimestamp}{"|"}' +
  '{.status.conditions[?(@.type=="Ready")].status}{"|"}{.status.conditions[?(@.type=="Ready")].lastTransitionTime}{"|"}' +
  '{.status.conditions[?(@.type=="PodScheduled")].lastTransitionTime}{"|"}{.metadata.ownerReferences[0].kind}{"|"}' +
  '{.metadata.labels.kube-burner\\.io/uuid}{"|"}{.metadata.labels.burn\\.dev/uuid}{"\\n"}';

/**
 * Watches every pod while the tool runs (a tool may measure pods that lack kube-burner's labels), so
 * pods that a churn or delete job removes still count: each keeps the first Ready=True transition seen.
 */
export class PodWatch {
  private readonly child: ChildProcess;
  private readonly pods = new Map<string, PodSeen>();
  private buffered = '';
  private stderr = '';
  /** Listened for from the start: kubectl may end on its own (an error) before stop(). */
  private readonly closed: Promise<unknown>;

  constructor(target: ClusterTarget) {
    this.child = spawn(target.kubectl, ['--kubeconfig', target.kubeconfig, 'get', 'pods', '--all-namespaces', '--watch', '-o', `jsonpath=${POD_LINE}`]);
    this.child.stdout!.on('data', (chunk: Buffer) => this.take(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.closed = new Promise((resolve) => this.child.once('close', resolve));
  }

  private take(text: string): void {
    this.buffered += text;
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop()!;
    for (const line of lines) {
      const [namespace = '', name = '', created = '', readyStatus = '', readyAt = '', scheduled = '', ownerKind = '', kubeBurnerUuid = '', burnUuid = ''] = line.split('|');
      if (!name) continue;
      const key = `${namespace}/${name}`;
      const seen = this.pods.get(key) ?? { namespace, name, created, ready: '', scheduled: '', ownerKind, kubeBurnerUuid, burnUuid };
      if (readyStatus === 'True' && !seen.ready) seen.ready = readyAt;
      if (scheduled) seen.scheduled = scheduled;
      this.pods.set(key, seen);
    }
  }

  /** Stops the watch; the pods seen so far. */
  async stop(): Promise<PodSeen[]> {
    const endedEarly = this.child.exitCode !== null && this.child.exitCode !== 0;
    this.child.kill('SIGTERM');
    await this.closed;
    if (endedEarly) throw new Error(`the pod watch (kubectl) ended on its own with exit code ${this.child.exitCode}: ${this.stderr.trim()}`);
    if (this.pods.size === 0 && this.stderr.trim() && !this.stderr.includes('No resources found')) {
      throw new Error(`the pod watch failed: ${this.stderr.trim()}`);
    }
    return [...this.pods.values()];
  }
}

/** Deletes everything the run labelled and waits until it is gone, so the next run starts on an empty cluster. */
export async function removeRun(target: ClusterTarget, uuid: string, timeoutMs = 180_000): Promise<void> {
  const selector = `kube-burner.io/uuid=${uuid}`;
  await kubectlOn(target, ['delete', RECORDED_KINDS.filter((k) => k !== 'pods' && k !== 'replicasets.apps').join(','), '--all-namespaces', '-l', selector, '--wait=false', '--ignore-not-found']);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await kubectlOn(target, ['get', 'namespaces,deployments.apps,configmaps,jobs.batch,clusterroles.rbac.authorization.k8s.io', '--all-namespaces', '-l', selector, '-o', 'name']);
    if (!left.trim()) return;
    if (Date.now() > deadline) throw new Error(`objects of run ${uuid} still there after ${timeoutMs} ms: ${left.trim().split('\n').slice(0, 5).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** apiserver_request_total by "VERB resource[/subresource]" (watches left out), from the API server's own /metrics. */
export async function apiRequestCounts(target: ClusterTarget): Promise<Map<string, number>> {
  return parseRequestCounts(await kubectlOn(target, ['get', '--raw', '/metrics']));
}

/** apiserver_request_total of a /metrics text, summed by "VERB resource[/subresource]" (watches left out). */
export function parseRequestCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.verb === 'WATCH') continue;
    const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}
