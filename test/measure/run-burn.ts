/** Runs the built `burn` CLI (bin/burn.js; `npm run build` first) as a user would. */
import { spawn } from 'node:child_process';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command's outcome; `said(text)` resolves once stderr contains `text` (rejects if it exits first). */
export function burn(...args: string[]): Promise<Ran> & { said(text: string): Promise<void> } {
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void; reject: (e: Error) => void }> = [];
  const ran = new Promise<Ran>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/burn.js', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      for (const w of waiters.filter((x) => stderr.includes(x.text))) w.resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      for (const w of waiters) w.reject(new Error(`burn ${args[0]} exited before saying "${w.text}": ${stderr}`));
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return Object.assign(ran, {
    said: (text: string) => new Promise<void>((resolve, reject) => (stderr.includes(text) ? resolve() : waiters.push({ text, resolve, reject }))),
  });
}
