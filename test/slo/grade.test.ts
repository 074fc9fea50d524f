import { describe, expect, it } from 'vitest';
import { describeSaturation, failedVerdicts, grade, gradingExitCode, runSaturation } from '../../src/slo/index.js';
import { renderSloTable, sloDocument, sloFromJson, writeSloDocument } from '../../src/report/slo-table.js';
import type { ApiCallSli, MeasurementResult, PodStartupSli, SaturationReport } from '../../src/measure/types.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function api(partial: Partial<ApiCallSli>): ApiCallSli {
  return { sli: 'apiCall', source: 'client', verb: 'POST', resource: 'pods', subresource: '', scope: 'resource', count: 100, p50: 20, p90: 40, p99: 80, slowCount: 0, ...partial };
}
function startup(partial: Partial<PodStartupSli>): PodStartupSli {
  return { sli: 'podStartup', source: 'watch', count: 50, p50: 1000, p90: 2000, p99: 3000, excluded: 0, neverReady: 0, clock: 'watch-ms', ...partial };
}
function saturation(source: SaturationReport['source'], loopDelayP99Ms: number): SaturationReport {
  return { source, samples: 60, loopDelayP99Ms, saturatedFraction: 0.4, saturated: true };
}
function result(name: string, slis: MeasurementResult['slis'], extra: Partial<MeasurementResult> = {}): MeasurementResult {
  return { name, documents: [], quantiles: [], thresholds: [], slis, errors: [], ...extra };
}

describe('SLO grading', () => {
  it('grades each SIG API SLO on the server side (Prometheus first) and shows client figures as diagnostics', () => {
    const verdicts = grade([
      result('apiLatency', [api({ p99: 1200, slowCount: 3 }), api({ verb: 'LIST', scope: 'namespace', p99: 40_000 })]),
      result('prometheus', [api({ source: 'prometheus', p99: 900 })]),
      result('apiserverSli', [api({ source: 'server', p99: 950, resolutionMs: 200 }), api({ source: 'server', verb: 'LIST', scope: 'namespace', p99: 300 })]),
      result('podLatency', [startup({ p99: 6200 })]),
    ]);
    const createPods = verdicts.filter((v) => v.key === 'POST pods (resource)');
    expect(createPods.map((v) => [v.source, v.binding, v.state])).toEqual([['prometheus', true, 'pass'], ['server', false, 'pass'], ['client', false, 'fail']]);
    expect(createPods[0]).toMatchObject({ slo: 'Mutating API call latency', value: 900, threshold: 1000, margin: 100 });
    expect(createPods[1]!.message).toContain('buckets of 200ms');
    expect(createPods[2]!.slo).toBe('Mutating API call latency');
    // a client LIST p99 of 40 s does not fail the run: the server's own SLI grades it
    const list = verdicts.filter((v) => v.key === 'LIST pods (namespace)');
    expect(list.map((v) => [v.source, v.binding, v.state])).toEqual([['server', true, 'pass'], ['client', false, 'fail']]);
    const pod = verdicts.find((v) => v.slo === 'Pod startup latency')!;
    expect(pod).toMatchObject({ state: 'fail', passed: false, margin: -1200, binding: true, samples: 50 });
    expect(pod.message).toContain('p99 6.20s > 5.00s over 50 pods');
    expect(pod.message).toContain('1.20s over');
    expect(failedVerdicts(verdicts)).toEqual([pod]);
    expect(gradingExitCode(verdicts, [])).toBe(4);
  });

  it('never fails a run on client figures alone, unless the user set a threshold on them', () => {
    const clientOnly = grade([result('apiLatency', [api({ p99: 1700, slowCount: 41 })])]);
    expect(clientOnly.map((v) => [v.binding, v.state])).toEqual([[false, 'fail']]);
    expect(gradingExitCode(clientOnly, [])).toBe(0);
    expect(renderSloTable(clientOnly)).toMatch(/Mutating API call latency.*client.*1\.70s.*fail \(diagnostic\)/);
    const [named] = grade([result('apiLatency', [api({ p99: 1700, slowCount: 41, thresholdMs: 1500 })])]);
    expect(named).toMatchObject({ slo: 'API call latency threshold (client)', binding: true, state: 'fail', threshold: 1500, restsOn: ['burn'] });
  });

  it('calls a failure inconclusive when it rests on a saturated clock and fits within its loop delay, and exits 5', () => {
    const burnSaturated = result('saturation', [], { saturation: [saturation('burn', 600)] });
    const near = [result('podLatency', [startup({ p99: 5400 })]), burnSaturated];
    const verdicts = grade(near);
    const [pod] = verdicts;
    expect(pod).toMatchObject({ state: 'inconclusive', passed: false, binding: true, restsOn: ['burn'] });
    expect(pod!.message).toContain('; inconclusive: burn was saturated (loop delay up to 600ms)');
    expect(failedVerdicts(verdicts)).toEqual([]);
    expect(gradingExitCode(verdicts, near)).toBe(5);
    expect(renderSloTable(verdicts)).toContain('SLOs: 1 inconclusive\n  INCONCLUSIVE Pod startup latency');
    // far beyond what the saturation could add: the failure stands
    const far = [result('podLatency', [startup({ p99: 8000 })]), burnSaturated];
    expect(gradingExitCode(grade(far), far)).toBe(4);
    // a clock that kept up changes nothing
    const calm = [result('podLatency', [startup({ p99: 5400 })]), result('saturation', [], { saturation: [{ ...saturation('burn', 600), saturated: false }] })];
    expect(gradingExitCode(grade(calm), calm)).toBe(4);
  });

  it('rests the server-side SLI on the simulator, not on burn', () => {
    const slis = result('apiserverSli', [api({ source: 'server', p99: 1100 })]);
    const burnOnly = [slis, result('saturation', [], { saturation: [saturation('burn', 900), { ...saturation('simulator', 10), saturated: false }] })];
    expect(grade(burnOnly)[0]).toMatchObject({ state: 'fail', restsOn: ['simulator'] });
    const simulator = [slis, result('saturation', [], { saturation: [saturation('simulator', 150)] })];
    expect(grade(simulator)[0]).toMatchObject({ state: 'inconclusive' });
    expect(gradingExitCode(grade(simulator), simulator)).toBe(5);
  });

  describe("a saturated simulator's own delay (its backlog) makes a failure it explains inconclusive", () => {
    const starved = (selfDelay: SaturationReport['selfDelay'], loopDelayP99Ms = 150) => result('saturation', [], { saturation: [{ ...saturation('simulator', loopDelayP99Ms), selfDelay }] });
    const postPods = (p99: number) => result('apiserverSli', [api({ source: 'server', p99, count: 1500 })]);

    it('excuses a request figure by the request self-delay, and says so with its p99 and sample count', () => {
      const run = [postPods(45_000), starved({ request: { p99Ms: 58_000, samples: 1234 } })];
      const [verdict] = grade(run);
      expect(verdict).toMatchObject({ state: 'inconclusive', binding: true, restsOn: ['simulator'] });
      expect(verdict!.message).toContain('; inconclusive: the simulator was saturated and added up to 58.00s to its own answers (p99 of 1,234 requests)');
      expect(gradingExitCode(grade(run), run)).toBe(5);
      // today's allowance (its loop delay, 150ms) would have failed it
      expect(grade([postPods(45_000), starved({})])[0]!.state).toBe('fail');
    });

    it('passes what passes, and fails an excess beyond the self-delay', () => {
      expect(grade([postPods(900), starved({ request: { p99Ms: 58_000, samples: 1234 } })])[0]!.state).toBe('pass');
      const beyond = [postPods(45_000), starved({ request: { p99Ms: 20_000, samples: 1234 } })];
      expect(grade(beyond)[0]!.state).toBe('fail');
      expect(gradingExitCode(grade(beyond), beyond)).toBe(4);
      // a simulator that kept up excuses nothing, whatever it measured
      const calm = [postPods(45_000), result('saturation', [], { saturation: [{ ...saturation('simulator', 10), saturated: false, selfDelay: { request: { p99Ms: 58_000, samples: 1234 } } }] })];
      expect(grade(calm)[0]!.state).toBe('fail');
    });

    it('keeps injected pod latency a failure: the pod figure is excused by the pod self-delay only, not the requests\'', () => {
      // slow-pods on a busy machine: pods start in 8 s by the profile, the simulator added 400ms at most
      const slowPods = [result('podLatency', [startup({ p99: 8000 })]), starved({ request: { p99Ms: 9000, samples: 800 }, pod: { p99Ms: 400, samples: 50, p99IsMax: true } }, 200)];
      const [pod] = grade(slowPods);
      expect(pod).toMatchObject({ state: 'fail', restsOn: ['burn', 'simulator'] });
      expect(gradingExitCode(grade(slowPods), slowPods)).toBe(4);
      // a starved simulator whose pods came 40 s late: their startup failure is its own
      const late = [result('podLatency', [startup({ p99: 41_000, count: 3000 })]), starved({ pod: { p99Ms: 40_000, samples: 3000 } })];
      const [starvedPod] = grade(late);
      expect(starvedPod!.state).toBe('inconclusive');
      expect(starvedPod!.message).toContain("the simulator was saturated and added up to 40.00s to its pods' startup (p99 of 3,000 pods)");
      // a podLatency threshold is a pod figure too; a max over few samples says "max"
      const threshold = result('podLatency', [], { thresholds: [{ key: 'podLatency Ready P99', value: 12_000, threshold: 2000, unit: 'ms', passed: false, message: 'podLatency Ready P99 12000ms > 2000ms' }] });
      const [t] = grade([threshold, starved({ pod: { p99Ms: 11_000, samples: 40, p99IsMax: true } })]);
      expect(t).toMatchObject({ state: 'inconclusive' });
      expect(t!.message).toContain("added up to 11.00s to its pods' startup (max of 40 pods)");
    });

    it('takes the larger of the loop delay and the self-delay, and adds a saturated burn', () => {
      const loopLarger = grade([postPods(1100), starved({ request: { p99Ms: 50, samples: 1234 } }, 300)])[0]!;
      expect(loopLarger.state).toBe('inconclusive');
      expect(loopLarger.message).toContain('; inconclusive: the simulator was saturated (loop delay up to 300ms)');
      const client = result('apiLatency', [api({ p99: 31_000, thresholdMs: 1000 })]);
      const both = [client, result('saturation', [], { saturation: [saturation('burn', 2000), { ...saturation('simulator', 150), selfDelay: { request: { p99Ms: 29_000, samples: 1234 } } }] })];
      const [v] = grade(both);
      expect(v).toMatchObject({ state: 'inconclusive', restsOn: ['burn', 'simulator'] });
      expect(v!.message).toContain('; inconclusive: burn was saturated (loop delay up to 2.00s), and the simulator was saturated and added up to 29.00s to its own answers (p99 of 1,234 requests)');
    });

    it('carries the self-delay through the run (worst job per kind), slo.json and the saturation line', () => {
      const jobs = [
        starved({ request: { p99Ms: 3000, samples: 200 }, pod: { p99Ms: 900, samples: 40, p99IsMax: true } }),
        starved({ request: { p99Ms: 58_000, samples: 1234 } }),
      ];
      const [simulator] = runSaturation(jobs);
      expect(simulator!.selfDelay).toEqual({ request: { p99Ms: 58_000, samples: 1234 }, pod: { p99Ms: 900, samples: 40, p99IsMax: true } });
      expect(describeSaturation(simulator!)).toContain("; it added 58.00s to its own answers (p99 of 1,234 requests) and 900ms to its pods' startup (max of 40 pods) by itself");
      const doc = JSON.parse(JSON.stringify(sloDocument([], jobs, { uuid: 'u' })));
      expect(sloFromJson(doc).saturation).toEqual([simulator]);
    });
  });

  it("rests a loopback API server's figures on burn's machine: a saturated burn makes their failure inconclusive", () => {
    const slis = result('apiserverSli', [api({ source: 'server', p99: 1250, p99IsMax: true, count: 30 })]);
    const busy = [slis, result('saturation', [], { saturation: [saturation('burn', 392)] })];
    const local = grade(busy, { server: 'https://127.0.0.1:23272' });
    expect(local[0]).toMatchObject({ state: 'inconclusive', restsOn: ['burn'] });
    expect(local[0]!.message).toContain('whose machine the API server shares');
    expect(gradingExitCode(local, busy)).toBe(5);
    // A remote API server does not share burn's CPU: the same figures fail.
    expect(grade(busy, { server: 'https://api.example.com:6443' })[0]).toMatchObject({ state: 'fail', restsOn: [] });
    // Nor does a calm burn excuse anything.
    const calm = [slis, result('saturation', [], { saturation: [{ ...saturation('burn', 392), saturated: false }] })];
    expect(grade(calm, { server: 'https://[::1]:6443' })[0]).toMatchObject({ state: 'fail' });
  });

  it('counts pods that never became ready beyond the threshold and says so', () => {
    const [pod] = grade([result('podLatency', [startup({ count: 120, p99: Infinity, neverReady: 10 })])]);
    expect(pod).toMatchObject({ state: 'fail', neverReady: 10 });
    expect(pod!.message).toContain('10 of 120 pods never became ready');
    expect(renderSloTable([pod!])).toMatch(/10 never ready/);
  });

  it('shows a P99 over fewer than 100 samples as the maximum, and passes a threshold with no samples', () => {
    const few = grade([result('podLatency', [startup({ count: 40, p99: 3100, p99IsMax: true })])]);
    expect(few[0]!.message).toContain('max 3.10s <= 5.00s over 40 pods');
    expect(few[0]!.message).toContain('fewer than 100 samples: P99 is their maximum');
    expect(renderSloTable(few)).toMatch(/max 3\.10s/);
    const none = result('podLatency', [], { thresholds: [{ key: 'podLatency Ready P99', value: 0, threshold: 10_000, unit: 'ms', passed: true, noSamples: true, message: 'podLatency Ready P99: no samples (threshold 10000ms not applied)' }] });
    const verdicts = grade([none]);
    expect(verdicts[0]).toMatchObject({ state: 'pass', noSamples: true, samples: 0 });
    expect(renderSloTable(verdicts)).toMatch(/podLatency Ready P99.*no samples.*10\.00s.*pass/);
    expect(gradingExitCode(verdicts, [none])).toBe(0);
  });

  it('passes a slow key within allowedSlowCalls, and grades by a custom threshold', () => {
    const [v] = grade([result('apiLatency', [api({ verb: 'PUT', resource: 'leases', p99: 700, thresholdMs: 500, slowCount: 2, allowedSlowCalls: 3 })])]);
    expect(v).toMatchObject({ threshold: 500, passed: true });
    expect(v!.message).toContain('2 slow calls <= allowedSlowCalls 3');
    const [w] = grade([result('apiLatency', [api({ verb: 'PUT', resource: 'leases', p99: 700, thresholdMs: 500, slowCount: 4, allowedSlowCalls: 3 })])]);
    expect(w!.passed).toBe(false);
  });

  describe("pods burn's watch could not time (it was cut off from the API server)", () => {
    const blind = (pods: number, p99IfFast: number, p99IfSlow: number, unknown = 0) => ({ pods, unknown, ms: 42_000, p99IfFast, p99IfSlow });

    it('are inconclusive when their shortest and longest spans put the p99 on either side of 5 s, whatever the figure as seen says', () => {
      for (const p99 of [3000, 6000]) {
        const [pod] = grade([result('podLatency', [startup({ count: 200, p99, excluded: 3, blind: blind(12, 2900, Infinity, 3) })])]);
        expect(pod).toMatchObject({ state: 'inconclusive', passed: false, binding: true });
        expect(pod!.message).toContain("inconclusive: burn's pods watch was cut off from the API server for 42.00s (12 pod(s) timed only to within it, 3 pod(s) not seen starting), and at their shortest or longest the p99 is 2.90s or beyond any threshold");
        expect(gradingExitCode([pod!], [])).toBe(5);
      }
    });

    it('keep the verdict when it holds either way', () => {
      const [pass] = grade([result('podLatency', [startup({ count: 1000, p99: 3000, excluded: 2, blind: blind(2, 2990, 3010) })])]);
      expect(pass).toMatchObject({ state: 'pass' });
      const [fail] = grade([result('podLatency', [startup({ count: 1000, p99: 9000, excluded: 2, blind: blind(2, 8900, 9100) })])]);
      expect(fail).toMatchObject({ state: 'fail' });
    });

    it('are inconclusive when no pod was seen at all, not a pass on no samples', () => {
      const [pod] = grade([result('podLatency', [startup({ count: 0, p50: NaN, p90: NaN, p99: NaN, excluded: 16, blind: blind(0, 0, Infinity, 16) })])]);
      expect(pod).toMatchObject({ state: 'inconclusive', noSamples: true });
    });

    it('across jobs: a job that certainly failed decides over a job that is not known, which decides over passes', () => {
      const unknown = result('podLatency', [startup({ count: 0, p50: NaN, p90: NaN, p99: NaN, blind: blind(0, 0, Infinity, 16) })]);
      const failed = result('podLatency', [startup({ p99: 7000 })]);
      const passed = result('podLatency', [startup({ p99: 4000 })]);
      expect(grade([passed, unknown, failed]).map((v) => v.state)).toEqual(['fail']);
      expect(grade([passed, unknown]).map((v) => v.state)).toEqual(['inconclusive']);
      expect(grade([passed, result('podLatency', [startup({ p99: 4500 })])]).map((v) => v.value)).toEqual([4500]);
    });
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
    // an error alert outranks an inconclusive verdict; a real failure outranks both
    const inconclusive = [result('podLatency', [startup({ p99: 5100 })]), result('saturation', [], { saturation: [saturation('burn', 500)] })];
    expect(gradingExitCode(grade(inconclusive), [...inconclusive, alerting])).toBe(3);
    expect(gradingExitCode(grade([r]), [r, alerting])).toBe(4);
    expect(gradingExitCode([], [])).toBe(0);
  });

  it('renders the table naming the failed SLO and by how much, and writes slo.json', async () => {
    const results = [result('apiLatency', [api({ p99: 80 })]), result('podLatency', [startup({ p99: 6200 })])];
    const verdicts = grade(results);
    const text = renderSloTable(verdicts);
    expect(text).toMatch(/Pod startup latency.*watch.*6\.20s.*5\.00s.*-1\.20s \(-24%\).*FAIL.*50/);
    expect(text).toMatch(/Mutating API call latency.*POST pods \(resource\).*80ms.*1\.00s.*\+920ms \(\+92%\).*pass \(diagnostic\)/);
    // the message and the table print the same figure through the same formatter
    expect(text).toContain('FAIL Pod startup latency: p99 6.20s > 5.00s');
    expect(text).toContain('SLOs: 1 failed');
    const dir = await mkdtemp(join(tmpdir(), 'burn-slo-'));
    try {
      const path = await writeSloDocument(dir, sloDocument(verdicts, results, { uuid: 'u-1', generatedAtMs: 0 }));
      const doc = JSON.parse(await readFile(path, 'utf8'));
      expect(doc).toMatchObject({ version: 'v1', uuid: 'u-1', state: 'fail', passed: false, exitCode: 4, generatedAt: '1970-01-01T00:00:00.000Z', saturation: [] });
      expect(doc.verdicts).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(renderSloTable([])).toContain('nothing to grade');
  });
});
