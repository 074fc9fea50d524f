import { readFile, rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/index.js';
import { around, writeFixtureRun } from './fixtures.js';
import { findAll, parseXml } from './xml.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function junitOf(...args: Parameters<typeof writeFixtureRun>) {
  const dir = await writeFixtureRun(...args);
  dirs.push(dir);
  const { junit } = await writeReports(dir);
  return parseXml(await readFile(junit, 'utf8'));
}

const warning = { expr: 'up == 0', description: 'etcd leader changes', severity: 'warning' as const, firstMs: 0, lastMs: 20_000, message: 'etcd leader changed 3 times' };
const alerting = (severity: 'warning' | 'error') => ({ name: 'prometheus', documents: [], quantiles: [], thresholds: [], slis: [], errors: [], alerts: [{ ...warning, severity }] });

describe('junit.xml', () => {
  it('lists every alert that fired: a warning passes, an error fails', async () => {
    const warned = await junitOf({ uuid: 'warned', pods: 5, startupMs: around(1000), extraResults: [alerting('warning')] });
    const [alert] = findAll(warned, 'testcase').filter((c) => c.attributes.classname === 'burn.alert');
    expect(alert!.attributes.name).toBe('warning etcd leader changes');
    expect(findAll(warned, 'failure')).toHaveLength(0);
    const failed = await junitOf({ uuid: 'alerted', pods: 5, startupMs: around(1000), extraResults: [alerting('error')] });
    expect(findAll(failed, 'failure').map((f) => f.attributes.type)).toEqual(['AlertFired']);
  });

  it('has a testcase per job and per SLO verdict, all passing for a good run', async () => {
    const root = await junitOf({ uuid: 'good', pods: 30, startupMs: around(1500) });
    expect(root.name).toBe('testsuites');
    expect(root.attributes.failures).toBe('0');
    const cases = findAll(root, 'testcase');
    expect(cases.filter((c) => c.attributes.classname === 'burn.job').map((c) => c.attributes.name)).toEqual(['create-pods']);
    const slo = cases.filter((c) => c.attributes.classname === 'burn.slo').map((c) => c.attributes.name);
    expect(slo).toEqual([
      'Read-only API call latency (namespace) GET pods (namespace) (client)',
      'Mutating API call latency (namespace) POST pods (namespace) (client)',
      'Pod startup latency pods (watch)',
    ]);
    expect(findAll(root, 'failure')).toHaveLength(0);
    expect(Number(root.attributes.tests)).toBe(cases.length);
  });

  it('carries the verdict message in the failure of a violated SLO, and the reason of a run that did not complete', async () => {
    const root = await junitOf({ uuid: 'slow', pods: 30, startupMs: around(8000, 0.1), reason: 'interrupted' });
    const failures = findAll(root, 'testcase').filter((c) => c.children.some((x) => x.name === 'failure'));
    const startup = failures.find((c) => c.attributes.name === 'Pod startup latency pods (watch)');
    expect(startup).toBeDefined();
    const failure = startup!.children.find((x) => x.name === 'failure')!;
    expect(failure.attributes.type).toBe('SLOViolation');
    expect(failure.attributes.message).toMatch(/^Pod startup latency: (p99|max) \d\.\d\ds > 5\.00s over 30 pods .*, \d\.\d\ds over$/);
    const run = failures.find((c) => c.attributes.classname === 'burn.run')!;
    expect(run.children[0]!.attributes.message).toBe('run ended: interrupted');
    expect(root.attributes.failures).toBe(String(failures.length));
    expect(failures).toHaveLength(2);
  });
});
