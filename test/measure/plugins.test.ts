import { describe, expect, it } from 'vitest';
import { load, podTemplate, problemsOf } from '../config/helpers.js';
import { KUBE_BURNER_ONLY, measurementPlugins, measurementsFor } from '../../src/measure/index.js';

const job = (extra: string, type = 'create') => `
  - name: web
    jobType: ${type}
    namespace: web
${extra}
    objects:
      - ${type === 'create' ? 'objectTemplate: pod.yaml' : 'kind: Pod\n        labelSelector: {app: web}'}
`;

function config(globalMeasurements: string, jobs: string): Record<string, string> {
  return { 'config.yaml': `global:\n  measurements:\n${globalMeasurements}\njobs:${jobs}`, 'pod.yaml': podTemplate };
}

describe('measurement plugins', () => {
  it('is one explicit map, each plugin under its own name', () => {
    for (const [name, plugin] of Object.entries(measurementPlugins)) expect(plugin.name).toBe(name);
    for (const name of KUBE_BURNER_ONLY) expect(measurementPlugins[name]).toBeUndefined();
  });

  it('parses each entry into its typed options when the config loads', async () => {
    const loaded = await load(config(
      '    - name: podLatency\n      thresholds: [{conditionType: Ready, metric: P95, threshold: 2s}]\n      excludeImagePulls: false',
      job('    measurements:\n      - name: prometheus\n        mode: simple\n        settleDelay: 1s\n        customThresholds: [{verb: put, resource: leases, threshold: 500ms}]'),
    ));
    expect(loaded.global.measurements).toEqual([{ name: 'podLatency', options: { thresholds: [{ conditionType: 'Ready', metric: 'P95', thresholdMs: 2000 }], excludeImagePulls: false } }]);
    expect(loaded.jobs[0]!.measurements).toEqual([
      { name: 'prometheus', options: { sli: { mode: 'simple', customThresholds: [{ verb: 'PUT', resource: 'leases', subresource: '', scope: '', thresholdMs: 500 }], allowedSlowCalls: 0 }, settleMs: 1000 } },
    ]);
  });

  it('reports unknown names on any job, unknown keys and bad values at their key, with the fix', async () => {
    const problems = await problemsOf(load(config(
      '    - name: podLatency\n      thresholdz: []',
      `${job('    measurements:\n      - name: nodeLatency\n        thresholds: [{conditionType: Ready, metric: P98, threshold: 1s}]')}${job('    measurements:\n      - name: podLatencyy').replace('name: web', 'name: second')}${job('    measurements:\n      - name: vmiLatency\n      - name: none\n      - name: jobLatency\n        thresholds: [{conditionType: Complete, threshold: 2000}]').replace('name: web', 'name: third')}`,
    )));
    expect(problems).toEqual([
      'config.yaml:4:7: unknown option "thresholdz" of podLatency (did you mean "thresholds"?)',
      expect.stringMatching(/^config\.yaml:11:45: "metric" of nodeLatency thresholds\[0\] is "P98"; it must be one of P99, P95, P50, Avg, Max \(did you mean "P99"\?\)$/),
      expect.stringMatching(/^config\.yaml:19:15: unknown measurement "podLatencyy" in job "second" \(did you mean "podLatency"\? burn measures: apiLatency, .*\)$/),
      expect.stringMatching(/^config\.yaml:27:15: measurement "vmiLatency" measures KubeVirt VirtualMachineInstances: burn does not support KubeVirt or CDI in job "third" \(remove this entry, or run this config with kube-burner; burn measures: apiLatency, .*\)$/),
      expect.stringMatching(/^config\.yaml:28:15: unknown measurement "none" in job "third" \(kube-burner skips names it does not know with a warning, burn refuses them/),
      expect.stringMatching(/^config\.yaml:30:48: "threshold" of jobLatency thresholds\[0\] must be a duration with a unit, got 2000 \(write "2000ms" or "2000s"\)$/),
    ]);
  });

  it('says when a job lists a measurement that measures nothing on its type, and leaves it out there', async () => {
    const loaded = await load(config('    - name: jobLatency', job('    measurements:\n      - name: podLatency', 'delete')));
    expect(loaded.warnings.map((w) => `${w.pos.line}: ${w.message}`)).toContainEqual('9: podLatency measures nothing on a delete job, so it does not run for job "web"');
    expect(measurementsFor(loaded, loaded.jobs[0]!).map((m) => m.name)).toEqual(['apiServerSli', 'apiLatency', 'saturation']);
  });

  it('accepts a metrics endpoint that only names an indexer, and runs no prometheus measurement for it', async () => {
    const files = config('    - name: podLatency', job(''));
    files['config.yaml'] = `metricsEndpoints:\n  - indexer: {type: local, metricsDirectory: collected-metrics}\n${files['config.yaml']}`;
    const loaded = await load(files);
    expect(loaded.metricsEndpoints[0]).toMatchObject({ endpoint: '', indexer: { type: 'local' } });
    expect(measurementsFor(loaded, loaded.jobs[0]!).map((m) => m.name)).toEqual(['podLatency', 'apiServerSli', 'apiLatency', 'saturation']);
  });
});
