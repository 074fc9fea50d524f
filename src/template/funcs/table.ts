/** The function map every template sees: text/template built-ins, sprig, kube-burner's additions. */
import { builtinFunctions } from './builtins.js';
import { kubeBurnerFunctions } from './kubeburner.js';
import { dataFunctions } from './sprig-data.js';
import { extraFunctions } from './sprig-extra.js';
import { listFunctions } from './sprig-lists.js';
import { mathFunctions } from './sprig-math.js';
import { miscFunctions } from './sprig-misc.js';
import { stringFunctions } from './sprig-strings.js';
import type { FunctionContext, FunctionTable, TemplateFunction } from './types.js';

const shared: Record<string, TemplateFunction> = {
  ...mathFunctions,
  ...listFunctions,
  ...stringFunctions,
  ...dataFunctions,
  ...miscFunctions,
  ...extraFunctions,
  ...builtinFunctions,
};

export function buildFunctionTable(ctx: FunctionContext): FunctionTable {
  return new Map(Object.entries({ ...shared, ...kubeBurnerFunctions(ctx) }));
}
