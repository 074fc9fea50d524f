/**
 * One load generator: sends its share of the timeline's arrivals at their intended instants
 * (open model), whatever the server does. An arrival that finds maxInFlight requests in flight is
 * dropped and counted; latency runs from the intended start to the answer's last byte, so a slow
 * server or a late sender shows in the figures rather than slowing the load (no coordinated omission).
 */
import { readFile } from 'node:fs/promises';
import { cpuUsage } from 'node:process';
import { Pool } from 'undici';
import type { TrafficSpec } from '../config/index.js';
import { nowMs } from '../shared/clock.js';
import { pause } from '../shared/sleep.js';
import { TrafficRecorder, type Outcome } from './recorder.js';
import { arrivals, timelineMs, type Arrival } from './schedule.js';
import type { TrafficSummary } from './summary.js';

/** A target with its URL known (a Service's resolved to an address). */
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

interface Prepared {
  pool: Pool;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Picks a target for arrival n by weight, spreading each target's arrivals evenly over the timeline. */
export function targetPicker(weights: readonly number[]): (n: number) => number {
  const sum = weights.reduce((a, b) => a + b, 0);
  const bounds: number[] = [];
  let acc = 0;
  for (const w of weights) bounds.push((acc += w / sum));
  const GOLDEN = 0.6180339887498949;
  return (n) => {
    const f = (n * GOLDEN) % 1;
    const i = bounds.findIndex((b) => f < b);
    return i === -1 ? weights.length - 1 : i;
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
  const prepared = targets.map((t) => {
    const url = new URL(t.url);
    let pool = byOrigin.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections: spec.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        headersTimeout: spec.timeoutMs,
        bodyTimeout: spec.timeoutMs,
        connect: { rejectUnauthorized: !spec.tls.insecureSkipVerify, ...(ca ? { ca } : {}), ...(spec.tls.serverName ? { servername: spec.tls.serverName } : {}) },
      });
      byOrigin.set(url.origin, pool);
    }
    return { pool, path: `${url.pathname}${url.search}`, method: t.method, headers: t.headers, body: t.body === '' ? undefined : t.body };
  });
  return { prepared, pools: [...byOrigin.values()] };
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const ignore = () => undefined;

/** Sends this agent's arrivals; resolves its summary once every request it sent has ended. */
export async function runAgent(plan: AgentPlan): Promise<TrafficSummary> {
  const { spec, signal } = plan;
  const { prepared, pools } = await preparePools(spec, plan.targets, plan.caPem);
  const pick = targetPicker(plan.targets.map((t) => t.weight));
  const recorder = new TrafficRecorder(spec.stages.length, spec.lateAfterMs);
  const inFlight = new Map<number, { controller: AbortController; sentMs: number }>();
  const settled: Array<() => void> = [];
  let handled = 0;
  const cpuStart = cpuUsage();

  // Requests sent longer ago than the timeout are aborted: one sweep, not a timer each. The timeout
  // counts from the send, not the intended start: a sender that fell behind must not abort what it sends.
  const sweep = setInterval(() => {
    const now = nowMs();
    for (const [, r] of inFlight) {
      if (now - r.sentMs < spec.timeoutMs) break; // in order of sending
      r.controller.abort(new DOMException('timeout', 'TimeoutError'));
    }
  }, Math.min(100, Math.max(10, spec.timeoutMs / 10)));
  const progress = plan.onProgress ? setInterval(() => plan.onProgress!(handled), 1000) : undefined;

  const fire = (a: Arrival, dueMs: number) => {
    const target = prepared[pick(a.n)]!;
    const controller = new AbortController();
    const sentMs = nowMs();
    inFlight.set(a.n, { controller, sentMs });
    recorder.sent(a, sentMs - dueMs, inFlight.size);
    const finish = (outcome: Outcome) => {
      recorder.done(a, nowMs() - dueMs, outcome);
      inFlight.delete(a.n);
      if (inFlight.size === 0) settled.splice(0).forEach((resolve) => resolve());
    };
    target.pool
      .request({ path: target.path, method: target.method as 'GET', headers: target.headers, body: target.body, signal: controller.signal })
      .then(
        (res) =>
          // Read to the last byte (the latency's end) without an async iterator per answer.
          new Promise<void>((resolve, reject) => {
            res.body.on('data', ignore).once('end', resolve).once('error', reject);
          }).then(() => finish({ status: res.statusCode })),
      )
      .catch((err: unknown) => finish({ error: controller.signal.aborted && controller.signal.reason instanceof DOMException && controller.signal.reason.name === 'TimeoutError' ? 'timeout' : errorName(err) }));
  };

  const iter = arrivals(spec.startRate, spec.stages, plan.index, spec.parallelism);
  let burst = 0;
  try {
    for (let next = iter.next(); !next.done && !signal.aborted; ) {
      const a = next.value;
      const dueMs = plan.startWallMs + a.atMs;
      const wait = dueMs - nowMs();
      // A timer, never a busy wait (the machine is shared with the server and the cluster): the
      // timer's lateness (under a millisecond when the machine keeps up) is in the send lag and latency.
      if (wait > 0) {
        await pause(Math.max(1, wait), signal);
        continue;
      }
      recorder.planned(a);
      handled++;
      if (inFlight.size >= spec.maxInFlight) recorder.dropped(a);
      else fire(a, dueMs);
      next = iter.next();
      // Behind schedule, many arrivals are due at once: let answers in between.
      if (++burst >= 32) {
        burst = 0;
        await immediate();
      }
    }
  } finally {
    // A stopped run aborts what is in flight; either way every request sent ends before the summary.
    if (signal.aborted) for (const [, r] of inFlight) r.controller.abort();
    if (inFlight.size > 0) await new Promise<void>((resolve) => settled.push(resolve));
    clearInterval(sweep);
    if (progress) clearInterval(progress);
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }
  const cpu = cpuUsage(cpuStart);
  return recorder.summary({
    startWallMs: plan.startWallMs,
    timelineMs: timelineMs(spec.stages),
    agents: [plan.index],
    parallelism: spec.parallelism,
    elapsedMs: nowMs() - plan.startWallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
}
