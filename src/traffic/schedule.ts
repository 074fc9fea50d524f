/**
 * The ideal timeline of an open-model load (k6's ramping-arrival-rate): the rate moves linearly
 * within each stage, and arrival n is due at the instant the integral of the rate reaches n. Every
 * arrival has its intended start here, whatever the server does; latency is measured from it.
 * Agents share one timeline: agent i of N takes arrivals i, i+N, i+2N...
 */
import type { TrafficStage } from '../config/index.js';

export interface Arrival {
  /** Position on the whole timeline (all agents). */
  n: number;
  /** Intended start, ms after the timeline's start. */
  atMs: number;
  stage: number;
}

/** One stage's rate as a line: from `fromRate` to `toRate` requests/s over [startMs, startMs + durationMs). */
interface Segment {
  startMs: number;
  durationMs: number;
  fromRate: number;
  toRate: number;
  /** Arrivals due before the segment starts (the integral of the rate up to startMs). */
  before: number;
}

function segmentsOf(startRate: number, stages: readonly TrafficStage[]): Segment[] {
  const segments: Segment[] = [];
  let rate = startRate;
  let startMs = 0;
  let before = 0;
  for (const stage of stages) {
    segments.push({ startMs, durationMs: stage.durationMs, fromRate: rate, toRate: stage.target, before });
    before += ((rate + stage.target) / 2) * (stage.durationMs / 1000);
    startMs += stage.durationMs;
    rate = stage.target;
  }
  return segments;
}

/** Arrivals due in [0, t) of the timeline (a real number: the integral of the rate). */
export function arrivalsBefore(startRate: number, stages: readonly TrafficStage[], tMs: number): number {
  let total = 0;
  for (const s of segmentsOf(startRate, stages)) {
    const within = Math.min(Math.max(tMs - s.startMs, 0), s.durationMs);
    const endRate = s.durationMs > 0 ? s.fromRate + ((s.toRate - s.fromRate) * within) / s.durationMs : s.fromRate;
    total += ((s.fromRate + endRate) / 2) * (within / 1000);
  }
  return total;
}

/** How many arrivals the whole timeline holds: those due strictly before its end. */
export function totalArrivals(startRate: number, stages: readonly TrafficStage[]): number {
  const durationMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
  return Math.ceil(arrivalsBefore(startRate, stages, durationMs) - 1e-9);
}

export function timelineMs(stages: readonly TrafficStage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/**
 * Time within a segment at which `area` more arrivals are due: the root of
 * fromRate*t + (toRate-fromRate)*t^2/(2D) = area, written so it stays exact when a rate is 0.
 */
function solveWithin(s: Segment, area: number): number {
  if (area <= 0) return 0;
  const a = s.fromRate / 1000; // per ms
  const slope = (s.toRate - s.fromRate) / 1000 / s.durationMs; // per ms^2
  if (Math.abs(slope) < 1e-15) return area / a;
  const disc = a * a + 2 * slope * area;
  return (2 * area) / (a + Math.sqrt(Math.max(disc, 0)));
}

/**
 * Walks agent `index`'s arrivals in order of intended start without allocating one object per
 * arrival (the sender's hot path): after advance() returns true, n, atMs and stage describe the next one.
 */
export class ArrivalCursor {
  n: number;
  atMs = 0;
  stage = 0;
  private readonly segments: Segment[];
  private readonly total: number;

  constructor(
    startRate: number,
    stages: readonly TrafficStage[],
    index = 0,
    private readonly agents = 1,
  ) {
    this.segments = segmentsOf(startRate, stages);
    this.total = totalArrivals(startRate, stages);
    this.n = index - agents;
  }

  advance(): boolean {
    this.n += this.agents;
    if (this.n >= this.total) return false;
    const segments = this.segments;
    while (this.stage < segments.length - 1 && segments[this.stage + 1]!.before <= this.n) this.stage++;
    const s = segments[this.stage]!;
    this.atMs = s.startMs + Math.min(Math.max(solveWithin(s, this.n - s.before), 0), s.durationMs);
    return true;
  }
}

/** The arrivals of agent `index` of `agents`, in order of intended start. */
export function* arrivals(startRate: number, stages: readonly TrafficStage[], index = 0, agents = 1): Generator<Arrival> {
  const cursor = new ArrivalCursor(startRate, stages, index, agents);
  while (cursor.advance()) yield { n: cursor.n, atMs: cursor.atMs, stage: cursor.stage };
}
