import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a user meets when something is wrong around scripts/controlplane/{build,up,down}: one clear
// error, a non-zero exit, and nothing left running.

interface Run { code: number; stdout: string; stderr: string }

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [`scripts/controlplane/${script}`, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function shell(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
  });
}

async function writeExecutable(file: string, text: string): Promise<void> {
  await writeFile(file, text);
  await chmod(file, 0o755);
}

/** Running, not a zombie waiting for its new parent to reap it. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

describe('scripts/controlplane when something is wrong', () => {
  let scratch: string;
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'burn-cp-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    busyPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await rm(scratch, { recursive: true, force: true });
  });

  it('up names a taken --apiserver-port', async () => {
    const result = await run('up', ['--apiserver-port', String(busyPort), '--state-dir', join(scratch, 'state')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`port ${busyPort} on 127.0.0.1 is taken`);
  });

  it('up rejects a node count it cannot give pod CIDRs to', async () => {
    const result = await run('up', ['--nodes', '0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--nodes must be a whole number from 1 to 1024');
  });

  it('up and down refuse a folder they did not make', async () => {
    const foreign = join(scratch, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'precious.txt'), 'keep me');
    const up = await run('up', ['--state-dir', foreign]);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain('was not made by scripts/controlplane/up');
    const down = await run('down', ['--state-dir', foreign]);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain('not touching it');
    expect(await readFile(join(foreign, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('down of a state folder that does not exist is not an error', async () => {
    const result = await run('down', ['--state-dir', join(scratch, 'never-started')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to stop');
  });

  it('build names the Go version it needs when the installed one is too old', async () => {
    const fakeGoDir = join(scratch, 'old-go');
    await mkdir(fakeGoDir);
    await writeExecutable(join(fakeGoDir, 'go'), '#!/bin/sh\n[ "$1 $2" = "env GOVERSION" ] && echo go1.21.0 && exit 0\nexit 2\n');
    const result = await run('build', [], {
      BURN_CACHE_DIR: join(scratch, 'empty-cache'),
      PATH: `${fakeGoDir}:${process.env.PATH ?? ''}`,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Go 1\.21\.0 is too old: .* needs Go >= \d+\.\d+/);
  });

  it('up shows the log of a component that fails to start and stops the ones already running', async () => {
    // A cache whose kube-scheduler fails the way a bad flag would; every other binary is the real one.
    const realBin = await shell('source scripts/controlplane/lib.sh && bin_dir');
    const cacheRoot = join(scratch, 'broken-cache');
    const brokenBin = join(cacheRoot, 'controlplane', realBin.split('/').slice(-2, -1)[0] ?? '', 'bin');
    await mkdir(brokenBin, { recursive: true });
    for (const name of await readdir(realBin)) {
      if (name !== 'kube-scheduler') await symlink(join(realBin, name), join(brokenBin, name));
    }
    await writeExecutable(join(brokenBin, 'kube-scheduler'), '#!/bin/sh\necho "Error: unknown flag: --simulated-breakage" >&2\nexit 1\n');
    const stateDir = join(scratch, 'broken-state');

    const result = await run('up', ['--state-dir', stateDir, '--nodes', '1'], { BURN_CACHE_DIR: cacheRoot });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`last 40 lines of ${stateDir}/logs/kube-scheduler.log`);
    expect(result.stderr).toContain('unknown flag: --simulated-breakage');
    expect(result.stderr).toContain('kube-scheduler exited while starting');
    const pidDir = join(stateDir, 'pids');
    const pids = (await readdir(pidDir)).filter((file) => file.endsWith('.pid'));
    expect(pids).toEqual(expect.arrayContaining(['etcd.pid', 'kube-apiserver.pid', 'kube-controller-manager.pid']));
    for (const file of pids) {
      const pid = Number(await readFile(join(pidDir, file), 'utf8'));
      expect(await alive(pid), `${file} (pid ${pid}) still running`).toBe(false);
    }
    expect(existsSync(join(stateDir, 'logs', 'kube-apiserver.log'))).toBe(true);
    await run('down', ['--state-dir', stateDir]);
  });
});
