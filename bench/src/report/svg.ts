import type { BarPlot, LinePlot, Plot } from './types';

/** Hand-written SVG charts: a bar chart and a line chart, no dependency. */

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { top: 40, right: 20, bottom: 50, left: 70 };
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948'];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function num(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0';
}

/** A "nice" upper bound for an axis (1, 2, 5 × 10^k). */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function shortNumber(value: number): string {
  if (Math.abs(value) >= 10_000) return `${Math.round(value / 1000)}k`;
  return String(Math.round(value * 100) / 100);
}

function frame(title: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

function yAxis(max: number, label: string): string {
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const y = MARGIN.top + plotH - (plotH * i) / 4;
    parts.push(
      `<line x1="${MARGIN.left}" y1="${num(y)}" x2="${WIDTH - MARGIN.right}" y2="${num(y)}" stroke="#e0e0e0"/>`,
      `<text x="${MARGIN.left - 6}" y="${num(y + 4)}" text-anchor="end">${escapeXml(shortNumber(value))}</text>`,
    );
  }
  parts.push(
    `<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">${escapeXml(label)}</text>`,
  );
  return parts.join('\n');
}

export function renderBarChart(plot: BarPlot): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = niceMax(Math.max(0, ...plot.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))));
  const slot = plotW / Math.max(1, plot.bars.length);
  const barW = Math.min(120, slot * 0.6);
  const bars = plot.bars.map((bar, i) => {
    const value = Number.isFinite(bar.value) ? bar.value : 0;
    const h = (plotH * value) / max;
    const x = MARGIN.left + slot * i + (slot - barW) / 2;
    const y = MARGIN.top + plotH - h;
    return [
      `<rect x="${num(x)}" y="${num(y)}" width="${num(barW)}" height="${num(h)}" fill="${COLORS[i % COLORS.length]}"><title>${escapeXml(`${bar.label}: ${value} ${plot.unit}`)}</title></rect>`,
      `<text x="${num(x + barW / 2)}" y="${num(y - 4)}" text-anchor="middle">${escapeXml(shortNumber(value))}</text>`,
      `<text x="${num(x + barW / 2)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(bar.label)}</text>`,
    ].join('\n');
  });
  return frame(plot.title, [yAxis(max, plot.unit), ...bars].join('\n'));
}

export function renderLineChart(plot: LinePlot): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const points = plot.series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xMax = niceMax(Math.max(0, ...points.map(([x]) => x)));
  const yMax = niceMax(Math.max(0, plot.limit?.value ?? 0, ...points.map(([, y]) => y)));
  const sx = (x: number) => MARGIN.left + (plotW * x) / xMax;
  const sy = (y: number) => MARGIN.top + plotH - (plotH * Math.min(y, yMax)) / yMax;
  const parts: string[] = [yAxis(yMax, plot.yLabel)];
  for (let i = 0; i <= 4; i++) {
    const x = (xMax * i) / 4;
    parts.push(
      `<text x="${num(sx(x))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(shortNumber(x))}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeXml(plot.xLabel)}</text>`,
  );
  if (plot.limit) {
    const y = sy(plot.limit.value);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${num(y)}" x2="${WIDTH - MARGIN.right}" y2="${num(y)}" stroke="#e15759" stroke-dasharray="6 4"/>`,
      `<text x="${WIDTH - MARGIN.right}" y="${num(y - 4)}" text-anchor="end" fill="#e15759">${escapeXml(plot.limit.label)}</text>`,
    );
  }
  plot.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length > 0) {
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${num(sx(x))},${num(sy(y))}`).join(' ')}"/>`,
        ...pts.map(([x, y]) => `<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="3" fill="${color}"/>`),
      );
    }
    parts.push(
      `<rect x="${MARGIN.left + 10 + i * 160}" y="${MARGIN.top - 12}" width="10" height="10" fill="${color}"/>`,
      `<text x="${MARGIN.left + 24 + i * 160}" y="${MARGIN.top - 3}">${escapeXml(series.name)}</text>`,
    );
  });
  return frame(plot.title, parts.join('\n'));
}

export function renderPlot(plot: Plot): string {
  return plot.kind === 'bar' ? renderBarChart(plot) : renderLineChart(plot);
}
