import type { Job } from '../config/index.js';

/** The job as the user configured it, without burn's bookkeeping (positions, indices): jobSummary's jobConfig. */
export function jobConfigOf(job: Job): Record<string, unknown> {
  const { pos: _pos, index: _index, objects, hooks, ...rest } = job;
  return { ...rest, objects: objects.map(({ pos: _p, index: _i, ...o }) => o), hooks: hooks.map(({ pos: _p, index: _i, ...h }) => h) };
}
