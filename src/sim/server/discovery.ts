import type { ResourceInfo } from '../types.js';
import { SIMULATOR_VERSION_SUFFIX } from '../../shared/version.js';
import { apiVersionOf } from './resources.js';

/** The discovery documents, shaped as the real apiserver serves them (legacy, non-aggregated form). */

export const SERVER_VERSION = { major: '1', minor: '34', gitVersion: `v1.34.0${SIMULATOR_VERSION_SUFFIX}` };

export function versionDoc(): Record<string, string> {
  return {
    major: SERVER_VERSION.major,
    minor: SERVER_VERSION.minor,
    emulationMajor: SERVER_VERSION.major,
    emulationMinor: SERVER_VERSION.minor,
    minCompatibilityMajor: SERVER_VERSION.major,
    minCompatibilityMinor: String(Number(SERVER_VERSION.minor) - 1),
    gitVersion: SERVER_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-08-27T00:00:00Z',
    goVersion: 'go1.24.6',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** Named groups in the order the apiserver lists them. */
export function groupsOf(resources: ResourceInfo[]): Array<{ name: string; version: string }> {
  const seen = new Map<string, string>();
  for (const r of resources) if (r.group && !seen.has(r.group)) seen.set(r.group, r.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

function groupDoc(group: { name: string; version: string }): Record<string, unknown> {
  const gv = { groupVersion: `${group.name}/${group.version}`, version: group.version };
  return { name: group.name, versions: [gv], preferredVersion: gv };
}

export function groupList(resources: ResourceInfo[]): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsOf(resources).map(groupDoc) };
}

export function groupDocument(resources: ResourceInfo[], name: string): Record<string, unknown> | undefined {
  const group = groupsOf(resources).find((g) => g.name === name);
  return group ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group) } : undefined;
}

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

export function resourceList(resources: ResourceInfo[], group: string, version: string): Record<string, unknown> | undefined {
  const inGroup = resources.filter((r) => r.group === group && r.version === version);
  if (inGroup.length === 0) return undefined;
  const entries: Array<Record<string, unknown>> = [];
  for (const r of inGroup) {
    const entry: Record<string, unknown> = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories) entry.categories = r.categories;
    entries.push(entry);
    for (const sub of r.subresources) {
      if (sub === 'scale') entries.push({ name: `${r.resource}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUBRESOURCE_VERBS });
      else if (sub === 'finalize') entries.push({ name: `${r.resource}/finalize`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['update'] });
      else entries.push({ name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: SUBRESOURCE_VERBS });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: entries };
}

export { apiVersionOf };
