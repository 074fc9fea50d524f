import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UserError } from '../shared/errors.js';
import type { RunningSim } from '../sim/index.js';
import { nonNegativeInt } from './flags.js';

/** `burn sim serve`: the simulated cluster as a standalone Kubernetes API server. */

interface ServeFlags {
  port: number;
  nodes: number;
  kubeconfigOut?: string;
  profile: string;
  seed?: number;
  /** Exit when the parent process goes away (stdin closes, or the parent pid changes): `burn init --sim` starts it so. */
  exitWithParent?: boolean;
}

/** Resolves when the process that started this one is gone: its end of our stdin closed, or we were re-parented. */
function parentGone(): Promise<string> {
  return new Promise((resolve) => {
    const parent = process.ppid;
    process.stdin.on('end', () => resolve('parent closed the pipe'));
    process.stdin.on('close', () => resolve('parent closed the pipe'));
    process.stdin.on('error', () => resolve('parent pipe failed'));
    process.stdin.resume();
    const timer = setInterval(() => {
      if (process.ppid !== parent) resolve('parent exited');
    }, 500);
    timer.unref();
  });
}

function portFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a TCP port (0-65535; 0 picks a free one)`);
  return n;
}

async function start(flags: ServeFlags): Promise<RunningSim> {
  const { startSim } = await import('../sim/index.js');
  try {
    return await startSim({
      port: flags.port,
      nodes: flags.nodes,
      profile: flags.profile,
      seed: flags.seed,
      kubeconfigOut: flags.kubeconfigOut ?? join(tmpdir(), `burn-sim-${process.pid}.kubeconfig`),
    });
  } catch (err) {
    const { code, syscall } = err as NodeJS.ErrnoException;
    if (syscall === 'listen' && code === 'EADDRINUSE') throw new UserError(`--port ${flags.port}: the port is already in use`, { hint: 'pick another port with --port, or --port 0 for a free one' });
    if (syscall === 'listen' && code === 'EACCES') throw new UserError(`--port ${flags.port}: not allowed to listen on this port`, { hint: 'use a port above 1024' });
    if (syscall === 'open') throw new UserError(`--kubeconfig-out ${flags.kubeconfigOut}: cannot write the file (${code})`, { hint: 'give a path in a writable folder' });
    throw err;
  }
}

export async function serve(flags: ServeFlags): Promise<void> {
  const sim = await start(flags);
  const out = process.stdout;
  out.write(`burn sim: serving ${sim.url} (${flags.nodes} nodes, profile ${sim.profile.name}${flags.seed !== undefined ? `, seed ${flags.seed}` : ''})\n`);
  out.write(`kubeconfig: ${sim.kubeconfigPath}\n`);
  out.write(`  kubectl --kubeconfig ${sim.kubeconfigPath} get nodes\n`);
  out.write('press Ctrl-C to stop\n');
  const why = await Promise.race([
    new Promise<string>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
    ...(flags.exitWithParent ? [parentGone()] : []),
  ]);
  out.write(`burn sim: ${why}, stopping\n`);
  await sim.stop();
  process.exitCode = 0;
  // The stdin watch would keep the process alive.
  if (flags.exitWithParent) process.exit(0);
}

export function register(program: Command): void {
  const sim = program.command('sim').description('the built-in simulated Kubernetes cluster');
  sim
    .command('serve')
    .description('serve a simulated cluster over HTTPS on 127.0.0.1 and write a kubeconfig for it; runs until Ctrl-C')
    .option('--port <port>', 'port to listen on (0: a free port)', portFlag, 6443)
    .option('--nodes <n>', 'number of simulated nodes', nonNegativeInt, 100)
    .option('--kubeconfig-out <file>', 'write the kubeconfig here (default: a file in the temp folder)')
    .option('--profile <name|file>', 'latency and fault profile: default, slow-pods, flaky, large, or a YAML file', 'default')
    .option('--seed <n>', 'seed for the simulated latencies (same seed, same draws)', nonNegativeInt)
    .addOption(new Option('--exit-with-parent', 'exit when the process that started it exits (its stdin closes)').hideHelp())
    .action(async (flags: ServeFlags) => serve(flags));
}
