/**
 * Requests the engine keeps started: those out at the server, plus a tenth of a second of tokens
 * ready ahead of the bucket (rendered and queued for a slot or a token). A started request holds its
 * rendered object, so a window sized to the client's slots held thousands of them at qps 1,000
 * (20 MB of heap); the bucket only ever needs the next few.
 */
export function dispatchWindow(limits: { qps: number; maxConcurrency: number }, requestsOut: number): number {
  return requestsOut + aheadOf(limits);
}

function aheadOf({ qps, maxConcurrency }: { qps: number; maxConcurrency: number }): number {
  return Math.min(10_000, Number.isFinite(qps) ? Math.max(64, Math.ceil(qps / 10)) : maxConcurrency);
}

/**
 * While the window is full, how often it is looked at again (requests leave as tokens come, not only
 * as answers do): a quarter of the time the bucket takes to use up what waits ahead of it, 25 ms at
 * qps 1,000 and 0.8 s at qps 20 (every 5 ms cost 4% of a qps-20 run's CPU in timers). Without a
 * limiter only answers free slots, and an answer wakes the dispatcher itself.
 */
export function recheckMs(limits: { qps: number; maxConcurrency: number }): number {
  const { qps } = limits;
  if (!Number.isFinite(qps) || qps <= 0) return 1000;
  return Math.max(5, Math.min(1000, (250 * aheadOf(limits)) / qps));
}

/** The dispatcher of a job's requests through `client`: its window and recheck interval follow the client's limits and what it has out. */
export function dispatcherFor(client: { readonly limits: { qps: number; maxConcurrency: number }; readonly requestsOut: number }): Dispatcher {
  return new Dispatcher(
    () => dispatchWindow(client.limits, client.requestsOut),
    () => recheckMs(client.limits),
  );
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

  /** A number, or a function read at each submit (the window moves as requests go out); with a function, how often to read it again while full. */
  constructor(
    private readonly capacity: number | (() => number),
    private readonly recheckEveryMs: () => number = () => 5,
  ) {}

  /** Waits for room, then starts `task`; failures are collected, not thrown. */
  async submit(task: () => Promise<void>): Promise<void> {
    while (this.inFlight >= (typeof this.capacity === 'number' ? this.capacity : this.capacity())) {
      this.startedThisTurn = 0;
      await this.roomOrRecheck();
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

  /** Resolves when a task ends, or (for a window that moves without one ending) after a recheck interval. */
  private roomOrRecheck(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (typeof this.capacity === 'number') {
        this.room.push(resolve);
        return;
      }
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const waiting = this.room.indexOf(wake);
        if (waiting >= 0) this.room.splice(waiting, 1);
        resolve();
      }, this.recheckEveryMs());
      this.room.push(wake);
    });
  }

  /** Resolves when everything submitted so far has finished. */
  drain(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
