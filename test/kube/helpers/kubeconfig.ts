import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

export interface ContextSpec {
  name: string;
  server: string;
  cluster?: Record<string, unknown>;
  user: Record<string, unknown>;
  namespace?: string;
}

/** Writes a kubeconfig with one cluster and user per context; returns its path. */
export function writeKubeconfig(dir: string, file: string, contexts: ContextSpec[], current?: string): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': current ?? contexts[0]?.name,
    clusters: contexts.map((c) => ({ name: `${c.name}-cluster`, cluster: { server: c.server, ...c.cluster } })),
    users: contexts.map((c) => ({ name: `${c.name}-user`, user: c.user })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: { cluster: `${c.name}-cluster`, user: `${c.name}-user`, namespace: c.namespace },
    })),
  };
  const full = path.join(dir, file);
  writeFileSync(full, stringify(doc));
  return full;
}
