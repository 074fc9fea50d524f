import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * End to end on the simulator: cluster-density with `pods` pods at `qps`, through the real CLI in a
 * child process (the simulator in a grandchild), compared with the ideal time objects / qps.
 */
export interface EndToEndFigures {
  pods: number;
  objects: number;
  qps: number;
  idealSeconds: number;
  /** The create job from start to all pods ready, and its sending phase alone. */
  jobSeconds: number;
  sendingSeconds: number;
  /** sendingSeconds / idealSeconds: 1.0 means burn sent at exactly the configured rate. */
  sendingOverIdeal: number;
  achievedQps: number;
  burnCpuSeconds: number;
  burnCpuPerRequestUs: number;
  burnPeakRssMb: number;
  exitCode: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function benchEndToEnd(options: { pods?: number; qps?: number; nodes?: number } = {}): Promise<EndToEndFigures> {
  const pods = options.pods ?? 10_000;
  const qps = options.qps ?? 500;
  const podsPerIteration = 10; // cluster-density: 5 deployments of 2 pods per namespace
  const iterations = Math.ceil(pods / podsPerIteration);
  const nodes = options.nodes ?? Math.ceil(pods / 100);
  const dir = await mkdtemp(join(tmpdir(), 'burn-bench-e2e-'));
  try {
    const args = [
      join(ROOT, 'bin/burn.js'), 'init', '-c', join(ROOT, 'configs/cluster-density.yaml'), '--sim', '--sim-nodes', String(nodes),
      '--set', `jobs.0.jobIterations=${iterations},jobs.0.qps=${qps},jobs.0.burst=${qps}`, '--report-dir', dir, '--log-level', 'warn',
    ];
    const exitCode = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? 1));
    });
    const [job] = JSON.parse(await readFile(join(dir, 'jobSummary.json'), 'utf8')) as Array<Record<string, number>>;
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as { burnProcess: { cpuUserMs: number; cpuSystemMs: number; maxRssMb: number } };
    const objects = job!.objectsCreated!;
    const cpuSeconds = (run.burnProcess.cpuUserMs + run.burnProcess.cpuSystemMs) / 1000;
    return {
      pods,
      objects,
      qps,
      idealSeconds: objects / qps,
      jobSeconds: job!.elapsedTime!,
      sendingSeconds: job!.sendingTime!,
      sendingOverIdeal: job!.sendingTime! / (objects / qps),
      achievedQps: job!.achievedQps!,
      burnCpuSeconds: cpuSeconds,
      burnCpuPerRequestUs: (cpuSeconds * 1e6) / job!.requests!,
      burnPeakRssMb: run.burnProcess.maxRssMb,
      exitCode,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
