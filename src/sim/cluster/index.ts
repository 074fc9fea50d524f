import { clusterMetrics } from '../server/metrics.js';
import type { SimContext } from '../types.js';
import { DaemonSetController } from './controllers/daemonset.js';
import { DeploymentController } from './controllers/deployment.js';
import { EndpointsController } from './controllers/endpoints.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { HpaController } from './controllers/hpa.js';
import { AppModels } from './app-model.js';
import { JobController } from './controllers/job.js';
import { NamespaceController } from './controllers/namespace.js';
import { ReplicaSetController } from './controllers/replicaset.js';
import { SnapshotController, createSnapshotClasses } from './controllers/snapshot.js';
import { StatefulSetController } from './controllers/statefulset.js';
import { StorageController, createStorageClasses } from './controllers/storage.js';
import { Kubelet } from './kubelet/index.js';
import type { ClusterMetrics } from './metrics.js';
import { NodeLedger } from './node-ledger.js';
import { createNodes } from './nodes.js';
import { OwnerIndex } from './owners.js';
import { Scheduler } from './scheduler/index.js';
import { PodSelfDelay } from './self-delay.js';

/**
 * The simulated cluster's behaviour on top of the object store: nodes, the scheduler, one fake
 * kubelet for all nodes, the workload controllers, endpoints, namespaces and garbage collection.
 * Everything reacts to store events and to timers drawn from the profile; nothing polls.
 */

export interface ClusterOptions {
  nodes: number;
  /** PEM of the cluster CA, published in every namespace's kube-root-ca.crt ConfigMap. */
  caPem?: string;
  metrics?: ClusterMetrics;
  /** Run the snapshot controller (the store serves the VolumeSnapshot resources). */
  volumeSnapshots?: boolean;
}

export function startCluster(ctx: SimContext, options: ClusterOptions): { stop(): void } {
  const metrics = options.metrics ?? clusterMetrics;
  const caPem = options.caPem ?? (ctx as SimContext & { caPem?: string }).caPem ?? '';
  // Indexes first: listeners of a resource run in subscription order, so components see them up to date.
  const ledger = new NodeLedger(ctx.store);
  const owners = new OwnerIndex(ctx.store);
  const apps = new AppModels(ctx);
  const selfDelay = new PodSelfDelay(ctx);
  const parts: Array<{ stop(): void }> = [
    apps,
    new HpaController(ctx, apps),
    ledger,
    owners,
    new Scheduler(ctx, ledger, metrics, selfDelay),
    new Kubelet(ctx, ledger, metrics, selfDelay),
    new ReplicaSetController(ctx, owners),
    new DeploymentController(ctx, owners),
    new StatefulSetController(ctx, owners),
    new DaemonSetController(ctx, owners, ledger),
    new JobController(ctx, owners),
    new EndpointsController(ctx, owners),
    new NamespaceController(ctx, caPem),
    new GarbageCollector(ctx, owners),
    new StorageController(ctx),
  ];
  if (options.volumeSnapshots) parts.push(new SnapshotController(ctx));
  createNodes(ctx, options.nodes);
  createStorageClasses(ctx);
  if (options.volumeSnapshots) createSnapshotClasses(ctx);
  return {
    stop() {
      for (const part of parts.reverse()) part.stop();
    },
  };
}
