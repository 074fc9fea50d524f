import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** What a user sees of one `burn` command: its exit code and output. */
export interface BurnRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running command: resolves to its outcome; `said(text)` resolves once stderr contains `text` (rejects if it exits first). */
export type RunningBurn = Promise<BurnRun> & { said(text: string): Promise<void> };

const BIN = resolve('bin/burn.js');

/** Runs the built CLI (`node bin/burn.js ...`; `npm run build` first) in `cwd` (the repository by default), without colours. */
export function burnCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): RunningBurn {
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void; reject: (e: Error) => void }> = [];
  const ran = new Promise<BurnRun>((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      for (const w of waiters.filter((x) => stderr.includes(x.text))) w.resolve();
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      for (const w of waiters) w.reject(new Error(`burn ${args[0]} exited before saying "${w.text}": ${stderr}`));
      done({ code: code ?? -1, stdout, stderr });
    });
  });
  return Object.assign(ran, {
    said: (text: string) => new Promise<void>((ok, notSaid) => (stderr.includes(text) ? ok() : waiters.push({ text, resolve: ok, reject: notSaid }))),
  });
}

/** `burn('init', '-c', ...)`: burnCli with the arguments spread. */
export function burn(...args: string[]): RunningBurn {
  return burnCli(args);
}
