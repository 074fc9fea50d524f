import { describe, expect, it } from 'vitest';
import { parseAlertProfile, parseMetricsProfile, renderAlertDescription, renderElapsed } from '../../src/measure/prometheus/profiles.js';
import { chooseMode, quantileQuery, slowCountFromBuckets } from '../../src/measure/prometheus/api-responsiveness.js';
import { UserError } from '../../src/shared/errors.js';

describe('metrics and alert profiles', () => {
  it("reads kube-burner's metrics profile form", () => {
    const queries = parseMetricsProfile('metrics.yaml', [
      '- query: sum(rate(apiserver_request_total[2m])) by (verb)',
      '  metricName: apiRequestRate',
      '- query: max_over_time(etcd_db_total_size_in_bytes[{{.elapsed}}])',
      '  metricName: etcdDbSize',
      '  instant: true',
    ].join('\n'));
    expect(queries).toEqual([
      { query: 'sum(rate(apiserver_request_total[2m])) by (verb)', metricName: 'apiRequestRate', instant: false, captureStart: false, origin: 'metrics.yaml:1:3' },
      { query: 'max_over_time(etcd_db_total_size_in_bytes[{{.elapsed}}])', metricName: 'etcdDbSize', instant: true, captureStart: false, origin: 'metrics.yaml:3:3' },
    ]);
    expect(parseMetricsProfile('empty.yaml', '')).toEqual([]);
  });

  it('names the file and line of a bad entry', () => {
    expect(() => parseMetricsProfile('metrics.yaml', '- query: up\n  metricName: up\n- query: down\n')).toThrow('metrics.yaml:3:3: "metricName" is required and must be a string');
    expect(() => parseMetricsProfile('metrics.yaml', 'query: up\n')).toThrow(/metrics.yaml:1:1: a profile is a YAML list/);
    expect(() => parseMetricsProfile('metrics.yaml', '- query: up\n  metricName: up\n  instant: maybe\n')).toThrow(/metrics.yaml:3:12: "instant" must be true or false/);
    // kube-burner decodes profiles with known fields only.
    expect(() => parseMetricsProfile('metrics.yaml', '- query: up\n  metricName: up\n  instnat: true\n')).toThrow(/metrics.yaml:3:12: unknown key "instnat" in a metrics profile entry/);
    expect(parseMetricsProfile('metrics.yaml', '- query: up\n  metricName: up\n  instant: true\n  captureStart: true\n')[0]).toMatchObject({ instant: true, captureStart: true });
    expect(() => parseAlertProfile('alerts.yaml', '- expr: up == 0\n  description: down\n  severity: fatal\n')).toThrow(/alerts.yaml:3:13: severity "fatal" is not one of info, warning, error, critical/);
    expect(() => parseAlertProfile('alerts.yaml', '- expr: [\n')).toThrow(UserError);
  });

  it('reads alert profiles and renders descriptions', () => {
    const [rule] = parseAlertProfile('alerts.yaml', '- expr: avg_over_time(up[{{.elapsed}}]) < 1\n  description: "{{$labels.instance}} was down: {{ printf \\"%.2f\\" $value }}"\n  severity: critical\n');
    expect(rule!.severity).toBe('critical');
    expect(renderElapsed(rule!.expr, '300s')).toBe('avg_over_time(up[300s]) < 1');
    expect(renderElapsed('x[{{ .elapsed }}]', '60s')).toBe('x[60s]');
    expect(renderAlertDescription(rule!.description, { instance: 'node-1:9100' }, 0.66666)).toBe('node-1:9100 was down: 0.67');
    expect(renderAlertDescription('value {{$value}} of {{$labels.missing}}', {}, 3)).toBe('value 3 of ');
  });
});

describe('APIResponsivenessPrometheus pieces', () => {
  it('counts slow calls against the largest bucket at or under the threshold', () => {
    const buckets = new Map([[0.5, 80], [1, 95], [1.25, 97], [Infinity, 100]]);
    expect(slowCountFromBuckets(buckets, 1000)).toBe(5);
    expect(slowCountFromBuckets(buckets, 1100)).toBe(5); // no 1.1 s bucket: the 1 s bucket, counting more as slow
    expect(slowCountFromBuckets(buckets, 30_000)).toBe(3);
    expect(slowCountFromBuckets(buckets, 100)).toBe(100);
  });

  it('uses full mode for windows of 10 minutes or more unless told', () => {
    expect(chooseMode('auto', 5 * 60_000)).toBe('simple');
    expect(chooseMode('auto', 10 * 60_000)).toBe('full');
    expect(chooseMode('simple', 60 * 60_000)).toBe('simple');
    expect(quantileQuery(0.99, 'full', 600)).toContain('quantile_over_time(0.99, (histogram_quantile(0.99, sum(rate(apiserver_request_sli_duration_seconds_bucket{verb!~"WATCH|CONNECT|WATCHLIST", subresource!~"log|exec|portforward|attach|proxy"}[1m]))');
    expect(quantileQuery(0.5, 'simple', 300)).toMatch(/^histogram_quantile\(0.5, \(sum by .* offset 300s\)\) or sum by/);
  });
});
