/** The function map every template sees: text/template built-ins, sprig v3.3.0's TxtFuncMap, kube-burner's additions. */
import { builtinFunctions } from './builtins.js';
import { kubeBurnerFunctions } from './kubeburner.js';
import { cryptoFunctions } from './sprig-crypto.js';
import { dataFunctions } from './sprig-data.js';
import { dateFunctions } from './sprig-dates.js';
import { dictFunctions } from './sprig-dicts.js';
import { listFunctions } from './sprig-lists.js';
import { mathFunctions } from './sprig-math.js';
import { miscFunctions } from './sprig-misc.js';
import { pathAndUrlFunctions } from './sprig-paths.js';
import { reflectFunctions } from './sprig-reflect.js';
import { regexFunctions } from './sprig-regex.js';
import { stringFunctions } from './sprig-strings.js';
import type { FunctionContext, FunctionTable, TemplateFunction } from './types.js';

// As in Go, the function map wins over text/template's built-ins (sprig's slice replaces the built-in one).
const shared: Record<string, TemplateFunction> = {
  ...builtinFunctions,
  ...mathFunctions,
  ...listFunctions,
  ...dictFunctions,
  ...stringFunctions,
  ...dataFunctions,
  ...dateFunctions,
  ...miscFunctions,
  ...reflectFunctions,
  ...regexFunctions,
  ...pathAndUrlFunctions,
  ...cryptoFunctions,
};

export function buildFunctionTable(ctx: FunctionContext): FunctionTable {
  return new Map(Object.entries({ ...shared, ...kubeBurnerFunctions(ctx) }));
}
