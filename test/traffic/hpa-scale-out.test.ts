/**
 * configs/hpa-scale-out.yaml on the simulator: load ramps on a modelled application, its HPA scales
 * the Deployment out, new pods become ready; the run passes (exit 0), and exits 4 naming the
 * threshold it cannot meet. (Shortened stages: the story, not its length.)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burnCli } from '../helpers/burn-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-hpa-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const CONFIG = resolve('configs/hpa-scale-out.yaml');

async function run(name: string, env: Record<string, string>) {
  const reportDir = join(dir, name);
  const r = await burnCli(['init', '-c', CONFIG, '--sim', '--sim-nodes', '3', '--report-dir', reportDir], { env: { RAMP: '10s', HOLD: '25s', ...env } });
  return { ...r, reportDir, output: r.stdout + r.stderr };
}

describe('configs/hpa-scale-out.yaml --sim', () => {
  it('tells the story: the HPA scales out under the ramp, pods become ready, the report shows replicas and scale-out latency; an unmeetable threshold exits 4 naming it', async () => {
    // Two runs of their own simulators, side by side: the second needs nothing of the first.
    const [ok, unmet] = await Promise.all([run('ok', {}), run('unmet', { READY: '1ms' })]);
    const bottleneck = /burn was the bottleneck/.test(ok.output);
    expect(ok.code, ok.output).toBe(bottleneck ? 5 : 0);
    const scaleOuts = JSON.parse(await readFile(join(ok.reportDir, 'hpaScaleOutMeasurement-ad-load.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(scaleOuts.length).toBeGreaterThan(0);
    expect(scaleOuts[0]).toMatchObject({ hpa: 'hpa-demo/ad-server', fromReplicas: 1 });
    expect(scaleOuts[0]!.toReplicas as number).toBeGreaterThan(1);
    expect(scaleOuts[0]!.podsReadyMs as number).toBeGreaterThan(0);
    const timeline = JSON.parse(await readFile(join(ok.reportDir, 'hpaTimeline-ad-load.json'), 'utf8')) as Array<Record<string, number>>;
    expect(Math.max(...timeline.map((t) => t.readyPods))).toBeGreaterThan(1);
    const html = await readFile(join(ok.reportDir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Scale-out (HPA)</h2>');
    expect(html).toContain('hpa-demo/ad-server: replicas over time');
    expect(html).toContain('ad-load: latency from the intended start');
    expect(ok.output).toMatch(/ad-load total: \d+ sent/);

    expect(unmet.code, unmet.output).toBe(4);
    expect(unmet.output).toMatch(/hpaScaleOut PodsReady Max/);
  }, 600_000);
});
