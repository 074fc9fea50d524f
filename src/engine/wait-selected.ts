import type { KubeClient, KubeObject } from '../kube/index.js';

/** `a=1,b=2` from a label map. */
export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export interface WaitSelectedOptions {
  apiVersion: string;
  kind: string;
  labelSelector: string;
  isReady: (obj: KubeObject) => boolean;
  /** Ready only once at least one object matches (a wait for children that may not exist yet). */
  requireAny: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface WaitSelectedEnd {
  end: 'ready' | 'timeout' | 'aborted';
  /** Matching objects not ready when the wait ended. */
  pending: number;
}

/**
 * Watches every object of a kind that matches a label selector, in every namespace, until all of
 * them are ready: kube-burner's waiters for what a job does not name one by one (waitOptions.kind
 * children, the objects a patch or read job selects).
 */
export async function waitSelectedReady(client: KubeClient, options: WaitSelectedOptions): Promise<WaitSelectedEnd> {
  const notReady = new Set<string>();
  let matching = 0;
  const seen = new Set<string>();
  let wake: () => void = () => undefined;
  const done = () => (options.requireAny ? seen.size > 0 : true) && notReady.size === 0;
  const watch = client.watchResources<{ key: string; ready: boolean }>({
    apiVersion: options.apiVersion,
    kind: options.kind,
    labelSelector: options.labelSelector,
    project: (obj) => ({ key: `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, ready: options.isReady(obj) }),
    onEvent: (type, { key, ready }) => {
      if (type === 'DELETED') {
        seen.delete(key);
        notReady.delete(key);
      } else {
        seen.add(key);
        if (ready) notReady.delete(key);
        else notReady.add(key);
      }
      matching = seen.size;
      if (done()) wake();
    },
  });
  try {
    await watch.synced;
    if (options.signal?.aborted) return { end: 'aborted', pending: notReady.size };
    if (done()) return { end: 'ready', pending: 0 };
    const end = await new Promise<WaitSelectedEnd['end']>((resolve) => {
      const finish = (how: WaitSelectedEnd['end']) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(how);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      wake = () => finish('ready');
    });
    return { end, pending: end === 'ready' ? 0 : Math.max(notReady.size, options.requireAny && matching === 0 ? 1 : 0) };
  } finally {
    await watch.stop();
  }
}
