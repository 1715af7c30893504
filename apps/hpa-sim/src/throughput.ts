import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Used when no benchmark report exists: a worker's default WORKER_CONCURRENCY (32 lanes) over an
 * LLM answer of about 3 s gives about 10 updates per second per pod.
 */
export const DEFAULT_POD_THROUGHPUT = 10;

const reportSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      comparison: z.object({ subject: z.number() }).optional(),
    }),
  ),
});

export interface ThroughputChoice {
  perPod: number;
  source: string;
}

/**
 * The per-pod throughput from the benchmark report: the inline-bot figure (one worker's sustained
 * rate with a real-latency LLM and p95 under 2 s) when measured, else the pipeline's (one worker,
 * instant LLM: an upper bound), else the documented default.
 */
export function podThroughputFrom(reportPath: string, label = reportPath): ThroughputChoice {
  if (!existsSync(reportPath)) {
    return { perPod: DEFAULT_POD_THROUGHPUT, source: `default (no ${label})` };
  }
  let report: z.infer<typeof reportSchema>;
  try {
    report = reportSchema.parse(JSON.parse(readFileSync(reportPath, 'utf8')));
  } catch {
    return { perPod: DEFAULT_POD_THROUGHPUT, source: `default (${label} is not a benchmark report)` };
  }
  for (const id of ['inline-bot', 'pipeline']) {
    const r = report.results.find((x) => x.id === id);
    const subject = r?.comparison?.subject;
    if (r?.status === 'measured' && subject !== undefined && subject > 0) {
      return { perPod: subject, source: `${id} benchmark in ${label}` };
    }
  }
  return {
    perPod: DEFAULT_POD_THROUGHPUT,
    source: `default (no measured inline-bot or pipeline figure in ${label})`,
  };
}
