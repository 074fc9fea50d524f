import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** What a user sees of one `burn` command: its exit code and output. */
export interface BurnRun {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = resolve('bin/burn.js');

/** Runs the built CLI (`node bin/burn.js ...`) in `cwd` (the repository by default), without colours. */
export function burnCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<BurnRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
