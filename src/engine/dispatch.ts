/**
 * Requests the engine keeps started: the client's slots (in flight, grown to qps x latency) plus a
 * second of tokens queued ahead of the bucket; enough to never starve it, few enough to stay small.
 */
export function dispatchWindow(limits: { qps: number; burst: number; maxConcurrency: number }): number {
  const { qps, burst, maxConcurrency } = limits;
  return Math.max(64, Math.min(10_000, Number.isFinite(qps) ? maxConcurrency + Math.ceil(qps) + burst : maxConcurrency * 2));
}

/**
 * Tasks started between two turns of the event loop: a window of thousands would otherwise be rendered
 * and queued in one turn, and the first request would leave only after the last was prepared (1.3 s
 * after the namespace for 1,000 pods at qps 1,000, on a busy machine).
 */
const TASKS_PER_TURN = 16;

/**
 * Keeps a bounded number of requests queued in the client, so a job of 150,000 objects neither
 * renders them all up front nor waits for each before sending the next: the token bucket sets the
 * pace, this only caps memory.
 */
export class Dispatcher {
  private inFlight = 0;
  private startedThisTurn = 0;
  private readonly idle: Array<() => void> = [];
  private readonly room: Array<() => void> = [];
  readonly errors: unknown[] = [];

  /** A number, or a function read at each submit (the client's slots grow with the latency). */
  constructor(private readonly capacity: number | (() => number)) {}

  /** Waits for room, then starts `task`; failures are collected, not thrown. */
  async submit(task: () => Promise<void>): Promise<void> {
    while (this.inFlight >= (typeof this.capacity === 'number' ? this.capacity : this.capacity())) {
      this.startedThisTurn = 0;
      await new Promise<void>((resolve) => this.room.push(resolve));
    }
    if (++this.startedThisTurn > TASKS_PER_TURN) {
      // let the requests already prepared go out before preparing more
      this.startedThisTurn = 1;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.inFlight++;
    task()
      .catch((err: unknown) => void this.errors.push(err))
      .finally(() => {
        this.inFlight--;
        this.room.shift()?.();
        if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }

  /** Resolves when everything submitted so far has finished. */
  drain(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
