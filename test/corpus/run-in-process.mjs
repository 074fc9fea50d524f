// Runs many `burn` command lines in one node process through the real CLI entry (dist/cli/main.js), so the
// corpus does not pay a node start per case. Reads [{id, cwd, args}] as JSON from the file named by
// argv[2]; prints one JSON line per case: {id, exitCode, output, ms}.
import { readFileSync } from 'node:fs';
import { main } from '../../dist/cli/main.js';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const realStdout = process.stdout.write.bind(process.stdout);
const realStderr = process.stderr.write.bind(process.stderr);

for (const c of cases) {
  let output = '';
  const capture = (chunk) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.stdout.write = capture;
  process.stderr.write = capture;
  process.chdir(c.cwd);
  process.exitCode = undefined;
  const started = performance.now();
  try {
    await main(['node', 'burn', ...c.args]);
  } catch (err) {
    output += `\nrunner: main threw: ${err?.stack ?? err}`;
    process.exitCode = 99;
  }
  const ms = performance.now() - started;
  process.stdout.write = realStdout;
  process.stderr.write = realStderr;
  realStdout(`${JSON.stringify({ id: c.id, exitCode: process.exitCode ?? 0, output, ms })}\n`);
}
process.exitCode = 0;
