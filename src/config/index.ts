/** Job configs: loading (render, parse, --set, validate, defaults) and the plan `burn validate` prints. */
export { loadConfig, loadMetricsEndpoints, type LoadOptions } from './load.js';
export { planRun, planJob, namespaceNames, namespaceForIteration, createsInIteration, type RunPlan, type JobPlan, type ObjectPlan } from './plan.js';
export { formatPlan } from './format-plan.js';
export { templateData } from './render-check.js';
export { ConfigError, SourceIndex, formatPos, formatDiagnostic, type Diagnostic, type SourcePos } from './diagnostics.js';
export { resolveReference, isUrl } from './references.js';
export { DEFAULT_QPS, DEFAULT_BURST, DEFAULT_METRICS_DIRECTORY, DEFAULT_TARBALL_NAME, indexerAlias } from './decode.js';
export { BURN_INDEX_SUFFIX, indexNameProblem, esServerProblem, redactedServer } from './search-indexer.js';
export type * from './types.js';
export { HOOK_STAGES } from './types.js';
export { renderedYamlProblem } from './yaml-limits.js';
export { incrementalSteps } from './incremental.js';
