import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate, TemplateError } from '../../src/template/index.js';

const hbs = (source: string, data: Record<string, unknown> = {}, missingKey: 'error' | 'zero' = 'error') =>
  renderTemplate(source, data, { file: 'obj.hbs', missingKey });

function hbsError(source: string, data: Record<string, unknown> = {}): TemplateError {
  try {
    hbs(source, data);
  } catch (err) {
    return err as TemplateError;
  }
  throw new Error('expected a failure');
}

describe('Handlebars templates', () => {
  it('are chosen by the .hbs extension or the engine option', () => {
    expect(renderTemplate('{{x}}', { x: 1 }, { file: 'a.hbs' })).toBe('1');
    expect(renderTemplate('{{x}}', { x: 1 }, { file: 'a.yaml', engine: 'handlebars' })).toBe('1');
    expect(renderTemplate('{{.x}}', { x: 1 }, { file: 'a.yaml' })).toBe('1');
  });

  it('do not HTML-escape', () => {
    expect(hbs('{{v}}', { v: '<a & "b">' })).toBe('<a & "b">');
  });

  it('see the same variables as Go templates', () => {
    expect(hbs('{{JobName}}-{{Iteration}}-{{Replica}}', { JobName: 'j', Iteration: 4, Replica: 1 })).toBe('j-4-1');
  });

  it('have the sprig helpers', () => {
    expect(hbs('{{add 1 2}} {{div 7 2}} {{upper "x"}} {{printf "%03d" n}} {{default "d" e}} {{toJson (dict "a" 1)}}', { n: 5, e: '' })).toBe(
      '3 3 X 005 d {"a":1}',
    );
    expect(hbs('{{#each (until 3)}}{{this}}{{/each}}')).toBe('012');
    expect(hbs('{{#if (and a (eq n 2))}}yes{{/if}}', { a: true, n: 2 })).toBe('yes');
    expect(hbs('{{indent 2 (toYaml m)}}', { m: { b: [1], a: 'x' } })).toBe('  a: x\n  b:\n  - 1');
  });

  it('are strict: a missing key is an error with file, line, column and caret', () => {
    const err = hbsError('kind: Pod\nname: {{ nme }}', { name: 'x' });
    expect(err).toBeInstanceOf(TemplateError);
    expect(err.message).toBe('obj.hbs:2:10: "nme" not defined in [object Object]\n  name: {{ nme }}\n           ^');
  });

  it('render missing keys as empty with missingKey zero', () => {
    expect(hbs('[{{nope}}]', {}, 'zero')).toBe('[]');
  });

  it('report parse errors with the line', () => {
    const err = hbsError('a\n{{#if x}}\n{{/each}}');
    // Handlebars reports a mismatched close at the block that it fails to close.
    expect(err.message).toMatch(/^obj\.hbs:2:\d+: if doesn't match each\n  \{\{#if x\}\}\n/);
    expect(hbsError('{{#each}}').message).toMatch(/^obj\.hbs:1:\d+: parse error: Expecting/);
  });

  it('report helper failures as template errors', () => {
    expect(hbsError('{{div 1 0}}').message).toContain('integer divide by zero');
  });
});

describe('compileTemplate caching', () => {
  it('parses once per (file, source, options)', () => {
    const a = compileTemplate('{{.x}}', { file: 'cache.yaml' });
    expect(compileTemplate('{{.x}}', { file: 'cache.yaml' })).toBe(a);
    expect(compileTemplate('{{.x}}', { file: 'cache.yaml', missingKey: 'zero' })).not.toBe(a);
    expect(compileTemplate('{{.y}}', { file: 'cache.yaml' })).not.toBe(a);
    expect(a.render({ x: 1 })).toBe('1');
    expect(a.render({ x: 2 })).toBe('2');
  });
});
