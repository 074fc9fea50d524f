import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, ipv4InCidr, kubectl, kubectlJson, uniqueName } from './cluster.js';

interface Condition { type: string; status: string }
interface Pod {
  metadata: { name: string; uid: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: Condition[] };
}
interface Node {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { podCIDR?: string };
}
interface Deployment { status: { replicas?: number; readyReplicas?: number } }
interface Event {
  metadata: { name: string };
  involvedObject: { name: string; uid: string };
  reason: string;
}
interface List<T> { items: T[] }

const namespace = uniqueName('burn-e2e-deploy');
const replicas = 10;

function deploymentManifest(): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'pause', namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'pause' } },
      template: {
        metadata: { labels: { app: 'pause' } },
        spec: {
          containers: [
            {
              name: 'pause',
              image: 'registry.k8s.io/pause:3.10',
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  });
}

describe('a Deployment on the real control plane', () => {
  beforeAll(async () => {
    await kubectl(['create', 'namespace', namespace]);
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it(`reaches ${replicas} Ready pods, scheduled onto kwok nodes with IPs from their pod CIDRs`, async () => {
    await kubectl(['apply', '-f', '-'], deploymentManifest());

    let lastStatus = 'no status yet';
    await eventually(
      `${replicas} ready replicas`,
      async () => {
        const deployment = await kubectlJson<Deployment>(['get', 'deployment', 'pause', '-n', namespace]);
        lastStatus = JSON.stringify(deployment.status);
        return deployment.status.readyReplicas === replicas ? true : undefined;
      },
      { timeoutMs: 120_000, describe: () => lastStatus },
    );

    const pods = await kubectlJson<List<Pod>>(['get', 'pods', '-n', namespace, '-l', 'app=pause']);
    const nodes = await kubectlJson<List<Node>>(['get', 'nodes']);
    const kwokNodes = new Map(
      nodes.items
        .filter((node) => node.metadata.annotations?.['kwok.x-k8s.io/node'] === 'fake')
        .map((node) => [node.metadata.name, node]),
    );

    expect(pods.items).toHaveLength(replicas);
    for (const pod of pods.items) {
      expect(pod.status.phase, pod.metadata.name).toBe('Running');
      expect(pod.status.conditions?.find((c) => c.type === 'Ready')?.status, pod.metadata.name).toBe('True');
      const node = kwokNodes.get(pod.spec.nodeName ?? '');
      expect(node, `${pod.metadata.name} runs on ${pod.spec.nodeName}, not a kwok node`).toBeDefined();
      const podCIDR = node?.spec.podCIDR ?? '';
      expect(ipv4InCidr(pod.status.podIP ?? '', podCIDR), `${pod.status.podIP} in ${podCIDR}`).toBe(true);
    }
    // The default scheduler spreads a Deployment's pods over the equal, empty nodes.
    const usedNodes = new Set(pods.items.map((pod) => pod.spec.nodeName));
    expect(usedNodes.size).toBe(Math.min(kwokNodes.size, replicas));
  });

  // What a kubelet records for each pod it starts, in order; kube-burner's podLatency reads the
  // scheduler's eventTime and the Started event's name (<pod>.<hex nanoseconds>).
  it('records the events a kubelet records: Scheduled, Pulling, Pulled, Created, Started', async () => {
    const pods = await kubectlJson<List<Pod>>(['get', 'pods', '-n', namespace, '-l', 'app=pause']);
    const expected = ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'];
    const eventsByPod = await eventually(
      'the five events of every pod',
      async () => {
        const events = await kubectlJson<List<Event>>(['get', 'events', '-n', namespace]);
        const byPod = new Map<string, Event[]>();
        for (const event of events.items) byPod.set(event.involvedObject.uid, [...(byPod.get(event.involvedObject.uid) ?? []), event]);
        const complete = pods.items.every((pod) => expected.every((reason) => byPod.get(pod.metadata.uid)?.some((e) => e.reason === reason)));
        return complete ? byPod : undefined;
      },
      { timeoutMs: 60_000 },
    );
    for (const pod of pods.items) {
      const events = eventsByPod.get(pod.metadata.uid) ?? [];
      const started = events.find((event) => event.reason === 'Started');
      const [, hexNanos = ''] = started?.metadata.name.split('.') ?? [];
      const startedAt = Number(BigInt(`0x${hexNanos}`) / 1_000_000n);
      expect(Math.abs(startedAt - Date.now()), `${started?.metadata.name} carries a real time`).toBeLessThan(10 * 60_000);
    }
  });
});
