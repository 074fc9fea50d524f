/**
 * Which connections netpolLatency's client pods must try, worked out as kube-burner does from the
 * NetworkPolicies the job is about to create: for each ingress rule on TCP port 8080 whose peers
 * are selected by namespace name (`kubernetes.io/metadata.name`, matchLabels or In) and pod
 * labels, every peer pod (the client) gets the addresses of the policy's own pods (the servers),
 * each client/server pair once; later policies that cover a pair already given are remembered
 * (`covers`) so the pair's success counts for them too.
 */
import type { KubeObject } from '../kube/index.js';

/** The one port kube-burner's netpolvalidator servers listen on for the ping test. */
export const PING_PORT = 8080;
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** What kube-burner's proxy hands each client pod (its JSON form). */
export interface Connection {
  addresses: string[];
  ports: number[];
  netpol: string;
}

export interface ConnectionPlan {
  /** Client pod IP -> what it must try. */
  connections: Record<string, Connection[]>;
  /** "clientIP:serverIP" -> every policy whose latency that pair's first success measures. */
  covers: Map<string, string[]>;
  /** Problems that make a policy untestable (e.g. a non-TCP port), one line each. */
  problems: string[];
}

/** A label selector as the API's labelSelector query text. */
export function selectorText(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** The namespaces a peer's namespaceSelector names (kube-burner reads only kubernetes.io/metadata.name: matchLabels, or In). */
export function namespacesOf(selector: LabelSelector | undefined): string[] {
  if (!selector) return [];
  if (selector.matchLabels) {
    const ns = selector.matchLabels[NAMESPACE_NAME_LABEL];
    return ns ? [ns] : [];
  }
  return (selector.matchExpressions ?? []).filter((e) => e.key === NAMESPACE_NAME_LABEL && e.operator === 'In').flatMap((e) => e.values ?? []);
}

/** Pod IPs in a namespace matching a selector; the planner caches each (namespace, selector) once, as kube-burner. */
export type PodAddresses = (namespace: string, labelSelector: string) => Promise<string[]>;

export async function planConnections(policies: AsyncIterable<KubeObject> | Iterable<KubeObject>, podAddresses: PodAddresses): Promise<ConnectionPlan> {
  const cache = new Map<string, Promise<string[]>>();
  const addresses = (namespace: string, selector: LabelSelector | undefined) => {
    const text = selectorText(selector);
    const key = `${namespace}\u0000${text}`;
    let found = cache.get(key);
    if (!found) cache.set(key, (found = podAddresses(namespace, text)));
    return found;
  };
  const connections: Record<string, Connection[]> = {};
  const covers = new Map<string, string[]>();
  const problems: string[] = [];
  for await (const policy of policies) {
    if (policy.kind !== 'NetworkPolicy') continue;
    const name = String(policy.metadata.name ?? '');
    const namespace = String(policy.metadata.namespace ?? '');
    if (!namespace) continue;
    const localPods = await addresses(namespace, policy.spec?.podSelector);
    for (const ingress of (policy.spec?.ingress ?? []) as any[]) {
      const ports: number[] = [];
      for (const from of (ingress?.from ?? []) as any[]) {
        if (!from?.namespaceSelector && !from?.podSelector) continue;
        for (const port of (ingress?.ports ?? []) as any[]) {
          if ((port?.protocol ?? 'TCP') !== 'TCP') {
            problems.push(`NetworkPolicy ${namespace}/${name}: port ${port?.port} is ${port?.protocol}; only TCP can be tested`);
            continue;
          }
          if (port?.port === PING_PORT) {
            ports.push(PING_PORT);
            break;
          }
        }
        for (const peerNamespace of namespacesOf(from.namespaceSelector)) {
          for (const client of await addresses(peerNamespace, from.podSelector)) {
            const fresh: string[] = [];
            for (const server of localPods) {
              if (server === client) continue;
              const pair = `${client}:${server}`;
              const seen = covers.get(pair);
              if (!seen) {
                covers.set(pair, [name]);
                fresh.push(server);
              } else if (!seen.includes(name)) {
                seen.push(name);
              }
            }
            if (fresh.length === 0) continue;
            (connections[client] ??= []).push({ addresses: fresh, ports: [...ports], netpol: name });
          }
        }
      }
    }
  }
  return { connections, covers, problems };
}

/** One success a client pod reports through the proxy (its JSON form). */
export interface ConnectionResult {
  address: string;
  port: number;
  connectionidx?: number;
  npname?: string;
  timestamp: string;
}

/**
 * Per policy, the latencies (ms) of the pairs it covers: each pair's first success minus the
 * policy's creation time, truncated to whole ms as Go's Duration.Milliseconds().
 */
export function policyLatencies(results: Record<string, ConnectionResult[]>, covers: Map<string, string[]>, createdMs: Map<string, number>): { latencies: Map<string, number[]>; negative: string[]; unknownCreation: string[] } {
  const latencies = new Map<string, number[]>();
  const negative: string[] = [];
  const unknownCreation = new Set<string>();
  for (const [client, list] of Object.entries(results ?? {})) {
    for (const res of list ?? []) {
      const at = Date.parse(res.timestamp);
      for (const policy of covers.get(`${client}:${res.address}`) ?? []) {
        const created = createdMs.get(policy);
        if (created === undefined || Number.isNaN(at)) {
          unknownCreation.add(policy);
          continue;
        }
        const ms = Math.trunc(at - created);
        if (ms < 0) negative.push(`${policy}: ${client} -> ${res.address} ${ms}ms`);
        latencies.set(policy, [...(latencies.get(policy) ?? []), ms]);
      }
    }
  }
  return { latencies, negative, unknownCreation: [...unknownCreation] };
}
