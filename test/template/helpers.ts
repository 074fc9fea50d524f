import { renderTemplate, type TemplateOptions } from '../../src/template/index.js';

/** Renders a Go template source under a test file name (each call parses through the same cache as production). */
export function go(source: string, data: Record<string, unknown> = {}, options: Partial<TemplateOptions> = {}): string {
  return renderTemplate(source, data, { file: 'test.yaml', ...options });
}

/** The message of the error a render throws. */
export function goError(source: string, data: Record<string, unknown> = {}, options: Partial<TemplateOptions> = {}): string {
  try {
    go(source, data, options);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail`);
}
