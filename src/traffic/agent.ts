/**
 * One load generator: sends its share of the timeline's arrivals at their intended instants
 * (open model), whatever the server does. An arrival that finds maxInFlight requests in flight is
 * dropped and counted; latency runs from the intended start to the answer's last byte.
 *
 * The loop keeps to the ideal timeline: each time it wakes it sends, in one batch, every arrival
 * whose instant has come, then sleeps until the next one (a timer, never a busy wait: the machine is
 * shared). Instants are fixed on the timeline, so a late wake-up never shifts the ones after it. A
 * request sent more than lateAfter after its instant is counted late: burn's own loop held it back.
 * The hot path allocates one small object per request (its undici dispatch handler) and no
 * closure, promise, stream or AbortController.
 */
import { readFile } from 'node:fs/promises';
import { cpuUsage } from 'node:process';
import { Pool, type Dispatcher } from 'undici';
import type { TrafficSpec } from '../config/index.js';
import { nowMs } from '../shared/clock.js';
import { secondOf, TrafficRecorder } from './recorder.js';
import { ArrivalCursor, timelineMs } from './schedule.js';
import type { TrafficSummary } from './summary.js';

export interface ResolvedTarget {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  weight: number;
}

export interface AgentPlan {
  spec: TrafficSpec;
  /** The CA's PEM, read by a coordinator for an agent that cannot read spec.tls.ca itself. */
  caPem?: string;
  targets: ResolvedTarget[];
  /** This agent's completion index and how many agents share the timeline. */
  index: number;
  /** Wall time (epoch ms) at which the timeline starts, the same for every agent. */
  startWallMs: number;
  signal: AbortSignal;
  /** Called about once a second with the arrivals handled so far (progress). */
  onProgress?: (handled: number) => void;
}

/** A target as undici's dispatch options, built once and reused for every request to it. */
interface Prepared {
  pool: Pool;
  options: Dispatcher.DispatchOptions;
}

/** Picks a target for arrival n by weight, spreading each target's arrivals evenly over the timeline. */
export function targetPicker(weights: readonly number[]): (n: number) => number {
  if (weights.length === 1) return () => 0;
  const sum = weights.reduce((a, b) => a + b, 0);
  const bounds: number[] = [];
  let acc = 0;
  for (const w of weights) bounds.push((acc += w / sum));
  const GOLDEN = 0.6180339887498949;
  return (n) => {
    const f = (n * GOLDEN) % 1;
    for (let i = 0; i < bounds.length; i++) if (f < bounds[i]!) return i;
    return weights.length - 1;
  };
}

/** The failure's name in reports: a timeout, or the socket's error code. */
export function errorName(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const name = (err as { name?: unknown })?.name;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'aborted';
  if (typeof code === 'string' && code) return code;
  return err instanceof Error ? err.message.slice(0, 80) : String(err).slice(0, 80);
}

async function preparePools(spec: TrafficSpec, targets: readonly ResolvedTarget[], caPem?: string): Promise<{ prepared: Prepared[]; pools: Pool[] }> {
  const ca = caPem ?? (spec.tls.ca ? await readFile(spec.tls.ca, 'utf8') : undefined);
  const byOrigin = new Map<string, Pool>();
  const prepared = targets.map((t): Prepared => {
    const url = new URL(t.url);
    let pool = byOrigin.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections: spec.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        // The agent's sweep times requests out (one timer for all, not undici's one per request).
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { rejectUnauthorized: !spec.tls.insecureSkipVerify, ...(ca ? { ca } : {}), ...(spec.tls.serverName ? { servername: spec.tls.serverName } : {}) },
      });
      byOrigin.set(url.origin, pool);
    }
    const headers = Object.entries(t.headers).flat();
    return { pool, options: { path: `${url.pathname}${url.search}`, method: t.method as Dispatcher.HttpMethod, headers, ...(t.body === '' ? {} : { body: t.body }) } };
  });
  return { prepared, pools: [...byOrigin.values()] };
}

const TIMED_OUT = new DOMException('the request timed out', 'TimeoutError');
const STOPPED = new DOMException('the traffic job was stopped', 'AbortError');
/** Arrivals sent in one go before answers get a turn, when many are due at once (a late wake-up). */
const BATCH = 64;
/**
 * Node's timers fire on whole milliseconds, up to one after the instant asked for: a wake-up also
 * sends the arrivals due within the next millisecond, a little early rather than a little late.
 * An early request's latency counts from its send (never shorter than the exchange took).
 */
const AHEAD_MS = 1;

/** One request: its undici dispatch handler (undici's own handler interface, which it calls without wrapping) and its place on the timeline. */
class Exchange implements Dispatcher.DispatchHandler {
  private abortRequest: ((err?: Error) => void) | undefined = undefined;
  status = 0;
  /** Recorded already (answered, failed, timed out or stopped): later callbacks are ignored. */
  ended = false;

  constructor(
    private readonly sender: Sender,
    readonly stage: number,
    readonly second: number,
    /** The latency's start (epoch ms). */
    readonly fromMs: number,
    readonly sentMs: number,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    // Timed out or stopped while it waited for a connection: it never goes out.
    if (this.ended) abort(TIMED_OUT);
    else this.abortRequest = abort;
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    this.sender.end(this, undefined);
  }

  onError(err: Error): void {
    this.sender.end(this, errorName(err));
  }

  /** Ends it without an answer (timeout, stop) and cuts the request off if it went out. */
  cut(reason: DOMException): void {
    this.sender.end(this, reason === TIMED_OUT ? 'timeout' : 'aborted');
    this.abortRequest?.(reason);
  }
}

/** The sending loop of one agent; run() resolves once every arrival is handled and every request has ended. */
class Sender {
  private readonly recorder: TrafficRecorder;
  private readonly prepared: Prepared[];
  private readonly pick: (n: number) => number;
  private readonly cursor: ArrivalCursor;
  private readonly startMs: number;
  /** Requests in order of sending, for the timeout sweep; `head` is the oldest that may still be in flight. */
  private queue: Exchange[] = [];
  private head = 0;
  private inFlight = 0;
  private more: boolean;
  handled = 0;
  lastSentMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private resolveDone: (() => void) | undefined;

  constructor(
    private readonly spec: TrafficSpec,
    prepared: Prepared[],
    pick: (n: number) => number,
    index: number,
    startWallMs: number,
    private readonly signal: AbortSignal,
  ) {
    this.recorder = new TrafficRecorder(spec.stages.length, spec.lateAfterMs);
    this.prepared = prepared;
    this.pick = pick;
    this.cursor = new ArrivalCursor(spec.startRate, spec.stages, index, spec.parallelism);
    this.more = this.cursor.advance();
    this.startMs = startWallMs;
  }

  run(): Promise<TrafficRecorder> {
    return new Promise((resolve) => {
      this.resolveDone = () => resolve(this.recorder);
      const sweep = setInterval(() => this.sweep(), Math.min(100, Math.max(10, this.spec.timeoutMs / 10)));
      const onStop = () => this.stop();
      this.signal.addEventListener('abort', onStop, { once: true });
      const done = this.resolveDone;
      this.resolveDone = () => {
        clearInterval(sweep);
        this.signal.removeEventListener('abort', onStop);
        done();
      };
      if (this.signal.aborted) this.stop();
      else this.step();
    });
  }

  /** Sends every arrival whose instant has come, then sleeps until the next one. */
  private step = (): void => {
    this.timer = undefined;
    const cursor = this.cursor;
    const dueLimit = nowMs() - this.startMs + AHEAD_MS;
    for (let budget = BATCH; this.more && cursor.atMs <= dueLimit; budget--) {
      if (budget === 0) {
        setImmediate(this.step);
        return;
      }
      this.handle();
      this.more = cursor.advance();
    }
    if (this.more) this.timer = setTimeout(this.step, this.startMs + cursor.atMs - AHEAD_MS - nowMs());
    else this.settleIfDone();
  };

  private handle(): void {
    const { cursor, recorder } = this;
    const second = secondOf(cursor.atMs);
    recorder.planned(cursor.stage, second);
    this.handled++;
    if (this.inFlight >= this.spec.maxInFlight) {
      recorder.dropped(cursor.stage, second);
      return;
    }
    const sentMs = nowMs();
    const lagMs = sentMs - this.startMs - cursor.atMs;
    const target = this.prepared[this.pick(cursor.n)]!;
    // The latency's start: the intended instant, or the send when it left early.
    const exchange = new Exchange(this, cursor.stage, second, lagMs > 0 ? sentMs - lagMs : sentMs, sentMs);
    this.inFlight++;
    this.queue.push(exchange);
    this.lastSentMs = sentMs;
    recorder.sent(cursor.stage, second, lagMs > 0 ? lagMs : 0, this.inFlight);
    target.pool.dispatch(target.options, exchange);
  }

  /** Records a request's end, once. */
  end(x: Exchange, error: string | undefined): void {
    if (x.ended) return;
    x.ended = true;
    this.inFlight--;
    if (error === undefined) this.recorder.answered(x.stage, x.second, nowMs() - x.fromMs, x.status);
    else this.recorder.failed(x.stage, x.second, error);
    if (this.inFlight === 0) this.settleIfDone();
  }

  /** Times out requests sent longer ago than the timeout (from the send: a late sender must not time out what it sends). */
  private sweep(): void {
    const q = this.queue;
    while (this.head < q.length && q[this.head]!.ended) this.head++;
    if (this.head > 4096 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    const before = nowMs() - this.spec.timeoutMs;
    for (let i = this.head; i < this.queue.length; i++) {
      const x = this.queue[i]!;
      if (x.sentMs > before) break;
      if (!x.ended) x.cut(TIMED_OUT);
    }
  }

  /** A stopped run sends nothing more and cuts off what is in flight; the summary still counts what was sent. */
  private stop(): void {
    this.more = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i]!.ended) this.queue[i]!.cut(STOPPED);
    this.settleIfDone();
  }

  private settleIfDone(): void {
    if (!this.more && this.inFlight === 0 && this.resolveDone) {
      const done = this.resolveDone;
      this.resolveDone = undefined;
      done();
    }
  }
}

/** Sends this agent's arrivals; resolves its summary once every request it sent has ended. */
export async function runAgent(plan: AgentPlan): Promise<TrafficSummary> {
  const { spec } = plan;
  const { prepared, pools } = await preparePools(spec, plan.targets, plan.caPem);
  const sender = new Sender(spec, prepared, targetPicker(plan.targets.map((t) => t.weight)), plan.index, plan.startWallMs, plan.signal);
  const cpuStart = cpuUsage();
  const progress = plan.onProgress ? setInterval(() => plan.onProgress!(sender.handled), 1000) : undefined;
  let recorder: TrafficRecorder;
  try {
    recorder = await sender.run();
  } finally {
    if (progress) clearInterval(progress);
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }
  const cpu = cpuUsage(cpuStart);
  return recorder.summary({
    startWallMs: plan.startWallMs,
    timelineMs: timelineMs(spec.stages),
    agents: [plan.index],
    parallelism: spec.parallelism,
    sendSpanMs: sender.lastSentMs > 0 ? sender.lastSentMs - plan.startWallMs : 0,
    elapsedMs: nowMs() - plan.startWallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
}
