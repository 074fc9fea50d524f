/**
 * How serviceLatency tests that a Service answers, as kube-burner does: a pod `svc-checker` in
 * the namespace `kube-burner-service-latency` (image quay.io/kube-burner/fedora-nc, `sleep inf`),
 * into which burn execs a bash loop of `nc -z ADDRESS PORT` until one connects. The probe is an
 * interface so the measurement can be driven by a fake one in tests.
 */
import type { MeasurementClient } from './types.js';
import { deployProbePod, removeProbeNamespace, type ProbePodSpec } from './probe-pod.js';

export const SVC_CHECKER: ProbePodSpec = {
  namespace: 'kube-burner-service-latency',
  name: 'svc-checker',
  image: 'quay.io/kube-burner/fedora-nc:latest',
  command: ['sleep', 'inf'],
};

export type ProbeSetup =
  | { measurable: true; /** The checker's node address: where NodePort services are tested. */ hostIP: string }
  | { measurable: false; reason: string };

export interface ConnectivityProbe {
  /** Deploys what probes; says why connectivity cannot be measured here when it cannot. */
  setup(signal?: AbortSignal): Promise<ProbeSetup>;
  /** Resolves once address:port accepts a TCP connection; rejects when it did not within timeoutMs. */
  connect(address: string, port: number, timeoutMs: number): Promise<void>;
  /** Removes what setup deployed; returns a problem to report, if any. */
  cleanup(): Promise<string | undefined>;
}

/** The loop kube-burner runs (nc every 50 ms, 100 ms connect timeout), bounded inside the pod too so it never outlives the wait. */
export function ncLoop(address: string, port: number, timeoutMs: number): string[] {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return ['bash', '-c', `while [ "$SECONDS" -lt ${seconds} ]; do nc -w 0.1s -z ${address} ${port} && exit 0; sleep 0.05; done; exit 1`];
}

/** Extra time the exec stream gets beyond the loop's own bound, for the API server and kubelet round trips. */
const EXEC_GRACE_MS = 10_000;

export class InClusterServiceChecker implements ConnectivityProbe {
  private deployed = false;

  constructor(private readonly client: MeasurementClient) {}

  async setup(signal?: AbortSignal): Promise<ProbeSetup> {
    this.deployed = true;
    const { pod, noContainers } = await deployProbePod(this.client, SVC_CHECKER, { signal });
    if (noContainers) return { measurable: false, reason: `the checker pod ${SVC_CHECKER.namespace}/${SVC_CHECKER.name} is scheduled where nothing runs (${noContainers}): nothing can connect, and nothing listens behind the Services` };
    if (!this.client.exec) return { measurable: false, reason: 'this client cannot exec into pods' };
    return { measurable: true, hostIP: String(pod.status?.hostIP ?? '') };
  }

  async connect(address: string, port: number, timeoutMs: number): Promise<void> {
    const result = await this.client.exec!({
      namespace: SVC_CHECKER.namespace,
      pod: SVC_CHECKER.name,
      container: SVC_CHECKER.name,
      command: ncLoop(address, port, timeoutMs),
      timeoutMs: timeoutMs + EXEC_GRACE_MS,
    });
    if (result.exitCode !== 0) throw new Error(`${address}:${port} did not accept a connection within ${timeoutMs}ms${result.stderr.trim() ? ` (${result.stderr.trim()})` : ''}`);
  }

  async cleanup(): Promise<string | undefined> {
    if (!this.deployed) return undefined;
    this.deployed = false;
    return removeProbeNamespace(this.client, SVC_CHECKER.namespace);
  }
}
