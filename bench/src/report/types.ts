/** The shape of one benchmark's outcome, as written to latest.json and rendered to latest.md. */

export interface BarPlot {
  kind: 'bar';
  title: string;
  unit: string;
  bars: Array<{ label: string; value: number }>;
}

export interface LinePlot {
  kind: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  series: Array<{ name: string; points: Array<[number, number]> }>;
  /** A horizontal reference line (e.g. a latency limit). */
  limit?: { value: number; label: string };
}

export type Plot = BarPlot | LinePlot;

export interface Target {
  /** The ratio must be at least (>=) or at most (<=) `value`. */
  op: '>=' | '<=';
  value: number;
}

export interface Comparison {
  metric: string;
  unit: string;
  baselineLabel: string;
  baseline: number;
  subjectLabel: string;
  subject: number;
  /** subject / baseline. */
  ratio: number;
  target: Target;
  met: boolean;
}

export interface Table {
  columns: string[];
  rows: string[][];
}

export interface BenchmarkResult {
  id: string;
  title: string;
  /** What is measured, one paragraph. */
  description: string;
  status: 'measured' | 'not-measured' | 'failed';
  comparison?: Comparison;
  tables: Array<{ caption: string; table: Table }>;
  plot?: Plot;
  notes: string[];
  error?: string;
  durationMs: number;
}

export interface RunReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  results: BenchmarkResult[];
}

export function targetMet(ratioValue: number, target: Target): boolean {
  if (!Number.isFinite(ratioValue)) return false;
  return target.op === '>=' ? ratioValue >= target.value : ratioValue <= target.value;
}
