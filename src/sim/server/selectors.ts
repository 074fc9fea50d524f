import type { KubeObject, ResourceInfo } from '../types.js';
import { statusErrors } from '../status.js';

/** labelSelector and fieldSelector query parameters, parsed into predicates as the apiserver does. */

export type Predicate = (obj: KubeObject) => boolean;

type LabelRequirement =
  | { op: 'exists' | '!exists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: Set<string> }
  | { op: 'gt' | 'lt'; key: string; value: number };

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function badLabelSelector(selector: string, why: string): never {
  throw statusErrors.badRequest(`unable to parse requirement: ${why} (labelSelector "${selector}")`);
}

function checkKey(selector: string, key: string): string {
  if (!KEY.test(key) || key.length > 316) badLabelSelector(selector, `invalid label key "${key}"`);
  return key;
}

function checkValue(selector: string, value: string): string {
  if (value.length > 63 || !VALUE.test(value)) badLabelSelector(selector, `invalid label value: "${value}"`);
  return value;
}

function parseRequirement(selector: string, part: string): LabelRequirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (setMatch) {
    const values = setMatch[3]!.split(',').map((v) => checkValue(selector, v.trim()));
    return { op: setMatch[2] as 'in' | 'notin', key: checkKey(selector, setMatch[1]!), values: new Set(values) };
  }
  if (part.startsWith('!')) return { op: '!exists', key: checkKey(selector, part.slice(1).trim()) };
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(part);
  if (cmp) {
    const key = checkKey(selector, cmp[1]!);
    const raw = cmp[3]!.trim();
    if (cmp[2] === '<' || cmp[2] === '>') {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw)) badLabelSelector(selector, `for 'Gt', 'Lt' operators, the value must be an integer`);
      return { op: cmp[2] === '>' ? 'gt' : 'lt', key, value };
    }
    const values = new Set([checkValue(selector, raw)]);
    return { op: cmp[2] === '!=' ? 'notin' : 'in', key, values };
  }
  return { op: 'exists', key: checkKey(selector, part) };
}

function matchesRequirement(labels: Record<string, string> | undefined, req: LabelRequirement): boolean {
  const value = labels?.[req.key];
  switch (req.op) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case 'in':
      return value !== undefined && req.values.has(value);
    case 'notin':
      return value === undefined || !req.values.has(value);
    case 'gt':
    case 'lt': {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      return req.op === 'gt' ? Number(value) > req.value : Number(value) < req.value;
    }
  }
}

/** Parses a labelSelector (=, ==, !=, in, notin, exists, !exists, <, >); undefined when empty. */
export function parseLabelSelector(selector: string | null | undefined): Predicate | undefined {
  if (!selector || !selector.trim()) return undefined;
  const reqs = splitTopLevel(selector).map((part) => {
    if (!part) badLabelSelector(selector, 'found \'\', expected: !, identifier, or \'end of string\'');
    return parseRequirement(selector, part);
  });
  return (obj) => reqs.every((req) => matchesRequirement(obj.metadata.labels, req));
}

/** The field labels each resource supports beyond metadata.name and metadata.namespace. */
const FIELD_LABELS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  secrets: ['type'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
};

function fieldValue(obj: KubeObject, field: string): string {
  if (field === 'source') return String(obj.source?.component ?? '');
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return field === 'spec.unschedulable' || field === 'spec.hostNetwork' ? 'false' : '';
  return String(cur);
}

/** Parses a fieldSelector (=, ==, != on the resource's supported fields); undefined when empty. */
export function parseFieldSelector(selector: string | null | undefined, info: ResourceInfo): Predicate | undefined {
  if (!selector || !selector.trim()) return undefined;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[info.key] ?? [])]);
  const reqs = selector.split(',').map((part) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw statusErrors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = m[1]!;
    if (!allowed.has(field)) throw statusErrors.badRequest(`field label not supported: ${field}`);
    return { field, negate: m[2] === '!=', value: m[3]! };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}

/** Both selectors combined; undefined when there are none. */
export function combine(...predicates: Array<Predicate | undefined>): Predicate | undefined {
  const present = predicates.filter((p): p is Predicate => p !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return (obj) => present.every((p) => p(obj));
}
