/**
 * burn's RSS per tracked pod, and the simulator beside burn's send rate, in one real run:
 * node-density (bare pods, podLatency tracking every pod) at qps 1,000 through the CLI, against
 * `burn sim serve` in its own process (what `--sim` starts) with 5,000 nodes. Every second the bench
 * reads burn's VmRSS (its process only) and the simulator's stored pod count (its /metrics) and CPU.
 * - RSS at 0, 10k, 50k, 100k (and every 50k after) stored pods, and the least-squares slope of RSS
 *   over pods from 10k on: the bytes burn's RSS grows by per tracked pod;
 * - burn's achieved send rate beside the simulator's: pods stored per second while burn sent, and
 *   the simulator's CPU use (1.0 = a whole core: the simulator was the bottleneck);
 * - what burn said about it (its saturation warnings).
 * Run: npx vite-node bench/pod-tracking-sim.main.ts   (PODS, NODES, QPS, SIM_PROFILE override; SIM_CPU_PROF=DIR profiles the simulator;
 * SAMPLES=FILE appends every sample as a JSON line while it runs)
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TICKS_PER_SECOND = 100;

export interface PodTrackingSimFigures {
  pods: number;
  nodes: number;
  qps: number;
  /** burn's RSS (MB) when the simulator held 0, 10k, 50k, 100k, ... pods of the run. */
  rssAtMb: Record<string, number>;
  /** Least-squares slope of burn's RSS over stored pods, from 10,000 pods to the end of sending. */
  bytesPerPod: number;
  burnPeakRssMb: number;
  /** burn's sending: objects / sendingTime, and sendingTime over the ideal objects / qps. */
  achievedQps: number;
  sendingOverIdeal: number;
  /** Pods the simulator stored per second while burn sent (first to last pod). */
  simCreatesPerSecond: number;
  /** The simulator's CPU over the same span, in cores (1 = one core fully busy). */
  simCpuCores: number;
  simCpuMsPerPod: number;
  /** burn's warnings naming the simulator (its saturation), as the run printed them. */
  simulatorWarnings: string[];
  exitCode: number;
  loadAverage: [number, number];
}

interface Sample {
  t: number;
  pods: number;
  rssKb: number;
  simCpuMs: number;
}

async function procCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : NaN;
}

function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

function startProcess(args: string[], nodeArgs: string[], logFile?: { out: string[] }) {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin/burn.js'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: string[] = logFile?.out ?? [];
  child.stdout!.on('data', (c: Buffer) => out.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => out.push(c.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return { child, out, exited };
}

export async function benchPodTrackingSim(options: { pods?: number; nodes?: number; qps?: number; profile?: string; cpuProfileDir?: string; samplesFile?: string } = {}): Promise<PodTrackingSimFigures> {
  const pods = options.pods ?? 100_000;
  const nodes = options.nodes ?? 5000;
  const qps = options.qps ?? 1000;
  const dir = await mkdtemp(join(tmpdir(), 'burn-bench-pts-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const simNodeArgs = ['--max-old-space-size=4096', ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [])];
  const sim = startProcess(['sim', 'serve', '--port', '0', '--nodes', String(nodes), '--profile', options.profile ?? 'default', '--kubeconfig-out', kubeconfig], simNodeArgs);
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    for (let i = 0; ; i++) {
      if (sim.out.join('').includes('kubeconfig:')) break;
      if (sim.child.exitCode !== null || i > 600) throw new Error(`burn sim serve did not start:\n${sim.out.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const kc = parse(await readFile(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string } }>; users: Array<{ user: { token: string } }> };
    const server = kc.clusters[0]!.cluster.server;
    const token = kc.users[0]!.user.token;
    const storedPods = async (): Promise<number> => {
      const res = await request(`${server}/metrics`, { headers: { authorization: `Bearer ${token}` }, dispatcher: agent });
      const text = await res.body.text();
      const match = /^apiserver_storage_objects\{resource="pods"\} (\d+)/m.exec(text);
      return match ? Number(match[1]) : 0;
    };

    const loadStart = loadavg()[0]!;
    const burn = startProcess(
      [
        'init', '-c', join(ROOT, 'configs/node-density.yaml'), '--kubeconfig', kubeconfig, '--report-dir', join(dir, 'report'), '--log-level', 'warn',
        '--set', `jobs.0.jobIterations=${pods},jobs.0.qps=${qps},jobs.0.burst=${qps},global.gc=false`,
      ],
      [],
    );
    const samples: Sample[] = [];
    let stop = false;
    const sampler = (async () => {
      while (!stop && burn.child.exitCode === null) {
        try {
          const [count, rssKb, simCpuMs] = await Promise.all([storedPods(), procStatusKb(burn.child.pid!, 'VmRSS'), procCpuMs(sim.child.pid!)]);
          const sample = { t: performance.now(), pods: count, rssKb, simCpuMs };
          samples.push(sample);
          if (options.samplesFile) await appendFile(options.samplesFile, `${JSON.stringify({ ...sample, load: loadavg()[0] })}\n`);
        } catch {
          // burn exited between the check and the read
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    let burnPeakKb = 0;
    const peakWatch = setInterval(() => void procStatusKb(burn.child.pid!, 'VmHWM').then((kb) => (burnPeakKb = Math.max(burnPeakKb, kb)), () => {}), 2000);
    const exitCode = await burn.exited;
    clearInterval(peakWatch);
    stop = true;
    await sampler;
    const loadEnd = loadavg()[0]!;

    if (options.samplesFile) await appendFile(`${options.samplesFile}.log`, burn.out.join(''));
    const [job] = JSON.parse(await readFile(join(dir, 'report', 'jobSummary.json'), 'utf8')) as Array<Record<string, number>>;
    const run = JSON.parse(await readFile(join(dir, 'report', 'run.json'), 'utf8')) as { burnProcess?: { maxRssMb?: number } };
    const rssAtMb: Record<string, number> = {};
    const zero = samples.filter((s) => s.pods === 0).at(-1);
    if (zero) rssAtMb['0'] = Math.round(zero.rssKb / 1024);
    for (let mark = 10_000; mark <= pods; mark = mark < 50_000 ? 50_000 : mark + 50_000) {
      const at = samples.find((s) => s.pods >= mark);
      if (at) rssAtMb[mark.toLocaleString('en-US')] = Math.round(at.rssKb / 1024);
    }
    const sending = samples.filter((s) => s.pods >= 10_000);
    const first = samples.find((s) => s.pods > 0);
    // The sample that first shows every pod, or the last one (the final pods landed between samples).
    const last = samples.find((s) => s.pods >= pods) ?? samples.at(-1);
    const spanS = first && last ? (last.t - first.t) / 1000 : NaN;
    const simCpuMs = first && last ? last.simCpuMs - first.simCpuMs : NaN;
    const output = burn.out.join('');
    return {
      pods,
      nodes,
      qps,
      rssAtMb,
      bytesPerPod: Math.round(slope(sending.map((s) => [s.pods, s.rssKb * 1024]))),
      burnPeakRssMb: Math.round(Math.max(burnPeakKb / 1024, run.burnProcess?.maxRssMb ?? 0)),
      achievedQps: Math.round(job!.achievedQps!),
      sendingOverIdeal: Math.round((job!.sendingTime! / (job!.objectsCreated! / qps)) * 100) / 100,
      simCreatesPerSecond: Math.round((last!.pods - first!.pods) / spanS),
      simCpuCores: Math.round((simCpuMs / 1000 / spanS) * 100) / 100,
      simCpuMsPerPod: Math.round((simCpuMs / (last!.pods - first!.pods)) * 100) / 100,
      simulatorWarnings: output.split('\n').filter((line) => /simulator/i.test(line)).map((line) => line.trim()),
      exitCode,
      loadAverage: [Math.round(loadStart * 10) / 10, Math.round(loadEnd * 10) / 10],
    };
  } finally {
    if (sim.child.exitCode === null) sim.child.kill('SIGINT');
    await sim.exited;
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  }
}
