import type { KubeClient, KubeObject } from '../kube/index.js';
import type { Logger } from '../shared/log.js';
import type { Access } from '../kube/index.js';

/**
 * A run in progress says so on the cluster with a Lease it renews, so another run's `cleanup`
 * (which removes what earlier runs of a job left) can tell a run that is over from one that is
 * still going, and spares the latter. A run that dies stops renewing: its Lease expires.
 */
const NAMESPACE = 'default';
const LEASE_SECONDS = 60;
const RENEW_MS = 15_000;
const MARK = 'burn.dev/run-lease';

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

export interface RunLease {
  release(): Promise<void>;
}

/**
 * Creates and renews the run's Lease until released. Where it cannot (no right to create Leases in
 * `default`), the run goes on unprotected and says so.
 */
export async function holdRunLease(client: KubeClient, uuid: string, log: Logger): Promise<RunLease> {
  const name = leaseName(uuid);
  const lease: KubeObject = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: NAMESPACE, labels: { [MARK]: 'true' } },
    spec: { holderIdentity: uuid, leaseDurationSeconds: LEASE_SECONDS, acquireTime: microTime(Date.now()), renewTime: microTime(Date.now()) },
  };
  try {
    await client.create(lease, { alreadyExistsOk: true });
  } catch (err) {
    log.warn(`run lease: cannot create Lease ${NAMESPACE}/${name} (${err instanceof Error ? err.message : String(err)}); another run's cleanup cannot tell this run is still going`);
    return { release: async () => undefined };
  }
  const renew = () =>
    client
      .patch('coordination.k8s.io/v1', 'Lease', name, NAMESPACE, { spec: { renewTime: microTime(Date.now()) } }, 'merge')
      .catch((err: unknown) => log.debug(`run lease: renewing failed: ${err instanceof Error ? err.message : String(err)}`));
  const timer = setInterval(() => void renew(), RENEW_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await deleteRunLease(client, uuid).catch((err: unknown) => log.debug(`run lease: deleting failed: ${err instanceof Error ? err.message : String(err)}`));
    },
  };
}

function leaseName(uuid: string): string {
  return `burn-run-${uuid}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 253);
}

/** Removes a run's Lease (the run ending, or `burn destroy` of a run that died). */
export async function deleteRunLease(client: KubeClient, uuid: string, signal?: AbortSignal): Promise<void> {
  await client.delete('coordination.k8s.io/v1', 'Lease', leaseName(uuid), NAMESPACE, { notFoundOk: true, signal });
}

/** The uuids of the runs whose Lease is fresh: runs still going. */
export async function liveRuns(client: KubeClient, signal?: AbortSignal): Promise<Set<string>> {
  const live = new Set<string>();
  let leases: KubeObject[];
  try {
    leases = await client.list('coordination.k8s.io/v1', 'Lease', { namespace: NAMESPACE, labelSelector: `${MARK}=true`, signal });
  } catch {
    return live;
  }
  const now = Date.now();
  for (const lease of leases) {
    const spec = (lease.spec ?? {}) as { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
    const renewed = Date.parse(spec.renewTime ?? '');
    if (spec.holderIdentity && Number.isFinite(renewed) && renewed + (spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000 > now) live.add(spec.holderIdentity);
  }
  return live;
}

/** What holding, reading (cleanup) and removing run Leases asks of the API server. */
export const RUN_LEASE_ACCESS: Access[] = [
  { group: 'coordination.k8s.io', resource: 'leases', verbs: ['create', 'patch', 'delete', 'list'], namespace: NAMESPACE, why: 'the run Lease burn-run-<uuid> tells other runs\' cleanup this run is going' },
];
