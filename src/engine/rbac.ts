/**
 * `burn rbac`: the least-privilege roles a config needs, from what each part of a run declares it
 * asks of the API server (job types in JOB_ACCESS, measurements in their plugins, the run's own
 * housekeeping in the modules that do it). Nothing here is a list of its own: a new request in a
 * module comes with its declaration there, and test/engine/rbac-coverage.test.ts checks every
 * request a run sends against what this computes.
 */
import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import type { Config } from '../config/index.js';
import { DISCOVERY_ACCESS, isUrlAccess, type Access, type KindRef, type ResourceAccess, type UrlAccess } from '../kube/index.js';
import { findMeasurementPlugin, measurementsFor } from '../measure/index.js';
import { CLUSTER_HEALTH_ACCESS } from './cluster-health.js';
import { gcAccess } from './gc.js';
import { JOB_ACCESS } from './job.js';
import { ObjectRenderer } from './objects.js';
import { CLUSTER_FACTS_ACCESS } from './run.js';
import { RUN_LEASE_ACCESS } from './run-lease.js';

/** The kinds a job acts on: its templates' (create jobs) or its selections' (the others). */
async function jobKinds(renderer: ObjectRenderer, config: Config, index: number): Promise<KindRef[]> {
  const job = config.jobs[index]!;
  if (job.jobType === 'create') return renderer.kinds([job]);
  return job.objects.map((o) => ({ apiVersion: o.apiVersion || 'v1', kind: o.kind }));
}

/** Everything a run of `config` asks of the API server, each need with the reason. */
export async function runAccess(config: Config): Promise<Access[]> {
  const renderer = new ObjectRenderer(config);
  await renderer.prepare(config.jobs);
  const access: Access[] = [...DISCOVERY_ACCESS, ...CLUSTER_FACTS_ACCESS, ...RUN_LEASE_ACCESS];
  if (config.global.clusterHealth) access.push(...CLUSTER_HEALTH_ACCESS);
  for (const [i, job] of config.jobs.entries()) {
    access.push(...JOB_ACCESS[job.jobType](job, await jobKinds(renderer, config, i)));
    for (const m of measurementsFor(config, job)) access.push(...findMeasurementPlugin(m.name)!.access(m.options));
  }
  if (config.global.gc) access.push(...gcAccess(await renderer.kinds(config.jobs)));
  return access;
}

export interface RbacOptions {
  /** Name of the ClusterRole and Roles. */
  name: string;
  /** Also bind them to this ServiceAccount. */
  serviceAccount?: { namespace: string; name: string };
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
  why: string[];
}

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const byVerbOrder = (a: string, b: string) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b);

/** Merges needs into rules: verbs per resource, then resources with the same group and verbs into one rule. */
function resourceRules(needs: ResourceAccess[]): Rule[] {
  const perResource = new Map<string, { group: string; resource: string; verbs: Set<string>; why: Set<string> }>();
  for (const n of needs) {
    const key = `${n.group}\u0000${n.resource}`;
    const entry = perResource.get(key) ?? { group: n.group, resource: n.resource, verbs: new Set<string>(), why: new Set<string>() };
    for (const v of n.verbs) entry.verbs.add(v);
    entry.why.add(n.why);
    perResource.set(key, entry);
  }
  const rules = new Map<string, Rule>();
  for (const e of [...perResource.values()].sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource))) {
    const verbs = [...e.verbs].sort(byVerbOrder);
    const key = `${e.group}\u0000${verbs.join(',')}`;
    const rule = rules.get(key) ?? { apiGroups: [e.group], resources: [], verbs, why: [] };
    rule.resources!.push(e.resource);
    for (const w of e.why) if (!rule.why.includes(w)) rule.why.push(w);
    rules.set(key, rule);
  }
  return [...rules.values()];
}

function urlRules(needs: UrlAccess[]): Rule[] {
  const perUrl = new Map<string, { verbs: Set<string>; why: Set<string> }>();
  for (const n of needs) {
    const entry = perUrl.get(n.url) ?? { verbs: new Set<string>(), why: new Set<string>() };
    for (const v of n.verbs) entry.verbs.add(v);
    entry.why.add(n.why);
    perUrl.set(n.url, entry);
  }
  const rules = new Map<string, Rule>();
  for (const [url, e] of [...perUrl.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const verbs = [...e.verbs].sort(byVerbOrder);
    const rule = rules.get(verbs.join(',')) ?? { nonResourceURLs: [], verbs, why: [] };
    rule.nonResourceURLs!.push(url);
    for (const w of e.why) if (!rule.why.includes(w)) rule.why.push(w);
    rules.set(verbs.join(','), rule);
  }
  return [...rules.values()];
}

/**
 * The roles: one ClusterRole for what is cluster-scoped or in namespaces the run creates (a Role
 * can only live in a namespace that exists before the run), and a Role in each namespace that
 * exists beforehand (the run Lease in `default`) for what is needed only there.
 */
export function rolesFor(access: readonly Access[]): { clusterRole: Rule[]; roles: Map<string, Rule[]> } {
  const resources = access.filter((a): a is ResourceAccess => !isUrlAccess(a));
  const clusterWide = resources.filter((a) => a.namespace === undefined);
  const granted = new Map<string, Set<string>>();
  for (const a of clusterWide) {
    const key = `${a.group}\u0000${a.resource}`;
    granted.set(key, new Set([...(granted.get(key) ?? []), ...a.verbs]));
  }
  const byNamespace = new Map<string, ResourceAccess[]>();
  for (const a of resources) {
    if (a.namespace === undefined) continue;
    const verbs = a.verbs.filter((v) => !granted.get(`${a.group}\u0000${a.resource}`)?.has(v));
    if (verbs.length) byNamespace.set(a.namespace, [...(byNamespace.get(a.namespace) ?? []), { ...a, verbs }]);
  }
  return {
    clusterRole: [...resourceRules(clusterWide), ...urlRules(access.filter(isUrlAccess))],
    roles: new Map([...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([ns, needs]) => [ns, resourceRules(needs)])),
  };
}

/** The roles as YAML documents kubectl applies, each rule with a comment saying why it is there. */
export function rbacYaml(access: readonly Access[], options: RbacOptions, header: string): string {
  const { clusterRole, roles } = rolesFor(access);
  const labels = { 'app.kubernetes.io/name': 'burn' };
  const docs: Array<{ object: Record<string, unknown>; rules?: Rule[]; comment?: string }> = [
    { object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: options.name, labels } }, rules: clusterRole, comment: header },
  ];
  for (const [namespace, rules] of roles) {
    docs.push({ object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: options.name, namespace, labels } }, rules, comment: ` Needed only in ${namespace}, which exists before the run: a Role there is enough.` });
  }
  const sa = options.serviceAccount;
  if (sa) {
    const subjects = [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }];
    docs.push({ object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: options.name, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: options.name }, subjects } });
    for (const namespace of roles.keys()) {
      docs.push({ object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: options.name, namespace, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: options.name }, subjects } });
    }
  }
  return docs
    .map(({ object, rules, comment }) => {
      const doc = new Document(rules ? { ...object, rules: rules.map(({ why: _why, ...rule }) => rule) } : object);
      if (comment) doc.commentBefore = comment;
      const seq = doc.get('rules', true);
      if (rules && isSeq(seq)) {
        seq.items.forEach((item, i) => {
          if (!isMap(item)) return;
          (item as YAMLMap).commentBefore = rules[i]!.why.map((w) => ` ${w}`).join('\n');
          for (const pair of (item as YAMLMap).items) if (isSeq(pair.value)) pair.value.flow = true;
        });
      }
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}
