// jobSummary's jobConfig in the shape kube-burner v2.7.3 writes it (seen side by side on a real cluster).
import { describe, expect, it } from 'vitest';
import { jobConfigOf } from '../../src/engine/summary.js';
import { load, podTemplate } from '../config/helpers.js';

describe("jobSummary's jobConfig", () => {
  it("is kube-burner's for a plain create job: durations in ns, zero values left out, gc and an empty churnConfig kept, no objects", async () => {
    const config = await load({
      'pod.yaml': podTemplate,
      'config.yaml': `global: {gc: false}
jobs:
  - name: try
    jobType: create
    jobIterations: 2
    qps: 20
    burst: 20
    namespace: sbs-try
    podWait: false
    maxWaitTimeout: 2m
    namespaceLabels: {a: b}
    objects: [{objectTemplate: pod.yaml, replicas: 2}]
`,
    });
    // What kube-burner wrote for this job (its own keys; burn may add its own beside them).
    const expected = {
      burst: 20, churnConfig: {}, cleanup: true, errorOnVerify: true, gc: false, iterationsPerNamespace: 1, jobIterations: 2, jobType: 'create',
      maxWaitTimeout: 120_000_000_000, metricsClosing: 'afterJobPause', name: 'try', namespace: 'sbs-try', namespacedIterations: true,
      preLoadImages: true, preLoadPeriod: 600_000_000_000, qps: 20, verifyObjects: true, waitForDeletion: true, waitWhenFinished: true,
    };
    const written = jobConfigOf(config.jobs[0]!);
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, written[k]]))).toEqual(expected);
    for (const key of ['objects', 'namespaceLabels', 'podWait', 'jobPause', 'jobPauseMs', 'hooks']) expect(written, key).not.toHaveProperty(key);
  });

  it("shows a read job as kube-burner runs it: sequential (a list per iteration), preLoadImages as configured", async () => {
    const config = await load({
      'config.yaml': `jobs:
  - name: reader
    jobType: read
    jobIterations: 3
    objects: [{kind: ConfigMap, apiVersion: v1, labelSelector: {a: b}}]
`,
    });
    expect(jobConfigOf(config.jobs[0]!)).toMatchObject({ executionMode: 'sequential', preLoadImages: true, jobType: 'read' });
  });

  it('writes a churnConfig with kube-burner keys and nanoseconds when churn is on', async () => {
    const config = await load({
      'pod.yaml': podTemplate,
      'config.yaml': `jobs:
  - name: churner
    jobIterations: 2
    namespace: c
    churnConfig: {cycles: 2, percent: 50, delay: 2s, mode: objects}
    objects: [{objectTemplate: pod.yaml, replicas: 1}]
`,
    });
    expect(jobConfigOf(config.jobs[0]!).churnConfig).toEqual({ cycles: 2, percent: 50, delay: 2_000_000_000, mode: 'objects' });
  });
});
