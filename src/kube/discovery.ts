import { UserError } from '../shared/errors.js';
import type { UrlAccess } from './access.js';
import { groupVersionPath, splitApiVersion } from './paths.js';

/** Discovery reads these (every authenticated user may, through system:discovery; a role that says so works without it). */
export const DISCOVERY_ACCESS: UrlAccess[] = ['/api', '/api/*', '/apis', '/apis/*'].map((url) => ({ url, verbs: ['get'], why: 'discovery: which kinds the server serves, and where' }));

/** A served kind, from discovery. */
export interface ApiResource {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in paths, e.g. "deployments". */
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

interface ApiResourceListJson {
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

interface GroupVersionEntry {
  byKind: Map<string, ApiResource>;
  fetchedAtMs: number;
  /** False when the server did not serve the group-version at all (404): not cached. */
  served: boolean;
}

/** Fetches a discovery document; resolves undefined on 404. */
export type DiscoveryFetch = (path: string) => Promise<unknown | undefined>;

/** A kind missing from a fresh discovery is looked up again at most this often (CRDs created mid-run). */
const REDISCOVER_AFTER_MS = 1000;

/**
 * Kind -> resource discovery, cached per group-version for the client's life. Reads each
 * group-version's resource list the first time a kind of it is needed (so CRDs are found like
 * built-in kinds) and reads it again when asked for a kind it did not list.
 */
export class Discovery {
  private readonly cache = new Map<string, Promise<GroupVersionEntry>>();
  private readonly settled = new Map<string, GroupVersionEntry>();

  constructor(
    private readonly fetch: DiscoveryFetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** Synchronous lookup of a kind already discovered (hot path of the engine). */
  cached(apiVersion: string, kind: string): ApiResource | undefined {
    const entry = this.settled.get(apiVersion);
    return entry?.byKind.get(kind);
  }

  async resolve(apiVersion: string, kind: string): Promise<ApiResource> {
    const hit = this.cached(apiVersion, kind);
    if (hit) return hit;
    let entry = await this.groupVersion(apiVersion, false);
    let found = entry.byKind.get(kind);
    if (!found && entry.served && this.now() - entry.fetchedAtMs >= REDISCOVER_AFTER_MS) {
      entry = await this.groupVersion(apiVersion, true);
      found = entry.byKind.get(kind);
    }
    if (!found) {
      const served = [...entry.byKind.keys()];
      throw new UserError(
        `kind ${kind} of apiVersion ${apiVersion} is not served by the cluster` +
          (served.length > 0 ? ` (${apiVersion} serves: ${served.join(', ')})` : ` (no resources served under ${apiVersion})`),
        { hint: 'check the kind and apiVersion in the template, or install the CRD that defines it first' },
      );
    }
    return found;
  }

  /** Every resource of every group-version the server lists (for sweeps such as gc). */
  async all(): Promise<ApiResource[]> {
    const core = (await this.fetch('/api')) as { versions?: string[] } | undefined;
    const groups = (await this.fetch('/apis')) as { groups?: Array<{ versions?: Array<{ groupVersion: string }> }> } | undefined;
    const groupVersions = [
      ...(core?.versions ?? []),
      ...(groups?.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion)),
    ];
    const entries = await Promise.all(groupVersions.map((gv) => this.groupVersion(gv, false)));
    return entries.flatMap((e) => [...e.byKind.values()]);
  }

  private groupVersion(apiVersion: string, force: boolean): Promise<GroupVersionEntry> {
    let pending = this.cache.get(apiVersion);
    if (!pending || force) {
      pending = this.load(apiVersion);
      this.cache.set(apiVersion, pending);
      pending.then(
        (entry) => {
          if (entry.served) this.settled.set(apiVersion, entry);
          else this.cache.delete(apiVersion); // a CRD may start serving it any moment
        },
        () => this.cache.delete(apiVersion),
      );
    }
    return pending;
  }

  private async load(apiVersion: string): Promise<GroupVersionEntry> {
    const { group, version } = splitApiVersion(apiVersion);
    const list = (await this.fetch(groupVersionPath(group, version))) as ApiResourceListJson | undefined;
    const byKind = new Map<string, ApiResource>();
    for (const r of list?.resources ?? []) {
      if (r.name.includes('/')) continue; // subresources (pods/status) share the kind of their parent
      if (byKind.has(r.kind)) continue;
      byKind.set(r.kind, { apiVersion, group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] });
    }
    return { byKind, fetchedAtMs: this.now(), served: list !== undefined };
  }
}
