/** Prometheus label names and the labels that say what a run ran, for the live and the pushed metrics alike. */
import { basename } from 'node:path';
import type { ClusterFacts } from '../report/index.js';

/** A Prometheus label name from any key: invalid characters become "_", never a leading digit or "__". */
export function labelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
  return name.startsWith('__') ? name.replace(/^_+/, 'x_') : name;
}

/** What a run ran: the facts `burn history --match` filters on, as labels of burn_run_info. */
export interface RunFacts {
  configFile: string;
  configDigest: string;
  burnVersion: string;
  cluster?: ClusterFacts;
  /** --user-metadata */
  metadata: Record<string, unknown>;
}

/** The config's name as history and the push's grouping key name it: the file name. */
export function configName(configFile: string): string {
  return basename(configFile);
}

/** burn_run_info's labels; each --user-metadata key becomes a label (prefixed user_ when it clashes with one of burn's). */
export function runInfoLabels(facts: RunFacts): Record<string, string> {
  const labels: Record<string, string> = {
    config: configName(facts.configFile),
    config_digest: facts.configDigest,
    burn_version: facts.burnVersion,
  };
  // Empty until the run has reached the cluster.
  labels.target = facts.cluster?.target ?? '';
  labels.k8s_version = facts.cluster?.k8sVersion ?? '';
  labels.nodes = facts.cluster ? String(facts.cluster.totalNodes) : '';
  labels.sim_profile = facts.cluster?.simProfile ?? '';
  const reserved = new Set([...Object.keys(labels), 'uuid', 'job', 'job_name', 'instance']);
  for (const [key, value] of Object.entries(facts.metadata)) {
    if (value === null || value === undefined) continue;
    let name = labelName(key);
    if (reserved.has(name)) name = `user_${name}`;
    labels[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return labels;
}
