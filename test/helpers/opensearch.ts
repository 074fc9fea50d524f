import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One OpenSearch node for a test file: its URL and how to stop it. */
export interface OpenSearchNode {
  url: string;
  /** Stops the node if this helper started it (a BURN_TEST_OPENSEARCH_URL node is left alone). */
  stop(): Promise<void>;
}

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs scripts/opensearch/<script> with bash; never throws on a non-zero exit. */
export function openSearchScript(script: 'up' | 'down' | 'build', args: string[]): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile('bash', [`scripts/opensearch/${script}`, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The node named by BURN_TEST_OPENSEARCH_URL, or a new one from scripts/opensearch/up (cached
 * jars; the first start on a machine fetches them from Maven Central). Give the calling hook
 * OPENSEARCH_START_TIMEOUT_MS.
 */
export async function startOpenSearch(): Promise<OpenSearchNode> {
  const given = process.env.BURN_TEST_OPENSEARCH_URL;
  if (given) return { url: given.replace(/\/+$/, ''), stop: async () => {} };
  const stateDir = await mkdtemp(join(tmpdir(), 'burn-opensearch-'));
  const up = await openSearchScript('up', ['--state-dir', stateDir]);
  if (up.code !== 0) {
    await openSearchScript('down', ['--state-dir', stateDir, '--keep-logs']);
    throw new Error(`scripts/opensearch/up failed (exit ${up.code}); logs in ${stateDir}/logs\n${up.stderr}`);
  }
  const url = up.stdout.trim().split('\n').at(-1) ?? '';
  return {
    url,
    stop: async () => {
      const down = await openSearchScript('down', ['--state-dir', stateDir]);
      if (down.code !== 0) throw new Error(`scripts/opensearch/down failed: ${down.stderr}`);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** A cold machine fetches about 50 MB of jars first; a busy 2-core machine starts the node in about a minute. */
export const OPENSEARCH_START_TIMEOUT_MS = 600_000;
