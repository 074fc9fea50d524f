import { describe, expect, it } from 'vitest';
import { load, podTemplate, problemsOf } from './helpers.js';
import { planRun } from '../../src/config/index.js';
import { parseRenderedDocuments, RenderedYamlError } from '../../src/engine/rendered-yaml.js';

function job(iterations: number, extra = '', replicas = 3): string {
  return `jobs:
  - name: big
    jobIterations: ${iterations}
    qps: 5
    burst: 10
    namespace: big
    preLoadImages: false
${extra}    objects:
      - objectTemplate: pod.yaml
        replicas: ${replicas}
`;
}

const bomb = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
  .map((name, i, names) => `  ${name}: &${name} [${Array(10).fill(i === 0 ? '"x"' : `*${names[i - 1]}`).join(',')}]`)
  .join('\n');

describe('validation costs the same for 10 iterations and ten million', () => {
  it('renders the first, the last and three iterations between, and the first, middle and last replica', async () => {
    const small = await planRun(await load({ 'config.yaml': job(10), 'pod.yaml': podTemplate }));
    const large = await planRun(await load({ 'config.yaml': job(10_000_000, '', 1), 'pod.yaml': podTemplate }));
    expect(small.jobs[0]!.objects[0]).toMatchObject({ checkedIterations: [0, 2, 4, 6, 9], checkedReplicas: [1, 2, 3] });
    expect(large.jobs[0]!.objects[0]).toMatchObject({ checkedIterations: [0, 2_499_999, 4_999_999, 7_499_999, 9_999_999], checkedReplicas: [1] });
    expect(large.jobs[0]).toMatchObject({ namespaceCount: 10_000_000, namespaces: ['big-0', 'big-1', 'big-9999999'], totalObjects: 10_000_000, requests: 10_000_000 });
    expect(large.totalNamespaces).toBe(10_000_000);
  });

  it('works out the least time of long jobs from their steady state, as a step by step simulation would', async () => {
    // 3 creations per iteration at qps 5 after a burst of 10: (3n - 10) / 5 seconds
    const tight = await planRun(await load({ 'config.yaml': job(100_000), 'pod.yaml': podTemplate }));
    expect(tight.jobs[0]!.leastTimeMs).toBeCloseTo(((3 * 100_000 - 10) / 5) * 1000, -1);
    // 1s between iterations refills 5 tokens, more than the 3 an iteration takes: only the pauses count
    const paused = await planRun(await load({ 'config.yaml': job(100_000, '    jobIterationDelay: 1s\n'), 'pod.yaml': podTemplate }));
    expect(paused.jobs[0]!.leastTimeMs).toBeCloseTo((100_000 - 1) * 1000, -1);
  });

  it('checks the sampled iterations: a name that only breaks in the last iteration is found', async () => {
    const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{{ if eq .Iteration 999 }}{{ repeat 70 "x" }}{{ else }}{{ .Iteration }}{{ end }}\n';
    const problems = await problemsOf(planRun(await load({ 'config.yaml': job(1000), 'pod.yaml': service })));
    expect(problems).toEqual([expect.stringMatching(/pod\.yaml:4:\d+: metadata\.name "svc-x{70}" of the Service rendered for job "big" object 1, iteration 999, replica 1 is 74 characters long; at most 63/)]);
  });

  it('refuses more iterations than the engine can address, at the line that asks', async () => {
    const problems = await problemsOf(load({ 'config.yaml': job(1e12), 'pod.yaml': podTemplate }));
    expect(problems).toEqual([expect.stringMatching(/config\.yaml:3:\d+: jobIterations of job "big" is 1,000,000,000,000; burn runs at most 10,000,000 iterations per job/)]);
  });
});

describe('YAML alias limits in both parsers', () => {
  it('the config parser refuses an alias bomb at the alias that passes the limit', async () => {
    const problems = await problemsOf(load({ 'config.yaml': `x:\n${bomb}\n${job(1)}`, 'pod.yaml': podTemplate }));
    expect(problems).toEqual([expect.stringMatching(/config\.yaml:6:\d+: YAML: aliases expand to more than 100,000 nodes \(alias \*d and those before it\)/)]);
  });

  it('the config parser takes ordinary anchors, used more than the yaml package allows by default', async () => {
    const reuse = Array.from({ length: 150 }, (_, i) => `  k${i}: *v`).join('\n');
    const config = await load({ 'config.yaml': job(1).replace('        replicas: 3\n', `        replicas: 3\n        inputVars:\n          shared: &v {a: 1}\n${reuse.replace(/^ {2}/gm, '          ')}\n`), 'pod.yaml': podTemplate });
    expect(Object.keys(config.jobs[0]!.objects[0]!.inputVars)).toHaveLength(151);
  });

  it('the engine parser (js-yaml) refuses an alias bomb and a self-referencing alias, naming the line', () => {
    const catchIt = (text: string) => {
      try {
        parseRenderedDocuments(text);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const bombErr = catchIt(`kind: ConfigMap\ndata:\n${bomb}\n`);
    expect(bombErr).toBeInstanceOf(RenderedYamlError);
    expect(bombErr).toMatchObject({ line: 4, message: expect.stringMatching(/aliases expand to more than 100,000 nodes/) });
    expect(catchIt('kind: ConfigMap\ndata: &d {a: *d}\n')).toMatchObject({ message: expect.stringMatching(/refers to the block that contains it/) });
    expect(parseRenderedDocuments('a: &x {b: 1}\nc: *x\n')).toEqual([{ a: { b: 1 }, c: { b: 1 } }]);
  });
});
