import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../shared/errors.js';
import { sleep } from '../shared/sleep.js';

export interface SimTargetOptions {
  nodes: number;
  /** A built-in profile name or a YAML file. */
  profile: string;
  seed?: number;
  startTimeoutMs?: number;
}

export interface SimTarget {
  kubeconfigPath: string;
  stop(): Promise<void>;
}

const BURN_BIN = fileURLToPath(new URL('../../bin/burn.js', import.meta.url));

/** The child's pid, for tests that check it dies with burn. */
export interface SimChild extends SimTarget {
  pid: number;
}

/**
 * Runs `burn sim serve` in a child process for `burn init --sim`, so the engine talks to the
 * simulator over HTTPS exactly as to any cluster (it only gets the kubeconfig) and the simulator's
 * work does not share the engine's event loop. The child holds the read end of a pipe from burn and
 * exits when it closes: it dies with burn, even after `kill -9`.
 */
export async function startSimTarget(options: SimTargetOptions): Promise<SimChild> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-sim-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const args = [BURN_BIN, 'sim', 'serve', '--exit-with-parent', '--port', '0', '--nodes', String(options.nodes), '--profile', options.profile, '--kubeconfig-out', kubeconfigPath];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  const child = spawn(process.execPath, ['--max-old-space-size=4096', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C at the terminal reaches burn only, which still needs the cluster for gc.
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForKubeconfig(child, kubeconfigPath, options.startTimeoutMs ?? 30_000, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { kubeconfigPath, stop, pid: child.pid! };
}

async function waitForKubeconfig(child: ChildProcess, path: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new UserError(`the simulator exited with code ${child.exitCode} before it was ready:\n${output().trim()}`, { hint: 'check the --sim-profile and --sim-nodes flags' });
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.includes('current-context')) return;
    await sleep(50);
  }
  throw new UserError(`the simulator did not start within ${timeoutMs / 1000}s:\n${output().trim()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
