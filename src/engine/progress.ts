import { isAlreadyExists, isUncertainCreate } from '../kube/index.js';
import { nowMs } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';

export interface ProgressOptions {
  /** A terminal gets one live line rewritten in place; anything else plain lines every `intervalMs`. */
  tty: boolean;
  intervalMs?: number;
  write?: (text: string) => void;
  /** The run's stop: requests cut by it (queued for a token, or on the wire) are not counted. */
  signal?: AbortSignal;
}

/**
 * Rates are per second: a job that sent everything within one second (all of it in the client's
 * burst, typically) achieved the requests it sent, not requests over a few milliseconds.
 */
const MIN_RATE_WINDOW_MS = 1000;

/** One job's progress: what it has done so far, shown live on a terminal and as periodic lines in CI. */
export class JobProgress {
  iteration = 0;
  objectsCreated = 0;
  /** Requests of the job's own load (creates, deletes, patches, reads), for the achieved qps. */
  requests = 0;
  errors = 0;
  /** Creates whose outcome is unknown (UncertainCreateError): not resent, not errors, reported. */
  uncertainCreates = 0;
  /** Creates answered 409 AlreadyExists: someone else's object was there; not this run's, not an error of the cluster. */
  alreadyExists = 0;
  phase = 'starting';
  private inFlight = 0;
  private busySinceMs = 0;
  private busyMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly write: (text: string) => void;

  constructor(
    readonly jobName: string,
    readonly iterations: number,
    readonly podsReady: () => number,
    readonly podsKnown: () => number,
    private readonly options: ProgressOptions,
    private readonly log: Logger,
  ) {
    this.write = options.write ?? ((text) => process.stderr.write(text));
  }

  /**
   * Sends one request of the job's load and counts it once the cluster answered (or failed it).
   * A request the run's stop cut short (still waiting for a token, or on the wire) is neither a
   * request nor an error. Sending time is the time the job had requests in flight, so waits for
   * readiness between iterations (podWait) do not dilute the achieved qps.
   */
  async track<T>(request: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.busySinceMs = nowMs();
    try {
      const result = await request();
      this.requests++;
      return result;
    } catch (err) {
      if (!this.options.signal?.aborted) {
        this.requests++;
        if (isUncertainCreate(err)) this.uncertainCreates++;
        else if (isAlreadyExists(err)) this.alreadyExists++;
        else this.errors++;
      }
      throw err;
    } finally {
      if (--this.inFlight === 0) this.busyMs += nowMs() - this.busySinceMs;
    }
  }

  /**
   * Requests sent per second of sending time, the time counted as at least one second: never more
   * than the requests actually sent, however fast a burst went out. 0 before any request.
   */
  achievedQps(): number {
    const busyMs = this.busyMs + (this.inFlight > 0 ? nowMs() - this.busySinceMs : 0);
    return this.requests > 0 ? (this.requests * 1000) / Math.max(busyMs, MIN_RATE_WINDOW_MS) : 0;
  }

  /** Milliseconds the job spent with requests in flight. */
  sendingMs(): number {
    return this.busyMs;
  }

  line(): string {
    const pods = this.podsKnown();
    return [
      `job ${this.jobName}`,
      this.phase,
      `iteration ${Math.min(this.iteration + 1, this.iterations)}/${this.iterations}`,
      `objects ${this.objectsCreated}`,
      `qps ${this.achievedQps().toFixed(1)}`,
      pods ? `pods ready ${this.podsReady()}/${pods}` : '',
      `errors ${this.errors}`,
      this.uncertainCreates ? `uncertain creates ${this.uncertainCreates}` : '',
      this.alreadyExists ? `already existed ${this.alreadyExists}` : '',
    ]
      .filter(Boolean)
      .join('  ');
  }

  start(): void {
    const interval = this.options.intervalMs ?? (this.options.tty ? 250 : 10_000);
    this.timer = setInterval(() => this.show(), interval);
    this.timer.unref();
  }

  private show(): void {
    if (this.options.tty) this.write(`\r\x1b[2K${this.line()}`);
    else this.log.info(this.line());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.tty) this.write(`\r\x1b[2K${this.line()}\n`);
    else this.log.info(this.line());
  }
}
