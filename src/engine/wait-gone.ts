import type { KubeClient } from '../kube/index.js';

/**
 * How long the engine waits for something it deleted (churn) or needs gone (a terminating
 * namespace it must create again) before giving up: kube-burner's hour, whatever maxWaitTimeout says.
 */
export const DELETION_TIMEOUT_MS = 60 * 60 * 1000;

export interface WaitGoneOptions {
  apiVersion: string;
  kind: string;
  labelSelector: string;
  /** Only these namespace/name keys ("/name" when cluster-scoped); every match when omitted. */
  only?: ReadonlySet<string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Watches until no matching object is left, the timeout passes or the signal aborts. Resolves how
 * many are still there (0: all gone).
 */
export async function waitGone(client: KubeClient, options: WaitGoneOptions): Promise<number> {
  const present = new Set<string>();
  let wake: () => void = () => undefined;
  const watch = client.watchResources<string>({
    apiVersion: options.apiVersion,
    kind: options.kind,
    labelSelector: options.labelSelector,
    project: (obj) => `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`,
    onEvent: (type, key) => {
      if (options.only && !options.only.has(key)) return;
      if (type === 'DELETED') present.delete(key);
      else present.add(key);
      if (present.size === 0) wake();
    },
  });
  try {
    await watch.synced;
    if (present.size === 0 || options.signal?.aborted) return present.size;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, options.timeoutMs);
      options.signal?.addEventListener('abort', done, { once: true });
      wake = done;
    });
    return present.size;
  } finally {
    await watch.stop();
  }
}
