import { describe, expect, it } from 'vitest';
import { templateData } from '../../src/config/render-check.js';
import { load, podTemplate } from './helpers.js';

describe('template variables of an object', () => {
  it('give an object made every N iterations .Iteration = iteration / N, as kube-burner (seen side by side)', async () => {
    const config = await load({
      'pod.yaml': podTemplate,
      'config.yaml': `jobs:
  - name: j
    jobIterations: 4
    namespace: n
    objects:
      - {objectTemplate: pod.yaml, replicas: 1, repeatEveryNIterations: 2}
      - {objectTemplate: pod.yaml, replicas: 1}
`,
    });
    const job = config.jobs[0]!;
    const [shared, every] = job.objects;
    expect([0, 2].map((i) => templateData(config, job, shared!, i, 1).Iteration)).toEqual([0, 1]);
    expect([0, 1, 2, 3].map((i) => templateData(config, job, every!, i, 1).Iteration)).toEqual([0, 1, 2, 3]);
  });
});
