import type { SimContext } from '../types.js';

/**
 * The delay the simulator adds to a pod's startup by itself. Every step on a pod's way from
 * creation to its containers started (scheduling attempt, sandbox, image pull, container start)
 * is a timer set for the latency the profile drew; how much later than that each timer fired is
 * the simulator's own backlog, not the cluster's latency. Waits the cluster would have too
 * (capacity for an unschedulable pod, a free pod IP) are not timers of that kind and do not count.
 * One number per pod from its creation until its containers start or it goes.
 */
export class PodSelfDelay {
  private readonly lateMs = new Map<string, number>();

  constructor(private readonly ctx: SimContext) {}

  /** The pod was created: its tally starts at 0. */
  begin(uid: string): void {
    this.lateMs.set(uid, 0);
  }

  /**
   * ctx.setTimeout for a step of one pod, or of the pods `uids` names when it fires: how late it
   * fired is added to each one's tally (a pod past its start or gone has none, and gets none).
   */
  setTimeout(uids: string | (() => Iterable<string>), fn: () => void, delayMs: number): void {
    const due = this.ctx.now() + Math.max(0, delayMs);
    this.ctx.setTimeout(() => {
      const late = this.ctx.now() - due;
      if (late > 0) {
        for (const uid of typeof uids === 'string' ? [uids] : uids()) {
          const sum = this.lateMs.get(uid);
          if (sum !== undefined) this.lateMs.set(uid, sum + late);
        }
      }
      fn();
    }, delayMs);
  }

  /** The pod's containers started: its tally (ms), and the record is dropped. */
  take(uid: string): number {
    const sum = this.lateMs.get(uid) ?? 0;
    this.lateMs.delete(uid);
    return sum;
  }

  forget(uid: string): void {
    this.lateMs.delete(uid);
  }
}
