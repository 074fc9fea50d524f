import { describe, expect, it } from 'vitest';
import { IpPool, nodeCidrCapacity, nodePodCidr } from '../../src/sim/cluster/ipam.js';
import { cpuMillis, memoryBytes, podRequests } from '../../src/sim/cluster/quantity.js';
import { nodeTermMatches, selectorMatches } from '../../src/sim/cluster/selectors.js';
import { goDuration, rfc3339 } from '../../src/sim/cluster/time.js';
import { nanosHex } from '../../src/sim/context.js';
import { formatIndexes } from '../../src/sim/cluster/controllers/job.js';
import { seededRandom } from '../../src/sim/random.js';

describe('cluster building blocks', () => {
  it('parses quantities as the apiserver does', () => {
    expect(cpuMillis('250m')).toBe(250);
    expect(cpuMillis('1.5')).toBe(1500);
    expect(cpuMillis(2)).toBe(2000);
    expect(memoryBytes('16Gi')).toBe(16 * 2 ** 30);
    expect(memoryBytes('512M')).toBe(512e6);
    expect(memoryBytes('1e3')).toBe(1000);
    // Init containers run one at a time: the largest counts when it beats the sum.
    expect(podRequests({ containers: [{ resources: { requests: { cpu: '100m' } } }, { resources: { requests: { cpu: '200m' } } }], initContainers: [{ resources: { requests: { cpu: '1' } } }] }).cpuMillis).toBe(1000);
  });

  it('carves node podCIDRs and hands out host addresses, reusing freed ones last', () => {
    expect(nodePodCidr(0, 24)).toBe('10.128.0.0/24');
    expect(nodePodCidr(257, 24)).toBe('10.129.1.0/24');
    expect(nodePodCidr(3, 29)).toBe('10.128.0.24/29');
    expect(nodeCidrCapacity(24)).toBe(32768);
    const pool = new IpPool('10.128.0.24/29');
    expect(pool.rangeSet).toBe('10.128.0.25-10.128.0.30');
    const got = Array.from({ length: 6 }, () => pool.allocate());
    expect(got).toEqual(['10.128.0.25', '10.128.0.26', '10.128.0.27', '10.128.0.28', '10.128.0.29', '10.128.0.30']);
    expect(pool.allocate()).toBeUndefined();
    pool.release('10.128.0.27');
    expect(pool.allocate()).toBe('10.128.0.27');
  });

  it('matches label selectors and node selector terms', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(nodeTermMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, 'n1', {})).toBe(true);
    expect(nodeTermMatches({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }, 'n1', { cores: '8' })).toBe(true);
  });

  it('formats durations like Go and completed indexes like the job controller', () => {
    expect(goDuration(532)).toBe('532ms');
    expect(goDuration(1234)).toBe('1.234s');
    expect(goDuration(2000)).toBe('2s');
    expect(goDuration(61_500)).toBe('1m1.5s');
    expect(formatIndexes([4, 0, 1, 2, 6, 7])).toBe('0-2,4,6-7');
  });

  it('names events by creation time in unix nanoseconds, hex, exactly as a 64-bit integer would', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const micros = Math.floor(1.7e15 + random() * 1e14);
      const extra = Math.floor(random() * 1000);
      expect(nanosHex(micros, extra)).toBe((BigInt(micros) * 1000n + BigInt(extra)).toString(16));
    }
    expect(nanosHex(0, 5)).toBe('5');
    expect(nanosHex(4_294_967_296, 0)).toBe((4_294_967_296n * 1000n).toString(16));
  });

  it('formats times with second precision, the same within a second', () => {
    expect(rfc3339(Date.parse('2026-11-30T10:00:01.999Z'))).toBe('2026-11-30T10:00:01Z');
    expect(rfc3339(Date.parse('2026-11-30T10:00:02.000Z'))).toBe('2026-11-30T10:00:02Z');
    expect(rfc3339(Date.parse('2026-11-30T10:00:01.001Z'))).toBe('2026-11-30T10:00:01Z');
  });
});
