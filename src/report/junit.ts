/**
 * junit.xml for CI: a testcase per job and per SLO verdict (failures carry the verdict's message),
 * and one for the run itself when it did not complete (timeout, interrupted, failed...).
 */
import type { Verdict } from '../slo/index.js';
import { escapeMarkup as esc } from './format.js';
import type { RunFolder } from './run-folder.js';
import { alertsByJob, type FiredAlert } from './run-view.js';

interface TestCase {
  name: string;
  classname: string;
  timeSeconds: number;
  failure?: { message: string; type: string; detail?: string };
  skipped?: string;
  systemOut?: string;
}

function renderCase(c: TestCase): string {
  const open = `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${c.timeSeconds.toFixed(3)}"`;
  const body: string[] = [];
  if (c.failure) body.push(`      <failure message="${esc(c.failure.message)}" type="${esc(c.failure.type)}">${esc(c.failure.detail ?? c.failure.message)}</failure>`);
  if (c.skipped !== undefined) body.push(`      <skipped message="${esc(c.skipped)}"/>`);
  if (c.systemOut) body.push(`      <system-out>${esc(c.systemOut)}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

function renderSuite(name: string, cases: TestCase[], timestamp: string): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = cases.reduce((s, c) => s + c.timeSeconds, 0);
  const head = `  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}" timestamp="${esc(timestamp)}">`;
  return [head, ...cases.map(renderCase), '  </testsuite>'].join('\n');
}

/**
 * A verdict as a test case: a failure fails it; an inconclusive one is skipped (nothing proven
 * either way, burn or the simulator was saturated); a diagnostic or second source is a test case
 * that passes, its figure in system-out.
 */
function verdictCase(v: Verdict): TestCase {
  const name = `${v.slo} ${v.key} (${v.source})`;
  const base = { name, classname: 'burn.slo', timeSeconds: 0, systemOut: v.message };
  if (v.state === 'pass' || !v.binding) return base;
  if (v.state === 'inconclusive') return { ...base, skipped: v.message };
  return { ...base, failure: { message: v.message, type: 'SLOViolation' } };
}

/** Every alert that fired: severity error or critical fails its test case (they exit 3); others pass, listed. */
function alertCase(a: FiredAlert): TestCase {
  const base = { name: `${a.severity} ${a.description || a.expr}`, classname: 'burn.alert', timeSeconds: Math.max(0, (a.lastMs - a.firstMs) / 1000), systemOut: `job ${a.job}: ${a.message}` };
  return a.severity === 'error' || a.severity === 'critical' ? { ...base, failure: { message: a.message || a.description, type: 'AlertFired' } } : base;
}

/** The JUnit XML document of a run folder. */
export function renderJunit(folder: RunFolder): string {
  const { meta } = folder;
  const jobCases: TestCase[] = folder.jobs.map((j) => ({
    name: j.jobName,
    classname: 'burn.job',
    timeSeconds: j.elapsedTime,
    systemOut: `${j.objectsCreated} objects, ${j.requests} requests, achieved ${j.achievedQps} qps`,
    ...(j.passed ? {} : { failure: { message: j.executionErrors || `job ${j.jobName} failed`, type: 'JobFailed' } }),
  }));
  const runSeconds = Math.max(0, (Date.parse(meta.end) - Date.parse(meta.start)) / 1000) || 0;
  const runCase: TestCase = {
    name: `run ${meta.uuid}`,
    classname: 'burn.run',
    timeSeconds: runSeconds,
    ...(meta.reason === 'completed'
      ? {}
      : { failure: { message: `run ended: ${meta.reason}`, type: 'RunNotCompleted', detail: [`run ended: ${meta.reason}`, ...meta.errors, ...meta.explanations].join('\n') } }),
  };
  const alertCases = alertsByJob(folder).map(alertCase);
  const suites = [
    renderSuite('burn run', [runCase], meta.start),
    renderSuite('burn jobs', jobCases, meta.start),
    renderSuite('burn SLOs', folder.verdicts.map(verdictCase), meta.end),
    ...(alertCases.length ? [renderSuite('burn alerts', alertCases, meta.end)] : []),
  ];
  const all = [runCase, ...jobCases, ...folder.verdicts.map(verdictCase), ...alertCases];
  const failures = all.filter((c) => c.failure).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="burn ${esc(meta.uuid)}" tests="${all.length}" failures="${failures}" errors="0" time="${runSeconds.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
