/**
 * nodeLatency: nodes that join during the job, from creation to each condition's last transition
 * (MemoryPressure, DiskPressure, PIDPressure: any status; Ready: True), like kube-burner's nodeLatency.
 * Nodes carry no run labels: every node of the cluster is watched, and those created before the watch
 * began are left out (their creation-to-Ready span is the cluster's age, not a latency).
 */
import { baseSnapshot, conditionTimeMs, objectLatencyPlugin, type ObjectLatencySpec } from './object-latency.js';

export const NODE_LATENCY: ObjectLatencySpec = {
  measurement: 'nodeLatency',
  apiVersion: 'v1',
  kind: 'Node',
  selectRun: false,
  joinedOnly: true,
  phases: [
    { name: 'MemoryPressure', field: 'nodeMemoryPressureLatency' },
    { name: 'DiskPressure', field: 'nodeDiskPressureLatency' },
    { name: 'PIDPressure', field: 'nodePIDPressureLatency' },
    { name: 'Ready', field: 'nodeReadyLatency' },
  ],
  project: (node: any) =>
    baseSnapshot(node, [conditionTimeMs(node, 'MemoryPressure'), conditionTimeMs(node, 'DiskPressure'), conditionTimeMs(node, 'PIDPressure'), conditionTimeMs(node, 'Ready', 'True')]),
};

export const nodeLatencyPlugin = objectLatencyPlugin(NODE_LATENCY, 'all');
