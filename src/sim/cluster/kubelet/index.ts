import type { KubeObject, PodTransition, SimContext, StoreEvent } from '../../types.js';
import type { ClusterMetrics } from '../metrics.js';
import type { PodSelfDelay } from '../self-delay.js';
import { isTerminal, type NodeLedger, type NodeState } from '../node-ledger.js';
import { goDuration, rfc3339 } from '../time.js';
import { applyConditions, containerStatuses, hex64, type ConditionChange, type ConditionType, type ContainerSpec, type ContainerState } from './pod-status.js';

/**
 * One fake kubelet for every node: takes a bound pod through sandbox (pod IP from the node's
 * podCIDR), image pulls (only the first time an image lands on a node), container start and
 * readiness; runs Job pods to completion; removes pods being deleted after the grace the profile
 * gives. Each status write records the true time of the transitions it makes.
 */

const KUBELET = 'kubelet';

/** The involvedObject.fieldPath the kubelet gives a container's events. */
function containerPath(pod: KubeObject, c: { name: string }): string {
  const isInit = (pod.spec?.initContainers as Array<{ name: string }> | undefined)?.some((i) => i.name === c.name);
  return `spec.${isInit ? 'initContainers' : 'containers'}{${c.name}}`;
}

interface PodRun {
  uid: string;
  namespace: string;
  name: string;
  node: NodeState;
  containers: ContainerSpec[];
  initContainers: ContainerSpec[];
  runsToCompletion: boolean;
  ip?: string;
  /** Time spent pulling images and running init containers: the startup SLI excludes it. */
  excludedMs: number;
  startedAtMs?: number;
  deleting: boolean;
  done: boolean;
}

export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  private readonly createdAt = new Map<string, number>();
  /** Pods whose final removal is scheduled. */
  private readonly removing = new Set<string>();
  /** Pods whose sandbox failed for lack of an IP, per node, in arrival order. */
  private readonly waitingForIp = new Map<string, Set<PodRun>>();
  private stopped = false;
  private readonly off: () => void;

  constructor(
    private readonly ctx: SimContext,
    private readonly ledger: NodeLedger,
    private readonly metrics: ClusterMetrics,
    private readonly selfDelay: PodSelfDelay,
  ) {
    this.off = ctx.store.on('pods', (e) => this.onPod(e));
    for (const pod of ctx.store.list('pods')) if (pod.spec?.nodeName) this.onPod({ type: 'MODIFIED', resource: 'pods', object: pod });
  }

  stop(): void {
    this.stopped = true;
    this.off();
  }

  private onPod(event: StoreEvent): void {
    const pod = event.object;
    const uid = pod.metadata.uid as string;
    if (event.type === 'DELETED') {
      this.forget(uid, pod);
      return;
    }
    if (event.type === 'ADDED') {
      const at = this.ctx.now();
      this.createdAt.set(uid, at);
      this.selfDelay.begin(uid);
      this.ctx.recordTruth(pod, 'Created', at);
    }
    const run = this.runs.get(uid);
    if (pod.metadata.deletionTimestamp) {
      if (pod.spec?.nodeName && !this.removing.has(uid)) {
        this.removing.add(uid);
        if (run) this.stopContainers(run, pod);
        this.removeLater(pod.metadata.namespace as string, pod.metadata.name as string, uid);
      }
      return;
    }
    if (!run && pod.spec?.nodeName && !isTerminal(pod)) this.admit(pod);
  }

  private admit(pod: KubeObject): void {
    const node = this.ledger.nodes.get(pod.spec.nodeName);
    if (!node) return; // bound to a node that does not exist: stays Pending, as with a dead kubelet
    const uid = pod.metadata.uid as string;
    const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller);
    const run: PodRun = {
      uid,
      namespace: pod.metadata.namespace as string,
      name: pod.metadata.name as string,
      node,
      containers: (pod.spec.containers ?? []).map((c: ContainerSpec) => ({ name: c.name, image: c.image })),
      initContainers: (pod.spec.initContainers ?? []).map((c: ContainerSpec) => ({ name: c.name, image: c.image })),
      runsToCompletion: owner?.kind === 'Job' && pod.spec.restartPolicy !== 'Always',
      excludedMs: 0,
      deleting: false,
      done: false,
    };
    this.runs.set(uid, run);
    this.after(run, this.ctx.profile.sandbox, () => this.createSandbox(run));
  }

  /**
   * Runs `step` after a delay drawn from `spec`, unless the pod went away or is being deleted.
   * How late it runs counts as the simulator's own delay to the pod's startup, except for a step
   * whose time the startup SLI leaves out (`counted` false: init containers).
   */
  private after(run: PodRun, spec: { p50: number; p99: number } | number, step: () => void, counted = true): void {
    const delay = typeof spec === 'number' ? spec : this.ctx.sample(spec);
    const guarded = () => {
      if (this.stopped || run.deleting || this.runs.get(run.uid) !== run) return;
      step();
    };
    if (counted) this.selfDelay.setTimeout(run.uid, guarded, delay);
    else this.ctx.setTimeout(guarded, delay);
  }

  private createSandbox(run: PodRun): void {
    const at = this.ctx.now();
    const ip = run.ip ?? (run.node.pool ? run.node.pool.allocate() : run.node.internalIP);
    const waiting: ContainerState = { waiting: { reason: run.initContainers.length ? 'PodInitializing' : 'ContainerCreating' } };
    const initWaiting = run.initContainers.length ? containerStatuses(run.initContainers, { waiting: { reason: 'PodInitializing' } }, { ready: false, started: false }) : undefined;
    if (!ip) {
      const pod = this.write(run, at, {
        conditions: {
          PodScheduled: { status: 'True' },
          PodReadyToStartContainers: { status: 'False' },
          Initialized: this.initializedBefore(run),
          Ready: { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${run.containers.map((c) => c.name).join(' ')}]` },
          ContainersReady: { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${run.containers.map((c) => c.name).join(' ')}]` },
        },
        status: {
          phase: 'Pending',
          hostIP: run.node.internalIP,
          hostIPs: run.node.internalIP ? [{ ip: run.node.internalIP }] : undefined,
          initContainerStatuses: initWaiting,
          containerStatuses: containerStatuses(run.containers, waiting, { ready: false, started: false }),
        },
        startTimeIfUnset: rfc3339(at),
      });
      let queue = this.waitingForIp.get(run.node.name);
      if (!queue) this.waitingForIp.set(run.node.name, (queue = new Set()));
      queue.add(run);
      if (pod) {
        const sandboxId = hex64(`${run.uid}/sandbox/${at}`);
        this.ctx.recordEvent(
          pod,
          'Warning',
          'FailedCreatePodSandBox',
          `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandboxId}": plugin type="ptp" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${run.node.pool!.rangeSet}`,
          KUBELET,
        );
      }
      return;
    }
    run.ip = ip;
    const unready = `containers with unready status: [${run.containers.map((c) => c.name).join(' ')}]`;
    const pod = this.write(run, at, {
      conditions: {
        PodScheduled: { status: 'True' },
        PodReadyToStartContainers: { status: 'True' },
        Initialized: this.initializedBefore(run),
        Ready: { status: 'False', reason: 'ContainersNotReady', message: unready },
        ContainersReady: { status: 'False', reason: 'ContainersNotReady', message: unready },
      },
      status: {
        phase: 'Pending',
        hostIP: run.node.internalIP,
        hostIPs: run.node.internalIP ? [{ ip: run.node.internalIP }] : undefined,
        podIP: ip,
        podIPs: [{ ip }],
        initContainerStatuses: initWaiting,
        containerStatuses: containerStatuses(run.containers, waiting, { ready: false, started: false }),
      },
      startTimeIfUnset: rfc3339(at),
    });
    if (pod) this.runInitContainers(run, pod, 0, at);
  }

  /** Initialized as written before the init containers have run. */
  private initializedBefore(run: PodRun): ConditionChange {
    if (run.initContainers.length === 0) return { status: 'True' };
    return { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${run.initContainers.map((c) => c.name).join(' ')}]` };
  }

  /** Init containers run one after another to completion; then the pod is Initialized. */
  private runInitContainers(run: PodRun, pod: KubeObject, index: number, phaseStartMs: number): void {
    const init = run.initContainers[index];
    if (init) {
      // The startup SLI leaves the init phase out, its timers' lateness too.
      this.pullImages(
        run,
        pod,
        [init],
        () =>
          this.after(
            run,
            this.ctx.profile.containerStart,
            () => {
              this.ctx.recordEvent(pod, 'Normal', 'Created', `Created container: ${init.name}`, KUBELET, containerPath(pod, init));
              this.ctx.recordEvent(pod, 'Normal', 'Started', `Started container ${init.name}`, KUBELET, containerPath(pod, init));
              this.runInitContainers(run, pod, index + 1, phaseStartMs);
            },
            false,
          ),
        false,
      );
      return;
    }
    if (run.initContainers.length === 0) {
      this.startMain(run, pod);
      return;
    }
    const at = this.ctx.now();
    const done = containerStatuses(run.initContainers, { terminated: { exitCode: 0, reason: 'Completed', startedAt: rfc3339(phaseStartMs), finishedAt: rfc3339(at) } }, { ready: true, started: false });
    const written = this.write(run, at, { conditions: { Initialized: { status: 'True' } }, status: { initContainerStatuses: done } });
    run.excludedMs += at - phaseStartMs;
    if (written) this.startMain(run, written);
  }

  private startMain(run: PodRun, pod: KubeObject): void {
    this.pullImages(run, pod, run.containers, (waitMs) => {
      run.excludedMs += waitMs;
      this.after(run, this.ctx.profile.containerStart, () => this.startContainers(run));
    });
  }

  /** Pulls what the node lacks (Pulling/Pulled events), then calls `next` with the time waited. */
  private pullImages(run: PodRun, pod: KubeObject, containers: ContainerSpec[], next: (waitMs: number) => void, counted = true): void {
    const now = this.ctx.now();
    const pulledByUs = new Map<string, number>();
    let readyAt = now;
    for (const [image, first] of new Map(containers.map((c) => [c.image, c] as const))) {
      let landsAt = run.node.images.get(image);
      if (landsAt === undefined) {
        landsAt = now + this.ctx.sample(this.ctx.profile.imagePull);
        run.node.images.set(image, landsAt);
        pulledByUs.set(image, landsAt - now);
        this.ctx.recordEvent(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, KUBELET, containerPath(pod, first));
      }
      readyAt = Math.max(readyAt, landsAt);
    }
    this.after(run, readyAt - now, () => {
      for (const c of containers) {
        const took = pulledByUs.get(c.image);
        const message =
          took === undefined
            ? `Container image "${c.image}" already present on machine`
            : `Successfully pulled image "${c.image}" in ${goDuration(took)} (${goDuration(took)} including waiting). Image size: ${imageSize(c.image)} bytes.`;
        pulledByUs.delete(c.image);
        this.ctx.recordEvent(pod, 'Normal', 'Pulled', message, KUBELET, containerPath(pod, c));
      }
      next(readyAt - now);
    }, counted);
  }

  private startContainers(run: PodRun): void {
    const at = this.ctx.now();
    run.startedAtMs = at;
    const ids = new Map(run.containers.map((c) => [c.name, `containerd://${hex64(`${run.uid}/${c.name}`)}`]));
    const pod = this.write(run, at, {
      conditions: {},
      status: { phase: 'Running', containerStatuses: containerStatuses(run.containers, { running: { startedAt: rfc3339(at) } }, { ready: false, started: true }, ids) },
    });
    if (!pod) return;
    for (const c of run.containers) this.ctx.recordEvent(pod, 'Normal', 'Created', `Created container: ${c.name}`, KUBELET, containerPath(pod, c));
    for (const c of run.containers) this.ctx.recordEvent(pod, 'Normal', 'Started', `Started container ${c.name}`, KUBELET, containerPath(pod, c));
    this.ctx.recordTruth(pod, 'ContainersStarted', at);
    const created = this.createdAt.get(run.uid) ?? Date.parse(pod.metadata.creationTimestamp as string);
    this.createdAt.delete(run.uid);
    this.metrics.podStartSli(Math.max(0, at - created - run.excludedMs) / 1000, this.selfDelay.take(run.uid) / 1000);
    this.after(run, this.ctx.profile.readiness, () => this.markReady(run, ids));
    if (run.runsToCompletion) this.after(run, this.ctx.profile.jobPodRuntime, () => this.complete(run, ids));
  }

  private markReady(run: PodRun, ids: Map<string, string>): void {
    if (run.done) return;
    const at = this.ctx.now();
    this.write(run, at, {
      conditions: { Ready: { status: 'True' }, ContainersReady: { status: 'True' } },
      status: { containerStatuses: containerStatuses(run.containers, { running: { startedAt: rfc3339(run.startedAtMs!) } }, { ready: true, started: true }, ids) },
    });
  }

  private complete(run: PodRun, ids: Map<string, string>): void {
    const at = this.ctx.now();
    run.done = true;
    const terminated: ContainerState = { terminated: { exitCode: 0, reason: 'Completed', startedAt: rfc3339(run.startedAtMs!), finishedAt: rfc3339(at) } };
    const pod = this.write(run, at, {
      conditions: {
        PodReadyToStartContainers: { status: 'False' },
        Ready: { status: 'False', reason: 'PodCompleted' },
        ContainersReady: { status: 'False', reason: 'PodCompleted' },
      },
      status: { phase: 'Succeeded', containerStatuses: containerStatuses(run.containers, terminated, { ready: false, started: false }, ids) },
    });
    this.releaseIp(run);
    if (pod) this.ctx.recordTruth(pod, 'Succeeded', at);
  }

  private stopContainers(run: PodRun, pod: KubeObject): void {
    run.deleting = true;
    if (run.startedAtMs !== undefined && !run.done) {
      for (const c of run.containers) this.ctx.recordEvent(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, KUBELET, containerPath(pod, c));
    }
  }

  /** The kubelet's final delete (grace 0): the pod goes now, or as soon as its finalizers are gone. */
  private removeLater(namespace: string, name: string, uid: string): void {
    this.ctx.setTimeout(() => {
      if (this.stopped) return;
      const pod = this.ctx.store.get('pods', namespace, name);
      if (pod?.metadata.uid !== uid) return;
      if (pod.metadata.finalizers?.length) this.ctx.store.delete('pods', namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
      else this.ctx.store.remove('pods', namespace, name);
    }, this.ctx.sample(this.ctx.profile.podDeletion));
  }

  private forget(uid: string, pod: KubeObject): void {
    const run = this.runs.get(uid);
    if (run) {
      this.runs.delete(uid);
      this.waitingForIp.get(run.node.name)?.delete(run);
      this.releaseIp(run);
    }
    this.createdAt.delete(uid);
    this.selfDelay.forget(uid);
    this.removing.delete(uid);
    this.ctx.recordTruth(pod, 'Deleted', this.ctx.now());
  }

  private releaseIp(run: PodRun): void {
    if (!run.ip || !run.node.pool) return;
    run.node.pool.release(run.ip);
    run.ip = undefined;
    // The freed address goes to the pod that has waited longest, not to whoever asks next.
    const queue = this.waitingForIp.get(run.node.name);
    const next = queue?.values().next().value;
    if (queue && next) {
      queue.delete(next);
      next.ip = run.node.pool.allocate();
      this.after(next, this.ctx.profile.sandbox, () => this.createSandbox(next));
    }
  }

  /**
   * Writes the pod's status; conditions turning True are recorded as ground truth at `atMs`.
   * Returns the stored pod, or undefined when it is gone or being deleted.
   */
  private write(
    run: PodRun,
    atMs: number,
    change: { conditions: Partial<Record<ConditionType, ConditionChange>>; status: Record<string, unknown>; startTimeIfUnset?: string },
  ): KubeObject | undefined {
    let turned: ConditionType[] = [];
    const pod = this.ctx.store.mutateShallow('pods', run.namespace, run.name, (p) => {
      if (p.metadata.uid !== run.uid || p.metadata.deletionTimestamp) return false;
      p.status ??= {};
      const { conditions, turnedTrue } = applyConditions(p.status.conditions, change.conditions, atMs);
      turned = turnedTrue;
      p.status.conditions = conditions;
      for (const [key, value] of Object.entries(change.status)) {
        if (value === undefined) continue;
        p.status[key] = value;
      }
      if (change.startTimeIfUnset) p.status.startTime ??= change.startTimeIfUnset;
    });
    if (!pod || pod.metadata.uid !== run.uid || pod.metadata.deletionTimestamp) return undefined;
    for (const type of turned) this.ctx.recordTruth(pod, type as PodTransition, atMs);
    return pod;
  }
}

/** A plausible, stable image size in bytes (10-200 MB) for the Pulled event. */
function imageSize(image: string): number {
  return 10_000_000 + (parseInt(hex64(image).slice(0, 8), 16) % 190_000_000);
}
