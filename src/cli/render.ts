import type { Command } from 'commander';
import { collect } from './flags.js';
import { UserError } from '../shared/errors.js';


function integer(flag: string): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value)) throw new UserError(`${flag} ${value}: expected an integer`);
    return Number(value);
  };
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!allowed.includes(value as T)) throw new UserError(`${flag} ${value}: expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export function register(program: Command): void {
  program
    .command('render')
    .description('Render an object template with test variables and print it (no cluster needed)')
    .argument('<template>', 'template file (Go text/template + sprig; .hbs files use Handlebars)')
    .option('--data <file>', 'YAML or JSON file with variables')
    .option('--set <key=value>', 'set a variable; values are YAML scalars, dotted keys nest (repeatable)', collect, [])
    .option('--iteration <n>', 'value of .Iteration', integer('--iteration'), 0)
    .option('--replica <n>', 'value of .Replica', integer('--replica'), 1)
    .option('--job <name>', 'value of .JobName', 'render')
    .option('--uuid <uuid>', 'value of .UUID (default: random)')
    .option('--engine <engine>', 'go or handlebars (default: by file extension)', oneOf('--engine', ['go', 'handlebars'] as const))
    .option('--missing-key <mode>', 'error (default) or zero, as defaultMissingKeysWithZero', oneOf('--missing-key', ['error', 'zero'] as const))
    .option('--function-templates <files...>', 'files with {{define}} blocks shared by templates')
    .action(async (template: string, opts: RenderFlags) => {
      const { renderTemplateFile } = await import('../template/index.js');
      const out = renderTemplateFile(template, {
        dataFile: opts.data,
        set: opts.set,
        iteration: opts.iteration,
        replica: opts.replica,
        jobName: opts.job,
        uuid: opts.uuid,
        engine: opts.engine,
        missingKey: opts.missingKey,
        functionTemplates: opts.functionTemplates,
      });
      process.stdout.write(out);
    });
}

interface RenderFlags {
  data?: string;
  set: string[];
  iteration: number;
  replica: number;
  job: string;
  uuid?: string;
  engine?: 'go' | 'handlebars';
  missingKey?: 'error' | 'zero';
  functionTemplates?: string[];
}
