/**
 * kube-burner's log file: `kube-burner-<uuid>.log` in the working directory gets every log line of
 * init, destroy, measure, health-check and index, unless --skip-log-file (kube-burner's bats suite
 * checks it after init). The built CLI runs against the simulator over HTTPS.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { burnCli } from '../helpers/burn-cli.js';
import { expectHealthyExit } from '../helpers/healthy-exit.js';

let dir: string;
let sim: RunningSim;
let kubeconfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-log-file-'));
  kubeconfig = join(dir, 'kubeconfig');
  sim = await startSim({ nodes: 1, kubeconfigOut: kubeconfig, seed: 11 });
});
afterAll(async () => {
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function logFiles(cwd: string): Promise<string[]> {
  return (await readdir(cwd)).filter((f) => /^kube-burner-.+\.log$/.test(f));
}

describe("kube-burner's log file", () => {
  it('init writes kube-burner-<uuid>.log in the working directory with the lines it logs', async () => {
    const cwd = await mkdtemp(join(dir, 'init-'));
    await writeFile(join(cwd, 'config.yaml'), 'jobs:\n  - name: logged\n    jobIterations: 1\n    preLoadImages: false\n    objects:\n      - objectTemplate: cm.yaml\n        replicas: 1\n');
    await writeFile(join(cwd, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: logged-{{.Iteration}}\ndata: {a: b}\n');
    const uuid = 'log-file-run-1';
    const run = await burnCli(['init', '-c', 'config.yaml', '--uuid', uuid, '--kubeconfig', kubeconfig, '--log-level', 'debug'], { cwd });
    expectHealthyExit(run.code, run.stderr);
    expect(await logFiles(cwd)).toEqual([`kube-burner-${uuid}.log`]);
    const text = await readFile(join(cwd, `kube-burner-${uuid}.log`), 'utf8');
    expect(text).toContain(`run ${uuid}: 1 job(s) against`);
    // Every line logged is in the file, as on stderr.
    const logged = run.stderr.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT\S+ (error|warn |info |debug) /.test(l));
    expect(logged.length).toBeGreaterThan(1);
    expect(text.trimEnd().split('\n')).toEqual(logged);
  }, 120_000);

  it('health-check writes one too, with a new uuid, and --skip-log-file writes none', async () => {
    const cwd = await mkdtemp(join(dir, 'health-'));
    const run = await burnCli(['health-check', '--kubeconfig', kubeconfig], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const files = await logFiles(cwd);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^kube-burner-[0-9a-f-]{36}\.log$/);
    expect(await readFile(join(cwd, files[0]!), 'utf8')).toContain('checking the cluster health');

    const skipped = await mkdtemp(join(dir, 'skip-'));
    const quiet = await burnCli(['health-check', '--kubeconfig', kubeconfig, '--skip-log-file'], { cwd: skipped });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toContain('checking the cluster health');
    expect(await logFiles(skipped)).toEqual([]);
  }, 120_000);

  it('says which file it cannot write and how to go on without it', async () => {
    const run = await burnCli(['health-check', '--kubeconfig', kubeconfig], { cwd: '/proc' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: cannot write the log file \/proc\/kube-burner-[0-9a-f-]+\.log/);
    expect(run.stderr).toContain('--skip-log-file');
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);
});
