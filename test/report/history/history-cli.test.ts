import { mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHealthyExit } from '../../helpers/healthy-exit.js';
import { burn } from '../../helpers/burn-cli.js';
import { quickstartJobConfig } from '../../helpers/quickstart-job.js';

// `burn history` over real --sim run folders: 12 nights of the default simulator (no change), and
// 8 default nights followed by 4 on the slow-pods profile (pods take seconds longer to start).

const CONFIG = quickstartJobConfig({ name: 'nightly', jobIterations: 2, qps: 20, burst: 20, podReplicas: 3, podWait: true });

/** Runs at most `limit` of the tasks at once, in order. */
async function inBatches(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

describe('burn history over --sim run folders', () => {
  let scratch: string;
  let steady: string;
  let regressed: string;
  let runs: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'burn-history-'));
    const config = join(scratch, 'nightly.yaml');
    await writeFile(config, CONFIG);
    runs = join(scratch, 'runs');
    // The slow nights stand for the next release: `--match release=...` tells the two apart.
    const release = { default: join(scratch, 'release-1.33.yaml'), 'slow-pods': join(scratch, 'release-1.34.yaml') };
    await writeFile(release.default, 'platform: eks\nrelease: "1.33"\n');
    await writeFile(release['slow-pods'], 'platform: eks\nrelease: "1.34"\n');
    const night = (name: string, profile: 'default' | 'slow-pods') => async () => {
      const uuid = `${name}-${Math.random().toString(36).slice(2, 8)}`;
      const ran = await burn('init', '-c', config, '--sim', '--sim-profile', profile, '--uuid', uuid, '--user-metadata', release[profile], '--report-dir', join(runs, name));
      // A slow-pods night may breach the pod startup SLO (exit 4): that is the point of it.
      if (profile === 'slow-pods') expect([0, 4, 5], ran.stderr).toContain(ran.code);
      else expectHealthyExit(ran.code, ran.stderr);
    };
    // The default nights start together: the machine's load (other test files start and stop) then
    // falls on all of them alike, and their order in the series is chance. Run in batches, a batch
    // that met a busier machine made a real step in the watch-clock latencies (seen: pod Ready P95
    // 1.69 -> 2.29 s from the 4th night on, while e2e started), which history rightly reports.
    const defaults = Array.from({ length: 12 }, (_, i) => night(`default-${String(i + 1).padStart(2, '0')}`, 'default'));
    await inBatches(defaults, defaults.length);
    // The slow nights come after every default night: history orders runs by their start.
    await inBatches(Array.from({ length: 4 }, (_, i) => night(`slow-${String(i + 1).padStart(2, '0')}`, 'slow-pods')), 4);

    steady = join(scratch, 'steady');
    regressed = join(scratch, 'regressed');
    await mkdir(steady);
    await mkdir(regressed);
    for (let i = 1; i <= 12; i++) await symlink(join(runs, `default-${String(i).padStart(2, '0')}`), join(steady, `n${i}`));
    for (let i = 1; i <= 8; i++) await symlink(join(runs, `default-${String(i).padStart(2, '0')}`), join(regressed, `n${i}`));
    for (let i = 1; i <= 4; i++) await symlink(join(runs, `slow-0${i}`), join(regressed, `s${i}`));
  }, 600_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('12 nights of the same cluster: no change-point, exit 0', async () => {
    const ran = await burn('history', steady);
    expect(ran.stdout).toContain('burn history: 12 runs');
    // The verdict: no regression.
    expect(ran.stdout, ran.stdout).toContain('no regression');
    expect(ran.code, ran.stdout).toBe(0);
    // The pod latencies, the pod startup SLI and its margin are all in the series judged. The
    // simulator's pod timings are timers on this machine, so a change of load between nights can
    // move them too (seen: ContainersStarted P95 while another suite started): a change-point there
    // is real, and only one for the worse at the newest night would be a regression.
    const json = await burn('history', steady, '--format', 'json');
    const report = JSON.parse(json.stdout) as { metrics: Array<{ id: string; changePoints: unknown[]; newestWorse: boolean }> };
    expect(report.metrics.filter((m) => /^(podStartup|podLatency|sloMargin)\//.test(m.id)).length).toBeGreaterThan(15);
    expect(report.metrics.filter((m) => m.newestWorse).map((m) => m.id)).toEqual([]);
  });

  it('4 slow nights after 8 good ones: the change-point is at the first slow night, exit 4', async () => {
    const ran = await burn('history', regressed, '--format', 'json');
    expect(ran.code, ran.stdout).toBe(4);
    const report = JSON.parse(ran.stdout) as { runs: unknown[]; metrics: Array<{ id: string; changePoints: Array<{ index: number; uuid: string; worse: boolean; factsChanged: string[] }>; newestWorse: boolean }> };
    expect(report.runs).toHaveLength(12);
    const startup = report.metrics.find((m) => m.id === 'podStartup/nightly/P99');
    expect(startup?.changePoints, JSON.stringify(startup)).toHaveLength(1);
    // The slow nights ran side by side: the change begins at whichever of them started first.
    expect(startup!.changePoints[0]).toMatchObject({ index: 8, worse: true });
    expect(startup!.changePoints[0]!.uuid).toMatch(/^slow-/);
    expect(startup!.changePoints[0]!.factsChanged).toContain('sim-profile: default -> slow-pods');
    expect(startup!.newestWorse).toBe(true);
    // Every series the verdict counts changed for the worse at the slow nights. A P99 of 6 pods is their
    // slowest, so a busy machine can make the night before the step look slow too and move that series'
    // split one run earlier; the simulator's timings are timers on this machine, so a change of load
    // between default nights is a real change too (seen: Initialized P99 at night 4 while other suites
    // ran), reported but not the newest, so not a regression.
    for (const m of report.metrics.filter((m) => m.newestWorse)) expect([7, 8], m.id).toContain(m.changePoints.at(-1)!.index);
    const points = report.metrics.flatMap((m) => m.changePoints.map((c) => ({ id: m.id, index: c.index })));
    expect(points.filter((p) => p.index === 8).length).toBeGreaterThan(points.length / 2);
  });

  it('a symbolic link to nothing in the store is listed as left out, not passed over', async () => {
    const store = join(scratch, 'broken');
    await mkdir(store);
    await symlink(join(runs, 'default-01'), join(store, 'kept'));
    await symlink(join(scratch, 'gone'), join(store, 'dangling'));
    const ran = await burn('history', store, '--format', 'json');
    expect(ran.code, ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout) as { runs: unknown[]; skipped: Array<{ dir: string; reason: string }> };
    expect(report.runs).toHaveLength(1);
    expect(report.skipped).toEqual([{ dir: join(store, 'dangling'), reason: 'a symbolic link to nothing (the run folder it named is gone)' }]);
  });

  it('--match narrows the series to runs with a fact, and says what it left out', async () => {
    const ran = await burn('history', regressed, '--match', 'sim-profile=default', '--format', 'json');
    expect(ran.code, ran.stdout).toBe(0);
    const report = JSON.parse(ran.stdout) as { runs: unknown[]; skipped: Array<{ reason: string }> };
    expect(report.runs).toHaveLength(8);
    expect(report.skipped).toHaveLength(4);
    expect(report.skipped[0]!.reason).toContain('sim-profile is slow-pods, not default');
  });

  it('bad input: a missing store and a --match without "=" are named, without a stack trace', async () => {
    const missing = await burn('history', join(scratch, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the store');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const badMatch = await burn('history', steady, '--match', 'platform');
    expect(badMatch.code).not.toBe(0);
    expect(badMatch.stderr).toContain('"platform" is not key=value');
    expect(badMatch.stderr).not.toMatch(/\n\s+at /);
  });

  interface DiffJson {
    baseline: { spec: string; runs: Array<{ uuid: string }> };
    comparison: { metrics: Array<{ id: string; verdict: string; noise: { method: string } }> };
    summary: { regressions: number };
  }

  it('burn diff --baseline-history: a slow night against the newest 10 good ones is a regression, judged by their noise, exit 4', async () => {
    const ran = await burn('diff', '--baseline-history', steady, join(runs, 'slow-04'), '--format', 'json');
    expect(ran.code, ran.stdout + ran.stderr).toBe(4);
    const report = JSON.parse(ran.stdout) as DiffJson;
    expect(report.baseline.runs).toHaveLength(10);
    expect(report.baseline.spec).toContain(`${steady}: the newest 10 run(s) before the candidate with config-digest=`);
    const startup = report.comparison.metrics.find((m) => m.id === 'podStartup/nightly/P99');
    expect(startup, JSON.stringify(report.comparison.metrics.map((m) => m.id))).toMatchObject({ verdict: 'regression', noise: { method: 'series' } });
  });

  it('burn diff --baseline-history: a good night against the good nights before it is no regression, exit 0', async () => {
    // The good nights started together: the candidate is the one that started last.
    const series = JSON.parse((await burn('history', steady, '--format', 'json')).stdout) as { runs: Array<{ dir: string; uuid: string }> };
    const newest = series.runs.at(-1)!;
    const ran = await burn('diff', '--baseline-history', steady, '--last', '8', newest.dir, '--format', 'json');
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout) as DiffJson;
    // Only runs that started before the candidate, never the candidate itself.
    expect(report.baseline.runs).toHaveLength(8);
    expect(report.baseline.runs.map((r) => r.uuid)).not.toContain(newest.uuid);
    expect(report.summary.regressions).toBe(0);
  });

  it('release A vs release B: --match release=1.33 takes only the older release as the baseline', async () => {
    // runs/ holds both releases; the candidate is a 1.34 night.
    const ran = await burn('diff', '--baseline-history', runs, '--match', 'release=1.33', '--last', '5', join(runs, 'slow-04'), '--format', 'json');
    expect(ran.code, ran.stdout + ran.stderr).toBe(4);
    const report = JSON.parse(ran.stdout) as DiffJson;
    expect(report.baseline.runs).toHaveLength(5);
    expect(report.baseline.runs.every((r) => r.uuid.startsWith('default-'))).toBe(true);
    expect(report.baseline.spec).toContain('release=1.33');
    // `--match platform` alone: the candidate's own value (eks), which every run has.
    const same = await burn('diff', '--baseline-history', runs, '--match', 'release=1.33', '--match', 'platform', join(runs, 'slow-04'), '--format', 'json');
    expect(same.code, same.stderr).toBe(4);
    expect((JSON.parse(same.stdout) as DiffJson).baseline.spec).toContain('platform=eks');
  });

  it('a --match key no run has is refused with the keys the runs have, not silently matched to nothing', async () => {
    const history = await burn('history', runs, '--match', 'relase=1.33');
    expect(history.code).toBe(1);
    expect(history.stdout).toBe('');
    expect(history.stderr).toContain(`--match relase: no run of ${runs} has the metadata key "relase" (did you mean "release"?)`);
    expect(history.stderr).toContain('from --user-metadata: platform, release');
    expect(history.stderr).not.toMatch(/\n\s+at /);
    const diff = await burn('diff', '--baseline-history', runs, '--match', 'relase=1.33', join(runs, 'slow-04'));
    expect(diff.code).toBe(1);
    expect(diff.stderr).toContain('did you mean "release"?');
    const alone = await burn('diff', '--baseline-history', runs, '--match', 'platfrom', join(runs, 'slow-04'));
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('has no metadata key "platfrom" (did you mean "platform"?)');
  });
});
