import type { SimContext } from '../types.js';
import { performance } from 'node:perf_hooks';
import { StatusError } from '../status.js';

/**
 * A controller's work queue: a key enqueued several times before its sync runs is synced once,
 * after the profile's controller reaction time. Syncs are level-triggered (they read the current
 * state), so coalescing loses nothing. Conflicts and throttling re-enqueue the key.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly costMs = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly ctx: SimContext,
    private readonly name: string,
    private readonly sync: (key: string) => void,
  ) {}

  enqueue(key: string, delayMs = this.ctx.sample(this.ctx.profile.controllerSync)): void {
    if (this.stopped || this.pending.has(key)) return;
    this.pending.add(key);
    // A key whose sync is expensive (a huge ReplicaSet) is synced less often, so that one object
    // cannot take the whole CPU: at most about a fifth of the time goes to any one key.
    const cost = this.costMs.get(key) ?? 0;
    this.ctx.setTimeout(() => this.run(key), Math.max(delayMs, cost * 4));
  }

  stop(): void {
    this.stopped = true;
  }

  private run(key: string): void {
    this.pending.delete(key);
    if (this.stopped) return;
    const started = performance.now();
    try {
      this.sync(key);
    } catch (err) {
      if (err instanceof StatusError && (err.code === 409 || err.code === 429 || err.code >= 500)) {
        this.enqueue(key);
      } else if (!(err instanceof StatusError && (err.code === 403 || err.code === 404))) {
        // Forbidden (terminating namespace) and NotFound are expected races; anything else is a bug.
        process.emitWarning(`sim ${this.name} controller failed to sync ${key}: ${err instanceof Error ? err.stack : String(err)}`);
      }
    } finally {
      const cost = performance.now() - started;
      if (cost > 1) this.costMs.set(key, cost);
      else this.costMs.delete(key);
    }
  }
}

/** "namespace/name" keys as the controllers use them. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): [string | undefined, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
}
