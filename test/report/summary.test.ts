import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { terminalSummary } from '../../src/report/index.js';
import { UserError } from '../../src/shared/errors.js';
import { around, writeFixtureRun } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function fixture(...args: Parameters<typeof writeFixtureRun>): Promise<string> {
  const dir = await writeFixtureRun(...args);
  dirs.push(dir);
  return dir;
}

function row(text: string, ...cells: string[]): string | undefined {
  return text.split('\n').find((line) => cells.every((c) => line.includes(c)));
}

describe('terminalSummary', () => {
  it('prints per job objects, elapsed, qps and errors; pod latency quantiles; API latency; SLO verdicts', async () => {
    const dir = await fixture({ uuid: 'run-a', pods: 40, qps: 20, startupMs: around(1500) });
    const text = await terminalSummary(dir, { color: false });
    expect(text).toMatch(/^PASS: run run-a completed in [\d.]+s; simulated cluster, Kubernetes v1\.33\.0, 10 nodes;/);
    // job row: name, 40 objects, configured qps 20, 80 requests, passed
    expect(row(text, 'create-pods', ' 40 ', '/ 20 ', ' 80 ', 'passed')).toBeDefined();
    // pod latency: one row per condition, both clocks as columns, each with its sample count;
    // the pod startup SLI on the watch clock, P99 of 40 pods is their maximum, about 1.5 s +- 20%
    expect(text).toMatch(/series +P50 server, 1 s +P99 +n +P50 watch, ms +P99 +n/);
    const startup = row(text, 'PodStartup');
    const p99 = Number(/max (\d\.\d\d)s\s+40$/.exec(startup!)?.[1]);
    expect(p99).toBeGreaterThan(1.2);
    expect(p99).toBeLessThan(1.9);
    expect(text.split('\n').find((l) => /^\s+Ready /.test(l))).toMatch(/Ready\s+\S+\s+max \S+\s+40\s+\S+\s+max \S+\s+40$/);
    expect(row(text, 'POST pods (namespace)', ' 40')).toBeDefined();
    expect(row(text, 'GET pods (namespace)', ' 40')).toBeDefined();
    expect(text).toContain('SLOs: all 1 passed');
    expect(text).not.toContain('\u001b[');
  });

  it('shows every measurement without naming it: a new measurement\'s series appear, jobLatency as much as podLatency', async () => {
    const jobLatency = {
      name: 'jobLatency',
      documents: [],
      quantiles: [{ name: 'Complete', clock: 'watch-ms' as const, count: 12, p50: 900, p90: 1500, p95: 1600, p99: 1700, min: 400, max: 1700, avg: 950, p99IsMax: true }],
      thresholds: [],
      slis: [],
      errors: [],
    };
    const dir = await fixture({ uuid: 'run-j', pods: 10, startupMs: around(1000), extraResults: [jobLatency] });
    const text = await terminalSummary(dir, { color: false });
    expect(text).toMatch(/\njobLatency \(create-pods\)\n\s+series\s+P50 watch, ms\s+P99\s+n\n\s+Complete\s+900ms\s+max 1\.70s\s+12\n/);
  });

  it('fits a quickstart-sized run in 40 lines, and shows everything with detail full', async () => {
    const dir = await fixture({ uuid: 'run-q', pods: 10, startupMs: around(1000), burnCallMs: 200 });
    const short = await terminalSummary(dir, { color: false });
    expect(short.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
    expect(short).toContain(`full summary: burn report ${dir} --summary full`);
    const full = await terminalSummary(dir, { color: false, detail: 'full' });
    expect(full).toMatch(/Pod startup latency .* pass /);
    expect(full).toMatch(/pass \(diagnostic\)/);
  });

  it('colours only when asked, and says why a run ended early', async () => {
    const dir = await fixture({ uuid: 'run-t', pods: 5, startupMs: around(1000), reason: 'timeout' });
    const plain = await terminalSummary(dir, { color: false });
    const coloured = await terminalSummary(dir, { color: true });
    expect(plain).toMatch(/^FAIL \(the run ended: timeout\): run run-t timeout in/);
    expect(plain).toContain('job create-pods: the run ended: timeout');
    expect(coloured).toContain('\u001b[31mFAIL\u001b[39m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('says first that burn was saturated, and calls a failure its delay can explain inconclusive', async () => {
    const saturation = { name: 'saturation', documents: [], quantiles: [], thresholds: [], slis: [], errors: [], saturation: [{ source: 'burn' as const, samples: 30, loopDelayP99Ms: 900, saturatedFraction: 0.5, saturated: true }] };
    const dir = await fixture({ uuid: 'run-s', pods: 40, startupMs: (_r, i) => (i === 39 ? 5500 : 1200), extraResults: [saturation] });
    const text = await terminalSummary(dir, { color: false });
    expect(text.split('\n')[0]).toBe('WARNING: burn was saturated: event-loop delay p99 up to 900ms, above 50 ms in 50% of 30 1 s windows; figures on its clock are unreliable');
    expect(text.split('\n')[1]).toMatch(/^INCONCLUSIVE \(1 SLO failed on a saturated clock\): run run-s/);
    expect(text).toMatch(/Pod startup latency.*INCONCLUSIVE/);
    expect(text).toContain('SLOs: 1 inconclusive');
  });

  it('says when a measurement is missing instead of printing an empty table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burn-report-'));
    dirs.push(dir);
    await writeFile(join(dir, 'run.json'), JSON.stringify({ uuid: 'bare', reason: 'failed', start: 'a', end: 'b', cluster: {}, errors: ['could not connect'] }));
    const text = await terminalSummary(dir, { color: false });
    expect(text).toContain('Jobs: none ran');
    expect(text).toContain('SLOs: nothing to grade');
    expect(text).toContain('could not connect');
  });

  it('rejects a folder that is not a run folder with a UserError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burn-report-'));
    dirs.push(dir);
    await expect(terminalSummary(dir, { color: false })).rejects.toThrow(UserError);
    await expect(terminalSummary(dir, { color: false })).rejects.toThrow(`${dir}: not a burn run folder (it has no run.json)`);
    await expect(terminalSummary(join(dir, 'nope'), { color: false })).rejects.toThrow('no such folder');
    await writeFile(join(dir, 'run.json'), '{"uuid": ');
    await expect(terminalSummary(dir, { color: false })).rejects.toThrow(`${join(dir, 'run.json')}: not valid JSON`);
  });
});
