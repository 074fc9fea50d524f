#!/usr/bin/env node
// Writes dist/build-info.json (git commit and build date) for `burn version`; "unknown" outside a git checkout.
// Image builds work from a copy without .git: they pass the commit in BURN_BUILD_COMMIT and, so the
// same commit gives the same bytes, the commit's time in SOURCE_DATE_EPOCH (seconds).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

let commit = process.env.BURN_BUILD_COMMIT || 'unknown';
if (!process.env.BURN_BUILD_COMMIT) {
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) commit += '-dirty';
  } catch {
    // not a git checkout (an unpacked npm package): the commit stays unknown
  }
}
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = Number.isInteger(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
mkdirSync('dist', { recursive: true });
writeFileSync('dist/build-info.json', `${JSON.stringify({ commit, date: date.toISOString() })}\n`);
