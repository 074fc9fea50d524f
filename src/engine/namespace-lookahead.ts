/**
 * The namespaces of the next iterations, created while the current iteration's objects are sent.
 * Made one at a time, each iteration would wait a namespace create's round trip before its first
 * object: at qps 1,000 with 30 objects an iteration, the creates of 100 namespaces (70-130 ms each on
 * a busy API server) held the send rate to 170 objects/s. Namespaces are set-up, not the job's load,
 * and each is still created before any object of its iteration is sent.
 */
import { namespaceForIteration, type Job } from '../config/index.js';
import type { JobContext } from './context.js';

/** What a namespace create is assumed to take before one has been timed. */
const INITIAL_CREATE_MS = 250;
/** Namespaces ahead: enough for twice the slowest create so far at the job's pace. */
const HEADROOM = 2;
const MOST_AHEAD = 64;

/**
 * Whether the job's loop may run ahead: not when something paces or acts per iteration (a delay
 * between namespaces or iterations, a wait after each iteration, onEachIteration hooks), where a
 * namespace made early would change what the user set up.
 */
export function mayCreateAhead(job: Job, waitEachIteration: boolean, perIterationHooks: boolean): boolean {
  return job.namespaceDelayMs <= 0 && job.jobIterationDelayMs <= 0 && !waitEachIteration && !perIterationHooks;
}

export class NamespaceLookahead {
  private readonly started = new Map<string, Promise<void>>();
  private slowestCreateMs = INITIAL_CREATE_MS;

  constructor(
    private readonly ctx: JobContext,
    private readonly ensure: (ctx: JobContext, namespace: string) => Promise<void>,
    /** The iterations in the order the loop takes them. */
    private readonly order: readonly number[],
    /** Objects an iteration sends: with the job's qps, how fast the loop uses namespaces up. */
    private readonly objectsPerIteration: number,
    private readonly ahead: boolean,
  ) {}

  /** Resolves when the namespace of the iteration at `position` of the order exists; starts the next ones. */
  async ready(position: number): Promise<void> {
    const own = namespaceForIteration(this.ctx.job, this.order[position]!);
    if (!own) return;
    const creating = this.start(own);
    if (this.ahead) {
      const depth = Math.min(MOST_AHEAD, Math.max(1, Math.ceil((HEADROOM * this.ctx.job.qps * this.slowestCreateMs) / 1000 / Math.max(1, this.objectsPerIteration))));
      for (let next = position + 1; next < this.order.length && next <= position + depth; next++) {
        const namespace = namespaceForIteration(this.ctx.job, this.order[next]!);
        if (namespace) this.start(namespace);
      }
    }
    await creating;
  }

  /** Every create started has ended: none adds to the ledger after the job's loop returns. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.started.values());
  }

  private start(namespace: string): Promise<void> {
    let creating = this.started.get(namespace);
    if (creating) return creating;
    if (this.ctx.ledger.namespaces.has(namespace)) return Promise.resolve();
    const began = performance.now();
    creating = this.ensure(this.ctx, namespace).then(() => {
      this.slowestCreateMs = Math.max(this.slowestCreateMs, performance.now() - began);
    });
    // A failure is thrown to the iteration that needs the namespace, not here.
    creating.catch(() => undefined);
    this.started.set(namespace, creating);
    return creating;
  }
}
