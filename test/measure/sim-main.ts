/** Script run by sim-process.ts: starts the simulator, prints {url, token, kubeconfigPath} as one JSON line, stops on SIGTERM. */
import { startSim } from '../../src/sim/index.js';

const options = JSON.parse(process.argv[process.argv.length - 1]!) as { nodes: number; seed: number; kubeconfigOut: string; profile?: string };
const sim = await startSim(options);
process.stdout.write(`${JSON.stringify({ url: sim.url, token: sim.token, kubeconfigPath: options.kubeconfigOut })}\n`);
process.once('SIGTERM', () => {
  void sim.stop().then(() => process.exit(0));
});
