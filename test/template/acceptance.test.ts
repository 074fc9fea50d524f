import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const fixtures = join(import.meta.dirname, 'fixtures');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `burn render ...` in-process and returns what it printed. */
async function burnRender(...args: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string) => (chunks.push(c), true)) as typeof process.stdout.write;
  try {
    await (await buildProgram()).exitOverride().parseAsync(['node', 'burn', 'render', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

/** The only random part: randAlphaNum 8 (checked for length and charset, then masked). */
function maskTokens(yaml: string): string {
  return yaml.replace(/value: ([A-Za-z0-9]{8})\n/g, (_m, token: string) => {
    expect(token).toMatch(/^[A-Za-z0-9]{8}$/);
    return 'value: RANDOM08\n';
  });
}

const common = ['--data', join(fixtures, 'data.yaml'), '--iteration', '7', '--replica', '2', '--job', 'web'];

describe('acceptance: a kube-burner-style Deployment template', () => {
  const expected = readFileSync(join(fixtures, 'deployment.expected.yaml'), 'utf8');

  it('renders with `burn render` exactly as Go text/template + sprig would', async () => {
    const out = await burnRender(join(fixtures, 'deployment.yaml'), ...common);
    expect(maskTokens(out)).toBe(expected);
  });

  it('renders the same YAML from the Handlebars version', async () => {
    const out = await burnRender(join(fixtures, 'deployment.hbs'), ...common);
    expect(parseYaml(maskTokens(out))).toEqual(parseYaml(expected));
    expect(maskTokens(out)).toBe(expected);
  });

  it('--set values are YAML scalars, so numbers are ints', async () => {
    const out = await burnRender(join(fixtures, 'deployment.yaml'), ...common, '--set', 'replicas=5', '--set', 'containers=1');
    expect(out).toContain('  replicas: 10\n');
    expect(out.match(/- name: c\d/g)).toEqual(['- name: c0']);
  });

  it('uses shared function templates', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'burn-render-'));
    dirs.push(dir);
    const tpl = join(dir, 'obj.yaml');
    writeFileSync(tpl, 'name: {{ template "fullName" . }}\nlabels:\n  {{ template "labels" . }}\n');
    const out = await burnRender(tpl, '--job', 'db', '--iteration', '3', '--function-templates', join(fixtures, 'functions.tpl'));
    expect(out).toBe('name: db-3\nlabels:\n  burn.dev/job: db\n');
  });

  it('defaults: Iteration 0, Replica 1, JobName "render", random UUID', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'burn-render-'));
    dirs.push(dir);
    const tpl = join(dir, 'vars.yaml');
    writeFileSync(tpl, '{{ .Iteration }} {{ .Replica }} {{ .JobName }} {{ .UUID }} {{ len .RunID }}');
    const out = await burnRender(tpl);
    expect(out).toMatch(/^0 1 render [0-9a-f-]{36} \d+$/);
  });

  it('a template error names the file, line and column with a caret', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'burn-render-'));
    dirs.push(dir);
    const tpl = join(dir, 'bad.yaml');
    writeFileSync(tpl, 'kind: Pod\nmetadata:\n  name: {{ .Name | upperr }}\n');
    await expect(burnRender(tpl)).rejects.toThrow(`${tpl}:3:20: function "upperr" not defined\n    name: {{ .Name | upperr }}\n                     ^`);
  });

  it('--engine, --missing-key and JSON --data', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'burn-render-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'vars.json'), '{"name": "n1", "count": 2}');
    writeFileSync(join(dir, 'obj.tpl'), '{{name}}:{{add count 1}}');
    writeFileSync(join(dir, 'obj.yaml'), '{{ .name }} {{ .nope }}');
    expect(await burnRender(join(dir, 'obj.tpl'), '--engine', 'handlebars', '--data', join(dir, 'vars.json'))).toBe('n1:3');
    expect(await burnRender(join(dir, 'obj.yaml'), '--missing-key', 'zero', '--data', join(dir, 'vars.json'))).toBe('n1 <no value>');
    await expect(burnRender(join(dir, 'obj.yaml'), '--engine', 'jinja')).rejects.toThrow('--engine jinja: expected one of go, handlebars');
  });

  it('rejects bad flags with a message naming the flag', async () => {
    await expect(burnRender(join(fixtures, 'deployment.yaml'), '--iteration', 'x')).rejects.toThrow('--iteration x: expected an integer');
    await expect(burnRender(join(fixtures, 'deployment.yaml'), '--set', 'novalue')).rejects.toThrow('--set novalue: expected key=value');
    await expect(burnRender(join(fixtures, 'nope.yaml'))).rejects.toThrow(/cannot read template .*nope\.yaml: ENOENT/);
  });
});
