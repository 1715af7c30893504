/** A small SVG line chart: stacked panels sharing the time axis, one y scale per panel. */

export interface Series {
  name: string;
  points: Array<[number, number]>;
  color: string;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
  /** A horizontal reference line, e.g. the SLO. */
  limit?: { value: number; label: string };
}

const WIDTH = 900;
const PANEL_HEIGHT = 170;
const LEFT = 60;
const RIGHT = 20;
const TOP = 30;
const GAP = 45;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number) => (Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));

/** A tick step of 1, 2 or 5 × 10^k that gives about `count` ticks. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  const unit = raw / pow;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * pow;
}

export function renderChart(title: string, xLabel: string, panels: Panel[]): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const height = TOP + panels.length * (PANEL_HEIGHT + GAP) + 20;
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points));
  const xMax = Math.max(1, ...all.map(([x]) => x));
  const x = (v: number) => LEFT + (v / xMax) * plotWidth;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const top = TOP + i * (PANEL_HEIGHT + GAP) + 15;
    const bottom = top + PANEL_HEIGHT;
    const values = panel.series.flatMap((s) => s.points.map(([, v]) => v));
    const yMax = Math.max(1e-9, ...values, panel.limit ? panel.limit.value * 1.1 : 0) * 1.05;
    const y = (v: number) => bottom - (v / yMax) * PANEL_HEIGHT;
    out.push(
      `<text x="${LEFT}" y="${top - 5}" font-weight="bold">${esc(panel.title)} (${esc(panel.unit)})</text>`,
    );
    const step = niceStep(yMax, 4);
    for (let v = 0; v <= yMax; v += step) {
      out.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${LEFT - 5}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
    }
    const xStep = niceStep(xMax, 10);
    for (let v = 0; v <= xMax; v += xStep) {
      out.push(`<text x="${x(v)}" y="${bottom + 14}" text-anchor="middle">${fmt(v)}</text>`);
    }
    out.push(
      `<rect x="${LEFT}" y="${top}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="none" stroke="#999"/>`,
    );
    if (panel.limit) {
      const ly = y(panel.limit.value);
      out.push(
        `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${ly}" y2="${ly}" stroke="#d62728" stroke-dasharray="2,3"/>`,
      );
      out.push(
        `<text x="${LEFT + plotWidth - 4}" y="${ly - 4}" text-anchor="end" fill="#d62728">${esc(panel.limit.label)}</text>`,
      );
    }
    panel.series.forEach((s, j) => {
      if (s.points.length === 0) return;
      const d = s.points
        .map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`)
        .join('');
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`,
      );
      const lx = LEFT + 10 + j * 210;
      out.push(
        `<line x1="${lx}" x2="${lx + 20}" y1="${top + 12}" y2="${top + 12}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`,
      );
      out.push(`<text x="${lx + 25}" y="${top + 16}">${esc(s.name)}</text>`);
    });
  });
  out.push(`<text x="${LEFT + plotWidth / 2}" y="${height - 4}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
