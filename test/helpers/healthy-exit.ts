import { expect } from 'vitest';

/**
 * The exit codes of a run against a healthy cluster: 0, or 5 (inconclusive) when the busy test
 * machine saturated burn or the simulator and a failure rests on that clock. Never 4: a healthy
 * cluster must not fail because the machine was busy.
 */
export const HEALTHY_EXITS: readonly number[] = [0, 5];

export function expectHealthyExit(exitCode: number, why = ''): void {
  expect(HEALTHY_EXITS, `exit ${exitCode}${why ? `: ${why}` : ''}`).toContain(exitCode);
}
