import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from './markdown';
import { renderPlot } from './svg';
import type { RunReport } from './types';

/** Writes latest.json, latest.md and one `<id>.svg` per benchmark with a plot into `outDir`. */
export function writeReport(
  report: RunReport,
  outDir: string,
): { json: string; markdown: string; plots: string[] } {
  mkdirSync(outDir, { recursive: true });
  const plotFiles: Record<string, string> = {};
  const plots: string[] = [];
  for (const result of report.results) {
    if (!result.plot) continue;
    const file = `${result.id}.svg`;
    writeFileSync(join(outDir, file), renderPlot(result.plot));
    plotFiles[result.id] = file;
    plots.push(join(outDir, file));
  }
  const json = join(outDir, 'latest.json');
  const markdown = join(outDir, 'latest.md');
  writeFileSync(json, JSON.stringify(report, (_key, value: unknown) => jsonSafe(value), 2) + '\n');
  writeFileSync(markdown, renderMarkdown(report, plotFiles));
  return { json, markdown, plots };
}

/** JSON has no NaN or Infinity: they become null. */
function jsonSafe(value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
