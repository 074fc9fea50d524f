/**
 * What one load generator (agent) measured, as plain JSON: counts and encoded HDR histograms per
 * second of the timeline, per stage and in all. Agents' summaries merge exactly (counts add,
 * histograms add), so N agents give the result one agent at the same total rate would.
 */
import { mergeEncoded } from './histogram.js';

export interface TrafficCounts {
  /** Arrivals of this agent's share that came due (all of them, unless the run was stopped). */
  planned: number;
  sent: number;
  /** Answered with a status below 400. */
  succeeded: number;
  /** Answered 400 or above, or no answer (timeout, connection error). */
  failed: number;
  /** Arrivals that found maxInFlight requests in flight: not sent, counted. */
  dropped: number;
  /**
   * Sent more than lateAfter after their intended start: burn's own loop held them back (a busy
   * machine, too little CPU for the rate). A slow server never makes a request late: it is sent
   * on time and its latency shows the wait.
   */
  late: number;
  /** Failures by HTTP status ("503") and by error ("timeout", "ECONNREFUSED"). */
  byStatus: Record<string, number>;
  byError: Record<string, number>;
}

export interface TrafficWindow {
  counts: TrafficCounts;
  /** Latency from the intended start to the last byte of the answer (no coordinated omission), µs, encoded. */
  latency: string;
}

export interface TrafficSummary {
  /** Wall time (epoch ms) of the timeline's start, shared by every agent. */
  startWallMs: number;
  timelineMs: number;
  /** Completion indexes of the agents merged into this summary. */
  agents: number[];
  parallelism: number;
  total: TrafficWindow;
  stages: TrafficWindow[];
  /** Index = second of the timeline in which the arrivals were due. */
  seconds: TrafficWindow[];
  /** How late requests left compared to their intended start, µs, encoded. */
  sendLag: string;
  /** Most requests in flight at once (the largest of the agents'). */
  peakInFlight: number;
  /** From the timeline's start to the last request sent, ms (the longest of the agents'): the achieved rate is sent over this, or over the timeline when longer. */
  sendSpanMs: number;
  /** From the first intended start to the last answer, ms (the longest of the agents'). */
  elapsedMs: number;
  /** CPU the agents used while sending, ms (summed). */
  cpuMs: number;
}

export function emptyCounts(): TrafficCounts {
  return { planned: 0, sent: 0, succeeded: 0, failed: 0, dropped: 0, late: 0, byStatus: {}, byError: {} };
}

function addRecord(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function addCounts(into: TrafficCounts, from: TrafficCounts): TrafficCounts {
  into.planned += from.planned;
  into.sent += from.sent;
  into.succeeded += from.succeeded;
  into.failed += from.failed;
  into.dropped += from.dropped;
  into.late += from.late;
  addRecord(into.byStatus, from.byStatus);
  addRecord(into.byError, from.byError);
  return into;
}

function mergeWindows(windows: ReadonlyArray<TrafficWindow | undefined>): TrafficWindow {
  const present = windows.filter((w): w is TrafficWindow => w !== undefined);
  const counts = emptyCounts();
  for (const w of present) addCounts(counts, w.counts);
  return { counts, latency: mergeEncoded(present.map((w) => w.latency)) };
}

/** One summary of several agents' (all on the same timeline). */
export function mergeSummaries(parts: readonly TrafficSummary[]): TrafficSummary {
  if (parts.length === 0) throw new Error('no traffic summaries to merge');
  const first = parts[0]!;
  for (const p of parts) {
    if (p.startWallMs !== first.startWallMs || p.timelineMs !== first.timelineMs || p.parallelism !== first.parallelism)
      throw new Error(`traffic agents ran different timelines (start ${p.startWallMs} vs ${first.startWallMs}, ${p.timelineMs} vs ${first.timelineMs} ms, parallelism ${p.parallelism} vs ${first.parallelism})`);
  }
  const agents = parts.flatMap((p) => p.agents).sort((a, b) => a - b);
  const duplicated = agents.find((a, i) => agents[i + 1] === a);
  if (duplicated !== undefined) throw new Error(`traffic agent ${duplicated} reported twice`);
  const widest = (pick: (s: TrafficSummary) => TrafficWindow[]) => Math.max(...parts.map((p) => pick(p).length));
  return {
    startWallMs: first.startWallMs,
    timelineMs: first.timelineMs,
    agents,
    parallelism: first.parallelism,
    total: mergeWindows(parts.map((p) => p.total)),
    stages: Array.from({ length: widest((p) => p.stages) }, (_, i) => mergeWindows(parts.map((p) => p.stages[i]))),
    seconds: Array.from({ length: widest((p) => p.seconds) }, (_, i) => mergeWindows(parts.map((p) => p.seconds[i]))),
    sendLag: mergeEncoded(parts.map((p) => p.sendLag)),
    peakInFlight: Math.max(...parts.map((p) => p.peakInFlight)),
    sendSpanMs: Math.max(...parts.map((p) => p.sendSpanMs)),
    elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
    cpuMs: parts.reduce((sum, p) => sum + p.cpuMs, 0),
  };
}
