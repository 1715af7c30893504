import { mkdtempSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '@parley/testing';
import { runCache } from './benchmarks/cache';
import type { Benchmark } from './benchmarks/common';
import { runCost } from './benchmarks/cost';
import { runIngest } from './benchmarks/ingest';
import { runInlineBot } from './benchmarks/inline-bot';
import { runPipeline } from './benchmarks/pipeline';
import type { BenchmarkId, BenchOptions } from './cli-args';
import { Progress } from './progress';
import type { BenchmarkResult, RunReport } from './report/types';

/** Runs the chosen benchmarks one after the other and collects the report. */

export const BENCHMARKS: Record<BenchmarkId, Benchmark> = {
  ingest: runIngest,
  pipeline: runPipeline,
  'inline-bot': runInlineBot,
  cache: runCache,
  cost: runCost,
};

export async function runBenchmarks(
  options: BenchOptions,
  signal: AbortSignal,
): Promise<{ report: RunReport; logDir: string }> {
  const startedAt = new Date();
  const logDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const progress = new Progress(options.only.length);
  const http = new HttpClient({ maxSockets: 512, timeoutMs: 30_000 });
  progress.log(`child-process logs in ${logDir}`);
  const results: BenchmarkResult[] = [];
  try {
    for (const id of options.only) {
      if (signal.aborted) break;
      progress.update(0, `${id}: starting`);
      const result = await BENCHMARKS[id]({ options, http, progress, logDir, signal });
      results.push(result);
      progress.next();
      const c = result.comparison;
      const verdict =
        result.status === 'measured' && c
          ? `ratio ${c.ratio.toFixed(2)}× (${c.met ? 'target met' : 'target MISSED'})`
          : result.status;
      progress.log(
        `${id}: ${verdict}${result.error ? `: ${result.error}` : ''} in ${(result.durationMs / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    progress.finish();
    http.close();
  }
  const cpu = cpus();
  return {
    logDir,
    report: {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      quick: options.quick,
      machine: {
        cpus: cpu.length,
        cpuModel: cpu[0]?.model.trim() ?? 'unknown CPU',
        node: process.version,
        platform: `${platform()} ${release()}`,
      },
      results,
    },
  };
}
