// A real-control-plane run graded from both sides: Prometheus (server side) beside burn's client-side figures.
import { afterAll, describe, expect, it } from 'vitest';
import { e2eTarget } from './cluster.js';
import { burnInit, leftOnCluster, removeScratch, type JobSummary, type SloFile } from './fixtures/burn-run.js';

afterAll(removeScratch);

const prometheusUrl = e2eTarget().prometheusUrl;

describe.skipIf(!prometheusUrl)('a run graded with the e2e Prometheus', () => {
  it('has server-side verdicts beside client-side ones that agree', async () => {
    const run = await burnInit('test/e2e/fixtures/graded-prometheus.yaml');
    const { outcome } = run;
    console.log(run.log.join(''));
    const slo = await run.read<SloFile>('slo.json');
    for (const v of slo.verdicts) console.log(v.message);
    const [summary] = await run.read<JobSummary[]>('jobSummary.json');
    console.log(JSON.stringify(summary));
    console.log(await run.files());
    expect(outcome.exitCode).toBe(0);
  });
});
