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

  it('has the sections a reader needs', () => {
    for (const heading of ['Jobs', 'Pod startup latency', 'Pods over time', 'API latency', 'SLO verdicts', 'Config']) expect(html).toContain(`<h2>${heading}</h2>`);
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

  it.runIf(!CHROMIUM)('skips the browser checks: chromium is not installed', () => {
    console.warn('report.html browser checks skipped: install Debian\'s chromium package to run them');
  });
});
