import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandStats, totalCalls } from '../benchmarks/commandstats';
import { Progress } from '../progress';
import { writeReport } from './json';
import { renderMarkdown, renderTable, summaryTable } from './markdown';
import { escapeXml, niceMax, renderBarChart, renderLineChart } from './svg';
import { type BenchmarkResult, type RunReport, targetMet } from './types';

const measured: BenchmarkResult = {
  id: 'ingest',
  title: 'ingest',
  description: 'what it measures',
  status: 'measured',
  comparison: {
    metric: 'throughput',
    unit: 'req/s',
    baselineLabel: 'raw',
    baseline: 1000,
    subjectLabel: 'gateway',
    subject: 500,
    ratio: 0.5,
    target: { op: '>=', value: 0.6 },
    met: false,
  },
  tables: [{ caption: 'Numbers', table: { columns: ['a', 'b|c'], rows: [['1', '2']] } }],
  plot: {
    kind: 'bar',
    title: 'bars <&>',
    unit: 'req/s',
    bars: [
      { label: 'raw', value: 1000 },
      { label: 'gateway', value: 500 },
    ],
  },
  notes: ['a note'],
  durationMs: 1234,
};
const placeholder: BenchmarkResult = {
  id: 'cache',
  title: 'cache',
  description: 'placeholder',
  status: 'not-measured',
  tables: [],
  notes: [],
  durationMs: 1,
};
const report: RunReport = {
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:01:00.000Z',
  quick: true,
  machine: { cpus: 2, cpuModel: 'CPU', node: 'v20', platform: 'linux' },
  results: [measured, placeholder],
};

describe('svg', () => {
  it('renders a bar chart with escaped text and one rect per bar', () => {
    const svg = renderBarChart(
      measured.plot?.kind === 'bar' ? measured.plot : { kind: 'bar', title: '', unit: '', bars: [] },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('bars &#60;&#38;&#62;');
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('renders a line chart with a limit line and skips infinite points', () => {
    const svg = renderLineChart({
      kind: 'line',
      title: 'lines',
      xLabel: 'x',
      yLabel: 'y',
      limit: { value: 2000, label: 'limit' },
      series: [
        {
          name: 's',
          points: [
            [1, 10],
            [2, Number.POSITIVE_INFINITY],
            [3, 30],
          ],
        },
      ],
    });
    expect(svg).toContain('stroke-dasharray');
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });

  it('picks nice axis maxima and escapes XML', () => {
    expect(niceMax(730)).toBe(1000);
    expect(niceMax(140)).toBe(200);
    expect(niceMax(0)).toBe(1);
    expect(escapeXml('"a" & <b>')).toBe('&#34;a&#34; &#38; &#60;b&#62;');
  });
});

describe('markdown', () => {
  it('renders tables with escaped pipes', () => {
    expect(renderTable({ columns: ['a', 'b|c'], rows: [['1', '2']] })).toBe(
      '| a | b\\|c |\n| --- | --- |\n| 1 | 2 |',
    );
  });

  it('says plainly when a target is missed and when nothing is measured', () => {
    const md = renderMarkdown(report, { ingest: 'ingest.svg' });
    expect(md).toContain('**Target missed:** gateway / raw = 0.5×, the target is >= 0.6×.');
    expect(md).toContain('**Targets missed:** ingest.');
    expect(md).toContain('> **Not measured yet.**');
    expect(md).toContain('![ingest](ingest.svg)');
    const summary = summaryTable(report.results);
    expect(summary.rows[0]?.at(-1)).toBe('MISSED');
    expect(summary.rows[1]?.at(-1)).toBe('not measured yet');
  });

  it('judges targets in both directions', () => {
    expect(targetMet(0.7, { op: '>=', value: 0.6 })).toBe(true);
    expect(targetMet(1.6, { op: '<=', value: 1.5 })).toBe(false);
    expect(targetMet(Number.NaN, { op: '>=', value: 0.6 })).toBe(false);
  });
});

describe('writeReport (smoke)', () => {
  it('writes latest.json, latest.md and the plots', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    try {
      const written = writeReport(
        {
          ...report,
          results: [{ ...measured, comparison: { ...measured.comparison!, ratio: Number.NaN } }, placeholder],
        },
        dir,
      );
      const json = JSON.parse(readFileSync(written.json, 'utf8')) as RunReport;
      expect(json.results).toHaveLength(2);
      expect(json.results[0]?.comparison?.ratio).toBeNull();
      expect(readFileSync(written.markdown, 'utf8')).toContain('# Parley benchmarks');
      expect(written.plots).toEqual([join(dir, 'ingest.svg')]);
      expect(readFileSync(join(dir, 'ingest.svg'), 'utf8')).toContain('<svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseCommandStats', () => {
  it('reads calls per command and leaves out the benchmark own INFO and CONFIG', () => {
    const info = [
      '# Commandstats',
      'cmdstat_evalsha:calls=12,usec=100,usec_per_call=8.3,rejected_calls=0,failed_calls=0',
      'cmdstat_info:calls=3,usec=1',
      'cmdstat_config|resetstat:calls=1,usec=1',
      'cmdstat_zadd:calls=5,usec=1',
    ].join('\r\n');
    const calls = parseCommandStats(info);
    expect(calls).toEqual({ evalsha: 12, zadd: 5 });
    expect(totalCalls(calls)).toBe(17);
  });
});

describe('Progress', () => {
  it('writes one plain line per new label when not a terminal', () => {
    const lines: string[] = [];
    const progress = new Progress(2, { isTTY: false, write: (t: string) => lines.push(t) });
    progress.update(0.5, 'first');
    progress.update(0.6, 'first');
    progress.next();
    progress.update(0, 'second');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[#+-+\] +25% \d+s first\n$/);
    expect(lines[1]).toMatch(/ 50% .*second/);
  });

  it('redraws in place on a terminal', () => {
    let out = '';
    const progress = new Progress(1, { isTTY: true, columns: 80, write: (t: string) => (out += t) });
    progress.update(1, 'done');
    expect(out.startsWith('\r\x1b[2K[')).toBe(true);
    expect(out).not.toContain('\n');
  });
});
