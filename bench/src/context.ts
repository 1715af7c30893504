import type { HttpClient } from '@parley/testing';
import type { BenchOptions } from './cli-args';
import type { Progress } from './progress';

/** What every benchmark gets from the runner. */
export interface BenchContext {
  options: BenchOptions;
  http: HttpClient;
  progress: Progress;
  /** Directory of this run's child-process logs. */
  logDir: string;
  /** Aborted on Ctrl+C: benchmarks stop early and clean up. */
  signal: AbortSignal;
}
