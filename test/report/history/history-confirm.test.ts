import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePoints, DEFAULT_CHANGE_POINT_OPTIONS, folderStore, historyOf } from '../../../src/report/history/index.js';
import { writeFixtureRun } from '../fixtures.js';

// A nightly series of small jobs: each run's figure is a quantile of 6 pods whose startup spreads from
// 0.7 to 2.6 s. Nights whose pods happen to sit lower, then higher, line up into a clean step of run
// figures that the permutation test alone calls significant; the pods on either side say it is noise.

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-11-01T02:00:00.000Z');
const LOWER_PODS = [700, 1000, 1300, 1350, 2000, 2500];
const HIGHER_PODS = [800, 1100, 1600, 1700, 2100, 2600];

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'burn-history-confirm-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

/** A store of one run per night; night i's pods start after pods(i)[k] ms (plus i ms, so no two nights are equal). */
async function store(name: string, nights: number, pods: (night: number) => number[]): Promise<string> {
  const dir = join(root, name);
  for (let i = 0; i < nights; i++) {
    const startup = pods(i);
    await writeFixtureRun({ uuid: `${name}-${i}`, pods: startup.length, startMs: T0 + i * DAY_MS, startupMs: (_, k) => startup[k]! + i }, join(dir, `night-${String(i).padStart(2, '0')}`));
  }
  return dir;
}

describe('burn history confirms a change-point with the runs on either side of it', () => {
  it('nights that line up by chance: significant to the permutation test, within the pods\' noise, so no change and exit 0', async () => {
    const dir = await store('chance', 12, (i) => (i < 6 ? LOWER_PODS : HIGHER_PODS));
    const report = await historyOf({ store: folderStore(dir), match: {} });
    const p50 = report.metrics.find((m) => m.id === 'podStartup/create-pods/P50')!;
    const values = p50.points.map((p) => p.value);
    // The premise: the run figures alone make a significant step beyond the 10% tolerance.
    expect(values[6]! - values[5]!).toBeGreaterThan(0.15 * values[5]!);
    const unconfirmed = changePoints(values, { ...DEFAULT_CHANGE_POINT_OPTIONS, largeEnough: (before, after) => Math.abs(after - before) > 0.1 * before });
    expect(unconfirmed.map((c) => c.index)).toEqual([6]);
    expect(p50.changePoints).toEqual([]);
    expect(report.metrics.filter((m) => m.changePoints.length > 0).map((m) => m.id)).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('a real step (the pods 3 s slower): confirmed, at the first slow night, exit 4', async () => {
    const dir = await store('step', 12, (i) => (i < 8 ? LOWER_PODS : LOWER_PODS.map((ms) => ms + 3000)));
    const report = await historyOf({ store: folderStore(dir), match: {} });
    const p50 = report.metrics.find((m) => m.id === 'podStartup/create-pods/P50')!;
    expect(p50.changePoints).toHaveLength(1);
    expect(p50.changePoints[0]).toMatchObject({ index: 8, worse: true });
    expect(p50.newestWorse).toBe(true);
    expect(report.exitCode).toBe(4);
  });
});
