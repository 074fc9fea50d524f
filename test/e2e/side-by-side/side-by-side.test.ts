// kube-burner v2.7.3 and burn run the same configs on the same real control plane, one after the
// other; any difference in what they created, deleted or patched, in the documents they wrote, or in
// pod latency against the pods' own timestamps fails the suite. Each tool's CPU, peak RSS and send
// span go to bench/results.
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { e2eTarget } from '../cluster.js';
import { compareRuns } from '../../helpers/side-by-side/compare.js';
import { costFigures, writeCostFigures, type CostFigures } from '../../helpers/side-by-side/results.js';
import { runTool, type SideBySideTarget } from '../../helpers/side-by-side/run-tool.js';
import { SIDE_BY_SIDE_CASES } from './cases.js';

function target(): SideBySideTarget {
  const kubeBurner = process.env.BURN_TEST_KUBE_BURNER;
  if (!kubeBurner) throw new Error('BURN_TEST_KUBE_BURNER is not set: run with `npm run test:e2e` (scripts/e2e builds kube-burner)');
  return { ...e2eTarget(), kubeBurner, burn: resolve('bin/burn.js') };
}

const figures: CostFigures[] = [];
const started = Date.now();

afterAll(async () => {
  if (figures.length === 0) return;
  const file = await writeCostFigures(resolve('.'), figures, { suiteSeconds: Math.round((Date.now() - started) / 1000) });
  console.log(`side-by-side cost figures: ${file}`);
});

describe('kube-burner and burn side by side on the real control plane', () => {
  for (const testCase of SIDE_BY_SIDE_CASES) {
    it(testCase.name, async () => {
      const kb = await runTool(target(), 'kube-burner', testCase);
      const burn = await runTool(target(), 'burn', testCase);
      figures.push(costFigures(testCase.name, kb), costFigures(testCase.name, burn));
      const differences = compareRuns(kb, burn);
      const expected = testCase.expectedDifferences ?? [];
      for (const { pattern, why } of expected) {
        expect(differences.some((d) => pattern.test(d)), `expected difference ${pattern} (${why}) no longer occurs: remove it from cases.ts`).toBe(true);
      }
      const unexpected = differences.filter((d) => !expected.some(({ pattern }) => pattern.test(d)));
      expect(unexpected, `${testCase.name}: burn's run differs from kube-burner's:\n${unexpected.join('\n')}`).toEqual([]);
    }, 300_000);
  }
});
