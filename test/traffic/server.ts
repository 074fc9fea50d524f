/** Starts test/traffic/latency-server.mjs (its own process, 127.0.0.1) and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface LatencyServer {
  url: string;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./latency-server.mjs', import.meta.url));

export async function startLatencyServer(latencyMs: number): Promise<LatencyServer> {
  const child: ChildProcess = spawn(process.execPath, [script, String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
