import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHealthyExit } from '../helpers/healthy-exit.js';

/** What a user sees: the built `burn` CLI, a default and a slow-pods run on --sim, then burn diff. */

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function burn(...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/burn.js', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let dir: string;
let baseline: Ran;
let slow: Ran;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-cli-'));
  [baseline, slow] = await Promise.all([
    burn('init', '-c', 'configs/quickstart.yaml', '--sim', '--sim-nodes', '3', '--sim-seed', '1', '--report-dir', join(dir, 'default')),
    burn('init', '-c', 'configs/quickstart.yaml', '--sim', '--sim-nodes', '3', '--sim-seed', '1', '--sim-profile', 'slow-pods', '--report-dir', join(dir, 'slow')),
  ]);
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('burn init -c configs/quickstart.yaml --sim', () => {
  it('passes the SLOs on the default profile: exit 0 (5 only when this busy machine saturated burn or the simulator)', () => {
    expectHealthyExit(baseline.code, baseline.stdout + baseline.stderr);
    if (baseline.code === 5) {
      expect(baseline.stdout).toMatch(/was saturated/);
      expect(baseline.stdout).toContain('completed, exit code 5');
      return;
    }
    expect(baseline.stdout).toMatch(/SLOs: all \d+ passed/);
    expect(baseline.stdout).toContain('completed, exit code 0');
  });

  it('fails the pod startup SLO on the slow-pods profile: exit 4, and the table says by how much', async () => {
    expect(slow.code, slow.stderr).toBe(4);
    expect(slow.stdout).toMatch(/FAIL Pod startup latency: (p99|max) \d+(\.\d\ds|ms) > 5\.00s over \d+ pods .*, \d+(\.\d\ds|ms) over/);
    const slo = JSON.parse(await readFile(join(dir, 'slow', 'slo.json'), 'utf8'));
    expect(slo.passed).toBe(false);
    expect(slo.exitCode).toBe(4);
  });
});

describe('burn diff', () => {
  it('flags the slow-pods run as a pod startup regression against the default one: exit 4', async () => {
    const diff = await burn('diff', join(dir, 'default'), join(dir, 'slow'), '--format', 'json');
    expect(diff.code, diff.stderr).toBe(4);
    const report = JSON.parse(diff.stdout);
    const rows: Array<{ label: string; verdict: string; changePercent: number }> = report.comparison.metrics;
    const startup = rows.filter((r) => /startup/i.test(r.label) && r.verdict === 'regression');
    expect(startup.length, JSON.stringify(rows.filter((r) => r.verdict !== 'unchanged'))).toBeGreaterThan(0);
  });

  it('finds no regression between a run and itself: exit 0', async () => {
    const diff = await burn('diff', join(dir, 'default'), join(dir, 'default'));
    expect(diff.code, diff.stderr).toBe(0);
  });
});

describe('burn report', () => {
  it('prints the summary of a run folder and rewrites its report.html', async () => {
    const report = await burn('report', join(dir, 'default'), '--no-color');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/\npodLatency \(quickstart\)\n/);
    expect(await readFile(join(dir, 'default', 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });
});
