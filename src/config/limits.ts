/**
 * Input limits burn enforces so that no config or template can make it hang or run out of memory.
 * The README ("Limits") lists them; messages that refuse input name the limit and the value seen.
 */

/** Size of a YAML document burn parses: a config (as rendered), a --user-data file, a rendered template. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;

/**
 * Nodes that aliases (`*name`) may add to one YAML document when expanded. Ordinary reuse of an anchored
 * block stays far below; an "alias bomb" (aliases of aliases, doubling at every level) is refused.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/**
 * jobIterations of one job. The engine keeps a record per iteration and per created object in memory,
 * so counts beyond this cannot run on one machine (nor does any cluster store that many objects).
 */
export const MAX_JOB_ITERATIONS = 10_000_000;

/** Objects one create job may create in total (iterations x replicas x documents per replica). */
export const MAX_JOB_OBJECTS = 10_000_000;

export { formatCount } from '../template/index.js';
