import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `burn init --sim` starts the simulator as a child; the child must not outlive burn, even after kill -9. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-sim-child-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('burn init --sim', () => {
  it('the simulator child exits when burn is killed with SIGKILL', async () => {
    const burn = spawn(process.execPath, ['bin/burn.js', 'init', '-c', 'configs/quickstart.yaml', '--sim', '--sim-nodes', '3', '--set', 'jobs.0.jobIterations=500', '--set', 'jobs.0.qps=2', '--report-dir', join(dir, 'run')], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // burn killed with SIGKILL cannot remove the burn-sim-* folder of the simulator's kubeconfig: it goes in `dir`.
      env: { ...process.env, TMPDIR: dir },
    });
    let stderr = '';
    burn.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<void>((resolve) => burn.once('exit', () => resolve()));
    let simPid = 0;
    try {
      // The run has started against the simulator: the child is serving.
      await until('the run to start', () => stderr.includes('job quickstart: create') || burn.exitCode !== null, 120_000);
      expect(burn.exitCode, stderr).toBeNull();
      [simPid] = childrenOf(burn.pid!);
      expect(simPid, 'the simulator child').toBeGreaterThan(0);
      burn.kill('SIGKILL');
      await exited;
      // Bounded, generous: the child notices its stdin pipe closing at once; this only allows for a busy machine.
      await until(`the simulator child ${simPid} to exit`, () => !alive(simPid), 60_000);
    } finally {
      if (burn.exitCode === null && burn.signalCode === null) burn.kill('SIGKILL');
      if (simPid && alive(simPid)) process.kill(simPid, 'SIGKILL');
    }
  }, 240_000);
});
