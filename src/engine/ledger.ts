/**
 * What a run created, so a failure can say it and gc, churn and `burn destroy` can remove it.
 * Keeps a few strings per object, never the objects (nor the documents its strings were read from).
 */
import { ownString } from '../shared/own-string.js';

export interface CreatedObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  job: string;
  iteration: number;
  replica: number;
  /** Index of the job object it came from, and whether it takes part in churn. */
  objectIndex: number;
  churn: boolean;
}

export class Ledger {
  readonly namespaces = new Set<string>();
  readonly objects: CreatedObject[] = [];
  private readonly kinds = new Map<string, { apiVersion: string; kind: string; namespaced: boolean; count: number }>();

  addNamespace(name: string): void {
    this.namespaces.add(name);
  }

  addObject(entry: CreatedObject, namespaced: boolean): void {
    entry.name = ownString(entry.name);
    if (entry.namespace !== undefined) entry.namespace = ownString(entry.namespace);
    this.objects.push(entry);
    const key = `${entry.apiVersion}/${entry.kind}`;
    const kind = this.kinds.get(key);
    if (kind) kind.count++;
    else this.kinds.set(key, { apiVersion: entry.apiVersion, kind: entry.kind, namespaced, count: 1 });
  }

  removeObjects(removed: Set<CreatedObject>): void {
    let write = 0;
    for (const obj of this.objects) if (!removed.has(obj)) this.objects[write++] = obj;
    this.objects.length = write;
  }

  /** Kinds created, with counts: for the failure message and gvr gc. */
  createdKinds(): Array<{ apiVersion: string; kind: string; namespaced: boolean; count: number }> {
    return [...this.kinds.values()];
  }

  isEmpty(): boolean {
    return this.namespaces.size === 0 && this.objects.length === 0;
  }

  describe(): string {
    const parts = [...this.kinds.values()].map((k) => `${k.count} ${k.kind}`);
    if (this.namespaces.size) parts.unshift(`${this.namespaces.size} namespace${this.namespaces.size === 1 ? '' : 's'}`);
    return parts.length ? parts.join(', ') : 'nothing';
  }
}
