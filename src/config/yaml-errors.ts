import type { YAMLError } from 'yaml';

/** A YAML parser error as one line without the parser's own (rendered-text) position, plus a fix. */
export function describeYamlError(err: YAMLError): { message: string; hint?: string } {
  const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return { message, hint: yamlHint(err.code) };
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'DUPLICATE_KEY':
      return 'each key may appear once per mapping';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'check the indentation and the ":" after each key';
    default:
      return undefined;
  }
}
