import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { version } from '../shared/version.js';

/** The kube-burner release whose configs, flags and documents burn follows. */
export const KUBE_BURNER_VERSION = 'v2.7.3';

interface BuildInfo {
  commit: string;
  date: string;
}

/** Written by scripts/build-info.mjs next to the compiled code; absent when running from the sources. */
function buildInfo(): BuildInfo {
  try {
    const info = JSON.parse(readFileSync(new URL('../build-info.json', import.meta.url), 'utf8')) as Partial<BuildInfo>;
    return { commit: info.commit ?? 'unknown', date: info.date ?? 'unknown' };
  } catch {
    return { commit: 'unknown', date: 'unknown' };
  }
}

/** kube-burner's `version` lines, with burn's values (Node instead of Go), then the kube-burner release burn follows. */
export function versionText(): string {
  const info = buildInfo();
  return [
    `Version: ${version}`,
    `Git Commit: ${info.commit}`,
    `Build Date: ${info.date}`,
    `Node Version: ${process.version}`,
    `OS/Arch: ${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    `kube-burner compatibility: ${KUBE_BURNER_VERSION}`,
    '',
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('version')
    .description("print burn's version, commit and build date, and the kube-burner release it follows")
    .action(() => {
      process.stdout.write(versionText());
    });
}
