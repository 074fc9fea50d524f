// Access to the cluster under test for the e2e suites: scripts/e2e exports where it is.
import { execFile } from 'node:child_process';

export interface E2eTarget {
  kubeconfig: string;
  kubectl: string;
  /** Unset when the cluster came from the caller's KUBECONFIG without a Prometheus beside it. */
  prometheusUrl: string | undefined;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run these suites with \`npm run test:e2e\` (scripts/e2e), which sets it`);
  }
  return value;
}

export function e2eTarget(): E2eTarget {
  return {
    kubeconfig: required('BURN_TEST_KUBECONFIG'),
    kubectl: required('BURN_TEST_KUBECTL'),
    prometheusUrl: process.env.BURN_TEST_PROMETHEUS_URL || undefined,
  };
}

/** Runs kubectl against the cluster under test; rejects with kubectl's stderr when it fails. */
export function kubectl(args: string[], input?: string): Promise<string> {
  return kubectlOn(e2eTarget(), args, input);
}

/** Runs kubectl against a given cluster (for helpers that benchmarks call outside the e2e suite too). */
export function kubectlOn(target: Pick<E2eTarget, 'kubeconfig' | 'kubectl'>, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      target.kubectl,
      ['--kubeconfig', target.kubeconfig, ...args],
      // 10,000 pods as JSON are more than 64 MB
      { maxBuffer: 1024 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

/**
 * Polls `probe` until it returns something other than undefined. On timeout the error carries the
 * last thing `describe` said about the state, so a failure shows how far the cluster got.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; describe?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const state = options.describe?.() ?? (lastError instanceof Error ? lastError.message : 'no answer');
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}; last seen: ${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Whether an IPv4 address lies in an IPv4 CIDR such as 10.244.1.0/24. */
export function ipv4InCidr(ip: string, cidr: string): boolean {
  const [network = '', prefixLength = '32'] = cidr.split('/');
  const hostBits = 32 - Number(prefixLength);
  const networkPart = (address: string) =>
    Math.floor(address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0) / 2 ** hostBits);
  return networkPart(ip) === networkPart(network);
}
