import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, reportError } from '../../src/cli/main.js';
import { around, writeFixtureRun } from '../report/fixtures.js';

let root = '';
let fast = '';
let slow = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'burn-cli-'));
  fast = await writeFixtureRun({ uuid: 'fast', pods: 60, startupMs: around(1500), seed: 1 }, join(root, 'fast'));
  slow = await writeFixtureRun({ uuid: 'slow', pods: 60, startupMs: around(8000), seed: 2 }, join(root, 'slow'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

/** Runs `burn ...args` in-process; returns stdout, stderr and the exit code the CLI would exit with. */
async function burn(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((c: string) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => (err.push(String(c)), true)) as typeof process.stderr.write;
  const previous = process.exitCode;
  process.exitCode = undefined;
  let code = 0;
  try {
    await (await buildProgram()).exitOverride().parseAsync(['node', 'burn', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    code = reportError(e);
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = previous;
  }
  return { stdout: out.join(''), stderr: err.join(''), code };
}

describe('burn diff (command)', () => {
  it('exits 0 when nothing regressed and 4 on a regression', async () => {
    expect((await burn('diff', fast, fast)).code).toBe(0);
    const regressed = await burn('diff', fast, slow);
    expect(regressed.code).toBe(4);
    expect(regressed.stdout).toMatch(/^burn diff: REGRESSION/);
  });

  it('prints Markdown and JSON when asked', async () => {
    expect((await burn('diff', fast, slow, '--format', 'markdown')).stdout).toMatch(/^### burn diff: REGRESSION/);
    const json = await burn('diff', fast, slow, '--format', 'json');
    expect(JSON.parse(json.stdout).summary.regressions).toBeGreaterThan(0);
    expect(json.code).toBe(4);
  });

  it('prints a user error, not a stack, for a folder that is not a run folder or a bad flag', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    const notRun = await burn('diff', fast, empty);
    expect(notRun.code).toBe(1);
    expect(notRun.stderr).toBe(
      `error: CANDIDATE: ${empty}: not a burn run folder (it has no run.json)\nhint: burn init writes run.json, jobSummary.json and slo.json at the end of every run, in reports/<uuid>/ or --report-dir\n`,
    );
    const badFormat = await burn('diff', fast, slow, '--format', 'xml');
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toContain('"xml" is not a format: use table, markdown, json');
  });
});

describe('burn report (command)', () => {
  it('prints the summary and rewrites report.html and junit.xml from the folder', async () => {
    const result = await burn('report', slow);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^FAIL \(1 SLO failed\): run slow completed/);
    expect(result.stdout).toContain('SLOs: 1 failed');
    expect(result.stdout).toContain(`wrote ${join(slow, 'report.html')} and ${join(slow, 'junit.xml')}`);
    expect(result.stdout).not.toContain('\u001b[');
    expect((await stat(join(slow, 'report.html'))).size).toBeGreaterThan(10_000);
    expect((await stat(join(slow, 'junit.xml'))).isFile()).toBe(true);
  });

  it('refuses a folder that is not a run folder', async () => {
    const result = await burn('report', join(root, 'nope'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*nope: no such folder\n/);
  });
});
