#!/usr/bin/env node
// Writes dist/build-info.json (git commit and build date) for `burn version`; "unknown" outside a git checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) commit += '-dirty';
} catch {
  // not a git checkout (an unpacked npm package): the commit stays unknown
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/build-info.json', `${JSON.stringify({ commit, date: new Date().toISOString() })}\n`);
