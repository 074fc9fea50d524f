import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRuns, renderDiff, type DiffReport } from '../../src/report/diff/index.js';
import { UserError } from '../../src/shared/errors.js';
import { around, writeFixtureRun, type FixtureRun } from '../report/fixtures.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'burn-diff-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

async function run(name: string, options: Omit<FixtureRun, 'uuid'>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return writeFixtureRun({ uuid: name, ...options }, dir);
}

function metric(report: DiffReport, id: string) {
  const found = report.comparison.metrics.find((m) => m.id === id);
  if (!found) throw new Error(`no metric ${id} in ${report.comparison.metrics.map((m) => m.id).join(', ')}`);
  return found;
}

describe('burn diff', () => {
  it('finds no regression between a run and itself', async () => {
    const dir = await run('same', { pods: 120, startupMs: around(1500), seed: 3 });
    const report = await diffRuns({ baseline: dir, candidate: dir });
    expect(report.exitCode).toBe(0);
    expect(report.summary.regressions).toBe(0);
    expect(report.summary.improvements).toBe(0);
    expect(report.summary.notEnoughData).toBe(0);
    // achieved qps is shown, never judged
    expect(report.summary.notJudged).toBe(1);
    expect(report.summary.unchanged).toBe(report.comparison.metrics.length - 1);
    for (const m of report.comparison.metrics) expect(m.change).toBe(0);
    expect(report.warnings).toEqual([]);
    // every kind of metric is compared
    for (const prefix of ['podStartup/', 'podLatency/', 'apiLatency/', 'schedulingThroughput/', 'achievedQps/', 'elapsedTime/', 'sloMargin/']) {
      expect(report.comparison.metrics.some((m) => m.id.startsWith(prefix)), prefix).toBe(true);
    }
    expect(metric(report, 'podStartup/create-pods/P50').noise.method).toBe('bootstrap-samples');
    // 120 pods leave 1.2 samples beyond the P99: too few to bootstrap, a rank test instead
    expect(metric(report, 'podStartup/create-pods/P99').noise).toMatchObject({ method: 'mann-whitney', pValue: 1 });
  });

  it('flags pods starting in ~8 s instead of ~1.5 s as a pod-startup regression, with its size, beyond noise', async () => {
    const baseline = await run('fast', { pods: 200, startupMs: around(1500), seed: 1 });
    const candidate = await run('slow', { pods: 200, startupMs: around(8000), seed: 2 });
    const report = await diffRuns({ baseline, candidate });
    expect(report.exitCode).toBe(4);
    const p99 = metric(report, 'podStartup/create-pods/P99');
    expect(p99.verdict).toBe('regression');
    expect(p99.baseline).toBeGreaterThan(1500);
    expect(p99.baseline).toBeLessThan(1900);
    expect(p99.candidate).toBeGreaterThan(9000);
    expect(p99.change).toBeCloseTo(p99.candidate - p99.baseline);
    expect(p99.changePercent).toBeGreaterThan(300);
    expect(p99.noise.method).toBe('mann-whitney');
    expect(p99.noise.pValue).toBeLessThan(0.001);
    const p50 = metric(report, 'podStartup/create-pods/P50');
    expect(p50.noise.method).toBe('bootstrap-samples');
    expect(p50.noise.interval!.low).toBeGreaterThan(5000);
    expect(p50.noise.interval!.high).toBeLessThan(8000);
    expect(metric(report, 'podLatency/create-pods/Ready/P50').verdict).toBe('regression');
    // the SLO passed before and fails now
    const margin = metric(report, 'sloMargin/Pod startup latency/pods/watch');
    expect(margin.verdict).toBe('regression');
    expect(margin.reason).toBe('passed in the baseline, fails in the candidate');
    // scheduling was as fast on both sides
    expect(metric(report, 'podLatency/create-pods/PodScheduled/P99').verdict).toBe('unchanged');
    // ... and the reverse direction is an improvement, not a regression
    const reverse = await diffRuns({ baseline: candidate, candidate: baseline });
    expect(metric(reverse, 'podStartup/create-pods/P99').verdict).toBe('improvement');
    expect(reverse.exitCode).toBe(0);
  });

  it('stays quiet about what is not the cluster: burn\'s own calls, achieved qps, metrics with too few samples', async () => {
    const baseline = await run('quiet-a', { pods: 3, startupMs: around(1000), seed: 51, burnCallMs: 180, achievedQps: 20 });
    const candidate = await run('quiet-b', { pods: 3, startupMs: around(3000), seed: 52, burnCallMs: 450, achievedQps: 170 });
    const report = await diffRuns({ baseline, candidate });
    // burn's LIST events calls are never compared
    expect(report.comparison.metrics.some((m) => m.label.includes('events'))).toBe(false);
    const qps = metric(report, 'achievedQps/create-pods');
    expect(qps).toMatchObject({ verdict: 'not judged' });
    expect(qps.changePercent).toBeGreaterThan(700);
    // three pods a side cannot tell a tripled startup from noise
    const p99 = metric(report, 'podStartup/create-pods/P99');
    expect(p99.verdict).toBe('not enough data');
    expect(p99.reason).toBe('beyond tolerance, but 3 samples on a side (fewer than 5) cannot tell it from noise');
    expect(metric(report, 'elapsedTime/create-pods').verdict).toMatch(/^(unchanged|not enough data)$/);
    expect(report.summary.regressions).toBe(0);
    expect(report.exitCode).toBe(0);
  });

  it('tests API latency on the calls\' histograms', async () => {
    const baseline = await run('api-a', { pods: 300, startupMs: around(1500), seed: 61, requestMs: (r) => 20 + 10 * r() });
    const candidate = await run('api-b', { pods: 300, startupMs: around(1500), seed: 62, requestMs: (r) => 220 + 40 * r() });
    const report = await diffRuns({ baseline, candidate });
    const post = metric(report, 'apiLatency/create-pods/POST pods (namespace)/P99');
    expect(post.noise.method).not.toBe('none');
    expect(post.verdict).toBe('regression');
    const same = await diffRuns({ baseline, candidate: baseline });
    expect(metric(same, 'apiLatency/create-pods/POST pods (namespace)/P99').verdict).toBe('unchanged');
  });

  it('compares the API server\'s own SLI on its histogram', async () => {
    const bounds = [25, 50, 100, 200, 400, 600, 800, 1000];
    const server = (counts: number[], p99: number) => ({
      name: 'apiServerSli',
      documents: [],
      quantiles: [],
      thresholds: [],
      errors: [],
      slis: [{ sli: 'apiCall' as const, source: 'server' as const, verb: 'POST', resource: 'pods', subresource: '', scope: 'namespace' as const, count: counts.reduce((a, b) => a + b, 0), p50: 20, p90: 40, p99, slowCount: 0, histogram: { boundsMs: bounds, counts } }],
    });
    const baseline = await run('srv-a', { pods: 20, startupMs: around(1500), seed: 81, extraResults: [server([300, 180, 20, 0, 0, 0, 0, 0, 0], 90)] });
    const candidate = await run('srv-b', { pods: 20, startupMs: around(1500), seed: 82, extraResults: [server([20, 60, 120, 200, 100, 0, 0, 0, 0], 390)] });
    const report = await diffRuns({ baseline, candidate });
    const post = metric(report, 'apiServer/create-pods/POST pods (namespace)/server/P99');
    expect(post).toMatchObject({ baseline: 90, candidate: 390, verdict: 'regression' });
    expect(post.noise.method).not.toBe('none');
    const same = await diffRuns({ baseline, candidate: baseline });
    expect(metric(same, 'apiServer/create-pods/POST pods (namespace)/server/P99').verdict).toBe('unchanged');
  });

  it('warns when the runs ran different configs', async () => {
    const baseline = await run('cfg-a', { pods: 20, startupMs: around(1500), seed: 71 });
    const candidate = await run('cfg-b', { pods: 20, startupMs: around(1500), seed: 72, configFile: 'configs/node-density.yaml', configDigest: 'e'.repeat(64) });
    const report = await diffRuns({ baseline, candidate });
    expect(report.warnings).toEqual([
      'the runs ran different configs (configs/quickstart.yml sha256:ffffffffffff vs configs/node-density.yaml sha256:eeeeeeeeeeee): a change may come from that, not from the cluster',
    ]);
    expect(renderDiff(report, 'table')).toContain('WARNING: the runs ran different configs');
  });

  it('calls a change within the tolerance unchanged', async () => {
    const baseline = await run('noise-a', { pods: 200, startupMs: around(1500), seed: 11 });
    const candidate = await run('noise-b', { pods: 200, startupMs: around(1560), seed: 12 });
    const report = await diffRuns({ baseline, candidate });
    const p50 = metric(report, 'podStartup/create-pods/P50');
    expect(Math.abs(p50.changePercent)).toBeGreaterThan(1);
    expect(Math.abs(p50.changePercent)).toBeLessThan(10);
    expect(p50.verdict).toBe('unchanged');
    expect(p50.reason).toBe('within tolerance (10% and 100 ms)');
    expect(report.summary.regressions).toBe(0);
    expect(report.exitCode).toBe(0);
  });

  it('calls a large change of a quantile of few, scattered samples noise, not a regression', async () => {
    // 12 pods whose startup is anywhere between 0.5 s and 4.5 s: the P99 (the slowest pod) jumps around by chance.
    const scattered = (random: () => number) => 500 + 4000 * random();
    const baseline = await run('few-a', { pods: 12, startupMs: scattered, seed: 21 });
    const candidate = await run('few-b', { pods: 12, startupMs: scattered, seed: 22 });
    const report = await diffRuns({ baseline, candidate });
    const p50 = metric(report, 'podStartup/create-pods/P50');
    expect(Math.abs(p50.changePercent)).toBeGreaterThan(10);
    expect(Math.abs(p50.change)).toBeGreaterThan(100);
    expect(p50.verdict).toBe('unchanged');
    expect(p50.reason).toBe('within noise (the 95% interval of the change includes 0)');
    expect(p50.noise.interval!.low).toBeLessThan(0);
    expect(p50.noise.interval!.high).toBeGreaterThan(0);
  });

  it('compares repeated runs given as a comma list or a glob, judging run-level figures against run-to-run noise', async () => {
    const base = await Promise.all([1, 2, 3].map((i) => run(`rep-base-${i}`, { pods: 60, startupMs: around(1500), seed: 30 + i, requestMs: (r) => 20 + 10 * r() })));
    await Promise.all([1, 2, 3].map((i) => run(`rep-cand-${i}`, { pods: 60, startupMs: around(1500), seed: 40 + i, requestMs: (r) => 200 + 50 * r() })));
    const report = await diffRuns({ baseline: base.join(','), candidate: join(root, 'rep-cand-*') });
    expect(report.baseline.runs.map((r) => r.uuid)).toEqual(['rep-base-1', 'rep-base-2', 'rep-base-3']);
    expect(report.candidate.runs.map((r) => r.uuid)).toEqual(['rep-cand-1', 'rep-cand-2', 'rep-cand-3']);
    const post = metric(report, 'apiLatency/create-pods/POST pods (namespace)/P99');
    expect(post.noise.method).toBe('bootstrap-runs');
    expect(post.verdict).toBe('regression');
    expect(post.candidate).toBeGreaterThan(200);
    expect(metric(report, 'podStartup/create-pods/P99').verdict).toBe('unchanged');
    expect(report.exitCode).toBe(4);
  });

  it('takes tolerances from a YAML rules file: first match wins, ignore leaves a metric out', async () => {
    const baseline = await run('rules-a', { pods: 200, startupMs: around(1500), seed: 11 });
    const candidate = await run('rules-b', { pods: 200, startupMs: around(1560), seed: 12 });
    const rules = join(root, 'rules.yaml');
    await writeFile(rules, ['tolerances:', '  - match: "podStartup/*/P50"', '    percent: 1', '    absolute: 10', '  - match: "apiLatency/*"', '    ignore: true', 'resamples: 500', 'seed: 7', ''].join('\n'));
    const report = await diffRuns({ baseline, candidate, rulesFile: rules });
    expect(metric(report, 'podStartup/create-pods/P50').verdict).toBe('regression');
    expect(metric(report, 'podStartup/create-pods/P50').tolerance).toEqual({ match: 'podStartup/*/P50', percent: 1, absolute: 10 });
    expect(report.comparison.metrics.some((m) => m.id.startsWith('apiLatency/'))).toBe(false);
    expect(report.rules.resamples).toBe(500);
    expect(report.exitCode).toBe(4);
  });

  it('names the file, line and key of a bad rules file', async () => {
    const dir = await run('rules-bad', { pods: 5, startupMs: around(1000) });
    const rules = join(root, 'bad-rules.yaml');
    await writeFile(rules, ['tolerances:', '  - match: "podLatency/*"', '    percent: lots', ''].join('\n'));
    await expect(diffRuns({ baseline: dir, candidate: dir, rulesFile: rules })).rejects.toThrow(`${rules}:3: tolerances.0.percent: must be a percentage >= 0, not "lots"`);
    await writeFile(rules, 'tolerance: []\n');
    await expect(diffRuns({ baseline: dir, candidate: dir, rulesFile: rules })).rejects.toThrow(`${rules}:1: tolerance: unknown key`);
    await expect(diffRuns({ baseline: dir, candidate: dir, rulesFile: join(root, 'missing.yaml') })).rejects.toThrow(UserError);
  });

  it('refuses a folder that is not a run folder, naming the side', async () => {
    const dir = await run('ok', { pods: 5, startupMs: around(1000) });
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(diffRuns({ baseline: dir, candidate: empty })).rejects.toThrow(`CANDIDATE: ${empty}: not a burn run folder (it has no run.json)`);
    await expect(diffRuns({ baseline: join(root, 'nothing-*'), candidate: dir })).rejects.toThrow('BASELINE "');
  });
});

describe('burn diff output', () => {
  let report: DiffReport;
  beforeAll(async () => {
    const baseline = await run('fmt-fast', { pods: 100, startupMs: around(1500), seed: 1 });
    const candidate = await run('fmt-slow', { pods: 100, startupMs: around(8000), seed: 2 });
    report = await diffRuns({ baseline, candidate });
  });

  it('as a table within 120 columns: verdict line, what each side ran on, both values, change, verdict, interval, and the method', () => {
    const text = renderDiff(report, 'table');
    expect(text).toMatch(/^burn diff: REGRESSION: \d+ regressions, 0 improvements, \d+ unchanged/);
    expect(text).toMatch(/\nbaseline .*fmt-fast \(run fmt-fast\)\n  burn \d+\.\d+\.\d+, sim, Kubernetes v1\.33\.0, 10 nodes, config configs\/quickstart\.yml sha256:f{12}\n/);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    const line = text.split('\n').find((l) => l.includes('pod startup P99 (create-pods, SLI)'))!;
    expect(line).toMatch(/\s1\.\d\ds\s+9\.\d\ds\s+\+[78]\.\d\ds \(\+\d{3}%\)\s+regression\s+MW p<0\.001$/);
    const p50 = text.split('\n').find((l) => l.includes('pod startup P50 (create-pods, SLI)'))!;
    expect(p50).toMatch(/\sregression\s+CI \+\d\.\d\ds\.\.\+\d\.\d\ds$/);
    expect(text).toContain('REGRESSION pod startup P99 (create-pods, SLI): 1.');
    expect(text).toContain('bootstrap confidence interval');
    expect(text).toContain('1000 resamples, seed 1');
  });

  it('as Markdown for a pull-request comment', () => {
    const md = renderDiff(report, 'markdown');
    expect(md.startsWith('### burn diff: REGRESSION')).toBe(true);
    expect(md).toContain('| metric | baseline | candidate | change | verdict | noise |\n|---|---:|---:|---:|---|---|');
    expect(md).toMatch(/\| pod startup P99 \(create-pods, SLI\) \| 1\.\d\ds \| 9\.\d\ds \| .* \| \*\*regression\*\* \|/);
    // unchanged rows folded away
    expect(md).toMatch(/<details><summary>\d+ unchanged metrics<\/summary>/);
    expect(md).toContain('<sub>Significance:');
  });

  it('as JSON with every comparison', () => {
    const parsed = JSON.parse(renderDiff(report, 'json')) as DiffReport & { method: string };
    expect(parsed.exitCode).toBe(4);
    expect(parsed.method).toContain('bootstrap');
    const p99 = parsed.comparison.metrics.find((m) => m.id === 'podStartup/create-pods/P99')!;
    expect(p99.verdict).toBe('regression');
    expect(p99.noise.method).toBe('mann-whitney');
    expect(parsed.comparison.metrics).toHaveLength(report.comparison.metrics.length);
  });
});
