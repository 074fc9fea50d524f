import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinProfiles, loadProfile } from '../../src/sim/profiles.js';
import { sampleLatency, seededRandom } from '../../src/sim/random.js';
import { UserError } from '../../src/shared/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'burn-sim-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

describe('sim profiles', () => {
  it('has the four built-in profiles by name', () => {
    for (const name of ['default', 'slow-pods', 'flaky', 'large']) expect(loadProfile(name).name).toBe(name);
    expect(loadProfile('flaky').faults.throttleRate).toBeGreaterThan(0);
    expect(loadProfile('flaky').faults.watchCutMs).toBeGreaterThan(0);
    expect(loadProfile('large').maxInflight.readonly).toBeGreaterThan(loadProfile('default').maxInflight.readonly);
  });

  it('makes default pods ready in about 1-2 s and slow-pods start with a p99 near 8 s', () => {
    const startup = (name: string, seed: number) => {
      const p = builtinProfiles[name]!;
      const random = seededRandom(seed);
      return Array.from({ length: 5000 }, () => [p.scheduling, p.sandbox, p.containerStart].reduce((sum, spec) => sum + sampleLatency(spec, random), 0));
    };
    const ready = (name: string) => {
      const p = builtinProfiles[name]!;
      const random = seededRandom(9);
      return Array.from({ length: 5000 }, () => [p.scheduling, p.sandbox, p.containerStart, p.readiness].reduce((sum, spec) => sum + sampleLatency(spec, random), 0));
    };
    const defaultReady = quantile(ready('default'), 0.5);
    expect(defaultReady).toBeGreaterThan(700);
    expect(defaultReady).toBeLessThan(2000);
    const slowP99 = quantile(startup('slow-pods', 2), 0.99);
    expect(slowP99).toBeGreaterThan(6000);
    expect(slowP99).toBeLessThan(11000);
    expect(quantile(startup('default', 2), 0.99)).toBeLessThan(5000);
  });

  it('draws the same latencies for the same seed, following p50 and p99', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const spec = { p50: 100, p99: 1000 };
    const xs = Array.from({ length: 20000 }, () => sampleLatency(spec, a));
    const ys = Array.from({ length: 20000 }, () => sampleLatency(spec, b));
    expect(xs).toEqual(ys);
    expect(quantile(xs, 0.5)).toBeGreaterThan(90);
    expect(quantile(xs, 0.5)).toBeLessThan(110);
    expect(quantile(xs, 0.99)).toBeGreaterThan(800);
    expect(quantile(xs, 0.99)).toBeLessThan(1250);
    expect(sampleLatency({ p50: 0, p99: 0 }, a)).toBe(0);
  });

  it('reads a YAML file that overrides fields of a built-in profile', () => {
    const path = file('mine.yaml', 'extends: slow-pods\npodsPerNode: 30\nfaults:\n  throttleRate: 0.5\n  stallRate: 0.25\n  stallMs: 4000\nserviceTime:\n  create: {p50: 5, p99: 50}\n');
    const p = loadProfile(path);
    expect(p.name).toBe('mine');
    expect(p.podsPerNode).toBe(30);
    expect(p.faults.throttleRate).toBe(0.5);
    expect([p.faults.stallRate, p.faults.stallMs]).toEqual([0.25, 4000]);
    expect(p.faults.watchWindow).toBe(builtinProfiles['slow-pods']!.faults.watchWindow);
    expect(p.serviceTime.create).toEqual({ p50: 5, p99: 50 });
    expect(p.containerStart).toEqual(builtinProfiles['slow-pods']!.containerStart);
  });

  it('names the file and the key of an unknown or invalid setting', () => {
    const unknown = file('typo.yaml', 'podsPerNodes: 30\n');
    expect(userError(() => loadProfile(unknown)).message).toBe(`profile ${unknown}: podsPerNodes: unknown key`);
    const nested = file('nested.yaml', 'faults:\n  throttle: 0.1\n');
    expect(userError(() => loadProfile(nested)).message).toContain(`profile ${nested}: faults.throttle: unknown key`);
    const badRate = file('rate.yaml', 'faults:\n  errorRate: 2\n');
    expect(userError(() => loadProfile(badRate)).message).toContain('faults.errorRate: must be a number from 0 to 1');
    const badStall = file('stall.yaml', 'faults:\n  stallRate: 1.5\n');
    expect(userError(() => loadProfile(badStall)).message).toContain('faults.stallRate: must be a number from 0 to 1');
    const inverted = file('inverted.yaml', 'sandbox: {p50: 100, p99: 10}\n');
    expect(userError(() => loadProfile(inverted)).message).toContain('sandbox: p99 (10) must not be below p50 (100)');
    const badBase = file('base.yaml', 'extends: nope\n');
    expect(userError(() => loadProfile(badBase)).message).toContain('extends: unknown built-in profile "nope"');
    const syntax = file('syntax.yaml', 'a: [1, 2\n');
    expect(userError(() => loadProfile(syntax)).message).toMatch(new RegExp(`^profile ${syntax}`));
  });

  it('reads the priority levels\' queuing, APF\'s defaults unless set, and refuses a hand larger than the queues', () => {
    expect(loadProfile('default').flowControl).toEqual({ queues: 64, handSize: 8, queueLengthLimit: 50, queueWaitSeconds: 15 });
    const p = loadProfile(file('queues.yaml', 'extends: large\nflowControl: {queueLengthLimit: 0, queueWaitSeconds: 0.5}\n'));
    expect(p.flowControl).toEqual({ queues: 64, handSize: 8, queueLengthLimit: 0, queueWaitSeconds: 0.5 });
    const hand = file('hand.yaml', 'flowControl: {queues: 4, handSize: 6}\n');
    expect(userError(() => loadProfile(hand)).message).toBe(`profile ${hand}: flowControl.handSize: 6 is more than the 4 queues it is dealt from`);
    const fraction = file('fraction.yaml', 'flowControl: {queues: 2.5}\n');
    expect(userError(() => loadProfile(fraction)).message).toContain('flowControl.queues: must be a whole number');
    const unknown = file('fc-typo.yaml', 'flowControl: {queueLength: 5}\n');
    expect(userError(() => loadProfile(unknown)).message).toContain('flowControl.queueLength: unknown key');
  });

  it('reads faults.cpuMsPerRequest (0 in every built-in profile) and refuses a negative or absurd one', () => {
    for (const name of Object.keys(builtinProfiles)) expect(loadProfile(name).faults.cpuMsPerRequest).toBe(0);
    expect(loadProfile(file('starved.yaml', 'faults: {cpuMsPerRequest: 40}\n')).faults.cpuMsPerRequest).toBe(40);
    const negative = file('cpu-negative.yaml', 'faults: {cpuMsPerRequest: -1}\n');
    expect(userError(() => loadProfile(negative)).message).toBe(`profile ${negative}: faults.cpuMsPerRequest: must be a number from 0 to 1000`);
    const absurd = file('cpu-absurd.yaml', 'faults: {cpuMsPerRequest: 5000}\n');
    expect(userError(() => loadProfile(absurd)).message).toContain('faults.cpuMsPerRequest: must be a number from 0 to 1000');
  });

  it('says which names exist when neither a profile nor a file is given', () => {
    const err = userError(() => loadProfile('no-such-profile'));
    expect(err.message).toContain('--profile no-such-profile');
    expect(err.hint).toContain('slow-pods');
  });
});
