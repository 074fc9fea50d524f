/**
 * Runs the simulator in its own process, as a real cluster would be: the measurements under test
 * then do not share an event loop (and its stalls) with the cluster they observe.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SimProcess {
  url: string;
  token: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

const VITE_NODE = fileURLToPath(new URL('../../node_modules/vite-node/vite-node.mjs', import.meta.url));
const MAIN = fileURLToPath(new URL('./sim-main.ts', import.meta.url));

export async function startSimProcess(options: { nodes: number; seed: number; kubeconfigOut: string; profile?: string }): Promise<SimProcess> {
  const child = spawn(process.execPath, [VITE_NODE, MAIN, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; token: string; kubeconfigPath: string };
  return {
    ...info,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

