import type { BenchContext } from '../context';
import type { BenchmarkResult } from '../report/types';
import { fmt } from '../stats';
import { oracleHitRatio } from '../trace/oracle';
import { DEFAULT_TRACE, generateTrace, type TraceOptions } from '../trace/trace';

/**
 * cache: PLACEHOLDER. The semantic cache is being built elsewhere, so nothing is measured
 * against it yet. What runs is the trace generator and the oracle: the best hit ratio any exact
 * cache could reach on the trace, the ceiling the real cache will be compared to.
 */

const ID = 'cache';
const TITLE = 'cache (not measured yet)';
const DESCRIPTION =
  '**Placeholder: not measured yet.** The semantic cache is being built elsewhere. This section only generates the synthetic trace (Zipf-distributed prompts, s = 1.1, over a vocabulary of question templates; multi-turn conversations of simulated users) and computes the oracle hit ratio: a hit is possible only for a context-free first turn whose exact normalized prompt was seen before. No cache, baseline or target is measured.';

export async function runCache(ctx: BenchContext): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const trace: TraceOptions = ctx.options.quick
    ? { ...DEFAULT_TRACE, users: 10_000, messages: 50_000 }
    : { ...DEFAULT_TRACE, users: 1_000_000, messages: 2_000_000, vocabulary: 1_000_000 };
  ctx.progress.update(0.1, `cache: oracle over a ${trace.messages.toLocaleString('en-US')}-message trace`);
  const oracle = oracleHitRatio(generateTrace(trace));
  return {
    id: ID,
    title: TITLE,
    description: DESCRIPTION,
    status: 'not-measured',
    tables: [
      {
        caption: 'Trace and oracle (an upper bound for an exact-match cache, not a measurement of Parley)',
        table: {
          columns: [
            'users (ids)',
            'users seen',
            'messages',
            'vocabulary',
            'zipf s',
            'context-free first turns',
            'distinct prompts',
            'oracle hits',
            'oracle hit ratio (all messages)',
            'oracle hit ratio (first turns)',
          ],
          rows: [
            [
              trace.users.toLocaleString('en-US'),
              oracle.distinctUsers.toLocaleString('en-US'),
              oracle.messages.toLocaleString('en-US'),
              trace.vocabulary.toLocaleString('en-US'),
              String(trace.s),
              oracle.contextFree.toLocaleString('en-US'),
              oracle.distinctPrompts.toLocaleString('en-US'),
              oracle.hits.toLocaleString('en-US'),
              `${fmt(oracle.hitRatio * 100, 1)} %`,
              `${fmt(oracle.firstTurnHitRatio * 100, 1)} %`,
            ],
          ],
        },
      },
    ],
    plot: {
      kind: 'bar',
      title: 'cache (not measured yet): oracle hit ratio of the trace',
      unit: '%',
      bars: [
        { label: 'all messages', value: oracle.hitRatio * 100 },
        { label: 'first turns', value: oracle.firstTurnHitRatio * 100 },
      ],
    },
    notes: [
      'Not measured yet: the cache hit ratio, latency and LLM calls saved will be added when the semantic cache lands.',
    ],
    durationMs: Date.now() - startedAt,
  };
}
