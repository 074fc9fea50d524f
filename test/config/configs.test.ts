import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, planRun } from '../../src/config/index.js';
import { main } from '../../src/cli/main.js';
import { project } from './helpers.js';

const root = join(import.meta.dirname, '../..');
const configs = readdirSync(join(root, 'configs')).filter((f) => f.endsWith('.yaml'));

async function planFor(name: string, options: { env?: NodeJS.ProcessEnv; set?: string[] } = {}) {
  const config = await loadConfig(join('configs', name), { uuid: 'u', env: options.env ?? {}, set: options.set, cwd: root });
  return planRun(config);
}

describe('ready configs', () => {
  it('ships the configs the issue asks for', () => {
    expect(configs).toEqual(expect.arrayContaining(['quickstart.yaml', 'node-density.yaml', 'cluster-density.yaml', 'churn.yaml', 'seed-one-deployment.yaml', 'seed-qps-burst.yaml', 'seed-too-many-pods.yaml']));
  });

  it.each(configs)('%s validates and renders with an empty environment', async (name) => {
    const plan = await planFor(name);
    expect(plan.jobs.length).toBeGreaterThan(0);
    expect(plan.warnings).toEqual([]);
  });

  it('quickstart: 5 namespaces of a 2-pod deployment, a service and a configmap, then a delete job', async () => {
    const plan = await planFor('quickstart.yaml');
    expect(plan.jobs.map((j) => j.jobType)).toEqual(['create', 'delete']);
    expect(plan.jobs[0]).toMatchObject({ iterations: 5, objectsPerIteration: 3, totalObjects: 15, totalPods: 10 });
    expect(plan.jobs[0]!.namespaces).toEqual(['quickstart-0', 'quickstart-1', 'quickstart-2', 'quickstart-3', 'quickstart-4']);
    expect(plan.jobs[0]!.objects.map((o) => o.kinds[0])).toEqual(['Deployment', 'Service', 'ConfigMap']);
  });

  it('cluster-density: small by default, sized by ITERATIONS', async () => {
    const small = await planFor('cluster-density.yaml');
    expect(small.jobs[0]).toMatchObject({ iterations: 10, objectsPerIteration: 30, totalObjects: 300, totalPods: 100 });
    const large = await planFor('cluster-density.yaml', { env: { ITERATIONS: '50', POD_REPLICAS: '1' } });
    expect(large.jobs[0]).toMatchObject({ iterations: 50, totalObjects: 1500, totalPods: 250 });
    expect(large.jobs[0]!.namespaces).toHaveLength(50);
  });

  it('node-density: bare pods in one namespace at qps 20 burst 20', async () => {
    const plan = await planFor('node-density.yaml', { env: { PODS: '200' } });
    expect(plan.jobs[0]).toMatchObject({ qps: 20, burst: 20, totalObjects: 200, totalPods: 200, namespaces: ['node-density'], leastTimeMs: 9000 });
  });

  it("seed-qps-burst reproduces the article's variations through --set", async () => {
    const plan = await planFor('seed-qps-burst.yaml', { set: ['jobs.0.jobIterations=20,jobs.0.objects.0.replicas=2,jobs.0.qps=2,jobs.0.burst=20'] });
    expect(plan.jobs[0]).toMatchObject({ requests: 40, leastTimeMs: 10_000 });
  });

  it('seed-one-deployment preloads its image for at most 30s, which bounds the wait and adds no least time', async () => {
    const plan = await planFor('seed-one-deployment.yaml');
    expect(plan.jobs[0]).toMatchObject({ totalObjects: 1, leastTimeMs: 0 });
    expect(plan.jobs[0]!.plus).toContain('pulling the images on every node (preLoadImages, at most 30s)');
  });

  it('churn: podWait, churn cycles and a delete job', async () => {
    const plan = await planFor('churn.yaml');
    expect(plan.jobs.map((j) => j.jobType)).toEqual(['create', 'delete']);
    expect(plan.jobs[0]!.plus).toEqual(expect.arrayContaining(['waiting for objects after every iteration (podWait)', 'churn re-creation waits']));
    expect(plan.jobs[0]!.leastTimeMs).toBe(1000 + 3 * 10_000); // 40 requests at qps 20 after a burst of 20, then 3 cycles 10s apart
  });
});

describe('burn validate', () => {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };

  function capture(): void {
    out.length = 0;
    err.length = 0;
    process.stdout.write = ((c: string) => (out.push(String(c)), true)) as typeof process.stdout.write;
    process.stderr.write = ((c: string) => (err.push(String(c)), true)) as typeof process.stderr.write;
  }

  afterEach(() => {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  });

  it('prints the plan of a valid config and exits 0', async () => {
    capture();
    await main(['node', 'burn', 'validate', '-c', join(root, 'configs/quickstart.yaml'), '--uuid', 'fixed', '--set', 'jobs.0.jobIterations=2']);
    process.stdout.write = write.out;
    expect(process.exitCode ?? 0).toBe(0);
    const text = out.join('');
    expect(text).toContain('valid, 2 jobs (uuid fixed)');
    expect(text).toContain('job "quickstart" (create): 2 iterations, qps 20, burst 20');
    expect(text).toContain('namespaces: 2: quickstart-0, quickstart-1');
    expect(text).toContain('total: 6 objects in 2 namespaces');
  });

  it('lists every problem on stderr and exits 1', async () => {
    const dir = project({ 'bad.yaml': 'jobs:\n  - name: a\n    qsp: 1\n    objects: [{objectTemplate: nope.yaml}]\n' });
    capture();
    await main(['node', 'burn', 'validate', '-c', join(dir, 'bad.yaml')]);
    expect(process.exitCode).toBe(1);
    const text = err.join('');
    expect(text).toMatch(/bad\.yaml: 2 problems:\n {2}.*bad\.yaml:3:5: unknown key "qsp" in job "a" \(did you mean "qps"\?\)\n {2}.*bad\.yaml:4:32: objectTemplate "nope\.yaml" not found/);
    expect(text).not.toContain('    at '); // no stack trace
    expect(out.join('')).toBe('');
  });
});
