import { describe, expect, it } from 'vitest';
import { load, podTemplate } from './helpers.js';
import { formatPlan, planRun } from '../../src/config/index.js';
import { incrementalSteps } from '../../src/config/incremental.js';

/** What `burn validate` says about kube-burner's pacing keys: groups, incremental steps, keys create jobs ignore. */

function job(lines: string[], objects: string[]): Record<string, string> {
  return {
    'config.yaml': ['jobs:', '  - name: j', '    namespace: ns', '    preLoadImages: false', ...lines.map((l) => `    ${l}`), '    objects:', ...objects.map((l) => `      ${l}`), ''].join('\n'),
    'pod.yaml': podTemplate,
  };
}

describe('grouped execution in the plan', () => {
  it('counts each group through every iteration, its pauses and its deletions', async () => {
    const config = await load(
      job(['jobIterations: 2', 'qps: 10', 'burst: 10'], [
        '- {objectTemplate: pod.yaml, replicas: 5, group: {id: 1, gc: true, pauseBeforeGC: 2s, pauseAfterGC: 1s}}',
        '- {objectTemplate: pod.yaml, replicas: 5, group: {id: 2}}',
      ]),
    );
    const plan = await planRun(config);
    // group 1: 10 creates in the burst; 2s pause refills it; 10 deletes; 1s refills it; group 2: 10 creates.
    expect(plan.jobs[0]).toMatchObject({ leastTimeMs: 3000, requests: 30, totalObjects: 20 });
    const text = formatPlan(plan);
    expect(text).toContain('group 1 (deleted when the group is done)');
    expect(text).toContain('waiting for objects after every group');
  });
});

describe('incrementalLoad', () => {
  const steps = (load: object, jobIterations = 10) => incrementalSteps({ jobIterations, incrementalLoad: { startIterations: 0, totalIterations: 0, stepDelayMs: 0, healthCheckScript: '', pattern: { type: 'linear', linear: null, exponential: null }, ...load } });

  it('works out steps as kube-burner does', () => {
    // kube-burner's own e2e: start 5, total 20, stepSize 5 gives 3 steps, under minSteps 4, so steps of ceil(15 / 4)
    expect(steps({ startIterations: 5, totalIterations: 20, pattern: { type: 'linear', linear: { minSteps: 4, stepSize: 5 }, exponential: null } })).toEqual([5, 9, 13, 17, 20]);
    // fewer steps than minSteps: larger steps instead
    expect(steps({ startIterations: 2, totalIterations: 20, pattern: { type: 'linear', linear: { minSteps: 3, stepSize: 9 }, exponential: null } })).toEqual([2, 8, 14, 20]);
    // no linear block: steps of 1; no start: jobIterations
    expect(steps({ totalIterations: 13 })).toEqual([10, 11, 12, 13]);
    expect(steps({})).toEqual([10]);
    // exponential: start x base^step, capped by maxIncrease, after warmup steps of start
    expect(steps({ startIterations: 1, totalIterations: 40, pattern: { type: 'exponential', linear: null, exponential: { base: 2, maxIncrease: 0, warmupSteps: 0 } } })).toEqual([1, 5, 13, 29, 40]);
    expect(steps({ startIterations: 2, totalIterations: 30, pattern: { type: 'exponential', linear: null, exponential: { base: 3, maxIncrease: 10, warmupSteps: 2 } } })).toEqual([2, 4, 10, 20, 30]);
  });

  it('shows the steps and their time in the plan', async () => {
    const config = await load(job(['jobIterations: 1', 'qps: 10', 'burst: 10', 'incrementalLoad: {startIterations: 10, totalIterations: 30, stepDelay: 5s, pattern: {type: linear, linear: {stepSize: 10}}}'], ['- {objectTemplate: pod.yaml, replicas: 1}']));
    const plan = await planRun(config);
    // 10 in the burst; 5s refills it; 20: 10 + 1s; 5s; 30: 10 + 2s
    expect(plan.jobs[0]).toMatchObject({ incrementalSteps: [10, 20, 30], totalObjects: 60, leastTimeMs: 13_000 });
    expect(formatPlan(plan)).toContain('incremental load: 3 steps of 10, 20, 30 iterations, each deleted before the next');
  });
});

describe('keys kube-burner ignores for create jobs', () => {
  it('warns that executionMode and objectWait have no effect on a create job', async () => {
    const config = await load(job(['executionMode: sequential', 'objectWait: true'], ['- {objectTemplate: pod.yaml}']));
    const messages = config.warnings.map((w) => w.message).join('\n');
    expect(messages).toMatch(/executionMode of job "j" has no effect: kube-burner and burn use it for patch jobs only/);
    expect(messages).toMatch(/objectWait of job "j" has no effect/);
  });
});
