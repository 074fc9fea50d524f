/**
 * jobLatency: this run's Jobs, from creation to status.startTime (StartTime) and to the
 * Complete condition (Complete), like kube-burner's jobLatency.
 */
import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';
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
    const labels = job?.metadata?.labels ?? {};
    return {
      ...baseSnapshot(job, [started, conditionTimeMs(job, 'Complete', 'True')]),
      // kube-burner's per-Job fields: the Job's name and the iteration and replica that made it.
      fields: { k8sJobName: String(job?.metadata?.name ?? ''), jobIteration: Number(labels[KUBE_BURNER_LABEL.jobIteration] ?? 0), replica: Number(labels[KUBE_BURNER_LABEL.replica] ?? 0) },
    };
  },
};

export const jobLatencyPlugin = objectLatencyPlugin(JOB_LATENCY, ['create']);
