/**
 * jobLatency: this run's Jobs, from creation to status.startTime (StartTime) and to the
 * Complete condition (Complete), like kube-burner's jobLatency.
 */
import { baseSnapshot, conditionTimeMs, objectLatencyPlugin, type ObjectLatencySpec } from './object-latency.js';

export const JOB_LATENCY: ObjectLatencySpec = {
  measurement: 'jobLatency',
  apiVersion: 'batch/v1',
  kind: 'Job',
  selectRun: true,
  phases: [
    { name: 'StartTime', field: 'startTimeLatency' },
    { name: 'Complete', field: 'completionLatency' },
  ],
  project: (job: any) => {
    const started = typeof job?.status?.startTime === 'string' ? Date.parse(job.status.startTime) : NaN;
    return baseSnapshot(job, [started, conditionTimeMs(job, 'Complete', 'True')]);
  },
};

export const jobLatencyPlugin = objectLatencyPlugin(JOB_LATENCY, ['create']);
