/** Kubernetes resource quantities ("250m", "1.5", "16Gi", "512M", "1e3") as plain numbers. */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?$/;

/** The quantity's value in base units (cores, bytes); 0 when absent or unparsable. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return 0;
  const match = QUANTITY.exec(value.trim());
  if (!match) return 0;
  const suffix = match[2] ?? '';
  return Number(match[1]) * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

export function cpuMillis(value: unknown): number {
  return Math.round(parseQuantity(value) * 1000);
}

export function memoryBytes(value: unknown): number {
  return Math.round(parseQuantity(value));
}

export interface PodRequests {
  cpuMillis: number;
  memoryBytes: number;
}

/** What the scheduler charges a pod: the sum over containers, or the largest init container if bigger. */
export function podRequests(spec: { containers?: unknown[]; initContainers?: unknown[] } | undefined): PodRequests {
  const sum = { cpuMillis: 0, memoryBytes: 0 };
  for (const c of (spec?.containers ?? []) as Array<{ resources?: { requests?: Record<string, unknown> } }>) {
    sum.cpuMillis += cpuMillis(c.resources?.requests?.cpu);
    sum.memoryBytes += memoryBytes(c.resources?.requests?.memory);
  }
  for (const c of (spec?.initContainers ?? []) as Array<{ resources?: { requests?: Record<string, unknown> } }>) {
    sum.cpuMillis = Math.max(sum.cpuMillis, cpuMillis(c.resources?.requests?.cpu));
    sum.memoryBytes = Math.max(sum.memoryBytes, memoryBytes(c.resources?.requests?.memory));
  }
  return sum;
}
