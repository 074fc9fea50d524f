/**
 * kube-burner's cluster health check (`global.clusterHealth: true`, and its `health-check`
 * subcommand): the API server's /healthz answers "ok", and every node reports Ready=True and every
 * other condition (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable, ...) False.
 */
import type { KubeClient } from '../kube/index.js';
import type { Access } from '../kube/index.js';

export interface ClusterHealth {
  healthy: boolean;
  /** Nodes listed (0 when the list failed). */
  nodes: number;
  /** One line per problem found: the API server's answer, each node condition that is off. */
  problems: string[];
}

interface NodeCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What is wrong with one node's conditions, as kube-burner judges them. */
export function nodeProblems(name: string, conditions: readonly NodeCondition[]): string[] {
  const problems: string[] = [];
  for (const c of conditions) {
    const why = [c.reason, c.message].filter(Boolean).join(': ');
    if (c.type === 'Ready' && c.status !== 'True') problems.push(`node ${name} is not Ready (Ready=${c.status ?? 'unset'}${why ? `, ${why}` : ''})`);
    else if (c.type !== 'Ready' && c.status !== 'False') problems.push(`node ${name} has ${c.type ?? 'an unnamed condition'}=${c.status ?? 'unset'}${why ? ` (${why})` : ''}`);
  }
  return problems;
}

/** Checks the API server and every node; never throws (a failed request is a problem of the result). */
export async function checkClusterHealth(client: KubeClient, options: { signal?: AbortSignal } = {}): Promise<ClusterHealth> {
  try {
    const answer = await client.request<string>({ method: 'GET', path: '/healthz', responseType: 'text', signal: options.signal });
    if (answer.trim() !== 'ok') return { healthy: false, nodes: 0, problems: [`the API server's /healthz answered "${answer.trim().slice(0, 200)}", not "ok"`] };
  } catch (err) {
    return { healthy: false, nodes: 0, problems: [`the API server's /healthz failed: ${messageOf(err)}`] };
  }
  let nodes;
  try {
    nodes = await client.list('v1', 'Node', { signal: options.signal });
  } catch (err) {
    return { healthy: false, nodes: 0, problems: [`listing the nodes failed: ${messageOf(err)}`] };
  }
  const problems = nodes.flatMap((node) => nodeProblems(node.metadata.name ?? '?', ((node as { status?: { conditions?: NodeCondition[] } }).status?.conditions ?? [])));
  return { healthy: problems.length === 0, nodes: nodes.length, problems };
}

/** What the health check asks of the API server. */
export const CLUSTER_HEALTH_ACCESS: Access[] = [
  { url: '/healthz', verbs: ['get'], why: "clusterHealth asks the API server's /healthz" },
  { group: '', resource: 'nodes', verbs: ['list'], why: "clusterHealth checks every node's conditions" },
];
