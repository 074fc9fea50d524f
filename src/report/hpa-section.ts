/**
 * report.html's scale-out section (hpaScaleOut documents): per HPA, the current and desired replicas
 * and the ready pods over time, and a table of each scale-out: from the load's start to the HPA's
 * decision, then from the decision to the new pods created, scheduled and ready.
 */
import { formatMs, formatNumber, escapeMarkup as esc } from './format.js';
import { docsOf, num, str, type JsonObject, type RunFolder } from './run-folder.js';
import { PALETTE, lineChart, type Series } from './svg.js';

/** A step line: each value holds until the next sample. */
function steps(samples: JsonObject[], field: string): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (const s of samples) {
    const x = num(s.second, 0);
    if (points.length) points.push([x, points.at(-1)![1]]);
    points.push([x, num(s[field], 0)]);
  }
  return points;
}

export function hpaSection(folder: RunFolder): string {
  const timeline = docsOf(folder, 'hpaTimeline');
  const scaleOuts = docsOf(folder, 'hpaScaleOutMeasurement');
  if (timeline.length === 0 && scaleOuts.length === 0) return '';
  const charts = [...new Set(timeline.map((d) => `${str(d.jobName)}|${str(d.hpa)}`))].map((key) => {
    const [job, hpa] = key.split('|') as [string, string];
    const samples = timeline.filter((d) => str(d.jobName) === job && str(d.hpa) === hpa);
    const series: Series[] = [
      { name: 'desired', points: steps(samples, 'desiredReplicas'), color: PALETTE[1]!, dashed: true },
      { name: 'current', points: steps(samples, 'currentReplicas'), color: PALETTE[0]! },
      { name: 'ready pods', points: steps(samples, 'readyPods'), color: PALETTE[2]! },
    ];
    return lineChart({ title: `${hpa}: replicas over time (job ${job})`, x: { label: 'seconds since the job started', format: (v) => `${formatNumber(v, 0)}s`, min: 0 }, y: { label: 'replicas', format: (v) => formatNumber(v, 0), min: 0 }, series });
  });
  const cell = (v: unknown) => (v === null || v === undefined ? 'not reached' : formatMs(num(v, 0)));
  const rows = scaleOuts.map((d) => [str(d.jobName), str(d.hpa), `${num(d.fromReplicas, 0)} -> ${num(d.toReplicas, 0)}`, cell(d.decisionMs), cell(d.podsCreatedMs), cell(d.podsScheduledMs), cell(d.podsReadyMs)].map(esc));
  const head = ['job', 'HPA', 'replicas', 'load start -> decision', 'decision -> pods created', '-> scheduled', '-> ready'];
  const table = rows.length
    ? `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 2 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`
    : '<p class="note">No scale-out happened while the job ran.</p>';
  return `<h2>Scale-out (HPA)</h2><p class="meta">As burn's watch saw them: each HPA's replicas over time and each scale-out's latency.</p><div class="grid">${charts.join('\n')}</div>${table}`;
}
