import { describe, expect, it } from 'vitest';
import { e2eTarget, eventually } from './cluster.js';

interface Sample { metric: Record<string, string>; value: [number, string] }
interface QueryAnswer { status: string; data: { resultType: string; result: Sample[] } }

const prometheusUrl = e2eTarget().prometheusUrl;

async function query(promql: string): Promise<Sample[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const answer = (await response.json()) as QueryAnswer;
  if (answer.status !== 'success') throw new Error(`query ${promql} failed: ${JSON.stringify(answer)}`);
  return answer.data.result;
}

describe.skipIf(!prometheusUrl)('Prometheus beside the control plane', () => {
  it('answers a query for apiserver_request_sli_duration_seconds with data scraped from the apiserver', async () => {
    let last: Sample[] = [];
    const samples = await eventually(
      'a scraped apiserver_request_sli_duration_seconds series',
      async () => {
        last = await query('sum by (job, verb) (apiserver_request_sli_duration_seconds_count{job="apiserver"})');
        return last.some((sample) => Number(sample.value[1]) > 0) ? last : undefined;
      },
      { timeoutMs: 60_000, describe: () => JSON.stringify(last) },
    );
    expect(samples.every((sample) => sample.metric.job === 'apiserver')).toBe(true);
    expect(samples.map((sample) => sample.metric.verb)).toContain('LIST');
  });

  it('scrapes the scheduler and controller-manager with the token', async () => {
    let last: Sample[] = [];
    const up = await eventually(
      'all control plane targets up',
      async () => {
        last = await query('up{job=~"apiserver|kube-scheduler|kube-controller-manager"}');
        return last.length === 3 && last.every((sample) => sample.value[1] === '1') ? last : undefined;
      },
      { timeoutMs: 60_000, describe: () => JSON.stringify(last) },
    );
    expect(up.map((sample) => sample.metric.job).sort()).toEqual(['apiserver', 'kube-controller-manager', 'kube-scheduler']);
  });
});
