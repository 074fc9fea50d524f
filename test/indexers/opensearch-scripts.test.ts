import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENSEARCH_START_TIMEOUT_MS, openSearchScript } from '../helpers/opensearch.js';

// scripts/opensearch/up and down as a user (and the OpenSearch tests) use them: a real node from
// Maven Central jars on 127.0.0.1, started, used and stopped.

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await request(url, { headersTimeout: 30_000, bodyTimeout: 30_000 });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
}

async function answers(url: string): Promise<boolean> {
  return request(url, { headersTimeout: 5_000 }).then(
    async (response) => (await response.body.dump(), true),
    () => false,
  );
}

describe('scripts/opensearch up and down', () => {
  let scratch: string;
  let stateDir: string;
  let url = '';
  let upStderr = '';

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'burn-os-scripts-'));
    stateDir = join(scratch, 'state');
    const up = await openSearchScript('up', ['--state-dir', stateDir]);
    upStderr = up.stderr;
    expect(up.code, up.stderr).toBe(0);
    url = up.stdout.trim().split('\n').at(-1) ?? '';
  }, OPENSEARCH_START_TIMEOUT_MS);

  afterAll(async () => {
    if (existsSync(join(stateDir, '.burn-opensearch'))) await openSearchScript('down', ['--state-dir', stateDir]);
    await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  it('up prints the node URL as its last line and the node answers with the pinned version', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const versions = await readFile('scripts/opensearch/versions.env', 'utf8');
    const pinned = /^OPENSEARCH_VERSION=(.+)$/m.exec(versions)?.[1];
    const root = await getJson(url);
    expect(root.status).toBe(200);
    expect(root.body.version.number).toBe(pinned);
    expect(upStderr).toContain(`is up in`);
    expect(await readFile(join(stateDir, 'env'), 'utf8')).toBe(`OPENSEARCH_URL=${url}\n`);
  });

  it('indexes, counts and stays green on one node (new indexes get no replica)', async () => {
    const bulk = '{"index":{"_index":"burn-scripts-test","_id":"a"}}\n{"uuid":"u1"}\n{"index":{"_index":"burn-scripts-test","_id":"b"}}\n{"uuid":"u1"}\n';
    const response = await request(`${url}/_bulk?refresh=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: bulk,
      headersTimeout: 60_000,
    });
    const result = (await response.body.json()) as { errors: boolean };
    expect(response.statusCode).toBe(200);
    expect(result.errors).toBe(false);
    expect((await getJson(`${url}/burn-scripts-test/_count?q=uuid:u1`)).body.count).toBe(2);
    const health = await getJson(`${url}/_cluster/health/burn-scripts-test?wait_for_status=green&timeout=30s`);
    expect(health.body.status).toBe('green');
  });

  it('up refuses a state folder whose node is running, and names down', async () => {
    const again = await openSearchScript('up', ['--state-dir', stateDir]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already running');
    expect(again.stderr).toContain(`scripts/opensearch/down --state-dir ${stateDir}`);
    expect(await answers(url)).toBe(true);
  });

  it('up refuses a non-empty folder it did not make, and bad flags, before starting anything', async () => {
    const foreign = join(scratch, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'keep.txt'), 'mine');
    const refused = await openSearchScript('up', ['--state-dir', foreign]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('was not made by scripts/opensearch/up');
    expect(await readFile(join(foreign, 'keep.txt'), 'utf8')).toBe('mine');
    const badTimeout = await openSearchScript('up', ['--state-dir', join(scratch, 'x'), '--timeout', 'soon']);
    expect(badTimeout.stderr).toContain("--timeout must be whole seconds above 0 (got 'soon')");
    const unknown = await openSearchScript('down', ['--bogus']);
    expect(unknown.stderr).toContain("unknown argument '--bogus'");
  });

  it('down stops the node and removes its folder', async () => {
    const pid = Number(await readFile(join(stateDir, 'pids', 'opensearch.pid'), 'utf8'));
    const down = await openSearchScript('down', ['--state-dir', stateDir]);
    expect(down.code, down.stderr).toBe(0);
    expect(existsSync(stateDir)).toBe(false);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    expect(stat !== '' && !stat.includes(') Z ')).toBe(false);
    expect(await answers(url)).toBe(false);
  }, 60_000);
});
