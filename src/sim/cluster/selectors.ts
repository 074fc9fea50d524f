/** Label selectors (metav1.LabelSelector) and node selector terms (core/v1 NodeSelectorTerm). */

export type Labels = Record<string, string> | undefined;

export interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Requirement[];
}

export interface NodeSelectorTerm {
  matchExpressions?: Requirement[];
  matchFields?: Requirement[];
}

function requirementHolds(req: Requirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** Whether labels satisfy a LabelSelector; an empty selector matches everything, a missing one nothing. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels?.[key] !== value) return false;
  for (const req of selector.matchExpressions ?? []) if (!requirementHolds(req, labels?.[req.key])) return false;
  return true;
}

/** Whether labels carry every key/value of a plain map selector (services, nodeSelector). */
export function mapMatches(selector: Record<string, string> | undefined, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector ?? {})) if (labels?.[key] !== value) return false;
  return true;
}

/** A node selector term matches a node by labels (matchExpressions) and fields (metadata.name). */
export function nodeTermMatches(term: NodeSelectorTerm, nodeName: string, nodeLabels: Labels): boolean {
  if (!term.matchExpressions?.length && !term.matchFields?.length) return false;
  for (const req of term.matchExpressions ?? []) if (!requirementHolds(req, nodeLabels?.[req.key])) return false;
  for (const req of term.matchFields ?? []) {
    if (req.key !== 'metadata.name' || !requirementHolds(req, nodeName)) return false;
  }
  return true;
}

/** The one node a term list pins a pod to through `matchFields metadata.name In [x]` (daemon pods), if any. */
export function pinnedNodeName(terms: NodeSelectorTerm[] | undefined): string | undefined {
  if (terms?.length !== 1) return undefined;
  const fields = terms[0]!.matchFields ?? [];
  const pin = fields.find((f) => f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1);
  return pin?.values?.[0];
}
