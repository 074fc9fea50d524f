// Each tool's cost per config, written to bench/results so the figures can be compared over time.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolRun } from './run-tool.js';

export interface CostFigures {
  case: string;
  /** The limiter's rate the tools ran at (qps = burst), when the case sets one. */
  qps?: number;
  tool: ToolRun['tool'];
  exitCode: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** First to last create of what the tool sent, and how many objects: from the API server's audit log (ms) or creationTimestamps (1 s). */
  sendSpanSeconds: number;
  sendSpanObjects: number;
  sendSpanSource: ToolRun['sendSpan']['source'];
  /** When the API server was observed (the bench): its own count of the tool's creates, their rate, its CPU. */
  apiCreates?: number;
  apiCreatesPerSecond?: number;
  /** The tool's CPU seconds per 1,000 creates the API server counted. */
  cpuPer1000Objects?: number;
  apiServerCpuSeconds?: number;
  /** The tool's CPU as a share of the API server's over the same run (0.1 = a tenth). */
  cpuShareOfApiServer?: number;
  /** `uptime` load averages (1, 5, 15 min) when the tool started and ended. */
  loadStart: number[];
  loadEnd: number[];
}

export function costFigures(caseName: string, run: ToolRun, qps?: number): CostFigures {
  const round = (v: number) => Math.round(v * 100) / 100;
  const api = run.apiServer;
  const apiFigures = api
    ? {
        apiCreates: api.creates,
        apiCreatesPerSecond: round(api.createsPerSecond),
        cpuPer1000Objects: api.creates > 0 ? round((run.process.cpuSeconds / api.creates) * 1000) : undefined,
        apiServerCpuSeconds: api.cpuSeconds === undefined ? undefined : round(api.cpuSeconds),
        cpuShareOfApiServer: api.cpuSeconds ? Math.round((run.process.cpuSeconds / api.cpuSeconds) * 1000) / 1000 : undefined,
      }
    : {};
  return {
    case: caseName,
    ...(qps === undefined ? {} : { qps }),
    tool: run.tool,
    exitCode: run.process.code,
    wallSeconds: round(run.process.wallSeconds),
    cpuSeconds: round(run.process.cpuSeconds),
    peakRssMb: round(run.process.peakRssMb),
    sendSpanSeconds: Math.round(run.sendSpan.seconds * 1000) / 1000,
    sendSpanObjects: run.sendSpan.objects,
    sendSpanSource: run.sendSpan.source,
    ...apiFigures,
    loadStart: run.process.load.start.map(round),
    loadEnd: run.process.load.end.map(round),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function gitCommit(repo: string): string {
  try {
    return execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Writes bench/results/side-by-side-<date>-<commit>.json: one entry per config and tool, and
 * burn's CPU, peak RSS and send span as ratios to kube-burner's (medians over a case's runs). Returns the file's path.
 */
export async function writeCostFigures(repo: string, figures: CostFigures[], context: Record<string, unknown> = {}): Promise<string> {
  const commit = gitCommit(repo);
  const date = new Date().toISOString();
  // Medians over a case's runs (the bench runs each case several times, alternating the tools).
  const ratios = [...new Set(figures.map((f) => f.case))].flatMap((name) => {
    const of = (tool: ToolRun['tool'], pick: (f: CostFigures) => number) => median(figures.filter((f) => f.case === name && f.tool === tool).map(pick));
    if (!figures.some((f) => f.case === name && f.tool === 'kube-burner') || !figures.some((f) => f.case === name && f.tool === 'burn')) return [];
    const ratio = (pick: (f: CostFigures) => number) => {
      const kb = of('kube-burner', pick);
      return kb > 0 ? Math.round((of('burn', pick) / kb) * 100) / 100 : null;
    };
    return [{ case: name, cpu: ratio((f) => f.cpuSeconds), peakRss: ratio((f) => f.peakRssMb), sendSpan: ratio((f) => f.sendSpanSeconds) }];
  });
  const dir = join(repo, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `side-by-side-${date.replace(/[:.]/g, '-')}-${commit}.json`);
  await writeFile(file, `${JSON.stringify({ bench: 'side-by-side', date, commit, node: process.version, ...context, figures, burnOverKubeBurner: ratios }, null, 2)}\n`);
  return file;
}
