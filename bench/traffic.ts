/**
 * burn's traffic sender beside autocannon (npm; k6 is AGPL and not used here), each in its own
 * process against the same 127.0.0.1 server (test/traffic/latency-server.mjs, its own process), with
 * the same keep-alive connections, runs alternating which tool goes first, the 1-minute load average
 * beside each run:
 *
 * - ceiling: the most requests per second each gets answered with `connections` connections against
 *   a server that answers at once, answered requests over the run's time. autocannon: closed loop,
 *   one request per connection. burn (open model): arrivals at 50,000 req/s, far past what either
 *   can send, with at most `connections` in flight, so every connection always has a request and
 *   the surplus arrivals are dropped and counted (their bookkeeping is part of burn's cost). The
 *   CPU each spends per answered request beside it;
 * - accuracy at fixed rates: the rate achieved against the one asked for (burn: sent over the
 *   scheduled time, as k6 counts it; autocannon's overallRate: sent over its duration), and the p50
 *   latency against the p50 the server measured itself holding (set 5 ms); burn's late share.
 *
 * burn runs as `burn traffic-agent` (the built CLI, as a traffic job's agent runs).
 * Variables: BENCH_TRAFFIC_SECONDS (5) per accuracy run, BENCH_TRAFFIC_RATES (100,1000,10000).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { agentEnvironment, achievedRate, decodeHistogram, INDEX_ENV, latencyFigures, parseSummaryLine, type AgentWork } from '../src/traffic/index.js';
import { getTarget, trafficSpec } from '../test/helpers/traffic-spec.js';
import { startLatencyServer, type LatencyServer } from '../test/traffic/server.js';

const BURN = fileURLToPath(new URL('../bin/burn.js', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('./traffic.autocannon.mjs', import.meta.url));
const CONNECTIONS = 64;
const SET_LATENCY_MS = 5;
/** The arrival rate of burn's ceiling run: more than any tool here sends, so it is held by its connections. */
const OVERLOAD_RATE = 50_000;
/** Time for a child process to load before its first arrival. */
const START_DELAY_MS = 2000;

export interface ToolRun {
  tool: 'burn' | 'autocannon';
  /** The rate asked for; 0 for the ceiling run. */
  rate: number;
  loadAverage: number;
  /** Requests per second sent (achieved rate) or, for the ceiling, sustained (see above). */
  perSecond: number;
  /** (achieved - asked) / asked, percent; 0 for the ceiling. */
  rateErrorPct: number;
  p50Ms: number;
  serverP50Ms: number;
  cpuMicrosPerRequest: number;
  /** burn only: requests sent more than lateAfter (10 ms) late, percent. */
  latePct?: number;
  failed: number;
}

function runChild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}: ${err.trim().slice(-500)}`))));
  });
}

/** The figures every tool's run has, from what it sent and the CPU it used. */
function figures(tool: ToolRun['tool'], run: { rate: number; ceiling: boolean; loadAverage: number; perSecond: number; sent: number; cpuMs: number }): Pick<ToolRun, 'tool' | 'rate' | 'loadAverage' | 'perSecond' | 'rateErrorPct' | 'cpuMicrosPerRequest'> {
  const { rate, ceiling, perSecond } = run;
  return {
    tool,
    rate: ceiling ? 0 : rate,
    loadAverage: run.loadAverage,
    perSecond,
    rateErrorPct: ceiling ? 0 : (100 * (perSecond - rate)) / rate,
    cpuMicrosPerRequest: run.sent ? (1000 * run.cpuMs) / run.sent : 0,
  };
}

async function runBurn(server: LatencyServer, rate: number, seconds: number, ceiling: boolean): Promise<ToolRun> {
  const loadAverage = loadavg()[0]!;
  const spec = trafficSpec({
    startRate: ceiling ? OVERLOAD_RATE : rate,
    stages: [{ durationMs: seconds * 1000, target: ceiling ? OVERLOAD_RATE : rate }],
    maxInFlight: ceiling ? CONNECTIONS : 100_000,
    connections: CONNECTIONS,
    agents: { mode: 'processes', startDelayMs: START_DELAY_MS, image: '', namespace: '' },
  });
  const work: AgentWork = { spec, targets: [getTarget(`${server.url}/${ceiling ? '?latency=0' : ''}`)], startWallMs: Date.now() + START_DELAY_MS };
  await server.held();
  const output = await runChild([BURN, 'traffic-agent', '--log-level', 'warn'], { ...process.env, ...agentEnvironment(work), [INDEX_ENV]: '0' });
  const held = await server.held();
  const summary = parseSummaryLine(output);
  if (!summary) throw new Error(`burn traffic-agent printed no summary: ${output.slice(-300)}`);
  const c = summary.total.counts;
  const perSecond = ceiling ? (c.succeeded * 1000) / summary.elapsedMs : achievedRate(summary);
  return {
    ...figures('burn', { rate, ceiling, loadAverage, perSecond, sent: ceiling ? c.succeeded : c.sent, cpuMs: summary.cpuMs }),
    p50Ms: latencyFigures(decodeHistogram(summary.total.latency)).p50,
    serverP50Ms: held.p50,
    latePct: c.sent ? (100 * c.late) / c.sent : 0,
    failed: c.failed,
  };
}

async function runAutocannon(server: LatencyServer, rate: number, seconds: number, ceiling: boolean): Promise<ToolRun> {
  const loadAverage = loadavg()[0]!;
  await server.held();
  const output = await runChild([AUTOCANNON, `${server.url}/${ceiling ? '?latency=0' : ''}`, String(CONNECTIONS), String(seconds), String(ceiling ? 0 : rate)]);
  const held = await server.held();
  const r = JSON.parse(output.trim().split('\n').pop()!) as { sent: number; answered: number; non2xx: number; errors: number; durationMs: number; p50: number; cpuMs: number };
  const perSecond = ((ceiling ? r.answered : r.sent) * 1000) / r.durationMs;
  return {
    ...figures('autocannon', { rate, ceiling, loadAverage, perSecond, sent: ceiling ? r.answered : r.sent, cpuMs: r.cpuMs }),
    p50Ms: r.p50,
    serverP50Ms: held.p50,
    failed: r.non2xx + r.errors,
  };
}

/** One round: the ceiling and each rate, both tools, `burnFirst` deciding the order (alternate it between rounds). */
export async function benchTraffic(options: { burnFirst: boolean; seconds?: number; rates?: number[] }): Promise<ToolRun[]> {
  const seconds = options.seconds ?? Number(process.env.BENCH_TRAFFIC_SECONDS ?? 5);
  const rates = options.rates ?? (process.env.BENCH_TRAFFIC_RATES ?? '100,1000,10000').split(',').map(Number);
  const server = await startLatencyServer(SET_LATENCY_MS);
  const runs: ToolRun[] = [];
  try {
    const both = async (rate: number, ceiling: boolean) => {
      const tools = [() => runBurn(server, rate, seconds, ceiling), () => runAutocannon(server, rate, seconds, ceiling)];
      for (const tool of options.burnFirst ? tools : tools.reverse()) runs.push(await tool());
    };
    await both(0, true);
    for (const rate of rates) await both(rate, false);
  } finally {
    await server.stop();
  }
  return runs;
}
