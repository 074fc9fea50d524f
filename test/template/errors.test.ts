import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateError, renderTemplate } from '../../src/template/index.js';
import { UserError } from '../../src/shared/errors.js';
import { go, goError } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('template errors name the file, line and column and show the line with a caret', () => {
  it('a missing key (missingkey=error is the default)', () => {
    const source = 'kind: Pod\nmetadata:\n  name: {{ .Name }}-{{ .Missing }}\n';
    expect(goError(source, { Name: 'a' })).toBe(
      'test.yaml:3:24: executing "test.yaml" at <.Missing>: map has no entry for key "Missing"\n' +
        '    name: {{ .Name }}-{{ .Missing }}\n' +
        '                         ^',
    );
  });

  it('an unknown function, with a suggestion when one is close', () => {
    expect(goError('a: {{ frobnicate 1 }}')).toBe('test.yaml:1:7: function "frobnicate" not defined\n  a: {{ frobnicate 1 }}\n        ^');
    let hint: string | undefined;
    try {
      renderTemplate('{{ .S | uper }}', { S: 'x' }, { file: 'h.yaml' });
    } catch (err) {
      hint = (err as TemplateError).hint;
    }
    expect(hint).toBe('did you mean "upper"?');
  });

  it('a bad action', () => {
    expect(goError('x\n{{ if .A }}\nno end')).toMatch(/^test\.yaml:3:7: unexpected EOF\n/);
    expect(goError('{{ end }}')).toMatch(/^test\.yaml:1:4: unexpected \{\{end\}\}/);
    expect(goError('{{ .A ')).toMatch(/^test\.yaml:1:7: unclosed action/);
    expect(goError('{{ $x }}')).toMatch(/^test\.yaml:1:4: undefined variable "\$x"/);
    expect(goError('{{ break }}')).toMatch(/\{\{break\}\} outside \{\{range\}\}/);
    expect(goError('{{ "a" | "b" }}')).toMatch(/non executable command in pipeline stage 2/);
    expect(goError('{{ "unterminated }}')).toMatch(/unterminated quoted string/);
    expect(goError('{{ .A # }}')).toMatch(/unexpected bad character U\+0023 '#' in command/);
    expect(goError('{{}}')).toMatch(/missing value for command/);
  });

  it('a type error', () => {
    expect(goError('{{ add1 .S | upper }}', { S: 'x' })).toBe(
      'test.yaml:1:14: executing "test.yaml" at <upper>: wrong type for value; expected string; got int64\n  {{ add1 .S | upper }}\n               ^',
    );
    expect(goError('{{ .S.Field }}', { S: 'x' })).toContain("can't evaluate field Field in type string");
    expect(goError('{{ .A.B }}', { A: null })).toContain('nil pointer evaluating interface {}.B');
    expect(goError('{{ range 1.5 }}{{ end }}')).toContain("range can't iterate over 1.5");
    expect(goError('{{ template "nope" }}')).toContain('no such template "nope"');
    expect(goError('{{ 3 4 }}')).toContain("can't give argument to non-function 3");
    expect(goError('{{ nil }}')).toContain('nil is not a command');
    expect(goError('{{ sub 1 }}')).toBe('test.yaml:1:4: executing "test.yaml" at <sub>: wrong number of args for sub: want 2 got 1\n  {{ sub 1 }}\n     ^');
  });

  it('tabs in the line keep the caret aligned', () => {
    expect(goError('\t{{ .X }}')).toBe('test.yaml:1:5: executing "test.yaml" at <.X>: map has no entry for key "X"\n  \t{{ .X }}\n  \t   ^');
  });

  it('errors inside a shared define file name that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'burn-tpl-'));
    dirs.push(dir);
    const shared = join(dir, 'helpers.tpl');
    writeFileSync(shared, '{{ define "name" }}\n{{ .JobName }}-{{ .Missing }}\n{{ end }}');
    const err = goError('name: {{ template "name" . }}', { JobName: 'a' }, { file: 'main.yaml', functionTemplates: [shared] });
    expect(err).toBe(`${shared}:2:19: executing "name" at <.Missing>: map has no entry for key "Missing"\n  {{ .JobName }}-{{ .Missing }}\n                    ^`);
    expect(goError('{{ template "x" . }}', {}, { file: 'main.yaml' }).split('\n')[0]).toBe(
      'main.yaml:1:4: executing "main.yaml" at <template "x">: no such template "x"',
    );
  });

  it('a function template file that cannot be read', () => {
    expect(goError('x', {}, { file: 'f.yaml', functionTemplates: ['/nonexistent/helpers.tpl'] })).toBe(
      'cannot read function template /nonexistent/helpers.tpl: ENOENT',
    );
  });

  it('is a UserError with position fields, so the CLI prints it without a stack', () => {
    let caught: unknown;
    try {
      renderTemplate('line1\n  {{ .Nope }}', {}, { file: 'obj.yaml' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect(caught).toBeInstanceOf(UserError);
    expect(caught).toMatchObject({ file: 'obj.yaml', line: 2, column: 6 });
    expect((caught as TemplateError).hint).toMatch(/defaultMissingKeysWithZero/);
  });

  it('missingkey=zero renders missing keys as <no value> and nested misses as errors, like Go', () => {
    expect(go('{{ .A }}', {}, { missingKey: 'zero' })).toBe('<no value>');
    expect(goError('{{ .A.B }}', {}, { missingKey: 'zero' })).toContain('nil pointer evaluating interface {}.B');
  });
});

describe('comments', () => {
  it('must close right before the delimiter, as in Go', () => {
    expect(goError('{{/* a */ }}')).toMatch(/^test\.yaml:1:10: comment ends before closing delimiter/);
    expect(goError('{{/* a ')).toMatch(/^test\.yaml:1:1: unclosed comment/);
  });
});

describe('runaway recursion', () => {
  it('stops with a template error, not a crash', () => {
    expect(goError('{{define "r"}}{{template "r" .}}{{end}}{{template "r" 1}}')).toMatch(/executing "r" at <template "r">: exceeded maximum template depth/);
    expect(goError('{{define "r"}}{{if true}}{{with .}}{{range list 1}}{{template "r" $}}{{end}}{{end}}{{end}}{{end}}{{template "r" 1}}')).toMatch(
      /exceeded maximum template depth/,
    );
  });
});
