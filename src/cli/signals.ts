/**
 * SIGINT/SIGTERM handling for long commands: the first signal aborts (stop sending, write results,
 * run gc if configured), the second asks to skip gc, a third exits at once.
 */
export interface Interrupts {
  signal: AbortSignal;
  skipGc(): boolean;
  dispose(): void;
}

export function trapInterrupts(onFirst: (name: string) => void): Interrupts {
  const controller = new AbortController();
  let count = 0;
  const handler = (name: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      onFirst(name);
      controller.abort(new Error(name));
    } else if (count === 2) process.stderr.write(`\n${name} again: skipping gc; once more exits at once\n`);
    else process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    skipGc: () => count >= 2,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
