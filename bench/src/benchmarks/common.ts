import { type BenchmarkResult, type Comparison, type Target, targetMet } from '../report/types';
import { ratio } from '../stats';

/** Builders shared by the benchmarks. */

export function compare(o: Omit<Comparison, 'ratio' | 'met' | 'target'> & { target: Target }): Comparison {
  const r = ratio(o.subject, o.baseline);
  return { ...o, ratio: r, met: targetMet(r, o.target) };
}

export function failed(
  id: string,
  title: string,
  description: string,
  err: unknown,
  startedAt: number,
): BenchmarkResult {
  return {
    id,
    title,
    description,
    status: 'failed',
    tables: [],
    notes: [],
    error: err instanceof Error ? err.message : String(err),
    durationMs: Date.now() - startedAt,
  };
}

export type Benchmark = (ctx: import('../context').BenchContext) => Promise<BenchmarkResult>;
