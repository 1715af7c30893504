import { fmt } from '../stats';
import type { BenchmarkResult, Comparison, RunReport, Table } from './types';

/** latest.md: a summary table, then a section per benchmark with its tables and plot. */

export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderTable(table: Table): string {
  const lines = [
    `| ${table.columns.map(escapeCell).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function targetText(c: Comparison): string {
  return `${c.target.op} ${c.target.value}×`;
}

export function verdictText(result: BenchmarkResult): string {
  if (result.status === 'not-measured') return 'not measured yet';
  if (result.status === 'failed') return 'FAILED to run';
  if (!result.comparison) return '–';
  return result.comparison.met ? 'met' : 'MISSED';
}

/** One row per benchmark: baseline, Parley, ratio, target, verdict. */
export function summaryTable(results: readonly BenchmarkResult[]): Table {
  return {
    columns: ['benchmark', 'metric', 'baseline', 'Parley', 'ratio', 'target', 'verdict'],
    rows: results.map((r) => {
      const c = r.comparison;
      return [
        r.title,
        c ? `${c.metric} (${c.unit})` : '–',
        c ? `${fmt(c.baseline)} (${c.baselineLabel})` : '–',
        c ? fmt(c.subject) : '–',
        c ? `${fmt(c.ratio)}×` : '–',
        c ? targetText(c) : '–',
        verdictText(r),
      ];
    }),
  };
}

export function renderBenchmark(result: BenchmarkResult, plotFile: string | undefined): string {
  const parts = [`## ${result.title}`, '', result.description, ''];
  if (result.status === 'not-measured') parts.push('> **Not measured yet.**', '');
  if (result.status === 'failed')
    parts.push(`> **This benchmark failed to run:** ${result.error ?? 'unknown error'}`, '');
  const c = result.comparison;
  if (c) {
    const line = c.met
      ? `**Target met:** ${c.subjectLabel} / ${c.baselineLabel} = ${fmt(c.ratio)}× (target ${targetText(c)}).`
      : `**Target missed:** ${c.subjectLabel} / ${c.baselineLabel} = ${fmt(c.ratio)}×, the target is ${targetText(c)}.`;
    parts.push(line, '');
  }
  for (const { caption, table } of result.tables) parts.push(`**${caption}**`, '', renderTable(table), '');
  if (plotFile) parts.push(`![${result.title}](${plotFile})`, '');
  for (const note of result.notes) parts.push(`- ${note}`);
  if (result.notes.length > 0) parts.push('');
  parts.push(`_Took ${fmt(result.durationMs / 1000, 1)} s._`, '');
  return parts.join('\n');
}

/** The whole report; `plotFiles` maps a benchmark id to its SVG file name (relative). */
export function renderMarkdown(report: RunReport, plotFiles: Record<string, string>): string {
  const m = report.machine;
  const missed = report.results.filter((r) => r.comparison && !r.comparison.met).map((r) => r.title);
  const parts = [
    '# Parley benchmarks',
    '',
    `Run ${report.startedAt} → ${report.finishedAt}${report.quick ? ' (`--quick`)' : ''} on ${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${m.platform}. Every figure below was measured in this run; each baseline ran on the same machine in the same run.`,
    '',
    renderTable(summaryTable(report.results)),
    '',
    missed.length > 0 ? `**Targets missed:** ${missed.join(', ')}.` : '**Every measured target was met.**',
    '',
  ];
  for (const result of report.results) parts.push(renderBenchmark(result, plotFiles[result.id]));
  return parts.join('\n');
}
