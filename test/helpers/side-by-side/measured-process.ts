// Runs one benchmark tool as a child process and measures what it cost: CPU seconds, peak RSS, wall time.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';

export interface MeasuredProcess {
  code: number;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  /** User + system CPU of the child and the children it waited for, from this process's cutime/cstime. */
  cpuSeconds: number;
  /** The child's VmHWM (its own peak resident set), sampled until it exits. */
  peakRssMb: number;
  /** Load averages (1, 5, 15 minutes, as `uptime` prints them) when the child started and ended: the machine is shared. */
  load: { start: number[]; end: number[] };
}

const CLOCK_TICKS_PER_SECOND = 100;
let measuring = false;

/** cutime + cstime of this process, in clock ticks: fields 16 and 17 of /proc/self/stat. */
async function waitedChildrenTicks(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  // The command name (field 2) may hold spaces; fields after it are plain numbers.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

async function highWaterMarkKb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // gone between two samples
  }
}

/**
 * Runs `command args` and measures it. One at a time per process: the CPU figure is the growth of
 * this process's waited-children time, which another child ending meanwhile would inflate.
 */
export async function runMeasured(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; sampleMs?: number } = {},
): Promise<MeasuredProcess> {
  if (measuring) throw new Error('runMeasured: another measured process is running in this process; run them one after another');
  measuring = true;
  try {
    const ticksBefore = await waitedChildrenTicks();
    const load = { start: loadavg(), end: [] as number[] };
    const started = process.hrtime.bigint();
    let peakKb = 0;
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const sampler = setInterval(() => {
      if (child.pid === undefined) return;
      void highWaterMarkKb(child.pid).then((kb) => (peakKb = Math.max(peakKb, kb ?? 0)));
    }, options.sampleMs ?? 100);
    const killer = options.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs) : undefined;
    const code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : -1)));
    }).finally(() => {
      clearInterval(sampler);
      if (killer) clearTimeout(killer);
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuSeconds = ((await waitedChildrenTicks()) - ticksBefore) / CLOCK_TICKS_PER_SECOND;
    load.end = loadavg();
    return { code, stdout, stderr, wallSeconds, cpuSeconds, peakRssMb: peakKb / 1024, load };
  } finally {
    measuring = false;
  }
}
