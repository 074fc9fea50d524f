/**
 * saturation: burn watching itself (always on). Through each job it keeps burn's event-loop
 * delay in 1 s windows (perf_hooks.monitorEventLoopDelay) and burn's CPU time; with the simulator
 * it also reads the simulator's own windows from its /metrics (a histogram of each window's p99
 * delay), at the job's start and end.
 *
 * Rule: a window is saturated when its p99 loop delay is above 50 ms; a process is saturated
 * for a job when more than 10% of the job's windows were. A saturated burn makes its own clocks
 * (client-side API latency, watch-ms pod times) unreliable; a saturated simulator makes
 * everything it serves unreliable. The grader (src/slo) turns failures resting on them into
 * "inconclusive".
 */
import { LoopDelayWindows } from '../shared/loop-delay.js';
import { SIMULATOR_VERSION_SUFFIX } from '../shared/version.js';
import { scrapeMetricFamilies, type TextSample } from './metrics-text.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { histogramDifference, histogramP99 } from './quantiles.js';
import type { Measurement, MeasurementClient, MeasurementContext, MeasurementResult, SaturationReport, SelfDelayFigure, SelfDelayKind } from './types.js';

export const SATURATION_LOOP_DELAY_MS = 50;
export const SATURATED_FRACTION = 0.1;
/** The simulator's histogram of its 1 s windows' p99 loop delay, and its CPU counter (src/sim/server/metrics.ts). */
export const SIM_LOOP_DELAY_METRIC = 'simulator_eventloop_delay_window_p99_seconds';
export const SIM_CPU_METRIC = 'simulator_process_cpu_seconds_total';
/** The simulator's histograms of the delay it added itself, per kind of figure (src/sim/server/metrics.ts). */
export const SIM_SELF_DELAY_METRICS: Record<SelfDelayKind, string> = {
  request: 'simulator_request_self_delay_seconds',
  pod: 'simulator_pod_startup_self_delay_seconds',
};
export const SELF_DELAY_KINDS = Object.keys(SIM_SELF_DELAY_METRICS) as readonly SelfDelayKind[];

/** Windows seen, how many were saturated, the worst p99. */
export class WindowTally {
  samples = 0;
  saturatedWindows = 0;
  worstP99Ms = 0;

  add(p99Ms: number, windows = 1): void {
    this.samples += windows;
    if (p99Ms > SATURATION_LOOP_DELAY_MS) this.saturatedWindows += windows;
    if (p99Ms > this.worstP99Ms) this.worstP99Ms = p99Ms;
  }
}

export function saturationReport(source: SaturationReport['source'], tally: WindowTally, cpuSeconds?: number, selfDelay?: SaturationReport['selfDelay']): SaturationReport {
  const saturatedFraction = tally.samples > 0 ? tally.saturatedWindows / tally.samples : 0;
  return {
    source,
    samples: tally.samples,
    loopDelayP99Ms: Math.round(tally.worstP99Ms * 10) / 10,
    saturatedFraction: Math.round(saturatedFraction * 1000) / 1000,
    ...(cpuSeconds !== undefined ? { cpuSeconds: Math.round(cpuSeconds * 100) / 100 } : {}),
    saturated: saturatedFraction > SATURATED_FRACTION,
    ...(selfDelay && Object.keys(selfDelay).length > 0 ? { selfDelay } : {}),
  };
}

const SIM_FAMILIES = [`${SIM_LOOP_DELAY_METRIC}_bucket`, SIM_CPU_METRIC, ...SELF_DELAY_KINDS.map((kind) => `${SIM_SELF_DELAY_METRICS[kind]}_bucket`)];

/** What burn reads of the simulator in one scrape: cumulative buckets (by upper bound in seconds) and the CPU counter. */
export interface SimulatorCounters {
  cumulative: Map<number, number>;
  cpuSeconds: number;
  selfDelay: Partial<Record<SelfDelayKind, Map<number, number>>>;
}

function bound(le: string | undefined): number {
  return le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
}

/** The simulator's window histogram, CPU counter and self-delay histograms among one /metrics scrape's samples; undefined when the server is not the simulator. */
export function simulatorCounters(samples: readonly TextSample[]): SimulatorCounters | undefined {
  const cumulative = new Map<number, number>();
  const selfDelay: SimulatorCounters['selfDelay'] = {};
  let cpuSeconds = 0;
  for (const s of samples) {
    if (s.name === SIM_CPU_METRIC) cpuSeconds = s.value;
    else if (s.name === SIM_FAMILIES[0]) cumulative.set(bound(s.labels.le), s.value);
    else {
      const kind = SELF_DELAY_KINDS.find((k) => s.name === `${SIM_SELF_DELAY_METRICS[k]}_bucket`);
      if (kind) (selfDelay[kind] ??= new Map()).set(bound(s.labels.le), s.value);
    }
  }
  return cumulative.size > 0 ? { cumulative, cpuSeconds, selfDelay } : undefined;
}

/** The simulator's own delay per kind of figure between two scrapes: P99 (or maximum) and sample count; kinds without samples left out. */
export function simulatorSelfDelay(start: SimulatorCounters, end: SimulatorCounters): SaturationReport['selfDelay'] {
  const out: Partial<Record<SelfDelayKind, SelfDelayFigure>> = {};
  for (const kind of SELF_DELAY_KINDS) {
    const last = end.selfDelay[kind];
    if (!last) continue;
    const { count, p99, p99IsMax } = histogramP99(histogramDifference(start.selfDelay[kind], last));
    if (count > 0) out[kind] = { p99Ms: Math.round(p99 * 10) / 10, samples: count, ...(p99IsMax ? { p99IsMax: true as const } : {}) };
  }
  return out;
}

/** The simulator's windows between two scrapes: each bucket's windows count at the bucket's upper bound (the worst it can be). */
export function simulatorTally(start: Map<number, number>, end: Map<number, number>): WindowTally {
  const tally = new WindowTally();
  const les = [...end.keys()].sort((a, b) => a - b);
  let below = 0;
  let lastFinite = 0;
  for (const le of les) {
    const cumulative = (end.get(le) ?? 0) - (start.get(le) ?? 0);
    const inBucket = cumulative - below;
    below = cumulative;
    if (Number.isFinite(le)) lastFinite = le;
    // Past the last bound the delay is known only to exceed it: count it as just above.
    if (inBucket > 0) tally.add(Number.isFinite(le) ? le * 1000 : lastFinite * 1000 + 1, inBucket);
  }
  return tally;
}

/** The simulator's families in the server's /metrics (none on a real API server). */
function scrapeSimulator(client: MeasurementClient): Promise<TextSample[] | undefined> {
  return scrapeMetricFamilies(client, SIM_FAMILIES, 30_000);
}

/**
 * Whether the API server is burn's simulator, from its /version: a real API server's /metrics is
 * megabytes (a fifth of a second of its CPU to serve, just as the job starts) with none of the
 * simulator's families in it.
 */
async function servedBySimulator(client: MeasurementClient): Promise<boolean> {
  const version = await client.request?.<{ gitVersion?: unknown }>({ method: 'GET', path: '/version', timeoutMs: 30_000 });
  return typeof version?.gitVersion === 'string' && version.gitVersion.endsWith(SIMULATOR_VERSION_SUFFIX);
}

/** A loop held up while its process used little CPU waited for other processes: the machine was busy, not the process. */
const BUSY_ELSEWHERE_CPU_SHARE = 0.25;

/** Why a saturated loop was delayed, when its own CPU time shows it was not its own work; '' otherwise. */
export function saturationCause(r: SaturationReport): string {
  if (!r.saturated || r.cpuSeconds === undefined || r.samples === 0) return '';
  const share = r.cpuSeconds / r.samples;
  return share < BUSY_ELSEWHERE_CPU_SHARE ? ` (it used ${Math.round(100 * share)}% of a core: other processes held the CPU, the machine was too busy)` : '';
}

function describe(r: SaturationReport): string {
  const who = r.source === 'burn' ? "burn's event loop" : "the simulator's event loop";
  const rests = r.source === 'burn' ? 'client-side API latency and watch-clock pod times are unreliable' : 'every figure the simulator served is unreliable';
  return `${who} was saturated${saturationCause(r)}: p99 delay above ${SATURATION_LOOP_DELAY_MS} ms in ${(r.saturatedFraction * 100).toFixed(0)}% of ${r.samples} 1-s windows (worst ${r.loopDelayP99Ms} ms, more than ${SATURATED_FRACTION * 100}% is saturated): ${rests}`;
}

class SaturationMeasurement implements Measurement {
  readonly name = 'saturation';
  private burn = new WindowTally();
  private windows?: LoopDelayWindows;
  private cpuStart = process.cpuUsage();
  private cpuSeconds = 0;
  private client?: MeasurementClient;
  private simStart?: SimulatorCounters;
  private simulator?: SaturationReport;
  private readonly warnings: string[] = [];

  async start(ctx: MeasurementContext): Promise<void> {
    this.client = ctx.client;
    this.burn = new WindowTally();
    this.windows = new LoopDelayWindows((p99, n) => this.burn.add(p99, n));
    this.windows.start();
    this.cpuStart = process.cpuUsage();
    try {
      if (!(await servedBySimulator(ctx.client))) return;
      const samples = await scrapeSimulator(ctx.client);
      if (samples) this.simStart = simulatorCounters(samples);
    } catch {
      // /metrics not readable: a real cluster without the RBAC; apiServerSli says so. Nothing of the simulator's to read.
    }
  }

  async stop(): Promise<void> {
    this.windows?.stop();
    const cpu = process.cpuUsage(this.cpuStart);
    this.cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (!this.simStart || !this.client) return;
    try {
      const end = simulatorCounters((await scrapeSimulator(this.client)) ?? []);
      if (end) this.simulator = saturationReport('simulator', simulatorTally(this.simStart.cumulative, end.cumulative), end.cpuSeconds - this.simStart.cpuSeconds, simulatorSelfDelay(this.simStart, end));
    } catch (err) {
      this.warnings.push(`saturation: cannot read the simulator's /metrics at the job's end (${(err as Error).message}): its saturation is unknown`);
    }
  }

  async collect(): Promise<MeasurementResult> {
    const saturation = [saturationReport('burn', this.burn, this.cpuSeconds), ...(this.simulator ? [this.simulator] : [])];
    const warnings = [...this.warnings, ...saturation.filter((r) => r.saturated).map(describe)];
    return { name: this.name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [], warnings, saturation };
  }
}

export const saturationPlugin: MeasurementPlugin<Record<string, never>> = {
  name: 'saturation',
  jobTypes: 'all',
  parseOptions(raw, at) {
    new OptionReader(raw, at, [], 'saturation', ['name']).finish();
    return {};
  },
  create: () => new SaturationMeasurement(),
  access: () => [
    { url: '/version', verbs: ['get'], why: 'saturation tells the simulator from a real API server' },
    { url: '/metrics', verbs: ['get'], why: "saturation reads the simulator's /metrics" },
  ],
};
