import { nowMs } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';

export interface ProgressOptions {
  /** A terminal gets one live line rewritten in place; anything else plain lines every `intervalMs`. */
  tty: boolean;
  intervalMs?: number;
  write?: (text: string) => void;
}

/** One job's progress: what it has done so far, shown live on a terminal and as periodic lines in CI. */
export class JobProgress {
  iteration = 0;
  objectsCreated = 0;
  /** Requests of the job's own load (creates, deletes, patches, reads), for the achieved qps. */
  requests = 0;
  errors = 0;
  phase = 'starting';
  private firstRequestMs: number | undefined;
  private lastRequestMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly write: (text: string) => void;

  constructor(
    readonly jobName: string,
    readonly iterations: number,
    private readonly podsReady: () => number,
    private readonly podsKnown: () => number,
    private readonly options: ProgressOptions,
    private readonly log: Logger,
  ) {
    this.write = options.write ?? ((text) => process.stderr.write(text));
  }

  /** Counts one request of the job's load at the moment it completed. */
  countRequest(ok: boolean): void {
    const at = nowMs();
    this.firstRequestMs ??= at;
    this.lastRequestMs = at;
    this.requests++;
    if (!ok) this.errors++;
  }

  /** Marks the start of the job's load: achieved qps counts from here. */
  markLoadStart(): void {
    this.firstRequestMs = nowMs();
  }

  /** Requests per second of the job's load, from its start to its last request; 0 before two points exist. */
  achievedQps(): number {
    if (this.firstRequestMs === undefined || this.lastRequestMs === undefined) return 0;
    const seconds = (this.lastRequestMs - this.firstRequestMs) / 1000;
    return seconds > 0 ? this.requests / seconds : 0;
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
