import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';

/** The built burn CLI and simulator processes, as a user runs them, for the fault suite. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'burn.js');
export const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface BurnProcess {
  child: ChildProcess;
  done: Promise<Ran>;
}

/** Starts `burn <args>`; NO_COLOR, and `env` on top of the test's environment. */
export function burn(args: string[], env: Record<string, string> = {}): BurnProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Ran>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** `burn sim serve` in its own process: an API server that can be paused (SIGSTOP) and killed. */
export interface SimProcess {
  url: string;
  kubeconfigPath: string;
  pause(): void;
  resume(): void;
  kill(): Promise<void>;
}

export async function simProcess(dir: string, options: { nodes?: number; profile?: string; seed?: number } = {}): Promise<SimProcess> {
  const kubeconfigPath = join(dir, `sim-${Math.random().toString(36).slice(2)}.kubeconfig`);
  const args = ['sim', 'serve', '--port', '0', '--nodes', String(options.nodes ?? 3), '--seed', String(options.seed ?? 1), '--kubeconfig-out', kubeconfigPath];
  if (options.profile) args.push('--profile', options.profile);
  const { child, done } = burn(args);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /serving (https:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void done.then((ran) => reject(new Error(`burn sim serve exited (${ran.code ?? ran.signal}): ${ran.stderr}`)));
  });
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  return {
    url,
    kubeconfigPath,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async kill() {
      signal('SIGCONT');
      signal('SIGKILL');
      await done;
    },
  };
}

export async function scratchDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-faults-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Objects of a kind that carry the run's uuid label (not being deleted). */
export async function countOfRun(client: KubeClient, kind: string, uuid: string): Promise<number> {
  const items = await client.list('v1', kind, { labelSelector: `burn.dev/uuid=${uuid}` });
  return items.filter((o) => !o.metadata.deletionTimestamp).length;
}

export function clientFor(kubeconfig: string, requestTimeoutMs = 10_000): Promise<KubeClient> {
  return connectCluster({ kubeconfig, env: {}, qps: 1000, burst: 1000, requestTimeoutMs });
}

/** Polls `check` until it is true; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function readJson(path: string): Promise<any> {
  return JSON.parse(await readFile(path, 'utf8'));
}
