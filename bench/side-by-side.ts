/**
 * kube-burner and burn on the same real cluster, one after the other, at several rates: each tool's
 * CPU seconds, peak RSS and send span per config, written to bench/results/side-by-side-*.json by the
 * runner the e2e side-by-side suite uses (test/helpers/side-by-side). Needs a cluster and kube-burner:
 *
 *   BURN_TEST_KUBECONFIG, BURN_TEST_KUBECTL, BURN_TEST_KUBE_BURNER   as scripts/e2e exports them
 *   BENCH_SBS_QPS=20,200,1000     rates (qps = burst) to run each config at
 *   BENCH_SBS_PODS=100            node-density pods; cluster-density runs PODS/10 iterations
 */
import { resolve } from 'node:path';
import { costFigures, writeCostFigures, type CostFigures } from '../test/helpers/side-by-side/results.js';
import { runTool, TOOLS, type SideBySideCase, type SideBySideTarget } from '../test/helpers/side-by-side/run-tool.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start a control plane (scripts/controlplane/up) and export it as scripts/e2e does`);
  return value;
}

export interface SideBySideBench {
  file: string;
  figures: CostFigures[];
}

export async function benchSideBySide(): Promise<SideBySideBench> {
  const target: SideBySideTarget = {
    kubeconfig: required('BURN_TEST_KUBECONFIG'),
    kubectl: required('BURN_TEST_KUBECTL'),
    kubeBurner: required('BURN_TEST_KUBE_BURNER'),
    burn: resolve('bin/burn.js'),
  };
  const rates = (process.env.BENCH_SBS_QPS ?? '20').split(',').map((s) => Number(s.trim()));
  const pods = Number(process.env.BENCH_SBS_PODS ?? 100);
  const figures: CostFigures[] = [];
  for (const qps of rates) {
    const rate = { QPS: String(qps), BURST: String(qps) };
    const cases: SideBySideCase[] = [
      { name: `node-density ${pods} pods, qps ${qps}`, dir: resolve('configs'), config: 'node-density.yaml', env: { PODS: String(pods), ...rate }, timeoutMs: 1_800_000 },
      { name: `cluster-density ${Math.max(1, Math.round(pods / 10))} iterations, qps ${qps}`, dir: resolve('configs'), config: 'cluster-density.yaml', env: { ITERATIONS: String(Math.max(1, Math.round(pods / 10))), ...rate }, timeoutMs: 1_800_000 },
    ];
    for (const testCase of cases) {
      for (const tool of TOOLS) {
        process.stderr.write(`side-by-side: ${testCase.name} with ${tool}...\n`);
        figures.push(costFigures(testCase.name, await runTool(target, tool, testCase)));
      }
    }
  }
  return { file: await writeCostFigures(resolve('.'), figures, { rates, pods }), figures };
}
