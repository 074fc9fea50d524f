/**
 * Starts Debian's real Pushgateway (`scripts/controlplane/ensure-pushgateway` installs it) on
 * 127.0.0.1 (a free port, its persistence file in a temp folder); stop() kills it and removes the folder.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../measure/prometheus-harness.js';

export const PUSHGATEWAY_BIN = process.env.PUSHGATEWAY_BIN ?? '/usr/bin/prometheus-pushgateway';

export interface RunningPushgateway {
  url: string;
  /** Its /metrics: every group pushed to it. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPushgateway(): Promise<RunningPushgateway> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-pushgateway-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(PUSHGATEWAY_BIN, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'pushgateway.data')}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000)).then(() => child.kill('SIGKILL'))]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus-pushgateway exited: ${stderr}`);
    if (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus-pushgateway did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop, metrics: async () => (await fetch(`${url}/metrics`)).text() };
}
