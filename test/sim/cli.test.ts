import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/sim.js';
import { UserError } from '../../src/shared/errors.js';

const root = join(import.meta.dirname, '..', '..');
const viteNode = join(root, 'node_modules', '.bin', 'vite-node');
const entry = join(import.meta.dirname, 'fixtures', 'burn-cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'burn-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBurn(args: string[]) {
  const child = spawn(viteNode, [entry, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('burn sim serve', () => {
  it('prints the URL and kubeconfig path, serves the cluster, and exits 0 on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kc.yaml');
    const burn = runBurn(['sim', 'serve', '--port', '0', '--nodes', '2', '--seed', '5', '--kubeconfig-out', kubeconfig]);
    try {
      await until(() => burn.out().includes('press Ctrl-C'), 60_000);
      const url = /serving (https:\/\/127\.0\.0\.1:\d+)/.exec(burn.out())![1]!;
      expect(burn.out()).toContain(`kubeconfig: ${kubeconfig}`);
      expect(burn.out()).toContain('2 nodes, profile default, seed 5');
      const config = parseYaml(readFileSync(kubeconfig, 'utf8'));
      expect(config.clusters[0].cluster.server).toBe(url);
      const agent = new Agent({ connect: { ca: Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString() } });
      const res = await request(`${url}/api/v1/nodes`, { headers: { authorization: `Bearer ${config.users[0].user.token}` }, dispatcher: agent });
      const nodes = (await res.body.json()) as { items: unknown[] };
      await agent.close();
      expect(nodes.items).toHaveLength(2);
      burn.child.kill('SIGTERM');
      expect(await burn.exited).toBe(0);
      expect(burn.out()).toContain('SIGTERM, stopping');
    } finally {
      burn.child.kill('SIGKILL');
    }
  }, 120_000);

  it('names the --kubeconfig-out path it cannot write', async () => {
    const attempt = serve({ port: 0, nodes: 1, profile: 'default', kubeconfigOut: '/nonexistent-burn-dir/kc.yaml' });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow('--kubeconfig-out /nonexistent-burn-dir/kc.yaml: cannot write the file (ENOENT)');
  });

  it('explains a bad profile without a stack trace and exits 1', async () => {
    const burn = runBurn(['sim', 'serve', '--port', '0', '--profile', 'no-such-profile']);
    try {
      expect(await burn.exited).toBe(1);
      expect(burn.err()).toContain('error: --profile no-such-profile: neither a built-in profile nor a readable file');
      expect(burn.err()).not.toMatch(/\n\s+at /);
    } finally {
      burn.child.kill('SIGKILL');
    }
  }, 120_000);
});
