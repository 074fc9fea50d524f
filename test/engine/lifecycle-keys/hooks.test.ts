import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HookRecord, JobRecord } from '../../../src/report/index.js';
import { burnCli } from '../../helpers/burn-cli.js';
import { expectHealthyExit } from '../../helpers/healthy-exit.js';
import { withSim } from '../../sim/with-sim.js';
import { PAUSE_POD } from './pod-template.js';

/**
 * kube-burner's job hooks through the real CLI against the simulator: real processes at each stage,
 * in burn's working directory and environment, each run's output and exit in the run folder.
 * The hook script asks the cluster (kubectl) what exists when it runs, which places each stage
 * against the job: before anything is created, after the waits, around churn, after gc.
 */


// Appends "<stage> pods=<n> running=<m>" (pods of this job's namespaces) to trace.txt in the working directory.
const HOOK = `#!/bin/sh
set -e
stage="$1"
pods=$(kubectl get pods -A --no-headers 2>/dev/null | grep -c '^hooks-' || true)
running=$(kubectl get pods -A --no-headers 2>/dev/null | grep '^hooks-' | grep -c ' Running ' || true)
echo "$stage pods=$pods running=$running" >> trace.txt
echo "hook $stage saw $pods pods"
`;

const hook = (stage: string, extra = '') => `      - {cmd: [sh, hook.sh, ${stage}], when: ${stage}${extra}}`;

const LIFECYCLE = `jobs:
  - name: hooks
    namespace: hooks
    jobIterations: 3
    qps: 20
    burst: 20
    preLoadImages: false
    waitWhenFinished: true
    gc: true
    churnConfig: {cycles: 1, percent: 34, mode: namespaces}
    hooks:
${['beforeGC', 'afterGC', 'beforeJobExecution', 'onEachIteration', 'afterJobExecution', 'beforeChurn', 'afterChurn', 'beforeCleanup', 'afterCleanup'].map((s) => hook(s)).join('\n')}
      - {cmd: [sh, -c, 'sleep 2; echo background done'], when: beforeJobExecution, background: true}
    objects:
      - objectTemplate: pod.yaml
`;

const FAILING = `jobs:
  - name: fails
    namespace: fails
    jobIterations: 1
    preLoadImages: false
    hooks:
      - {cmd: [sh, -c, 'echo about to fail; echo boom >&2; exit 3'], when: beforeJobExecution}
      - {cmd: [sh, -c, 'echo never > never.txt'], when: beforeJobExecution}
      - {cmd: [sh, -c, 'sleep 1; exit 4'], when: afterJobExecution, background: true}
      - {cmd: [/nonexistent/hook, arg], when: beforeCleanup}
    objects:
      - objectTemplate: pod.yaml
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-hooks-'));
  await writeFile(join(dir, 'pod.yaml'), PAUSE_POD);
  await writeFile(join(dir, 'hook.sh'), HOOK);
  await writeFile(join(dir, 'lifecycle.yaml'), LIFECYCLE);
  await writeFile(join(dir, 'failing.yaml'), FAILING);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function jobRecords(reportDir: string): Promise<JobRecord[]> {
  return JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8')).jobs;
}

describe('hooks', () => {
  it('run at their stage of the job, in burn\'s working directory and environment, with their output and exit in the run folder', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const reportDir = join(dir, 'lifecycle-run');
      const ran = await burnCli(['init', '-c', 'lifecycle.yaml', '--kubeconfig', sim.kubeconfigPath, '--report-dir', reportDir], { cwd: dir, env: { KUBECONFIG: sim.kubeconfigPath } });
      expectHealthyExit(ran.code, ran.stdout + ran.stderr);
      const trace = (await readFile(join(dir, 'trace.txt'), 'utf8')).trim().split('\n');
      const stages = trace.map((l) => l.split(' ')[0]);
      // 3 iterations, then 1 of the 3 namespaces churned: its iteration is created again.
      expect(stages).toEqual(['beforeGC', 'afterGC', 'beforeJobExecution', 'onEachIteration', 'onEachIteration', 'onEachIteration', 'afterJobExecution', 'beforeChurn', 'onEachIteration', 'afterChurn', 'beforeCleanup', 'afterCleanup']);
      const at = (stage: string) => trace.find((l) => l.startsWith(`${stage} `));
      expect(at('beforeGC')).toBe('beforeGC pods=0 running=0');
      expect(at('beforeJobExecution')).toBe('beforeJobExecution pods=0 running=0');
      expect(trace[3]).toBe('onEachIteration pods=0 running=0'); // before iteration 0 creates anything
      // after the job's waits: every pod is there and Running
      expect(at('afterJobExecution')).toBe('afterJobExecution pods=3 running=3');
      expect(at('beforeChurn')).toBe('beforeChurn pods=3 running=3');
      expect(at('afterChurn')).toBe('afterChurn pods=3 running=3');
      expect(at('beforeCleanup')).toBe('beforeCleanup pods=3 running=3');
      // job gc removed the namespaces before afterCleanup
      expect(at('afterCleanup')).toBe('afterCleanup pods=0 running=0');

      const [job] = await jobRecords(reportDir);
      expect(job!.passed).toBe(true);
      const hooks = job!.hooks!;
      expect(hooks).toHaveLength(13);
      for (const h of hooks) {
        expect(h, JSON.stringify(h)).toMatchObject({ exitCode: 0, signal: null });
        expect(h.error).toBeUndefined();
        expect(Date.parse(h.end!)).toBeGreaterThanOrEqual(Date.parse(h.start));
      }
      const first = hooks.find((h) => h.when === 'beforeJobExecution' && !h.background)!;
      expect(first).toMatchObject({ hook: 3, cmd: ['sh', 'hook.sh', 'beforeJobExecution'], run: 1, log: 'hooks/hooks/beforeJobExecution-3-1.log' });
      expect(await readFile(join(reportDir, first.log), 'utf8')).toBe('hook beforeJobExecution saw 0 pods\n');
      expect(hooks.filter((h) => h.when === 'onEachIteration').map((h) => h.run)).toEqual([1, 2, 3, 4]);
      // the background hook started with the stage and was waited for before the job ended
      const background = hooks.find((h) => h.background)!;
      expect(background).toMatchObject({ when: 'beforeJobExecution', hook: 10, exitCode: 0 });
      expect(Date.parse(background.start)).toBeLessThanOrEqual(Date.parse(first.start));
      expect(await readFile(join(reportDir, background.log), 'utf8')).toBe('background done\n');
    });
  });

  it('a failing foreground hook ends its stage and fails the job (which goes on, as in kube-burner); a failing background hook and one that cannot start fail it too', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const reportDir = join(dir, 'failing-run');
      const ran = await burnCli(['init', '-c', 'failing.yaml', '--kubeconfig', sim.kubeconfigPath, '--report-dir', reportDir], { cwd: dir });
      expect(ran.code, ran.stdout + ran.stderr).toBe(1);
      const [job] = await jobRecords(reportDir);
      expect(job!.passed).toBe(false);
      expect(job!.objectsCreated).toBe(1);
      expect(job!.errors).toEqual([
        "hook 1 (beforeJobExecution: sh -c 'echo about to fail; echo boom >&2; exit 3') exited with code 3 (last output: about to fail | boom); output in hooks/fails/beforeJobExecution-1-1.log",
        'hook 4 (beforeCleanup: /nonexistent/hook arg) could not start: spawn /nonexistent/hook ENOENT; output in hooks/fails/beforeCleanup-4-1.log',
        "hook 3 (afterJobExecution, background: sh -c 'sleep 1; exit 4') exited with code 4; output in hooks/fails/afterJobExecution-3-1.log",
      ]);
      const hooks: HookRecord[] = job!.hooks!;
      expect(hooks.map((h) => [h.hook, h.exitCode])).toEqual([
        [1, 3],
        [3, 4],
        [4, null],
      ]);
      expect(await readFile(join(reportDir, 'hooks/fails/beforeJobExecution-1-1.log'), 'utf8')).toBe('about to fail\nboom\n');
      await expect(readFile(join(dir, 'never.txt'))).rejects.toThrow(/ENOENT/);
      expect(ran.stderr + ran.stdout).toMatch(/hook 1 \(beforeJobExecution\) exited with code 3/);
    });
  });
});
