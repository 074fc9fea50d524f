/**
 * The pods a measurement runs inside the cluster to probe from there (serviceLatency's
 * svc-checker, netpolLatency's network-policy-proxy), deployed as kube-burner deploys them: a
 * namespace of their own, one pod with a locked-down container, waited for until Running; and
 * removed with their namespace when the measurement stops.
 */
import { nowMs } from '../shared/clock.js';
import { sleep } from '../shared/sleep.js';
import type { Access, KubeObject } from '../kube/index.js';
import { noContainersReason } from './fake-nodes.js';
import type { MeasurementClient } from './types.js';

export interface ProbePodSpec {
  namespace: string;
  name: string;
  image: string;
  command?: string[];
}

/** A Running probe pod, and why its node can run nothing (kwok, the simulator) when it cannot. */
export interface DeployedProbe {
  pod: KubeObject;
  noContainers?: string;
}

/** kube-burner waits without end; burn gives a pod this long to pull its image and start. */
export const PROBE_POD_START_TIMEOUT_MS = 5 * 60_000;
/** As kube-burner: its namespace gets this long to go away. */
export const PROBE_NAMESPACE_DELETE_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 250;

type ObjectClient = Required<Pick<MeasurementClient, 'create' | 'get' | 'delete'>>;

function objectClient(client: MeasurementClient): ObjectClient {
  if (!client.create || !client.get || !client.delete) throw new Error('this measurement needs a client that can create objects in the cluster');
  return client as ObjectClient;
}

/** What deploying and removing a probe pod asks of the API server (its namespace is created by burn). */
export function probePodAccess(measurement: string): Access[] {
  const why = `${measurement} deploys its probe pod in a namespace of its own and removes it`;
  return [
    { group: '', resource: 'namespaces', verbs: ['create', 'get', 'delete'], why },
    { group: '', resource: 'pods', verbs: ['create', 'get'], why },
    { group: '', resource: 'nodes', verbs: ['get'], why: `${measurement} checks that its probe pod's node runs containers` },
  ];
}

export function probePodObject(spec: ProbePodSpec): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: spec.name,
          image: spec.image,
          ...(spec.command ? { command: spec.command } : {}),
          imagePullPolicy: 'Always',
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    },
  };
}

function podProblem(pod: KubeObject | null): string {
  if (!pod) return 'it does not exist';
  const waiting = (pod.status?.containerStatuses ?? []).map((c: any) => c?.state?.waiting?.reason).filter(Boolean);
  return `phase ${pod.status?.phase ?? 'unknown'}${waiting.length ? ` (${waiting.join(', ')})` : ''}`;
}

/** Creates the namespace and pod (either may exist already) and waits until the pod is Running. */
export async function deployProbePod(client: MeasurementClient, spec: ProbePodSpec, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<DeployedProbe> {
  const api = objectClient(client);
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: spec.namespace } }, { alreadyExistsOk: true, signal: options.signal });
  await api.create(probePodObject(spec), { alreadyExistsOk: true, signal: options.signal });
  const deadline = nowMs() + (options.timeoutMs ?? PROBE_POD_START_TIMEOUT_MS);
  for (;;) {
    const pod = await api.get('v1', 'Pod', spec.name, spec.namespace, { notFoundOk: true, signal: options.signal });
    if (pod?.status?.phase === 'Running') {
      const node = pod.spec?.nodeName ? await api.get('v1', 'Node', pod.spec.nodeName, undefined, { notFoundOk: true, signal: options.signal }) : null;
      const noContainers = noContainersReason(node);
      return { pod, ...(noContainers ? { noContainers } : {}) };
    }
    if (nowMs() >= deadline) {
      throw new Error(`pod ${spec.namespace}/${spec.name} (image ${spec.image}) was not Running after ${Math.round((options.timeoutMs ?? PROBE_POD_START_TIMEOUT_MS) / 1000)}s: ${podProblem(pod)}`);
    }
    await sleep(POLL_MS, options.signal);
  }
}

/** Deletes the probe's namespace and waits until it is gone; says what is left when it is not. */
export async function removeProbeNamespace(client: MeasurementClient, namespace: string, timeoutMs = PROBE_NAMESPACE_DELETE_TIMEOUT_MS): Promise<string | undefined> {
  const api = objectClient(client);
  await api.delete('v1', 'Namespace', namespace, undefined, { notFoundOk: true });
  const deadline = nowMs() + timeoutMs;
  while (nowMs() < deadline) {
    if (!(await api.get('v1', 'Namespace', namespace, undefined, { notFoundOk: true }))) return undefined;
    await sleep(POLL_MS);
  }
  return `namespace ${namespace} was still terminating ${Math.round(timeoutMs / 1000)}s after its deletion`;
}
