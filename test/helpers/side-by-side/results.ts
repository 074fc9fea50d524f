// Each tool's cost per config, written to bench/results so the figures can be compared over time.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolRun } from './run-tool.js';

export interface CostFigures {
  case: string;
  tool: ToolRun['tool'];
  exitCode: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** First to last creationTimestamp of what the tool created (1 s precision), and how many objects. */
  sendSpanSeconds: number;
  sendSpanObjects: number;
  /** `uptime` load averages (1, 5, 15 min) when the tool started and ended. */
  loadStart: number[];
  loadEnd: number[];
}

export function costFigures(caseName: string, run: ToolRun): CostFigures {
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    case: caseName,
    tool: run.tool,
    exitCode: run.process.code,
    wallSeconds: round(run.process.wallSeconds),
    cpuSeconds: round(run.process.cpuSeconds),
    peakRssMb: round(run.process.peakRssMb),
    sendSpanSeconds: run.sendSpan.seconds,
    sendSpanObjects: run.sendSpan.objects,
    loadStart: run.process.load.start.map(round),
    loadEnd: run.process.load.end.map(round),
  };
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
 * burn's CPU and peak RSS as ratios to kube-burner's. Returns the file's path.
 */
export async function writeCostFigures(repo: string, figures: CostFigures[], context: Record<string, unknown> = {}): Promise<string> {
  const commit = gitCommit(repo);
  const date = new Date().toISOString();
  const ratios = [...new Set(figures.map((f) => f.case))].flatMap((name) => {
    const kb = figures.find((f) => f.case === name && f.tool === 'kube-burner');
    const burn = figures.find((f) => f.case === name && f.tool === 'burn');
    if (!kb || !burn) return [];
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
    return [{ case: name, cpu: ratio(burn.cpuSeconds, kb.cpuSeconds), peakRss: ratio(burn.peakRssMb, kb.peakRssMb), sendSpan: ratio(burn.sendSpanSeconds, kb.sendSpanSeconds) }];
  });
  const dir = join(repo, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `side-by-side-${date.replace(/[:.]/g, '-')}-${commit}.json`);
  await writeFile(file, `${JSON.stringify({ bench: 'side-by-side', date, commit, node: process.version, ...context, figures, burnOverKubeBurner: ratios }, null, 2)}\n`);
  return file;
}
