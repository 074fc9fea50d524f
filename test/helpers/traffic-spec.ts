import type { TrafficSpec } from '../../src/config/index.js';

/** A GET of `url`, as a traffic job's target. */
export function getTarget(url: string): TrafficSpec['targets'][number] {
  return { url, method: 'GET', headers: {}, body: '', weight: 1 };
}

/** A traffic job's spec as the config decoder gives it: 1,000 req/s for 10 s from one local agent, no thresholds, unless overridden. */
export function trafficSpec(overrides: Partial<TrafficSpec> = {}): TrafficSpec {
  return {
    targets: [],
    startRate: 1000,
    stages: [{ durationMs: 10_000, target: 1000 }],
    maxInFlight: 1000,
    timeoutMs: 10_000,
    connections: 64,
    tls: { insecureSkipVerify: false, ca: '', serverName: '' },
    parallelism: 1,
    agents: { mode: 'processes', startDelayMs: 5000, image: '', namespace: '' },
    lateAfterMs: 10,
    thresholds: [],
    ...overrides,
  };
}
