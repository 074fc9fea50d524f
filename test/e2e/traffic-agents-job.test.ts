/**
 * A traffic job with `agents.mode: pods` runs its agents as an Indexed Job of burn's image. On the
 * real control plane: the API server accepts the very Job object burn builds (agentJob), created
 * with only the permissions `burn rbac` computes for the config, and the Job controller creates one
 * pod per completion index, each with its index annotation, its hostname and the
 * JOB_COMPLETION_INDEX variable the agent reads, beside the plan burn put in the pod template.
 *
 * kwok runs no containers: the pods are scheduled onto kwok's nodes and never run burn, so no agent
 * sends load here and the Job never completes. What runs agents for real is covered by
 * test/traffic/agents.test.ts (local processes started the way the Job starts its pods).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrafficSpec } from '../../src/config/index.js';
import { agentJob } from '../../src/engine/traffic-agents.js';
import { INDEX_ENV, PLAN_ENV, type AgentWork } from '../../src/traffic/index.js';
import { burnCli } from '../helpers/burn-cli.js';
import { getTarget, trafficSpec } from '../helpers/traffic-spec.js';
import { eventually, kubectl, kubectlJson, uniqueName } from './cluster.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Pod {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { hostname?: string; subdomain?: string; restartPolicy: string; containers: Array<{ name: string; image: string; args?: string[]; env?: EnvVar[] }> };
}
interface Job {
  spec: { completionMode: string; completions: number; parallelism: number; backoffLimit: number; activeDeadlineSeconds: number };
}

const namespace = uniqueName('burn-e2e-traffic');
const serviceAccount = 'burn-traffic';
/** The roles burn rbac prints, renamed for this test (the cluster may hold burn's own). */
const rolesName = `burn-${namespace}`;
const PARALLELISM = 3;
let dir: string;

function config(): string {
  return `global:
  gc: false
  measurements: []
jobs:
  - name: web-load
    jobType: traffic
    namespace: ${namespace}
    traffic:
      targets:
        - url: http://web.${namespace}.svc:8080/
      startRate: 30
      stages:
        - {duration: 10s, target: 30}
      parallelism: ${PARALLELISM}
      agents: {mode: pods, image: burn:e2e}
`;
}

function spec(): TrafficSpec {
  return trafficSpec({
    targets: [getTarget(`http://web.${namespace}.svc:8080/`)],
    startRate: 30,
    stages: [{ durationMs: 10_000, target: 30 }],
    parallelism: PARALLELISM,
    agents: { mode: 'pods', startDelayMs: 60_000, image: 'burn:e2e', namespace: '' },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-e2e-traffic-'));
  await kubectl(['create', 'namespace', namespace]);
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']).catch(() => undefined);
  await kubectl(['delete', 'clusterrolebinding,clusterrole', rolesName, '--ignore-not-found']).catch(() => undefined);
  await kubectl(['-n', 'default', 'delete', 'rolebinding,role', rolesName, '--ignore-not-found']).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('traffic agents as an Indexed Job on the real control plane', () => {
  it('the API server accepts the Job burn builds, with only the rules of burn rbac, and the Job controller makes one pod per completion index with the index burn reads', async () => {
    // The roles burn rbac computes for the config, bound to a service account of the test's own.
    const configPath = join(dir, 'config.yaml');
    await writeFile(configPath, config());
    const rbac = await burnCli(['rbac', '-c', configPath, '--service-account', `${namespace}/${serviceAccount}`]);
    expect(rbac.code, rbac.stderr).toBe(0);
    // Its rules name what the agents' Job needs (each rule says why).
    expect(rbac.stdout).toMatch(/runs its agents as an Indexed Job/);
    const roles = rbac.stdout.replace(/^(\s*)name: burn$/gm, `$1name: ${rolesName}`);
    await kubectl(['-n', namespace, 'create', 'serviceaccount', serviceAccount]);
    await kubectl(['apply', '-f', '-'], roles);
    const as = `--as=system:serviceaccount:${namespace}:${serviceAccount}`;
    for (const [verb, resource, ...sub] of [
      ['create', 'jobs.batch'],
      ['get', 'jobs.batch'],
      ['delete', 'jobs.batch'],
      ['list', 'pods'],
      ['get', 'pods', '--subresource=log'],
    ]) {
      expect((await kubectl(['auth', 'can-i', verb!, resource!, ...sub, '-n', namespace, as])).trim(), `${verb} ${resource} ${sub.join(' ')}`).toBe('yes');
    }
    // burn rbac grants no more than that on Jobs: it never patches them (can-i exits 1 for "no").
    await expect(kubectl(['auth', 'can-i', 'patch', 'jobs.batch', '-n', namespace, as])).rejects.toThrow(/auth can-i patch jobs.batch/);

    // The Job object burn creates for the agents, created as that service account.
    const work: AgentWork = { spec: spec(), targets: spec().targets, startWallMs: Date.now() + 60_000 };
    const job = agentJob({ spec: spec(), uuid: 'e2e-uuid', jobName: 'web-load', namespace }, work);
    const name = job.metadata!.name!;
    expect(name).toBe('burn-traffic-web-load');
    await kubectl(['create', '-f', '-', as], JSON.stringify(job));

    const created = await kubectlJson<Job>(['-n', namespace, 'get', 'job', name]);
    expect(created.spec).toMatchObject({ completionMode: 'Indexed', completions: PARALLELISM, parallelism: PARALLELISM, backoffLimit: 0 });
    expect(created.spec.activeDeadlineSeconds).toBeGreaterThan(70);

    // The Job controller creates the pods, one per completion index.
    const pods = await eventually(
      `${PARALLELISM} pods of Job ${name}`,
      async () => {
        const list = await kubectlJson<{ items: Pod[] }>(['-n', namespace, 'get', 'pods', '-l', `batch.kubernetes.io/job-name=${name}`]);
        return list.items.length === PARALLELISM ? list.items : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const indexes = pods.map((p) => Number(p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'])).sort();
    expect(indexes).toEqual([0, 1, 2]);
    for (const pod of pods) {
      const index = pod.metadata.annotations!['batch.kubernetes.io/job-completion-index'];
      expect(pod.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe(index);
      expect(pod.metadata.labels?.['burn.dev/traffic-agent']).toBe('true');
      expect(pod.spec.hostname).toBe(`${name}-${index}`);
      expect(pod.spec.restartPolicy).toBe('Never');
      const [container] = pod.spec.containers;
      expect(container!.image).toBe('burn:e2e');
      expect(container!.args).toEqual(['traffic-agent', '--log-level', 'warn']);
      const env = new Map((container!.env ?? []).map((e) => [e.name, e]));
      // The controller adds the completion index as the variable the agent reads, from the pod's label (annotation before Kubernetes 1.28).
      expect(env.get(INDEX_ENV)?.valueFrom?.fieldRef?.fieldPath).toMatch(/^metadata\.(labels|annotations)\['batch\.kubernetes\.io\/job-completion-index'\]$/);
      // burn's plan, whole, for every agent.
      const plan = JSON.parse(env.get(PLAN_ENV)!.value!) as AgentWork;
      expect(plan).toEqual(work);
    }
  }, 180_000);
});
