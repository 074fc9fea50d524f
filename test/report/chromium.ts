/** Headless Chromium for the HTML report test (Debian's `chromium`); absent -> the test says so and skips. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Runs Chromium once on a file with extra flags (--dump-dom, --screenshot=...); returns stdout. */
export async function chromium(file: string, extra: string[]): Promise<string> {
  if (!CHROMIUM) throw new Error('chromium is not installed');
  const profile = await mkdtemp(join(tmpdir(), 'burn-chromium-'));
  try {
    const { stdout } = await run(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--window-size=1400,3000', ...extra, `file://${file}`], { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
