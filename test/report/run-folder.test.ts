import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasurementResult } from '../../src/measure/types.js';
import { checkRunFolderWritable, documentFiles, firedAlerts, jobSummaryDocument, measurementRecords, readRunFolder, writeRunFolder, type RunRecord } from '../../src/report/run-folder.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-run-folder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const results: MeasurementResult[] = [
  {
    name: 'podLatency',
    documents: [
      { fileName: 'podLatencyQuantilesMeasurement-create.json', docs: [{ metricName: 'podLatencyQuantilesMeasurement', quantileName: 'Ready', P99: 1200, jobName: 'create' }] },
      { fileName: 'podLatencyMeasurement-create.json', docs: [{ metricName: 'podLatencyMeasurement', podName: 'p-1', jobName: 'create' }] },
    ],
    quantiles: [{ name: 'Ready', clock: 'watch-ms', count: 3, p50: 900, p90: 1100, p95: 1150, p99: 1200, min: 800, max: 1200, avg: 950 }],
    thresholds: [{ key: 'podLatency Ready P99', value: 1200, threshold: 5000, unit: 'ms', passed: true, message: 'ok' }],
    slis: [{ sli: 'podStartup', source: 'watch', clock: 'watch-ms', count: 3, p50: 900, p90: 1100, p99: 1200, excluded: 0, neverReady: 0 }],
    invalid: { count: 0, total: 3 },
    errors: [],
    warnings: ['no RBAC to watch events'],
  },
  {
    name: 'prometheus',
    documents: [],
    quantiles: [],
    thresholds: [],
    slis: [],
    alerts: [{ expr: 'up == 0', description: 'down', severity: 'warning', firstMs: 1, lastMs: 2, message: 'target down' }],
    errors: ['query failed'],
    abortRun: false,
  },
];

function record(): RunRecord {
  return {
    uuid: 'u-1',
    runId: 'r-1',
    burnVersion: '9.9.9',
    configFile: 'configs/x.yaml',
    configDigest: 'a'.repeat(64),
    config: { global: { gc: true }, jobs: ['create', 'second'], metricsEndpoints: ['http://127.0.0.1:9090'] },
    start: '2026-11-30T01:00:00.000Z',
    end: '2026-11-30T01:05:00.000Z',
    reason: 'failed',
    errors: ['job second: measurement x failed to start'],
    explanations: ['2 pods Pending: no nodes'],
    cluster: { target: 'sim', k8sVersion: 'v1.33.0-sim', totalNodes: 3, server: 'https://127.0.0.1:1234', simProfile: 'slow-pods' },
    metadata: { team: 'perf' },
    created: '2 namespaces, 4 Pod',
    burnProcess: { cpuUserMs: 1200, cpuSystemMs: 300, maxRssMb: 120 },
    alerts: firedAlerts(results),
    jobs: [
      {
        name: 'create',
        jobType: 'create',
        jobConfig: { name: 'create', qps: 20, burst: 20 },
        start: '2026-11-30T01:00:01.000Z',
        end: '2026-11-30T01:02:00.000Z',
        passed: true,
        errors: [],
        explanations: [],
        requests: 15,
        achievedQps: 15,
        sendingMs: 60,
        objectsCreated: 15,
        uncertainCreates: 1,
        alreadyExists: 0,
        churnCycles: 1,
        churnStart: '2026-11-21T10:00:20.000Z',
        churnEnd: '2026-11-21T10:00:30.000Z',
        measurements: measurementRecords(results),
      },
      {
        name: 'second',
        jobType: 'patch',
        jobConfig: { name: 'second' },
        start: '2026-11-30T01:02:00.000Z',
        end: '2026-11-30T01:02:01.000Z',
        passed: false,
        errors: ['measurement x failed to start'],
        explanations: ['2 pods Pending: no nodes'],
        requests: 0,
        achievedQps: 0,
        sendingMs: 0,
        objectsCreated: 0,
        uncertainCreates: 0,
        alreadyExists: 0,
        churnCycles: 0,
        measurements: [],
      },
    ],
    documentFiles: documentFiles(results),
  };
}

describe('the run folder', () => {
  it('reads back every field it writes, and writes nothing it does not read', async () => {
    const runDir = join(dir, 'round-trip');
    const written = record();
    const { exitCode, verdicts } = await writeRunFolder(runDir, written);
    const folder = await readRunFolder(runDir);
    const { gradingExitCode, ...readBack } = folder.meta;
    expect(readBack).toEqual(written);
    expect(gradingExitCode).toBe(exitCode);
    expect(folder.verdicts.map((v) => v.key)).toEqual(verdicts.map((v) => v.key));

    // Nothing in run.json that the reader does not turn into a field of the record.
    const runJson = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    expect(Object.keys(runJson).sort()).toEqual(Object.keys(folder.meta).sort());
    expect(Object.keys(runJson.jobs[0]).sort()).toEqual(Object.keys(folder.meta.jobs[0]!).sort());
    expect(Object.keys(runJson.jobs[0].measurements[0]).sort()).toEqual(Object.keys(folder.meta.jobs[0]!.measurements[0]!).sort());

    // jobSummary.json is kube-burner's view of the same jobs, and what reports read as folder.jobs.
    const summaries = JSON.parse(await readFile(join(runDir, 'jobSummary.json'), 'utf8'));
    expect(summaries).toEqual(written.jobs.map((j) => jobSummaryDocument(written, j)));
    // kube-burner's churn window fields, on the job that churned only.
    expect([summaries[0].churnStartTimestamp, summaries[0].churnEndTimestamp]).toEqual(['2026-11-21T10:00:20.000Z', '2026-11-21T10:00:30.000Z']);
    expect(summaries[1]).not.toHaveProperty('churnStartTimestamp');
    expect(folder.jobs.map((j) => [j.jobName, j.requests, j.achievedQps, j.passed, j.executionErrors])).toEqual([
      ['create', 15, 15, true, ''],
      ['second', 0, 0, false, 'measurement x failed to start'],
    ]);
    expect(summaries[0].team).toBe('perf');

    // Documents: one file each, indexed by metricName for reports.
    expect(folder.documents.get('podLatencyQuantilesMeasurement')).toEqual([{ metricName: 'podLatencyQuantilesMeasurement', quantileName: 'Ready', P99: 1200, jobName: 'create' }]);
    expect(folder.meta.jobs[0]!.measurements[0]!.files).toEqual(['podLatencyQuantilesMeasurement-create.json', 'podLatencyMeasurement-create.json']);
  });

  it('grades in one place: slo.json says the run ended early and carries the grading exit code', async () => {
    const runDir = join(dir, 'slo');
    const { exitCode } = await writeRunFolder(runDir, record());
    const slo = JSON.parse(await readFile(join(runDir, 'slo.json'), 'utf8'));
    expect(slo.reason).toBe('failed');
    expect(slo.exitCode).toBe(exitCode);
    expect(slo.verdicts.some((v: { slo: string }) => v.slo === 'Pod startup latency')).toBe(true);
  });

  it('refuses a --report-dir that is a file before anything is created, and accepts a folder still to be made', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    await expect(checkRunFolderWritable(file)).rejects.toThrow(/--report-dir .*a-file: exists and is not a folder/);
    await expect(checkRunFolderWritable(join(file, 'below'))).rejects.toThrow(/a-file is a file, not a folder/);
    await expect(checkRunFolderWritable(join(dir, 'new', 'deeper'))).resolves.toBeUndefined();
    await expect(readFile(join(dir, 'new'))).rejects.toThrow(/ENOENT/);
  });
});
