import type { Job } from './types.js';

/**
 * The iteration counts of an incremental job's steps, as kube-burner's iteration calculator works
 * them out: each step creates iterations 0 to the count (the load grows from step to step), starting
 * at startIterations (the job's jobIterations when 0) and ending at totalIterations.
 */
export function incrementalSteps(job: Pick<Job, 'jobIterations' | 'incrementalLoad'>): number[] {
  const load = job.incrementalLoad;
  if (!load) return [job.jobIterations];
  const start = load.startIterations > 0 ? load.startIterations : job.jobIterations;
  const total = Math.max(load.totalIterations, start);
  if (total <= 0) return [];
  const steps = [Math.min(start, total)];
  const next = load.pattern.type === 'exponential' ? exponentialNext(load.pattern.exponential, start, total) : linearNext(load.pattern.linear, start, total);
  while (steps.at(-1)! < total) steps.push(next(steps.at(-1)!, steps.length + 1));
  return steps;
}

/** Fixed steps of stepSize (1 when unset), or fewer, larger ones when that would take under minSteps. */
function linearNext(linear: { minSteps: number; stepSize: number } | null, start: number, total: number): (current: number) => number {
  let step = linear ? linear.stepSize : 1;
  // kube-burner divides by the step size; a zero step size counts as fewer steps than any minimum.
  const stepsNeeded = step > 0 ? Math.ceil((total - start) / step) : Number.NEGATIVE_INFINITY;
  const minSteps = linear?.minSteps ?? 0;
  if (minSteps > 0 && stepsNeeded < minSteps) {
    const remaining = total - start;
    step = remaining <= 0 ? total : Math.ceil(remaining / minSteps);
  }
  if (step <= 0) step = 1;
  return (current) => Math.min(current + step, total);
}

/** warmupSteps steps of startIterations each, then increases of start x base^k, capped at maxIncrease. */
function exponentialNext(exponential: { base: number; maxIncrease: number; warmupSteps: number } | null, start: number, total: number): (current: number, stepNo: number) => number {
  const base = exponential && exponential.base > 0 ? exponential.base : 2;
  const maxIncrease = exponential?.maxIncrease ?? 0;
  const warmup = exponential?.warmupSteps ?? 0;
  return (current, stepNo) => {
    if (warmup > 0 && stepNo <= warmup) return Math.min(current + start, total);
    const power = warmup > 0 ? stepNo - warmup : stepNo;
    let increase = Math.trunc(base ** power) * start;
    if (increase <= 0) increase = 1;
    if (maxIncrease > 0 && increase > maxIncrease) increase = maxIncrease;
    return Math.min(current + increase, total);
  };
}
