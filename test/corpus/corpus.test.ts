/**
 * The bad-input corpus through the real CLI (dist/, built by `npm test`'s pretest). Most cases run in one
 * node process (run-in-process.mjs calls the CLI's main once per case: a node start costs 3-7 s on a busy
 * machine); a few run as their own `node bin/burn.js` from start to end. For every case: the exit code, the
 * message names the file:line or the flag, no stack trace, nothing created (no file in the case's folder,
 * no namespace on the simulator the init cases point at), and at most 60 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/kube/index.js';
import { cases, type Case } from './cases.js';

const repo = resolve(__dirname, '../..');
const CASE_LIMIT_MS = 60_000;
/** Running as root, permissions do not stop reads: unreadable cases then run as this user. */
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

interface Outcome {
  exitCode: number;
  output: string;
  ms: number;
}

let root: string;
let server: Server;
let httpBase: string;
let closedBase: string;
let sim: ChildProcess;
let simKubeconfig: string;
let namespacesBefore: string[];
const outcomes = new Map<string, Outcome>();
const treesBefore = new Map<string, string[]>();

function listTree(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory() && !entry.isSymbolicLink()) out.push(...listTree(path));
  }
  return out.sort();
}

function caseDir(index: number): { top: string; work: string } {
  const top = join(root, String(index));
  return { top, work: join(top, 'work') };
}

function fill(text: string): string {
  return text.replaceAll('{{SIM_KUBECONFIG}}', simKubeconfig).replaceAll('{{HTTP}}', httpBase).replaceAll('{{CLOSED}}', closedBase);
}

function writeCase(c: Case, index: number): void {
  const { top, work } = caseDir(index);
  mkdirSync(work, { recursive: true });
  for (const [path, text] of Object.entries(c.files)) {
    const full = join(work, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, fill(text));
  }
  for (const [link, target] of Object.entries(c.symlinks ?? {})) symlinkSync(target, join(work, link));
  for (const path of c.unreadable ?? []) chmodSync(join(work, path), 0o000);
  if (asRoot && c.unreadable) for (const path of [top, ...listTree(top)]) chownSync(path, NOBODY, NOBODY);
  treesBefore.set(c.name, listTree(top));
}

function runProcess(args: string[], options: { cwd: string; uid?: number; timeoutMs: number }): Promise<Outcome & { stdout: string }> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: options.cwd, uid: options.uid, gid: options.uid, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ exitCode: code ?? (signal ? 128 : -1), output, stdout, ms: performance.now() - started });
    });
  });
}

async function startSim(): Promise<void> {
  simKubeconfig = join(root, 'sim.kubeconfig');
  sim = spawn(process.execPath, [join(repo, 'bin/burn.js'), 'sim', 'serve', '--port', '0', '--nodes', '2', '--kubeconfig-out', simKubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ready, fail) => {
    let seen = '';
    sim.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('kubeconfig:')) ready();
    });
    sim.on('exit', (code) => fail(new Error(`burn sim serve exited with ${code}: ${seen}`)));
  });
}

async function simNamespaces(): Promise<string[]> {
  const client = await connectCluster({ kubeconfig: simKubeconfig });
  try {
    return (await client.list('v1', 'Namespace')).map((ns) => ns.metadata.name!).sort();
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'burn-corpus-'));
  chmodSync(root, 0o755);
  server = createServer((_req, res) => res.writeHead(404).end('not here'));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  httpBase = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const closed = createServer();
  await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
  closedBase = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
  await new Promise<void>((done) => closed.close(() => done()));
  await startSim();
  namespacesBefore = await simNamespaces();
  cases.forEach(writeCase);

  // the shared runner: every case that is neither spawned nor needs another user
  const shared = cases.map((c, i) => ({ c, i })).filter(({ c }) => !c.spawn && !(asRoot && c.unreadable));
  const list = join(root, 'cases.json');
  writeFileSync(list, JSON.stringify(shared.map(({ c, i }) => ({ id: c.name, cwd: caseDir(i).work, args: c.args.map(fill) }))));
  const run = await runProcess([join(repo, 'test/corpus/run-in-process.mjs'), list], { cwd: root, timeoutMs: CASE_LIMIT_MS * shared.length });
  for (const line of run.stdout.split('\n').filter(Boolean)) {
    const { id, ...outcome } = JSON.parse(line) as Outcome & { id: string };
    outcomes.set(id, outcome);
  }
  if (outcomes.size < shared.length) throw new Error(`the corpus runner stopped after ${outcomes.size} of ${shared.length} cases:\n${run.output.slice(-3000)}`);

  for (const [i, c] of cases.entries()) {
    if (!c.spawn && !(asRoot && c.unreadable)) continue;
    const uid = asRoot && c.unreadable ? NOBODY : undefined;
    outcomes.set(c.name, await runProcess([join(repo, 'bin/burn.js'), ...c.args.map(fill)], { cwd: caseDir(i).work, uid, timeoutMs: CASE_LIMIT_MS }));
  }
  // BURN_CORPUS_OUT=file keeps what every case printed, with its exit code and time, for a look at them all
  if (process.env.BURN_CORPUS_OUT) writeFileSync(process.env.BURN_CORPUS_OUT, JSON.stringify(Object.fromEntries(outcomes), null, 1));
}, CASE_LIMIT_MS * (cases.length + 2));

afterAll(async () => {
  sim?.kill('SIGINT');
  await new Promise<void>((closed) => server?.close(() => closed()));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('bad-input corpus', () => {
  it('has at least 60 cases, with unique names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const outcome = outcomes.get(c.name)!;
    expect(outcome, 'the case ran').toBeDefined();
    const seen = `exit ${outcome.exitCode} after ${Math.round(outcome.ms)} ms:\n${outcome.output}`;
    expect(outcome.exitCode, seen).toBe(c.exit);
    expect(outcome.output, seen).toMatch(c.message);
    expect(outcome.output, 'no stack trace').not.toMatch(/^\s{4}at /m);
    expect(outcome.output, 'no internal error').not.toMatch(/internal error/i);
    expect(outcome.ms, 'within the time limit').toBeLessThan(CASE_LIMIT_MS);
    expect(listTree(caseDir(i).top), 'nothing created').toEqual(treesBefore.get(c.name));
  });

  it('created no namespace on the simulator', async () => {
    expect(await simNamespaces()).toEqual(namespacesBefore);
  });
});
