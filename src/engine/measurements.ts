import type { Config, Job, MeasurementConfig } from '../config/types.js';
import type { KubeClient } from '../kube/index.js';
import { createMeasurement, withDefaultMeasurements } from '../measure/index.js';
import type { Measurement, MeasurementResult } from '../measure/types.js';
import { nowMs } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';
import { runSelector } from './labels.js';

/** The measurements of one job: global ones, the job's own taking precedence by name, plus those SLO grading needs. */
export function measurementsFor(config: Config, job: Job): MeasurementConfig[] {
  const byName = new Map<string, MeasurementConfig>();
  for (const m of config.global.measurements) byName.set(m.name, m);
  for (const m of job.measurements) byName.set(m.name, m);
  return withDefaultMeasurements([...byName.values()], config.metricsEndpoints);
}

/** Runs a job's measurements around it: started before its first request, stopped after its waits. */
export class JobMeasurements {
  private readonly running: Measurement[] = [];
  private startMs = 0;
  private endMs: number | undefined;

  constructor(
    private readonly config: Config,
    private readonly job: Job,
    private readonly client: KubeClient,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.startMs = nowMs();
    for (const entry of measurementsFor(this.config, this.job)) {
      const measurement = createMeasurement(entry.name);
      await measurement.start({
        client: this.client,
        uuid: this.config.global.uuid,
        runId: this.config.global.runId,
        jobName: this.job.name,
        labelSelector: runSelector(this.config.global.uuid, this.job.name),
        config: entry,
        metricsEndpoints: this.config.metricsEndpoints,
        window: () => ({ startMs: this.startMs, endMs: this.endMs }),
      });
      this.running.push(measurement);
    }
  }

  async stopAndCollect(): Promise<MeasurementResult[]> {
    this.endMs = nowMs();
    const results: MeasurementResult[] = [];
    for (const measurement of this.running) {
      try {
        await measurement.stop();
        results.push(await measurement.collect());
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.log.error(`measurement ${measurement.name} of job ${this.job.name} failed: ${message}`);
        results.push({ name: measurement.name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [message] });
      }
    }
    return results;
  }
}
