import { UserError } from '../../shared/errors.js';
import type { KubeObject, SimContext } from '../types.js';
import { intToIp, ipToInt, nodeCidrCapacity, nodePodCidr } from './ipam.js';
import { rfc3339 } from './time.js';

/**
 * The simulated nodes: `sim-node-0001`..., Ready, with capacity from the profile, a podCIDR each
 * and kind-like addresses. Their kubelets are the shared fake kubelet.
 */

const KUBELET_VERSION = 'v1.34.0';
const NODE_IP_BASE = ipToInt('172.18.0.2');

export function nodeName(index: number): string {
  return `sim-node-${String(index + 1).padStart(4, '0')}`;
}

export function nodeObject(index: number, ctx: SimContext): KubeObject {
  const { profile } = ctx;
  const name = nodeName(index);
  const podCIDR = nodePodCidr(index, profile.podCidrPrefix);
  const resources = { cpu: profile.nodeCpu, memory: profile.nodeMemory, pods: String(profile.podsPerNode), 'ephemeral-storage': '100Gi' };
  const at = rfc3339(ctx.now());
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: at, lastTransitionTime: at, reason, message });
  const machineId = name.replace(/[^0-9]/g, '').padStart(32, '0');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'burn-sim',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR, podCIDRs: [podCIDR], providerID: `burn-sim://${name}` },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: intToIp(NODE_IP_BASE + index) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: machineId,
        systemUUID: machineId,
        bootID: machineId,
        kernelVersion: '6.1.0-burn-sim',
        osImage: 'burn simulated node',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** Creates the nodes that do not exist yet. */
export function createNodes(ctx: SimContext, count: number): void {
  const capacity = nodeCidrCapacity(ctx.profile.podCidrPrefix);
  if (count > capacity) {
    throw new UserError(`${count} nodes do not fit the simulator's pod network 10.128.0.0/9 with a /${ctx.profile.podCidrPrefix} per node (room for ${capacity})`, {
      hint: 'use fewer nodes (--nodes) or a longer podCidrPrefix in the profile (24 gives room for 32768 nodes)',
    });
  }
  for (let i = 0; i < count; i++) {
    if (!ctx.store.get('nodes', undefined, nodeName(i))) ctx.store.create('nodes', nodeObject(i, ctx));
  }
}
