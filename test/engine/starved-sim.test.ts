import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burnCli, type BurnRun } from '../helpers/burn-cli.js';

/**
 * A simulator starved on purpose (profile fault cpuMsPerRequest) falls behind and builds a
 * backlog: its answers come seconds late. The simulator is then the bottleneck, not the cluster:
 * burn must say inconclusive (exit 5), naming the simulator and what it added itself, never fail
 * (exit 4). The built CLI, as a user runs it.
 */

/** 200 ms of CPU per request: the delete job's burst of 30 requests takes the simulator 6 s of CPU, seconds behind at once. */
const CPU_MS_PER_REQUEST = 200;
const WORKLOAD = { ITERATIONS: '10', QPS: '50', BURST: '50' };

let dir: string;
let starved: BurnRun;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-starved-'));
  const profile = join(dir, 'starved.yaml');
  await writeFile(profile, `extends: default\nfaults: {cpuMsPerRequest: ${CPU_MS_PER_REQUEST}}\n`);
  starved = await burnCli(['init', '-c', 'configs/quickstart.yaml', '--sim', '--sim-nodes', '3', '--sim-seed', '1', '--sim-profile', profile, '--report-dir', join(dir, 'run')], { env: WORKLOAD });
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface SloJson {
  state: string;
  exitCode: number;
  saturation: Array<{ source: string; saturated: boolean; loopDelayP99Ms: number; selfDelay?: { request?: { p99Ms: number; samples: number } } }>;
  verdicts: Array<{ state: string; binding: boolean; margin: number; restsOn: string[]; message: string }>;
}

describe('burn init --sim on a simulator starved on purpose (faults.cpuMsPerRequest)', () => {
  it('calls the failures its backlog explains inconclusive: exit 5, naming the simulator and what it added itself', async () => {
    expect(starved.code, starved.stdout + starved.stderr).toBe(5);
    expect(starved.stdout).toMatch(/INCONCLUSIVE .*; inconclusive: the simulator was saturated and added up to \S+ to its own answers \((p99|max) of [\d,]+ requests\)/);
    expect(starved.stdout).toMatch(/WARNING: the simulator was saturated: .*; it added \S+ to its own answers \((p99|max) of [\d,]+ requests\).* by itself/);
    expect(starved.stdout).toContain('completed, exit code 5');
    const slo: SloJson = JSON.parse(await readFile(join(dir, 'run', 'slo.json'), 'utf8'));
    expect(slo).toMatchObject({ state: 'inconclusive', exitCode: 5 });
    const simulator = slo.saturation.find((s) => s.source === 'simulator')!;
    expect(simulator.saturated).toBe(true);
    const inconclusive = slo.verdicts.filter((v) => v.binding && v.state === 'inconclusive');
    expect(inconclusive.length).toBeGreaterThan(0);
    // Excused by what the simulator measured it added itself, not by its loop delay (the allowance
    // before, which the sliced CPU keeps far below the backlog: burn used to fail these, exit 4).
    const byBacklog = inconclusive.filter((v) => v.message.includes('to its own answers'));
    expect(byBacklog.length).toBeGreaterThan(0);
    expect(simulator.selfDelay!.request!.p99Ms).toBeGreaterThan(simulator.loopDelayP99Ms);
    for (const v of byBacklog) {
      expect(v.restsOn).toContain('simulator');
      expect(-v.margin).toBeLessThanOrEqual(simulator.selfDelay!.request!.p99Ms);
    }
  });

  it('says it in junit.xml and report.html too', async () => {
    const junit = await readFile(join(dir, 'run', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<skipped message="[^"]*the simulator was saturated and added up to/);
    const html = await readFile(join(dir, 'run', 'report.html'), 'utf8');
    expect(html).toMatch(/the simulator was saturated: .*to its own answers .* by itself/);
  });
});
