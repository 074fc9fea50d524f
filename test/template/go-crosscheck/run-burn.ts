/**
 * burn's side of scripts/template/crosscheck: renders every case with burn and compares with Go's live
 * results (argument 1) and with the stored expected.json. `--update` stores Go's live results instead.
 * Exit 0 when everything agrees, 1 with a readable list of differences otherwise.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compareAll, EXPECTED_FILE, loadResults, loadTable, renderBurn, storable, type Result } from './table.js';

const [goFile, functionsFile, mode] = process.argv.slice(2);
if (!goFile || !functionsFile) {
  console.error('usage: run-burn.ts GO_RESULTS.json FUNCTIONS.txt [--update]');
  process.exit(2);
}
const table = loadTable();
const goLive = loadResults(goFile);
const byName = new Map(goLive.map((r) => [r.name, r]));
const stored: Result[] = table.cases.map((c) => storable(c, byName.get(c.name) ?? { name: c.name, error: 'missing from Go results' }));

const problems: string[] = [];
if (mode === '--update') {
  writeFileSync(EXPECTED_FILE, `${JSON.stringify(stored, null, 2)}\n`);
  console.log(`stored Go's results of ${stored.length} cases in ${EXPECTED_FILE}`);
} else {
  // The stored results must be Go's: otherwise the unit test would check burn against something else.
  const expected = new Map(loadResults(EXPECTED_FILE).map((r) => [r.name, r]));
  for (const s of stored) {
    const e = expected.get(s.name);
    if (JSON.stringify(e) !== JSON.stringify(s)) problems.push(`${s.name}: expected.json is not what Go gives\n    stored: ${JSON.stringify(e)}\n    Go:     ${JSON.stringify(s)}\n    (run scripts/template/crosscheck --update)`);
  }
}
const burn = table.cases.map((c) => renderBurn(table, c));
problems.push(...compareAll(table, goLive, burn, true));
// Every function of sprig's map and kube-burner's must be exercised by at least one case.
const used = new Set(table.cases.flatMap((c) => [...c.tpl.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0])));
const functions = readFileSync(functionsFile, 'utf8').split('\n').filter(Boolean);
const unused = functions.filter((f) => !used.has(f));
if (unused.length > 0) problems.push(`functions no case calls: ${unused.join(' ')} (add cases to cases.yaml)`);
if (problems.length > 0) {
  console.log(problems.join('\n'));
  console.log(`\n${problems.length} difference(s) in ${table.cases.length} cases between Go's text/template + sprig v3.3.0 and burn`);
  process.exit(1);
}
console.log(`${table.cases.length} cases: burn renders byte for byte what Go's text/template + sprig v3.3.0 renders (all ${functions.length} functions of sprig's map and kube-burner's)`);
