/**
 * How a coordinator hands a traffic agent its work, the same way to a local process and to a pod of
 * an Indexed Job: one environment variable holding the plan (the job's traffic spec, its resolved
 * targets, the shared start instant, the CA's PEM), and Kubernetes' JOB_COMPLETION_INDEX for the
 * agent's share. The agent prints its summary as one line on stdout, which the coordinator reads
 * from the process or from the pod's log.
 */
import type { TrafficSpec } from '../config/index.js';
import { UserError } from '../shared/errors.js';
import type { ResolvedTarget } from './agent.js';
import type { TrafficSummary } from './summary.js';

export const PLAN_ENV = 'BURN_TRAFFIC_PLAN';
export const INDEX_ENV = 'JOB_COMPLETION_INDEX';
export const SUMMARY_PREFIX = 'BURN_TRAFFIC_SUMMARY ';

export interface AgentWork {
  spec: TrafficSpec;
  targets: ResolvedTarget[];
  /** Epoch ms at which every agent's timeline starts. */
  startWallMs: number;
  /** The CA file's PEM when the spec names one (a pod has no access to the coordinator's files). */
  caPem?: string;
}

export function agentEnvironment(work: AgentWork): Record<string, string> {
  return { [PLAN_ENV]: JSON.stringify(work) };
}

/** The agent's work and index from its environment; a UserError naming the variable when absent or wrong. */
export function readAgentEnvironment(env: NodeJS.ProcessEnv): { work: AgentWork; index: number } {
  const text = env[PLAN_ENV];
  if (!text) throw new UserError(`${PLAN_ENV} is not set: burn traffic-agent runs as one of a traffic job's agents`, { hint: 'run a traffic job with parallelism: N; burn starts its agents with this variable set' });
  let work: AgentWork;
  try {
    work = JSON.parse(text) as AgentWork;
  } catch (err) {
    throw new UserError(`${PLAN_ENV} is not JSON: ${(err as Error).message}`);
  }
  if (!work?.spec || !Array.isArray(work.targets) || typeof work.startWallMs !== 'number') throw new UserError(`${PLAN_ENV} lacks spec, targets or startWallMs`);
  const raw = env[INDEX_ENV] ?? (work.spec.parallelism === 1 ? '0' : undefined);
  const index = raw === undefined ? NaN : Number(raw);
  if (!Number.isInteger(index) || index < 0 || index >= work.spec.parallelism)
    throw new UserError(`${INDEX_ENV} is ${raw === undefined ? 'not set' : `"${raw}"`}; it must be a whole number from 0 to ${work.spec.parallelism - 1}`, { hint: 'an Indexed Job sets it for each pod; set it by hand for a local agent' });
  return { work, index };
}

export function summaryLine(summary: TrafficSummary): string {
  return `${SUMMARY_PREFIX}${JSON.stringify(summary)}\n`;
}

/** The summary an agent printed (the last such line of its output or pod log), or undefined. */
export function parseSummaryLine(output: string): TrafficSummary | undefined {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(SUMMARY_PREFIX));
  return line ? (JSON.parse(line.slice(SUMMARY_PREFIX.length)) as TrafficSummary) : undefined;
}
