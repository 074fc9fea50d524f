/**
 * A measurement as burn offers it to configs: its kube-burner name, the job types it applies to,
 * how it reads its options (checked when the config loads, each problem at its key) and how it is
 * made. Every plugin is one entry of the map in plugins.ts.
 */
import type { JobType } from '../config/index.js';
import type { Access } from '../kube/index.js';
import type { OptionPositions } from './options.js';
import type { Measurement } from './types.js';

export interface MeasurementPlugin<O> {
  name: string;
  /** Job types it measures something on; on other jobs a global entry is not run (and a job's own entry is a warning). */
  jobTypes: readonly JobType[] | 'all';
  /** Parses and checks the options (the entry without `name`); throws a positioned error through `at`. */
  parseOptions(raw: Record<string, unknown>, at: OptionPositions): O;
  create(options: O): Measurement;
  /** What it asks of the API server with these options (`burn rbac`); the requests it sends must be among them. */
  access(options: O): Access[];
}

/** Whether the plugin measures anything on a job of this type. */
export function appliesTo(plugin: Pick<MeasurementPlugin<unknown>, 'jobTypes'>, jobType: JobType): boolean {
  return plugin.jobTypes === 'all' || plugin.jobTypes.includes(jobType);
}
