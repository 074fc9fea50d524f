/**
 * Event-loop delay in 1 s windows, for burn's and the simulator's saturation reports: a
 * process whose loop is late cannot time anything, so every window's p99 delay is kept.
 * perf_hooks samples every RESOLUTION_MS; what it records includes that interval, which is
 * taken off so an idle loop reads about 0.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
export const LOOP_DELAY_WINDOW_MS = 1000;

export class LoopDelayWindows {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private timer: NodeJS.Timeout | undefined;
  private lastMs = 0;

  /** onWindow gets each window's p99 delay (ms); a window the loop overran by whole seconds counts as that many windows. */
  constructor(private readonly onWindow: (p99Ms: number, windows: number) => void, private readonly windowMs = LOOP_DELAY_WINDOW_MS) {}

  start(): void {
    if (this.timer) return;
    this.histogram.reset();
    this.histogram.enable();
    this.lastMs = performance.now();
    this.timer = setInterval(() => this.flush(), this.windowMs);
    this.timer.unref();
  }

  /** Ends the current window early (its p99 still counts) and stops sampling. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
    this.histogram.disable();
  }

  private flush(): void {
    const now = performance.now();
    const elapsed = now - this.lastMs;
    this.lastMs = now;
    if (this.histogram.count === 0) {
      // Not one sample: the loop never got to its sampling timer in the whole window.
      if (elapsed >= this.windowMs / 2) this.onWindow(elapsed, Math.max(1, Math.round(elapsed / this.windowMs)));
      return;
    }
    const p99Ms = Math.max(0, this.histogram.percentile(99) / 1e6 - RESOLUTION_MS);
    this.histogram.reset();
    this.onWindow(p99Ms, Math.max(1, Math.round(elapsed / this.windowMs)));
  }
}
