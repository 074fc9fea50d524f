// TEMPORARY: a stand-in template engine until src/template lands. Deleted before the report.
import { vi } from 'vitest';
vi.mock('../../src/template/index.js', async () => {
  const { UserError } = await import('../../src/shared/errors.js');
  class TemplateError extends UserError { file = ''; line = 0; column = 0; what = ''; }
  const render = (source: string, data: Record<string, unknown>, options: { file: string; missingKey?: string }) =>
    source
      .replace(/\{\{-?\s*if[^}]*\}\}[\s\S]*?\{\{-?\s*end\s*\}\}\n?/g, '')
      .replace(/\{\{\s*index \. "(\w+)" \| default ("?[\w.:]+"?)\s*\}\}/g, (_m, k: string, d: string) => String(data[k] ?? d.replace(/"/g, '')))
      .replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_m, k: string, offset: number) => {
        if (!(k in data)) {
          if (options.missingKey === 'zero') return '';
          const line = source.slice(0, offset).split('\n').length;
          const e = new TemplateError(`${options.file}:${line}:1: map has no entry for key "${k}"`);
          Object.assign(e, { file: options.file, line, column: 1, what: `no ${k}` });
          throw e;
        }
        return String(data[k]);
      })
      .replace(/\{\{[^}]*\}\}/g, 'x');
  return {
    TemplateError,
    isTemplateError: (e: unknown) => e instanceof TemplateError,
    renderTemplate: render,
    compileTemplate: (source: string, options: { file: string; missingKey?: string }) => ({ render: (data: Record<string, unknown>) => render(source, data, options) }),
  };
});
await import('./load.test.js');
await import('./errors.test.js');
await import('./plan.test.js');
await import('./configs.test.js');
