/**
 * kube-burner and burn on the same real control plane, alternating, several runs per case: each
 * tool's send span (from the API server's audit log of creates, to the millisecond, on a control plane
 * started here or by `up --audit-creates`; else from creationTimestamps, 1 s), creates per second as the API server counted them (apiserver_request_total),
 * CPU seconds per 1,000 objects, peak RSS, and kube-apiserver's CPU over the same run (from /proc),
 * with the load average beside each run. Written to bench/results/side-by-side-*.json by the runner
 * the e2e side-by-side suite uses (test/helpers/side-by-side).
 *
 * The cluster: BURN_TEST_KUBECONFIG (with BURN_TEST_KUBECTL, BURN_TEST_KUBE_BURNER, as scripts/e2e
 * exports them; the API server's CPU is known when the kubeconfig sits in a `scripts/controlplane/up`
 * state folder), else its own control plane with BENCH_SBS_NODES kwok nodes, started and stopped here
 * when the control plane and kube-burner builds are cached (otherwise it says what to build).
 *
 *   BENCH_SBS_QPS=20,200,1000     rates (qps = burst) to run each config at
 *   BENCH_SBS_PODS=1000           node-density pods; cluster-density runs PODS/10 iterations (10 pods each)
 *   BENCH_SBS_RUNS=3              runs per case and tool, alternating which tool goes first
 *   BENCH_SBS_NODES=100           kwok nodes of the control plane it starts
 *   BENCH_SBS_CONFIGS=node-density,cluster-density
 *   BENCH_SBS_FROM=bench/results/side-by-side-....json   judge a stored run again instead of running
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { costFigures, writeCostFigures, type CostFigures } from '../test/helpers/side-by-side/results.js';
import { runTool, TOOLS, type SideBySideCase, type SideBySideTarget } from '../test/helpers/side-by-side/run-tool.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');

export interface SideBySideBench {
  /** Why nothing ran (binaries not built), else undefined. */
  skipped?: string;
  file?: string;
  figures: CostFigures[];
  /** Where the run happened: nodes, Kubernetes version, the machine's cores. */
  cluster?: string;
}

/** The last line a script printed on stdout, or undefined when it failed (its stderr says why). */
async function scriptOutput(script: string, args: string[]): Promise<{ path?: string; message: string }> {
  try {
    const { stdout, stderr } = await run(join(ROOT, script), args, { cwd: ROOT });
    return { path: stdout.trim().split('\n').at(-1), message: stderr.trim() };
  } catch (error) {
    const err = error as { stderr?: string; message: string };
    return { message: (err.stderr ?? err.message).trim() };
  }
}

interface Cluster {
  target: SideBySideTarget;
  description: string;
  stop: () => Promise<void>;
}

/** The caller's cluster (BURN_TEST_KUBECONFIG), or a control plane started here; undefined with the reason when the builds are missing. */
async function cluster(nodes: number): Promise<Cluster | string> {
  const burn = join(ROOT, 'bin', 'burn.js');
  const given = process.env.BURN_TEST_KUBECONFIG;
  const kubeBurner = process.env.BURN_TEST_KUBE_BURNER ?? (await scriptOutput('scripts/peers/build', ['--check'])).path;
  if (given) {
    const kubectl = process.env.BURN_TEST_KUBECTL;
    if (!kubectl || !kubeBurner) return 'BURN_TEST_KUBECONFIG is set without BURN_TEST_KUBECTL or a kube-burner build (BURN_TEST_KUBE_BURNER, scripts/peers/build)';
    return { target: { kubeconfig: given, kubectl, kubeBurner, burn, observeApiServer: true }, description: `the cluster of ${given}`, stop: async () => undefined };
  }
  const controlPlane = await scriptOutput('scripts/controlplane/build', ['--check']);
  const missing = [controlPlane.path ? '' : 'scripts/controlplane/build', kubeBurner ? '' : 'scripts/peers/build'].filter(Boolean);
  if (missing.length > 0) return `not built: run ${missing.join(' and ')} (Go, a few minutes each), or point BURN_TEST_KUBECONFIG at a cluster`;
  const stateDir = await mkdtemp(join(tmpdir(), 'burn-bench-sbs-'));
  await rm(stateDir, { recursive: true });
  const stop = async () => {
    await run(join(ROOT, 'scripts/controlplane/down'), ['--state-dir', stateDir], { cwd: ROOT }).catch((error: Error) => process.stderr.write(`side-by-side: stopping the control plane failed: ${error.message}\n`));
  };
  process.stderr.write(`side-by-side: starting a control plane with ${nodes} kwok nodes in ${stateDir}...\n`);
  try {
    // --audit-creates: the API server's record of each create gives the send spans to the millisecond
    await run(join(ROOT, 'scripts/controlplane/up'), ['--state-dir', stateDir, '--nodes', String(nodes), '--audit-creates'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await stop();
    throw new Error(`scripts/controlplane/up failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  }
  const version = /^KUBERNETES_VERSION=(.*)$/m.exec(await readFile(join(stateDir, 'env'), 'utf8'))?.[1] ?? '?';
  return {
    target: { kubeconfig: join(stateDir, 'kubeconfig'), kubectl: join(controlPlane.path!, 'kubectl'), kubeBurner: kubeBurner!, burn, observeApiServer: true },
    description: `a control plane started here (Kubernetes ${version}, ${nodes} kwok nodes)`,
    stop,
  };
}

function cases(qps: number, pods: number, configs: string[]): SideBySideCase[] {
  const rate = { QPS: String(qps), BURST: String(qps) };
  const iterations = Math.max(1, Math.round(pods / 10));
  const all: SideBySideCase[] = [
    { name: `node-density ${pods} pods, qps ${qps}`, dir: resolve(ROOT, 'configs'), config: 'node-density.yaml', env: { PODS: String(pods), ...rate }, timeoutMs: 3_600_000 },
    { name: `cluster-density ${iterations} iterations (${iterations * 10} pods), qps ${qps}`, dir: resolve(ROOT, 'configs'), config: 'cluster-density.yaml', env: { ITERATIONS: String(iterations), ...rate }, timeoutMs: 3_600_000 },
  ];
  return all.filter((c) => configs.some((name) => c.config === `${name}.yaml`));
}

export async function benchSideBySide(): Promise<SideBySideBench> {
  const from = process.env.BENCH_SBS_FROM;
  if (from) {
    const stored = JSON.parse(await readFile(from, 'utf8')) as { figures: CostFigures[]; cluster?: string; commit?: string };
    return { file: from, figures: stored.figures, cluster: `${stored.cluster ?? 'a stored run'} (stored, at ${stored.commit ?? '?'})` };
  }
  const rates = (process.env.BENCH_SBS_QPS ?? '20,200,1000').split(',').map((s) => Number(s.trim()));
  const pods = Number(process.env.BENCH_SBS_PODS ?? 1000);
  const runs = Number(process.env.BENCH_SBS_RUNS ?? 3);
  const nodes = Number(process.env.BENCH_SBS_NODES ?? 100);
  const configs = (process.env.BENCH_SBS_CONFIGS ?? 'node-density,cluster-density').split(',').map((s) => s.trim());
  const found = await cluster(nodes);
  if (typeof found === 'string') return { skipped: found, figures: [] };
  const figures: CostFigures[] = [];
  try {
    for (const qps of rates) {
      for (const testCase of cases(qps, pods, configs)) {
        for (let i = 0; i < runs; i++) {
          // Alternating which tool goes first spreads the machine's drift (and a warm API server) over both.
          const order = i % 2 === 0 ? TOOLS : [...TOOLS].reverse();
          for (const tool of order) {
            process.stderr.write(`side-by-side: ${testCase.name}, run ${i + 1}/${runs}, ${tool}...\n`);
            figures.push(costFigures(testCase.name, await runTool(found.target, tool, testCase), qps));
          }
        }
      }
    }
  } finally {
    await found.stop();
  }
  const file = await writeCostFigures(ROOT, figures, { rates, pods, runs, nodes, cluster: found.description });
  return { file, figures, cluster: found.description };
}
