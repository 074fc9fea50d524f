import type { Config } from '../config/index.js';

/**
 * Settings of kube-burner configs that load (so the config runs unmodified) but that burn does not
 * act on yet. A run says so at its start: nobody should believe a hook ran when it did not.
 */
export function settingsNotActedOn(config: Config): string[] {
  const at = (path: string) => config.source.describe(path);
  const notes: string[] = [];
  config.jobs.forEach((job, i) => {
    const where = `jobs.${i}`;
  });
  return notes;
}
