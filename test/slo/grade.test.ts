import { describe, expect, it } from 'vitest';
import { grade, gradingExitCode } from '../../src/slo/index.js';
import { renderSloTable, sloDocument, writeSloDocument } from '../../src/report/slo-table.js';
import type { ApiCallSli, MeasurementResult, PodStartupSli } from '../../src/measure/types.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function api(partial: Partial<ApiCallSli>): ApiCallSli {
  return { sli: 'apiCall', source: 'client', verb: 'POST', resource: 'pods', subresource: '', scope: 'resource', count: 100, p50: 20, p90: 40, p99: 80, slowCount: 0, ...partial };
}
function startup(partial: Partial<PodStartupSli>): PodStartupSli {
  return { sli: 'podStartup', source: 'watch', clock: 'watch-ms', count: 50, p50: 1000, p90: 2000, p99: 3000, excluded: 0, neverReady: 0, ...partial };
}
function result(name: string, slis: MeasurementResult['slis'], extra: Partial<MeasurementResult> = {}): MeasurementResult {
  return { name, documents: [], quantiles: [], thresholds: [], slis, errors: [], ...extra };
}

describe('SLO grading', () => {
  it('grades each SLO from the best source and shows the other beside it', () => {
    const verdicts = grade([
      result('apiLatency', [api({ p99: 1200, slowCount: 3 }), api({ verb: 'LIST', scope: 'namespace', p99: 4000 })]),
      result('prometheus', [api({ source: 'prometheus', p99: 900 })]),
      result('podLatency', [startup({ p99: 6200 })]),
    ]);
    const createPods = verdicts.filter((v) => v.key === 'POST pods (resource)');
    expect(createPods.map((v) => [v.source, v.binding, v.passed])).toEqual([['prometheus', true, true], ['client', false, false]]);
    expect(createPods[0]).toMatchObject({ slo: 'Mutating API call latency', value: 900, threshold: 1000, margin: 100 });
    expect(verdicts.find((v) => v.key === 'LIST pods (namespace)')).toMatchObject({ slo: 'Read-only API call latency (namespace)', threshold: 30_000, passed: true });
    const pod = verdicts.find((v) => v.slo === 'Pod startup latency')!;
    expect(pod).toMatchObject({ passed: false, margin: -1200, binding: true, samples: 50 });
    expect(pod.message).toContain('1200ms over');
    expect(gradingExitCode(verdicts, [])).toBe(4);
  });

  it('passes a slow key within allowedSlowCalls, and grades by a custom threshold', () => {
    const [v] = grade([result('apiLatency', [api({ verb: 'PUT', resource: 'leases', p99: 700, thresholdMs: 500, slowCount: 2, allowedSlowCalls: 3 })])]);
    expect(v).toMatchObject({ threshold: 500, passed: true });
    expect(v!.message).toContain('2 slow calls <= allowedSlowCalls 3');
    const [w] = grade([result('apiLatency', [api({ verb: 'PUT', resource: 'leases', p99: 700, thresholdMs: 500, slowCount: 4, allowedSlowCalls: 3 })])]);
    expect(w!.passed).toBe(false);
  });

  it('keeps the worst p99 of a key across jobs', () => {
    const verdicts = grade([result('apiLatency', [api({ p99: 100 })]), result('apiLatency', [api({ p99: 1500 })])]);
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]!.value).toBe(1500);
  });

  it('turns measurement thresholds and failures into verdicts; alerts of severity error exit 3', () => {
    const r = result('podLatency', [], {
      thresholds: [{ key: 'podLatency Ready P99', value: 2500, threshold: 2000, unit: 'ms', passed: false, message: 'too slow' }],
      errors: ['podLatency: 30 of 100 pods invalid'],
      invalid: { count: 30, total: 100 },
    });
    const verdicts = grade([r]);
    expect(verdicts.map((v) => [v.slo, v.passed])).toEqual([['podLatency threshold', false], ['podLatency valid', false]]);
    const alerting = result('prometheus', [], { alerts: [{ expr: 'up == 0', description: 'down', severity: 'error', firstMs: 0, lastMs: 0, message: 'down' }] });
    expect(gradingExitCode(grade([alerting]), [alerting])).toBe(3);
    expect(gradingExitCode([], [])).toBe(0);
  });

  it('renders the table naming the failed SLO and by how much, and writes slo.json', async () => {
    const results = [result('apiLatency', [api({ p99: 80 })]), result('podLatency', [startup({ p99: 6200 })])];
    const verdicts = grade(results);
    const text = renderSloTable(verdicts);
    expect(text).toMatch(/Pod startup latency.*watch.*6200ms.*5000ms.*-1200ms \(-24%\).*FAIL.*50/);
    expect(text).toMatch(/Mutating API call latency.*POST pods \(resource\).*80ms.*1000ms.*\+920ms \(\+92%\).*pass/);
    expect(text).toContain('SLOs: 1 failed');
    const dir = await mkdtemp(join(tmpdir(), 'burn-slo-'));
    try {
      const path = await writeSloDocument(dir, sloDocument(verdicts, results, { uuid: 'u-1', generatedAtMs: 0 }));
      const doc = JSON.parse(await readFile(path, 'utf8'));
      expect(doc).toMatchObject({ version: 'v1', uuid: 'u-1', passed: false, exitCode: 4, generatedAt: '1970-01-01T00:00:00.000Z' });
      expect(doc.verdicts).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(renderSloTable([])).toContain('nothing to grade');
  });
});
