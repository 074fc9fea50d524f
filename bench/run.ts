/**
 * `npm run bench`: the hot paths, several runs each, every figure beside its goal, results in
 * bench/results/<timestamp>.json. Machine-dependent figures are compared as ratios measured in the
 * same run. Not part of `npm test`.
 *
 *   BENCH_RUNS=3            runs per benchmark (the end-to-end one runs BENCH_E2E_RUNS, default 1)
 *   BENCH_ONLY=limiter,...  a subset: request-path, request-path-sim, limiter, watch, template, e2e, traffic,
 *                           side-by-side (kube-burner beside burn on a real control plane it starts: the
 *                           longest, about an hour at its defaults; skipped, saying what to build, when
 *                           the control plane or kube-burner is not built: see bench/side-by-side.ts)
 *   BENCH_E2E_PODS=10000    pods of the end-to-end run
 *   sim-scale               the simulator alone: creates/s into 5,000 nodes up to 150,000 pods (BENCH_SIM_PODS), 4 watchers
 *   pod-tracking-sim        burn on the simulator: node-density, 100,000 pods (BENCH_PTS_PODS) at qps 1,000 (BENCH_PTS_QPS) on 5,000 nodes:
 *                           burn's RSS per tracked pod and its send rate beside the simulator's (both run BENCH_SIM_RUNS, default 1)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchEndToEnd } from './e2e-sim.js';
import { benchLimiter } from './limiter.js';
import { benchSideBySide } from './side-by-side.js';
import { median, type CostFigures } from '../test/helpers/side-by-side/results.js';
import { TOOLS } from '../test/helpers/side-by-side/run-tool.js';
import { benchPodTracking } from './pod-tracking.js';
import { benchPodTrackingSim } from './pod-tracking-sim.js';
import { benchRequestPath } from './request-path.js';
import { benchRequestPathSim } from './request-path-sim.js';
import { benchSimScale } from './sim-scale.js';
import { benchTemplate } from './template.js';
import { benchTraffic, type ToolRun } from './traffic.js';

interface Figure {
  bench: string;
  figure: string;
  /** Median over the runs, and every run's value. */
  value: number;
  runs: number[];
  unit: string;
  goal: string;
  /** undefined: reported, no goal. */
  met?: boolean;
  /** 1-minute load average when each run started, for figures from a shared machine. */
  load?: number[];
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const E2E_RUNS = Number(process.env.BENCH_E2E_RUNS ?? 1);
const SIM_RUNS = Number(process.env.BENCH_SIM_RUNS ?? 1);
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

/** Runs `measure` `runs` times; `pick` turns one run's result into named values. */
async function repeat<T>(runs: number, measure: () => Promise<T> | T, pick: (result: T) => Record<string, number>): Promise<Record<string, number[]>> {
  const series: Record<string, number[]> = {};
  for (let i = 0; i < runs; i++) {
    const values = pick(await measure());
    for (const [name, value] of Object.entries(values)) (series[name] ??= []).push(value);
  }
  return series;
}

type Goal = { text: string; met?: (value: number) => boolean };

function figures(bench: string, series: Record<string, number[]>, units: Record<string, string>, goals: Record<string, Goal> = {}): Figure[] {
  return Object.entries(series).map(([figure, runs]) => {
    const value = median(runs);
    const goal = goals[figure];
    return { bench, figure, value, runs, unit: units[figure] ?? '', goal: goal?.text ?? '-', met: goal?.met?.(value) };
  });
}

const benches: Record<string, () => Promise<Figure[]>> = {
  'request-path': async () => {
    const series = await repeat(RUNS, () => benchRequestPath(), (all) => {
      const burn = all.find((f) => f.client === 'burn')!;
      const reference = all.find((f) => f.client === 'client-node')!;
      return {
        'burn creates/s': burn.createsPerSecond,
        'client-node 1.4.0 creates/s': reference.createsPerSecond,
        'burn / client-node': burn.createsPerSecond / reference.createsPerSecond,
        'burn CPU per request': burn.cpuMicrosPerRequest,
      };
    });
    return figures('1. request path (minimal HTTPS server)', series, { 'burn creates/s': '/s', 'client-node 1.4.0 creates/s': '/s', 'burn / client-node': 'x', 'burn CPU per request': 'us' }, {
      'burn / client-node': { text: '>= 10x', met: (v) => v >= 10 },
      'burn CPU per request': { text: '< 200 us', met: (v) => v < 200 },
    });
  },
  'request-path-sim': async () => {
    const series = await repeat(RUNS, () => benchRequestPathSim(), (f) => ({ 'creates/s into the simulator': f.createsPerSecond, 'burn CPU per request': f.cpuMicrosPerRequest, errors: f.errors }));
    return figures('1b. request path (simulator process)', series, { 'creates/s into the simulator': '/s', 'burn CPU per request': 'us', errors: '' }, {
      'burn CPU per request': { text: '< 200 us', met: (v) => v < 200 },
      errors: { text: '0', met: (v) => v === 0 },
    });
  },
  limiter: async () => {
    const series = await repeat(RUNS, () => benchLimiter(), (all) => {
      const values: Record<string, number> = {};
      for (const f of all) {
        values[`qps ${f.qps} burst ${f.burst}: error`] = Math.abs(f.errorPct);
        values[`qps ${f.qps} burst ${f.burst}: most tokens ahead of the ideal timeline`] = f.aheadTokens;
        values[`qps ${f.qps} burst ${f.burst}: busiest 100 ms window`] = f.max100ms;
      }
      return values;
    });
    const units: Record<string, string> = {};
    const goals: Record<string, Goal> = {};
    for (const name of Object.keys(series)) {
      const kind = name.endsWith('error') ? 'error' : name.endsWith('timeline') ? 'ahead' : 'window';
      units[name] = kind === 'error' ? '%' : 'tokens';
      // ahead: float rounding of the timeline only (a whole token ahead would be a banked token)
      if (kind === 'error') goals[name] = { text: '<= 0.5 %', met: (v) => v <= 0.5 };
      if (kind === 'ahead') goals[name] = { text: '< 1 (never a token beyond burst + qps x elapsed)', met: (v) => v < 1 };
    }
    return figures('2. limiter accuracy', series, units, goals);
  },
  watch: async () => {
    const series = await repeat(RUNS, () => benchPodTracking(), (f) => ({ 'events/s': f.eventsPerSecond, 'JSON.parse alone, events/s': f.jsonParseOnlyPerSecond, 'ingest / parse': f.ingestVsParse, 'bytes per tracked pod': f.bytesPerPod, 'heap for 150,000 pods': f.heapMB }));
    return figures('3. watch ingest', series, { 'events/s': '/s', 'JSON.parse alone, events/s': '/s', 'ingest / parse': 'x', 'bytes per tracked pod': 'B', 'heap for 150,000 pods': 'MB' }, {
      'events/s': { text: '>= 25,000 /s', met: (v) => v >= 25_000 },
      'bytes per tracked pod': { text: '<= 400 B', met: (v) => v <= 400 },
      'heap for 150,000 pods': { text: '< 100 MB', met: (v) => v < 100 },
    });
  },
  e2e: async () => {
    const pods = Number(process.env.BENCH_E2E_PODS ?? 10_000);
    const series = await repeat(E2E_RUNS, () => benchEndToEnd({ pods, qps: 500 }), (f) => ({
      'ideal time (objects / qps)': f.idealSeconds,
      'sending time': f.sendingSeconds,
      'sending / ideal': f.sendingOverIdeal,
      'job time (to all pods ready)': f.jobSeconds,
      'achieved qps': f.achievedQps,
      'burn CPU time': f.burnCpuSeconds,
      'burn CPU per request': f.burnCpuPerRequestUs,
      'burn peak RSS': f.burnPeakRssMb,
      'exit code': f.exitCode,
    }));
    return figures(`4. end to end: cluster-density, ${pods} pods at qps 500 on --sim`, series, {
      'ideal time (objects / qps)': 's', 'sending time': 's', 'sending / ideal': 'x', 'job time (to all pods ready)': 's', 'achieved qps': '/s', 'burn CPU time': 's', 'burn CPU per request': 'us', 'burn peak RSS': 'MB', 'exit code': '',
    }, { 'exit code': { text: '0', met: (v) => v === 0 } });
  },
  'side-by-side': async () => {
    const { skipped, file, figures: cost, cluster } = await benchSideBySide();
    if (skipped) {
      process.stdout.write(`\n6. side by side on the real control plane: skipped, ${skipped}\n`);
      return [];
    }
    process.stderr.write(`side-by-side on ${cluster}: ${file}\n`);
    return sideBySideFigures(cost);
  },
  traffic: async () => {
    // Rounds alternate which tool goes first; each figure lists its runs, the load average beside them.
    const rounds: ToolRun[][] = [];
    for (let i = 0; i < RUNS; i++) rounds.push(await benchTraffic({ burnFirst: i % 2 === 0 }));
    const series: Record<string, number[]> = {};
    const units: Record<string, string> = {};
    const goals: Record<string, Goal> = {};
    const add = (name: string, value: number, unit: string, goal?: Goal) => {
      (series[name] ??= []).push(value);
      units[name] = unit;
      if (goal) goals[name] = goal;
    };
    for (const runs of rounds) {
      const ceiling = (tool: string) => runs.find((r) => r.rate === 0 && r.tool === tool)!;
      const [burn, peer] = [ceiling('burn'), ceiling('autocannon')];
      add('ceiling: burn answered/s (open model held by its connections)', burn.perSecond, '/s');
      add('ceiling: autocannon answered/s (closed loop)', peer.perSecond, '/s');
      add('ceiling: burn / autocannon', burn.perSecond / peer.perSecond, 'x');
      add('ceiling: burn CPU per request', burn.cpuMicrosPerRequest, 'us');
      add('ceiling: autocannon CPU per request', peer.cpuMicrosPerRequest, 'us');
      add('ceiling: load average (1 min) at burn', burn.loadAverage, '');
      add('ceiling: load average (1 min) at autocannon', peer.loadAverage, '');
      for (const rate of [...new Set(runs.filter((r) => r.rate > 0).map((r) => r.rate))]) {
        for (const r of runs.filter((x) => x.rate === rate)) {
          const at = `${rate.toLocaleString('en-US')} req/s: ${r.tool}`;
          add(`${at} rate error`, r.rateErrorPct, '%', r.tool === 'burn' ? { text: 'within 1 %', met: (v) => Math.abs(v) <= 1 } : undefined);
          add(`${at} p50 - server's p50`, r.p50Ms - r.serverP50Ms, 'ms', r.tool === 'burn' ? { text: 'within 1 ms', met: (v) => Math.abs(v) <= 1 } : undefined);
          add(`${at} CPU per request`, r.cpuMicrosPerRequest, 'us');
          if (r.latePct !== undefined) add(`${at} sent > 10 ms late`, r.latePct, '%', { text: '<= 1 % (else burn says it was the bottleneck)', met: (v) => v <= 1 });
          add(`${at} load average (1 min)`, r.loadAverage, '');
        }
        const pair = (tool: string) => runs.find((x) => x.rate === rate && x.tool === tool)!;
        add(`${rate.toLocaleString('en-US')} req/s: |rate error| burn / autocannon`, Math.abs(pair('burn').rateErrorPct) / Math.max(Math.abs(pair('autocannon').rateErrorPct), 0.01), 'x');
      }
    }
    return figures('7. traffic: burn beside autocannon, same 127.0.0.1 server, 64 connections', series, units, goals);
  },
  'sim-scale': async () => {
    const pods = Number(process.env.BENCH_SIM_PODS ?? 150_000);
    const load: number[] = [];
    const series = await repeat(SIM_RUNS, () => benchSimScale({ pods }), (f) => {
      load.push(...f.loadAverage);
      return {
        'creates/s (128 in flight, closed loop)': f.createsPerSecond,
        'simulator CPU per pod': f.cpuMsPerPod,
        'creates per core-second (1,000 / CPU per pod)': f.createsPerCoreSecond,
        'seconds to all pods Running': f.allRunningSeconds,
        'simulator heap at the end': f.heapUsedMb,
        'create errors': f.createErrors,
      };
    });
    const out = figures(`8. the simulator alone: ${pods.toLocaleString('en-US')} pods into 5,000 nodes, 4 watchers of every pod`, series, {
      'creates/s (128 in flight, closed loop)': '/s', 'simulator CPU per pod': 'ms', 'creates per core-second (1,000 / CPU per pod)': '/s', 'seconds to all pods Running': 's', 'simulator heap at the end': 'MB', 'create errors': '',
    }, {
      'creates per core-second (1,000 / CPU per pod)': { text: '>= 1,000 /s (a free core keeps up with qps 1,000)', met: (v) => v >= 1000 },
      'create errors': { text: '0', met: (v) => v === 0 },
    });
    // Load average at the start and the end of each run.
    for (const f of out) f.load = load;
    return out;
  },
  'pod-tracking-sim': async () => {
    const pods = Number(process.env.BENCH_PTS_PODS ?? 100_000);
    const qps = Number(process.env.BENCH_PTS_QPS ?? 1000);
    const load: number[] = [];
    const series = await repeat(SIM_RUNS, () => benchPodTrackingSim({ pods, qps, profile: 'large' }), (f) => {
      load.push(...f.loadAverage);
      const rss: Record<string, number> = {};
      for (const [mark, mb] of Object.entries(f.rssAtMb)) rss[`burn RSS at ${mark} pods`] = mb;
      return {
        ...rss,
        'burn RSS growth per tracked pod (slope from 10,000 pods)': f.bytesPerPod,
        'burn peak RSS': f.burnPeakRssMb,
        [`burn achieved qps (limit ${qps})`]: f.achievedQps,
        'burn sending / ideal': f.sendingOverIdeal,
        'simulator pods stored/s while burn sent': f.simCreatesPerSecond,
        'simulator CPU while burn sent (1 = a whole core)': f.simCpuCores,
        'simulator CPU per pod': f.simCpuMsPerPod,
        "burn's warnings naming the simulator": f.simulatorWarnings.length,
        'exit code': f.exitCode,
      };
    });
    const units: Record<string, string> = { 'burn RSS growth per tracked pod (slope from 10,000 pods)': 'B', 'burn peak RSS': 'MB', [`burn achieved qps (limit ${qps})`]: '/s', 'burn sending / ideal': 'x', 'simulator pods stored/s while burn sent': '/s', 'simulator CPU while burn sent (1 = a whole core)': 'x', 'simulator CPU per pod': 'ms' };
    for (const name of Object.keys(series)) if (name.startsWith('burn RSS at')) units[name] = 'MB';
    const out = figures(`9. burn on the simulator: node-density, ${pods.toLocaleString('en-US')} pods at qps ${qps}, 5,000 nodes (profile large)`, series, units, {
      'burn sending / ideal': { text: `<= 1.05 (the simulator keeps up with qps ${qps})`, met: (v) => v <= 1.05 },
    });
    for (const f of out) f.load = load;
    return out;
  },
  template: async () => {
    const series = await repeat(RUNS, () => benchTemplate(), (f) => ({ 'Go template objects/s': f.objectsPerSecond, '10,000 objects': f.msFor10k, 'Handlebars objects/s': f.handlebarsObjectsPerSecond }));
    return figures('5. template rendering', series, { 'Go template objects/s': '/s', '10,000 objects': 'ms', 'Handlebars objects/s': '/s' }, {
      '10,000 objects': { text: 'well under 1,000 ms', met: (v) => v < 500 },
    });
  },
};

/**
 * How much longer than kube-burner's burn's send span may be and still be "no longer". Paced by
 * the limiter, both tools release their creates on the same token timeline; a span is that
 * timeline plus how long the last create took to reach the API server, minus how long the first
 * did, and those single-request delays move a span by tens of ms from run to run (kube-burner's
 * own spans of one case differ by up to 90 ms at qps 200). So: one token interval at the case's
 * qps, or kube-burner's own run-to-run spread, whichever is larger; plus the span's resolution
 * when it comes from creationTimestamps (1 s).
 */
function spanToleranceMs(qps: number | undefined, spanFigure: string, kubeBurnerSpans: number[]): { ms: number; text: string } {
  const token = qps ? 1000 / qps : 0;
  const spread = kubeBurnerSpans.length > 1 ? (Math.max(...kubeBurnerSpans) - Math.min(...kubeBurnerSpans)) * 1000 : 0;
  const resolution = spanFigure.includes('creationTimestamp') ? 1000 : 0;
  const ms = Math.max(token, spread) + resolution;
  const larger = spread > token ? `kube-burner's own spread over its runs` : token ? `one token at qps ${qps}` : '';
  const parts = [larger, resolution ? '1 s of timestamp resolution' : ''].filter(Boolean);
  return { ms, text: `${format(ms, 'ms')} (${parts.join(' + ') || 'no tolerance'})` };
}

/** Per case: each tool's medians over its runs, and burn against kube-burner where the issue sets a goal. */
function sideBySideFigures(cost: CostFigures[]): Figure[] {
  const out: Figure[] = [];
  for (const name of [...new Set(cost.map((f) => f.case))]) {
    const bench = `6. side by side: ${name}`;
    // where the spans come from: the API server's audit log (ms) when every run has it, else creationTimestamps (1 s)
    const spanFigure = cost.every((f) => f.case !== name || f.sendSpanSource === 'audit') ? 'send span (audit log, ms)' : 'send span (creationTimestamp, 1 s)';
    const medians: Partial<Record<string, Record<string, number>>> = {};
    for (const tool of TOOLS) {
      const runs = cost.filter((f) => f.case === name && f.tool === tool);
      const load = runs.map((f) => f.loadStart[0]!);
      const series: [string, string, (f: CostFigures) => number | undefined][] = [
        // a run whose span saw no create (an audit log rotated under it) has no span
        [spanFigure, 's', (f) => (f.sendSpanObjects > 0 ? f.sendSpanSeconds : undefined)],
        ['objects/s (API server counters)', '/s', (f) => f.apiCreatesPerSecond],
        ['CPU per 1,000 objects', 's', (f) => f.cpuPer1000Objects],
        ['peak RSS', 'MB', (f) => f.peakRssMb],
        ['API server CPU', 's', (f) => f.apiServerCpuSeconds],
        ['CPU as a share of the API server\'s', 'x', (f) => f.cpuShareOfApiServer],
        ['exit code', '', (f) => f.exitCode],
      ];
      for (const [figure, unit, pick] of series) {
        const values = runs.map(pick).filter((v): v is number => v !== undefined);
        if (values.length === 0) continue;
        (medians[tool] ??= {})[figure] = median(values);
        out.push({ bench, figure: `${tool} ${figure}`, value: median(values), runs: values, unit, goal: '-', load });
      }
    }
    const [kb, burn] = [medians['kube-burner'], medians.burn];
    if (kb?.[spanFigure] !== undefined && burn?.[spanFigure] !== undefined) {
      const kubeBurnerSpans = cost.filter((f) => f.case === name && f.tool === 'kube-burner' && f.sendSpanObjects > 0).map((f) => f.sendSpanSeconds);
      const tolerance = spanToleranceMs(cost.find((f) => f.case === name)?.qps, spanFigure, kubeBurnerSpans);
      const difference = (burn[spanFigure]! - kb[spanFigure]!) * 1000;
      out.push({ bench, figure: 'burn - kube-burner send span', value: difference, runs: [difference], unit: 'ms', goal: `<= ${tolerance.text}`, met: difference <= tolerance.ms });
    }
    for (const figure of ['CPU per 1,000 objects', 'peak RSS']) {
      if (kb?.[figure] === undefined || burn?.[figure] === undefined || kb[figure] === 0) continue;
      const ratio = burn[figure]! / kb[figure]!;
      out.push({ bench, figure: `burn / kube-burner ${figure}`, value: ratio, runs: [ratio], unit: 'x', goal: '<= 1', met: ratio <= 1 });
    }
  }
  return out;
}

function format(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}${unit && unit !== 'x' ? ` ${unit}` : unit}`;
}

async function main(): Promise<void> {
  const all: Figure[] = [];
  for (const [name, bench] of Object.entries(benches)) {
    if (ONLY && !ONLY.includes(name)) continue;
    process.stderr.write(`bench ${name}...\n`);
    const results = await bench();
    all.push(...results);
    let heading = '';
    for (const f of results) {
      if (f.bench !== heading) process.stdout.write(`\n${(heading = f.bench)}\n`);
      const mark = f.met === undefined ? '    ' : f.met ? ' ok ' : 'MISS';
      const spread = f.runs.length > 1 ? ` (runs: ${f.runs.map((v) => format(v, '')).join(', ')})` : '';
      const load = f.load ? `; load ${f.load.map((v) => v.toFixed(1)).join(', ')}` : '';
      process.stdout.write(`  ${mark} ${f.figure.padEnd(58)} ${format(f.value, f.unit).padStart(14)}   goal ${f.goal}${spread}${load}\n`);
    }
  }
  const dir = join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, node: process.version, figures: all }, null, 2)}\n`);
  const missed = all.filter((f) => f.met === false);
  process.stdout.write(`\n${all.length} figures, ${missed.length} goal(s) missed; results in ${file}\n`);
}

await main();
