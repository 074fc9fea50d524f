/**
 * Every measurement burn has, by the name configs write in `measurements: - name: ...`. Adding a
 * measurement is one module exporting its plugin plus one line here; the config decoder checks
 * names and options against this map when a config loads.
 */
import { didYouMean } from '../shared/suggest.js';
import { UserError } from '../shared/errors.js';
import { apiLatencyPlugin } from './api-latency.js';
import { apiServerSliPlugin } from './apiserver-sli.js';
import { hpaScaleOutPlugin } from './hpa-scale-out.js';
import { jobLatencyPlugin } from './job-latency.js';
import { netpolLatencyPlugin } from './netpol-latency.js';
import { nodeLatencyPlugin } from './node-latency.js';
import { positionsOf } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { podLatencyPlugin } from './pod-latency.js';
import { pprofPlugin } from './pprof.js';
import { prometheusPlugin } from './prometheus/measurement.js';
import { pvcLatencyPlugin } from './pvc-latency.js';
import { saturationPlugin } from './saturation.js';
import { schedulingThroughputPlugin } from './scheduling-throughput.js';
import { serviceLatencyPlugin } from './service-latency.js';
import { snapshotLatencyPlugin } from './snapshot-latency.js';
import type { Measurement } from './types.js';

export const measurementPlugins: Record<string, MeasurementPlugin<any>> = {
  apiLatency: apiLatencyPlugin,
  apiServerSli: apiServerSliPlugin,
  hpaScaleOut: hpaScaleOutPlugin,
  jobLatency: jobLatencyPlugin,
  netpolLatency: netpolLatencyPlugin,
  nodeLatency: nodeLatencyPlugin,
  podLatency: podLatencyPlugin,
  pprof: pprofPlugin,
  prometheus: prometheusPlugin,
  pvcLatency: pvcLatencyPlugin,
  saturation: saturationPlugin,
  schedulingThroughput: schedulingThroughputPlugin,
  serviceLatency: serviceLatencyPlugin,
  volumeSnapshotLatency: snapshotLatencyPlugin,
};

/** kube-burner measurements burn does not implement: refused by name, not mistaken for typos. */
export const KUBE_BURNER_ONLY: readonly string[] = [
];

/** kube-burner's measurements of KubeVirt and CDI objects (VirtualMachineInstances, migrations, DataVolumes): burn supports neither. */
export const KUBEVIRT_ONLY: Readonly<Record<string, string>> = {
  vmiLatency: 'KubeVirt VirtualMachineInstances',
  vmimLatency: 'KubeVirt VirtualMachineInstanceMigrations',
  dataVolumeLatency: 'CDI DataVolumes',
};

export function measurementNames(): string[] {
  return Object.keys(measurementPlugins).sort();
}

export function findMeasurementPlugin(name: string): MeasurementPlugin<any> | undefined {
  return Object.hasOwn(measurementPlugins, name) ? measurementPlugins[name] : undefined;
}

/** Why `name` is not a measurement, and the fix: a typo's closest name, or what burn supports. */
export function unknownMeasurement(name: string): { message: string; hint: string } {
  const known = `burn measures: ${measurementNames().join(', ')}`;
  if (Object.hasOwn(KUBEVIRT_ONLY, name)) {
    return { message: `measurement "${name}" measures ${KUBEVIRT_ONLY[name]}: burn does not support KubeVirt or CDI`, hint: `remove this entry, or run this config with kube-burner; ${known}` };
  }
  if (KUBE_BURNER_ONLY.includes(name)) {
    return { message: `measurement "${name}" is a kube-burner measurement burn does not implement`, hint: `remove this entry; ${known}` };
  }
  if (name === 'none') {
    return {
      message: 'unknown measurement "none"',
      hint: `kube-burner skips names it does not know with a warning, burn refuses them: remove the entry (an empty list is measurements: []); ${known}`,
    };
  }
  const typo = didYouMean(name, measurementNames());
  return { message: `unknown measurement "${name}"`, hint: typo ? `${typo} ${known}` : known };
}

/** A measurement made by its plugin, its options given as a config entry writes them (`burn measure -m`, tests, benchmarks). */
export function createMeasurement(name: string, raw: Record<string, unknown> = {}, origin = `measurement ${name}`): Measurement {
  const plugin = findMeasurementPlugin(name);
  if (!plugin) {
    const { message, hint } = unknownMeasurement(name);
    throw new UserError(message, { hint });
  }
  return plugin.create(plugin.parseOptions(raw, positionsOf(origin)));
}
