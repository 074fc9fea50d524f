/** Starts test/traffic/latency-server.mjs (its own process, 127.0.0.1) and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface LatencyServer {
  url: string;
  /** How long the server really held its answers since the last call (median, ms), by its own clock. */
  held(): Promise<{ count: number; p50: number }>;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./latency-server.mjs', import.meta.url));

export async function startLatencyServer(latencyMs: number): Promise<LatencyServer> {
  const child: ChildProcess = spawn(process.execPath, [script, String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async held() {
      return (await (await fetch(`${url}/held`)).json()) as { count: number; p50: number };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
