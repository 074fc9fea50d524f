import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/index.js';
import { CHROMIUM, chromium } from './chromium.js';
import { around, writeFixtureRun } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

let dir = '';
let html = '';
beforeAll(async () => {
  dir = await writeFixtureRun({ uuid: 'html-run', pods: 300, qps: 25, startupMs: (random, i) => (i % 10 === 0 ? 4000 : 1200) * (0.8 + 0.4 * random()) });
  dirs.push(dir);
  html = await readFile((await writeReports(dir)).html, 'utf8');
});

/** Appended to a copy of the report: measures what the browser laid out and writes it into the DOM. */
const RENDER_PROBE = `<script>
const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
  const box = (el) => { const b = el.getBBox(); return b.width > 0 && b.height > 0; };
  return {
    title: svg.querySelector('.title')?.textContent ?? '',
    paths: [...svg.querySelectorAll('path.series')].filter(box).map((p) => p.getTotalLength()),
    bars: [...svg.querySelectorAll('rect.bar')].filter(box).length,
    width: svg.getBoundingClientRect().width,
  };
});
const out = document.createElement('pre');
out.id = 'render-probe';
out.textContent = JSON.stringify(charts);
document.body.append(out);
</script>`;

interface Drawn {
  title: string;
  paths: number[];
  bars: number;
  width: number;
}

describe('report.html', () => {
  it('is one self-contained file: inline style, no script, no external URL', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    for (const url of html.match(/https?:\/\/[^\s"<]+/g) ?? []) expect(url).toMatch(/^(http:\/\/www\.w3\.org\/2000\/svg|https:\/\/127\.0\.0\.1:6443)$/);
  });

  it('opens with the verdict banner, the failed SLOs, burn\'s saturation and the alerts, then the charts', () => {
    const body = html.slice(html.indexOf('<body>'));
    expect(body).toMatch(/^<body>\n<h1>burn run html-run<\/h1>\n<div class="banner pass"><span class="word">PASS<\/span>/);
    const order = ['class="banner', "<h3>burn's saturation</h3>", '<h3>Alerts fired</h3>', '<h2>Pod startup latency</h2>', '<h2>Measurements</h2>', '<h2>SLO verdicts</h2>'].map((m) => body.indexOf(m));
    for (const at of order) expect(at).toBeGreaterThan(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('puts a failed SLO with its margin, burn\'s saturation and a warning alert in the banner', async () => {
    const alert = { name: 'prometheus', documents: [], quantiles: [], thresholds: [], slis: [], errors: [], alerts: [{ expr: 'up == 0', description: 'etcd leader changes', severity: 'warning' as const, firstMs: 0, lastMs: 1, message: 'etcd leader changed 3 times' }] };
    const saturation = { name: 'saturation', documents: [], quantiles: [], thresholds: [], slis: [], errors: [], saturation: [{ source: 'burn' as const, samples: 30, loopDelayP99Ms: 120, saturatedFraction: 0.3, saturated: true }] };
    const failed = await writeFixtureRun({ uuid: 'html-fail', pods: 50, startupMs: around(7000), extraResults: [alert, saturation] });
    dirs.push(failed);
    const page = await readFile((await writeReports(failed)).html, 'utf8');
    const banner = page.slice(page.indexOf('<body>'), page.indexOf('<h2>'));
    expect(banner).toContain('<div class="banner fail"><span class="word">FAIL</span> <span>1 SLO failed</span>');
    expect(banner).toMatch(/<h3>Failed SLOs<\/h3>.*<td>Pod startup latency<\/td><td>pods<\/td><td class="num">max \d\.\d\ds<\/td><td class="num">5\.00s<\/td><td class="num">-\d\.\d\ds \(-\d+%\)<\/td>/s);
    expect(banner).toContain('burn was saturated: event-loop delay p99 up to 120ms');
    expect(banner).toMatch(/<span class="inconclusive">warning<\/span>.*etcd leader changed 3 times/s);
  });

  it('has the sections a reader needs', () => {
    for (const heading of ['Run', 'Jobs', 'Pod startup latency', 'Pods over time', 'API latency', 'Measurements', 'SLO verdicts', 'Config']) expect(html).toContain(`<h2>${heading}</h2>`);
    // every measurement's series with its sample count, without report code naming them
    expect(html).toMatch(/<h3>podLatency<\/h3><table><thead><tr><th>job<\/th><th>series<\/th><th>P50 \(server, 1 s\)<\/th>/);
    expect(html).toMatch(/<td>create-pods<\/td><td>PodStartup<\/td>.*<td class="num">300<\/td><\/tr>/);
    expect(html).toContain('create-pods: pod latency CDF per condition');
    expect(html).toContain('API call p99 per verb over time (client side, 10 s buckets, worst resource)');
    expect(html).toContain('&quot;qps&quot;: 25');
  });

  it.skipIf(!CHROMIUM)('draws its charts in headless Chromium', async () => {
    const probed = join(dir, 'report-probe.html');
    await writeFile(probed, html.replace('</body>', `${RENDER_PROBE}</body>`));
    const dom = await chromium(probed, ['--dump-dom', '--virtual-time-budget=5000']);
    const json = /<pre id="render-probe">([^<]*)<\/pre>/.exec(dom)?.[1];
    expect(json, 'the probe script ran').toBeDefined();
    const charts = JSON.parse(json!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Drawn[];
    const byTitle = (part: string) => charts.filter((c) => c.title.includes(part));
    // CDF: one drawn line per condition that has latencies
    const [cdf] = byTitle('CDF');
    expect(cdf!.paths.length).toBeGreaterThanOrEqual(4);
    for (const length of cdf!.paths) expect(length).toBeGreaterThan(100);
    // a histogram per condition, bars drawn, the 4 s tail visible as a separate group
    const histograms = byTitle('pods)').filter((c) => c.bars > 0);
    expect(histograms.length).toBeGreaterThanOrEqual(4);
    // created / scheduled / ready against the configured qps
    const [timeline] = byTitle('pods created, scheduled and ready');
    expect(timeline!.paths).toHaveLength(4);
    const [p99] = byTitle('p99 per verb and resource');
    expect(p99!.bars).toBe(2);
    for (const chart of charts) expect(chart.width).toBeGreaterThan(300);
  }, 120_000);

  it.skipIf(!CHROMIUM)('renders to a screenshot', async () => {
    const png = join(dir, 'report.png');
    await chromium(join(dir, 'report.html'), [`--screenshot=${png}`, '--hide-scrollbars']);
    expect((await stat(png)).size).toBeGreaterThan(50_000);
    if (process.env.BURN_KEEP_SCREENSHOT) await writeFile(process.env.BURN_KEEP_SCREENSHOT, await readFile(png));
  }, 120_000);

});
