/**
 * Commands load only what they use: `burn --version`, `validate`, `render` and `diff` never load the
 * Kubernetes client (client-node alone costs over a second of CPU). Runs the built bin/burn.js with
 * a module hook that records every module the process loads, and asserts on that list.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const recorder = path.join(repo, 'test', 'fixtures', 'record-imports.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'burn-fast-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** Runs `burn args` (built, from the repo root); resolves its exit code and the modules it loaded. */
function burn(args: string[]): Promise<{ code: number; stdout: string; stderr: string; loaded: string[] }> {
  const log = path.join(dir, `imports-${++runs}.log`);
  writeFileSync(log, '');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', recorder, path.join(repo, 'bin', 'burn.js'), ...args],
      // No kubeconfig anywhere: `destroy` below must never reach a real cluster.
      { cwd: repo, env: { ...process.env, BURN_IMPORT_LOG: log, KUBECONFIG: path.join(dir, 'no-kubeconfig'), HOME: dir, KUBERNETES_SERVICE_HOST: '' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) });
      },
    );
  });
}

const ours = (loaded: string[]): string[] => loaded.filter((u) => u.includes('/dist/')).map((u) => u.slice(u.indexOf('/dist/') + 6));
/** client-node's modules, except config_types.js: the kubeconfig's plain parsing helpers (one small file that imports only node:fs), which burn's kubeconfig reader uses. */
const kubeClient = (loaded: string[]): string[] =>
  loaded.filter((u) => u.includes('/node_modules/@kubernetes/client-node/') && !u.endsWith('/client-node/dist/config_types.js'));

describe('what each command loads', () => {
  it('burn --version loads the command line only: no core module, no Kubernetes client', async () => {
    const r = await burn(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(ours(r.loaded).filter((m) => !/^(cli|shared)\//.test(m))).toEqual([]);
    expect(kubeClient(r.loaded)).toEqual([]);
    // prom-client (burn's own metrics) is loaded only when --metrics-port or --pushgateway asks for it.
    expect(r.loaded.filter((u) => u.includes('/node_modules/prom-client/'))).toEqual([]);
  });

  it("a command loads its own command module, not the others'", async () => {
    const version = await burn(['--version']);
    expect(ours(version.loaded).filter((m) => m.startsWith('cli/'))).toEqual(expect.not.arrayContaining(['cli/init.js', 'cli/validate.js', 'cli/version.js']));
    const validate = await burn(['validate', '-c', 'configs/quickstart.yaml']);
    expect(validate.code, validate.stderr).toBe(0);
    expect(ours(validate.loaded)).toContain('cli/validate.js');
    expect(ours(validate.loaded).filter((m) => ['cli/init.js', 'cli/measure.js', 'cli/completion.js', 'cli/sim.js'].includes(m))).toEqual([]);
  });

  it('burn version and burn completion load the command line only', async () => {
    for (const args of [['version'], ['completion', 'zsh']]) {
      const r = await burn(args);
      expect(r.code, r.stderr).toBe(0);
      expect(ours(r.loaded).filter((m) => !/^(cli|shared)\//.test(m))).toEqual([]);
      expect(kubeClient(r.loaded)).toEqual([]);
    }
  });

  it('burn validate loads the config code, not the Kubernetes client', async () => {
    const r = await burn(['validate', '-c', 'configs/quickstart.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ours(r.loaded)).toContain('config/load.js');
    expect(kubeClient(r.loaded)).toEqual([]);
  });

  it('burn render loads the templates, not the Kubernetes client', async () => {
    const r = await burn(['render', 'workloads/quickstart/configmap.yaml', '--set', 'workload=quickstart']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ours(r.loaded)).toContain('template/render-file.js');
    expect(kubeClient(r.loaded)).toEqual([]);
  });

  it('burn diff loads the diff, not the Kubernetes client', async () => {
    const r = await burn(['diff', dir, dir]);
    expect(r.stderr).toContain('not a burn run folder');
    expect(ours(r.loaded)).toContain('report/diff/index.js');
    expect(kubeClient(r.loaded)).toEqual([]);
  });

  it('burn import and burn index load the indexers when they run, never the Kubernetes client', async () => {
    const imported = await burn(['import', '--tarball', path.join(dir, 'missing.tgz')]);
    expect(imported.stderr).toContain('--tarball');
    expect(ours(imported.loaded)).toContain('indexers/import.js');
    expect(kubeClient(imported.loaded)).toEqual([]);
    const indexed = await burn(['index', '-u', 'http://127.0.0.1:1', '-m', 'configs/quickstart.yaml', '--start', '2000', '--end', '1000']);
    expect(indexed.stderr).toContain('is not before --end');
    expect(ours(indexed.loaded)).toContain('indexers/index-range.js');
    expect(kubeClient(indexed.loaded)).toEqual([]);
    const version = await burn(['--version']);
    expect(ours(version.loaded).filter((m) => m.startsWith('indexers/'))).toEqual([]);
  });

  it('burn history loads the history, not the Kubernetes client', async () => {
    const r = await burn(['history', dir]);
    expect(r.stdout).toContain('burn history: 0 runs');
    expect(ours(r.loaded)).toContain('report/history/index.js');
    expect(kubeClient(r.loaded)).toEqual([]);
  });

  it('a command that talks to a cluster loads its client (the recorder sees node_modules too)', async () => {
    const r = await burn(['destroy', '--uuid', 'fast-start-check']);
    expect(r.stderr).toContain('no kubeconfig found');
    expect(ours(r.loaded)).toContain('kube/client.js');
    expect(r.loaded.some((u) => u.endsWith('/client-node/dist/config_types.js'))).toBe(true);
    // undici's request parts, not its index (fetch, WebSocket, mocks: 0.15 s of CPU at every start).
    expect(r.loaded.some((u) => u.endsWith('/undici/lib/dispatcher/client.js'))).toBe(true);
    expect(r.loaded.filter((u) => u.endsWith('/node_modules/undici/index.js'))).toEqual([]);
  });

  it('what a run loads besides its own work: no Handlebars for Go templates, no diff, history, search indexer or tsdb writer', async () => {
    // destroy loads the engine (and with it a run's report, indexer and template code) before it looks for a cluster.
    const r = await burn(['destroy', '--uuid', 'fast-start-check']);
    expect(r.stderr).toContain('no kubeconfig found');
    expect(ours(r.loaded)).toEqual(expect.arrayContaining(['engine/run.js', 'report/index.js', 'indexers/index.js', 'template/compile.js']));
    expect(r.loaded.filter((u) => u.includes('/node_modules/handlebars/'))).toEqual([]);
    expect(ours(r.loaded).filter((m) => /^report\/(diff|history)\/|^indexers\/(opensearch|tsdb|import|index-range)/.test(m))).toEqual([]);
  });

  it('a Handlebars template loads Handlebars', async () => {
    const template = path.join(dir, 'pod.hbs');
    writeFileSync(template, 'name: {{name}}\n');
    const r = await burn(['render', template, '--set', 'name=a']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('name: a');
    expect(r.loaded.some((u) => u.includes('/node_modules/handlebars/'))).toBe(true);
  });
});
