import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The mistakes a user can make with scripts/controlplane/{up,down}: each must end with one clear
// error line and a non-zero exit, before anything is built or started.

interface Run { code: number; stdout: string; stderr: string }

function run(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('bash', [`scripts/controlplane/${script}`, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/controlplane error messages', () => {
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
});
