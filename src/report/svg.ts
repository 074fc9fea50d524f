/**
 * Charts as inline SVG strings, so report.html needs no script and no network: line charts
 * (time series, CDFs), histograms and horizontal bar charts, with axes, ticks and a legend.
 */
import { escapeMarkup as esc } from './format.js';

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export interface Axis {
  label: string;
  format: (value: number) => string;
  min?: number;
  max?: number;
}

export interface Series {
  name: string;
  points: Array<[number, number]>;
  color: string;
  dashed?: boolean;
  /** Drawn wide and pale, under the others (a line others follow closely). */
  underlay?: boolean;
  /** A dot at each point (a short series: one point per run). */
  dots?: boolean;
  /** Left out of the legend (a second piece of a series already named there). */
  hideInLegend?: boolean;
}

/** A vertical line across the plot at `x`, labelled at its top (a change-point). */
export interface Marker {
  x: number;
  label: string;
  color: string;
}

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { top: 34, right: 16, bottom: 44, left: 64 };

/** Round tick values (1, 2, 5 x 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** At most `max` points, evenly spaced by index, first and last kept. */
export function downsample<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  svg: string[];
}

function frame(title: string, x: Axis & { min: number; max: number }, y: Axis & { min: number; max: number }, extraHeight = 0): Frame {
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = (v: number) => MARGIN.left + (x.max > x.min ? ((v - x.min) / (x.max - x.min)) * w : w / 2);
  const ys = (v: number) => MARGIN.top + h - (y.max > y.min ? ((v - y.min) / (y.max - y.min)) * h : h / 2);
  const svg = [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT + extraHeight}" width="${WIDTH}" height="${HEIGHT + extraHeight}" role="img" aria-label="${esc(title)}">`,
    `<text class="title" x="${MARGIN.left}" y="20">${esc(title)}</text>`,
  ];
  for (const t of niceTicks(y.min, y.max)) {
    svg.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${ys(t).toFixed(1)}" y2="${ys(t).toFixed(1)}"/>`);
    svg.push(`<text class="tick" x="${MARGIN.left - 6}" y="${(ys(t) + 4).toFixed(1)}" text-anchor="end">${esc(y.format(t))}</text>`);
  }
  for (const t of niceTicks(x.min, x.max)) {
    svg.push(`<text class="tick" x="${xs(t).toFixed(1)}" y="${MARGIN.top + h + 16}" text-anchor="middle">${esc(x.format(t))}</text>`);
  }
  svg.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${MARGIN.top + h}" y2="${MARGIN.top + h}"/>`);
  svg.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + h}"/>`);
  svg.push(`<text class="label" x="${MARGIN.left + w / 2}" y="${HEIGHT - 6}" text-anchor="middle">${esc(x.label)}</text>`);
  svg.push(`<text class="label" transform="translate(14 ${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text>`);
  return { x: xs, y: ys, svg };
}

const LEGEND_ROW = 16;

function legendWidth(name: string): number {
  return 28 + name.length * 6.2;
}

/** Legend items split into rows that fit the chart's width. */
function legendRows<T extends { name: string }>(items: T[]): T[][] {
  const rows: T[][] = [[]];
  let used = 0;
  for (const item of items) {
    if (used + legendWidth(item.name) > WIDTH - MARGIN.left - MARGIN.right && rows.at(-1)!.length > 0) {
      rows.push([]);
      used = 0;
    }
    rows.at(-1)!.push(item);
    used += legendWidth(item.name);
  }
  return rows.filter((r) => r.length > 0);
}

/** The legend, in rows under the x axis label. */
function legend(items: Array<{ name: string; color: string; dashed?: boolean }>): string {
  const parts: string[] = [];
  legendRows(items).forEach((row, r) => {
    const y = HEIGHT + 10 + r * LEGEND_ROW;
    let x = MARGIN.left;
    for (const item of row) {
      parts.push(`<line x1="${x.toFixed(1)}" x2="${(x + 16).toFixed(1)}" y1="${y - 4}" y2="${y - 4}" stroke="${item.color}" stroke-width="2.5"${item.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
      parts.push(`<text class="legend" x="${(x + 20).toFixed(1)}" y="${y}">${esc(item.name)}</text>`);
      x += legendWidth(item.name);
    }
  });
  return `<g class="legend-box">${parts.join('')}</g>`;
}

function extent(values: number[], fixedMin?: number, fixedMax?: number): { min: number; max: number } {
  let min = fixedMin ?? Infinity;
  let max = fixedMax ?? -Infinity;
  if (fixedMin === undefined) for (const v of values) min = Math.min(min, v);
  if (fixedMax === undefined) for (const v of values) max = Math.max(max, v);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1 };
  return max > min ? { min, max } : { min, max: min + 1 };
}

/** A line per series; points are drawn in the order given. */
export function lineChart(options: { title: string; x: Axis; y: Axis; series: Series[]; markers?: Marker[] }): string {
  const all = options.series.flatMap((s) => s.points);
  const x = { ...options.x, ...extent(all.map((p) => p[0]), options.x.min, options.x.max) };
  const y = { ...options.y, ...extent(all.map((p) => p[1]), options.y.min, options.y.max) };
  const named = options.series.filter((s) => !s.hideInLegend);
  const f = frame(options.title, x, y, 8 + legendRows(named).length * LEGEND_ROW);
  for (const m of options.markers ?? []) {
    const mx = f.x(m.x).toFixed(1);
    f.svg.push(`<line class="marker" data-marker="${esc(m.label)}" x1="${mx}" x2="${mx}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="${m.color}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    f.svg.push(`<text class="tick" x="${(Number(mx) + 3).toFixed(1)}" y="${MARGIN.top + 10}" fill="${m.color}">${esc(m.label)}</text>`);
  }
  const ordered = [...options.series.filter((s) => s.underlay), ...options.series.filter((s) => !s.underlay)];
  for (const s of ordered) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${f.x(px).toFixed(1)} ${f.y(py).toFixed(1)}`).join(' ');
    const stroke = s.underlay ? 'stroke-width="6" stroke-opacity="0.35"' : 'stroke-width="2"';
    f.svg.push(`<path class="series" data-series="${esc(s.name)}" data-points="${s.points.length}" d="${d}" fill="none" stroke="${s.color}" ${stroke}${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    if (s.dots) for (const [px, py] of s.points) f.svg.push(`<circle cx="${f.x(px).toFixed(1)}" cy="${f.y(py).toFixed(1)}" r="3" fill="${s.color}"/>`);
  }
  f.svg.push(legend(named), '</svg>');
  return f.svg.join('\n');
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Equal-width bins over the samples' range; by default as many as the Rice rule gives (2 n^(1/3)), 5 to 40. */
export function histogramBins(values: number[], binCount = Math.min(40, Math.max(5, Math.ceil(2 * Math.cbrt(values.length))))): Bin[] {
  const { min, max } = extent(values);
  const width = (max - min) / binCount;
  const bins: Bin[] = Array.from({ length: binCount }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const v of values) bins[Math.min(binCount - 1, Math.floor((v - min) / width))]!.count++;
  return bins;
}

export function histogramChart(options: { title: string; x: Axis; y: Axis; bins: Bin[]; color: string }): string {
  const x = { ...options.x, ...extent(options.bins.flatMap((b) => [b.from, b.to])) };
  const y = { ...options.y, ...extent(options.bins.map((b) => b.count), 0) };
  const f = frame(options.title, x, y);
  for (const b of options.bins) {
    if (b.count === 0) continue;
    const left = f.x(b.from);
    const top = f.y(b.count);
    f.svg.push(`<rect class="bar" x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, f.x(b.to) - left - 1).toFixed(1)}" height="${(f.y(0) - top).toFixed(1)}" fill="${options.color}"><title>${esc(`${options.x.format(b.from)}-${options.x.format(b.to)}: ${b.count}`)}</title></rect>`);
  }
  f.svg.push('</svg>');
  return f.svg.join('\n');
}

/** Horizontal bars, one per label, longest first as given. */
export function barChart(options: { title: string; bars: Array<{ label: string; value: number }>; format: (v: number) => string; color: string }): string {
  const rowHeight = 20;
  const labelWidth = Math.min(420, 16 + 6.2 * Math.max(...options.bars.map((b) => b.label.length), 10));
  const width = WIDTH;
  const height = 40 + options.bars.length * rowHeight;
  const max = Math.max(...options.bars.map((b) => b.value), 1e-9);
  const usable = width - labelWidth - 80;
  const svg = [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(options.title)}">`,
    `<text class="title" x="8" y="20">${esc(options.title)}</text>`,
  ];
  options.bars.forEach((b, i) => {
    const y = 32 + i * rowHeight;
    const w = Math.max(1, (b.value / max) * usable);
    svg.push(`<text class="tick" x="${labelWidth - 6}" y="${y + 13}" text-anchor="end">${esc(b.label)}</text>`);
    svg.push(`<rect class="bar" x="${labelWidth}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 5}" fill="${options.color}"/>`);
    svg.push(`<text class="tick" x="${(labelWidth + w + 4).toFixed(1)}" y="${y + 13}">${esc(options.format(b.value))}</text>`);
  });
  svg.push('</svg>');
  return svg.join('\n');
}
