/** Timers as promises that an AbortSignal cuts short: the one way burn waits. */

/** Why `signal` was aborted: its reason, or an AbortError when it gave none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Node fires longer timers at once; a longer wait (24.8 days) is cut to this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` (Infinity: until `signal` aborts); rejects with the abort reason as soon as `signal`
 * aborts (at once when it already has).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer =
      ms === Number.POSITIVE_INFINITY
        ? undefined
        : setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits `ms`, or less when `signal` aborts first; never rejects (for pauses between steps of a run that is being stopped). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return sleep(ms, signal).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
}
