import { join } from 'node:path';
import type { WorkerConfig } from '@parley/config';
import { type CacheScope, createEmbeddingBatcher, createLlmClient } from '@parley/llm';
import { createCommandConnection, freePort, type LocalRedis, type Redis } from '@parley/redis';
import { type Calibration, calibrateThreshold, SHADOW_THRESHOLD } from '../cache/calibrate';
import { type ReplayStats, replayTrace } from '../cache/replay';
import { createWorkerCache, workerConfigFor } from '../cache/worker-cache';
import type { BenchContext } from '../context';
import { ManagedProcess, SCRIPTS } from '../processes';
import type { BenchmarkResult } from '../report/types';
import { SIM_MODEL, startRedis } from '../stack';
import { fmt, quantile } from '../stats';
import { DEFAULT_TRACE, generateTrace, type TraceOptions } from '../trace/trace';
import { compare, failed } from './common';

/**
 * cache: Parley's answer caches (the exact response cache, then the semantic cache) as the
 * worker wires and uses them, against a real Redis and the simulator's `/v1/embeddings` through
 * the openai SDK (batched), replaying a synthetic trace whose every message carries its ground
 * truth. Compared with the oracle: the best any correct cache could do on the same trace.
 */

const ID = 'cache';
const TITLE = 'cache (hit ratio vs oracle)';
const DESCRIPTION =
  'A synthetic trace (simulated users drawn from up to 1,000,000 ids, interleaved multi-turn conversations; opening questions drawn from a vocabulary of intents by a Zipf law, s = 1.1, each in one of 3–7 wordings with noise in casing, spacing and punctuation; follow-ups that depend on the conversation) is replayed in order through the worker\'s own cache path: only a turn with no history is looked up, exact cache first, then the semantic cache; a miss calls the "LLM" (the intent\'s canonical answer, whose tokens are counted) through single-flight and stores the answer in both caches. Real Redis, real embeddings from the simulator\'s `/v1/embeddings` through the openai SDK, batched as in the worker; 32 messages in flight (WORKER_CONCURRENCY), one user\'s messages in order. A semantic hit needs the numbers and content words of the stored prompt, in order (only fillers such as "hey", "please" or "can you tell me", articles, "be"/"do" and intensifiers may differ), and a similarity at or above the threshold tuned with `tuneThreshold` (no wrong hit allowed) on a held-out trace of another seed. Every served answer is checked against the message\'s ground truth: a hit for a follow-up, or with another intent\'s answer, is a cross-context hit. The same trace then runs through the exact cache alone (the worker\'s default, semantic cache off) for reference. Baseline: the oracle hit ratio (a hit is possible only for a context-free message whose intent was answered before). Target: exact + semantic cache ≥ 0.9 × the oracle with 0 cross-context hits.';

interface Sizes {
  trace: TraceOptions;
  calibration: TraceOptions;
}

function sizes(quick: boolean): Sizes {
  const trace: TraceOptions = quick
    ? { ...DEFAULT_TRACE, users: 10_000, messages: 10_000, vocabulary: 100_000, activeConversations: 500 }
    : {
        ...DEFAULT_TRACE,
        users: 1_000_000,
        messages: 150_000,
        vocabulary: 1_000_000,
        activeConversations: 10_000,
      };
  // Held-out traffic of another seed, at least as large as the measured trace: the threshold must
  // stay above the most similar wrong pair, and a smaller sample sees less of that tail.
  const calibration: TraceOptions = {
    ...trace,
    seed: trace.seed + 1,
    messages: trace.messages * (quick ? 2 : 1),
  };
  return { trace, calibration };
}

const pct = (x: number) => `${fmt(x * 100, 1)} %`;
const int = (x: number) => Math.round(x).toLocaleString('en-US');

/** The simulator alone (the cache needs embeddings only), on loopback. */
async function startSim(ctx: BenchContext, models: string[]): Promise<{ url: string; proc: ManagedProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = new ManagedProcess(
    'llm-sim-cache',
    SCRIPTS.sim,
    [
      ...['--port', String(port), '--host', '127.0.0.1', ...models.flatMap((m) => ['--model', m])],
      ...['--ttft-ms', '0', '--tokens-per-second', '0', '--seed', '1'],
    ],
    { PATH: process.env.PATH ?? '' },
    join(ctx.logDir, 'llm-sim-cache.log'),
  ).start();
  await proc.ready(`${url}/_sim/config`);
  return { url, proc };
}

export async function runCache(ctx: BenchContext): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const { trace, calibration: heldOut } = sizes(ctx.options.quick);
  let redisServer: LocalRedis | undefined;
  let redis: Redis | undefined;
  let sim: ManagedProcess | undefined;
  try {
    ctx.progress.update(0.02, 'cache: starting Redis and the simulator');
    redisServer = await startRedis();
    redis = createCommandConnection(redisServer.url, { connectionName: 'parley-bench-cache' });
    // The worker's defaults; the simulator's address is only known once it runs, and does not matter here.
    const defaults = workerConfigFor({
      redisUrl: redisServer.url,
      llmBaseURL: 'http://127.0.0.1:1/v1',
      model: SIM_MODEL,
      keyPrefix: 'bench-cache',
    });
    const embeddingModel = defaults.cache.semantic.embeddingModel;
    const started = await startSim(ctx, [SIM_MODEL, embeddingModel]);
    sim = started.proc;
    const baseURL = `${started.url}/v1`;

    // 1. The threshold, from held-out traffic.
    ctx.progress.update(0.05, 'cache: tuning the semantic threshold on a held-out trace');
    const batcher = createEmbeddingBatcher(
      createLlmClient({ baseURL, apiKey: 'sk-bench', timeoutMs: 30_000, maxRetries: 0 }),
      { model: embeddingModel },
    );
    const scope: CacheScope = {
      model: SIM_MODEL,
      systemPrompt: defaults.systemPrompt,
      temperature: defaults.llm.temperature,
      maxTokens: defaults.llm.maxTokens,
      context: 'none',
    };
    let calibration: Calibration;
    try {
      calibration = await calibrateThreshold(generateTrace(heldOut), {
        redis,
        keyPrefix: 'bench-calibration',
        scope,
        embed: (text) => batcher.embed(text),
        maxEntries: defaults.cache.semantic.maxEntries,
        maxWrongHitRate: 0,
        signal: ctx.signal,
        onProgress: (done) =>
          ctx.progress.update(
            0.05 + 0.35 * (done / heldOut.messages),
            `cache: tuning the threshold, ${int(done)} / ${int(heldOut.messages)} held-out messages`,
          ),
      });
    } finally {
      await batcher.close();
    }
    const threshold = calibration.choice.threshold;

    // 2. The measured run: the worker's defaults, semantic cache on with the tuned threshold.
    const replay = async (
      keyPrefix: string,
      env: Record<string, string>,
      from: number,
      to: number,
      label: string,
    ): Promise<{ run: ReplayStats; config: WorkerConfig }> => {
      const cache = createWorkerCache({
        redis: redis as Redis,
        redisUrl: (redisServer as LocalRedis).url,
        llmBaseURL: baseURL,
        model: SIM_MODEL,
        keyPrefix,
        env,
      });
      try {
        const run = await replayTrace(generateTrace(trace), cache, {
          concurrency: cache.config.concurrency,
          signal: ctx.signal,
          progressEvery: 1_000,
          onProgress: (done) =>
            ctx.progress.update(
              from + (to - from) * (done / trace.messages),
              `cache: ${label}, ${int(done)} / ${int(trace.messages)} messages`,
            ),
        });
        return { run, config: cache.config };
      } finally {
        await cache.close();
      }
    };
    const measured = await replay(
      'bench-cache',
      threshold === null
        ? { SEMANTIC_CACHE_ENABLED: 'false' }
        : { SEMANTIC_CACHE_THRESHOLD: String(Math.max(0.5, threshold)) },
      0.4,
      0.85,
      'exact + semantic cache',
    );
    // 3. The same trace with the exact cache alone: the worker's default (semantic cache off).
    const exactOnly = await replay(
      'bench-cache-exact',
      { SEMANTIC_CACHE_ENABLED: 'false' },
      0.85,
      1,
      'exact cache alone',
    );
    return report(
      trace,
      heldOut,
      calibration,
      defaults.cache.semantic.threshold,
      measured.config,
      measured.run,
      exactOnly.run,
      startedAt,
    );
  } catch (err) {
    return failed(ID, TITLE, DESCRIPTION, err, startedAt);
  } finally {
    redis?.disconnect();
    await sim?.stop();
    await redisServer?.stop();
  }
}

function report(
  trace: TraceOptions,
  heldOut: TraceOptions,
  calibration: Calibration,
  workerDefaultThreshold: number,
  config: WorkerConfig,
  run: ReplayStats,
  exactOnly: ReplayStats,
  startedAt: number,
): BenchmarkResult {
  const o = run.oracle;
  const hits = run.exactHits + run.semanticHits;
  const exactAloneHits = exactOnly.exactHits + exactOnly.semanticHits;
  const hitRatio = hits / Math.max(1, run.messages);
  const semanticOn = config.cache.semantic.enabled;
  const threshold = calibration.choice.threshold;
  const comparison = compare({
    metric: 'hit ratio, all messages',
    unit: '%',
    baselineLabel: 'oracle',
    baseline: o.hitRatio * 100,
    subjectLabel: 'Parley exact + semantic cache',
    subject: hitRatio * 100,
    target: { op: '>=', value: 0.9 },
  });
  // Both halves of the target: the ratio, and no answer served across contexts.
  comparison.met = comparison.met && run.crossContextHits === 0;
  const vsOracle = (n: number) => (o.hits > 0 ? `${fmt(n / o.hits, 3)}×` : '–');
  const callsWithout = run.messages;
  const tokensWithout = run.tokensSpent + run.tokensSaved;
  const lookups = [...run.lookupMs];

  const maxEntries = config.cache.semantic.maxEntries;
  // Every context-free miss stores its prompt; beyond the bound the oldest are evicted, and a
  // later wording of theirs (or a verbatim repeat the exact cache does not hold) finds nothing.
  const evictedNote =
    semanticOn && run.storedAnswers > maxEntries
      ? ` Entries: the semantic cache keeps the newest ${int(maxEntries)} per scope (SEMANTIC_CACHE_MAX_ENTRIES) of the ${int(run.storedAnswers)} answers this run stored, so a new wording of an evicted entry is a miss, and so is a verbatim repeat of a wording that was itself served by the semantic cache (a semantic hit is not written to the exact cache, as in the worker).`
      : '';
  const notes: string[] = [];
  const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
  if (!comparison.met) {
    const reasons: string[] = [];
    if (run.crossContextHits > 0) {
      const examples = run.crossContextExamples
        .map(
          (e) =>
            `"${oneLine(e.prompt)}" (intent ${e.intent}) got the answer of intent ${e.servedIntent ?? '?'}${e.matchedPrompt ? ` stored for "${oneLine(e.matchedPrompt)}", similarity ${fmt(e.similarity ?? Number.NaN, 3)}` : ''}`,
        )
        .join('; ');
      const semanticOnly = run.semanticCrossContextHits === run.crossContextHits;
      reasons.push(
        `${int(run.crossContextHits)} cross-context hits were served (${examples}).${
          semanticOnly
            ? ` All came from the semantic cache, none from a follow-up (similarity up to ${fmt(run.maxCrossContextSimilarity, 3)}): each passed both the threshold and the guard, so the two prompts have the same numbers and content words in order and differ only in words the guard takes for fillers; the examples show which. The exact cache alone (semantic off, the worker's default), run on the same trace, served ${fmt(exactAloneHits / Math.max(1, o.hits), 3)}× the oracle with ${int(exactOnly.crossContextHits)} cross-context hits.`
            : ''
        }`,
      );
    }
    if (comparison.ratio < 0.9) {
      const v = run.hitsByVerdict;
      const served = (k: keyof typeof v) => v[k].exact + v[k].semantic;
      reasons.push(
        `The hit ratio is ${fmt(comparison.ratio, 3)}× the oracle. Of the oracle's ${int(o.hits)} possible hits, Parley served ${int(served('exact'))} of the ${int(o.exactHits)} verbatim repeats, ${int(served('filler'))} of the ${int(o.fillerHits)} repeats with fillers added or dropped, and ${int(served('rephrased'))} of the ${int(o.rephrasedHits)} rephrasings. The semantic cache serves a new wording only when it has the content words of a stored one, and refuses a rephrasing with other words ("why is X important" for "why does X matter") by design, because one other word as often makes another question ("… negotiation for kids" and "… salary negotiation for kids" scored 0.952 under the simulator's embeddings) and the guard cannot tell a synonym from a different word.${evictedNote}`,
      );
    }
    notes.push(`**Target missed:** ${reasons.join(' ')}`);
  }
  notes.push(
    `Threshold: ${threshold === null ? 'none qualifies, so the semantic cache was turned off for the run' : fmt(threshold, 4)}, the lowest with no wrong hit among ${int(calibration.pairs)} labelled pairs of a held-out trace (seed ${heldOut.seed}, ${int(heldOut.messages)} messages): each new context-free prompt with the best candidate the semantic cache returned for it (same intent: right; otherwise: wrong). ${calibration.worstWrong ? `The most similar wrong pair: "${oneLine(calibration.worstWrong.prompt)}" vs "${oneLine(calibration.worstWrong.matchedPrompt)}" (${fmt(calibration.worstWrong.similarity, 3)}).` : `No pair was wrong, so the threshold is the lowest right pair's similarity (shadow lookups return candidates from ${fmt(SHADOW_THRESHOLD, 2)} up).`}`,
    `Guard: a semantic candidate counts only with the query's numbers and content words, in order; a question with a word added, dropped or swapped ("… salary negotiation for kids" for "… negotiation for kids", 0.952 under the simulator's embeddings) is refused whatever its similarity. The threshold then only judges wordings of the same words: ${int(calibration.pairs - calibration.rightPairs)} of the ${int(calibration.pairs)} held-out pairs that passed the guard were wrong. A rephrasing with other words is never served: the ${int(run.hitsByVerdict.rephrased.semantic)} rephrasings served (of ${int(o.rephrasedHits)}) only changed the frame (such as "what's X", "tell me what X is", "what exactly is X").`,
    ...(comparison.met && evictedNote ? [evictedNote.trim()] : []),
    'A conversation opens with an empty history (a first message, `/reset`, or a chat idle past HISTORY_TTL_SECONDS), so its first turn is context-free; every later turn has history and is never looked up, as in the worker. The oracle, too, counts only context-free messages.',
    'Tokens: the simulator tokenizer (4 characters per token) over system prompt + message, and the canonical answer (60–400 tokens per intent); follow-ups are counted without their history, so real savings in tokens are a larger share of a smaller total.',
    `"Shared in flight": misses answered by an identical prompt's LLM call already running (single-flight); not cache hits, but no LLM call either.`,
  );

  return {
    id: ID,
    title: TITLE,
    description: DESCRIPTION,
    status: 'measured',
    comparison,
    tables: [
      {
        caption: 'Trace',
        table: {
          columns: [
            'user ids',
            'users seen',
            'messages',
            'context-free',
            'vocabulary (intents)',
            'intents asked',
            'wordings asked',
            'zipf s',
          ],
          rows: [
            [
              int(trace.users),
              int(o.distinctUsers),
              int(o.messages),
              `${int(o.contextFree)} (${pct(o.contextFree / Math.max(1, o.messages))})`,
              int(trace.vocabulary),
              int(o.distinctIntents),
              int(o.distinctWordings),
              String(trace.s),
            ],
          ],
        },
      },
      {
        caption: 'Hit ratio against the oracle (ratios over all messages)',
        table: {
          columns: ['', 'hits', 'hit ratio', 'of context-free messages', 'vs oracle', 'cross-context hits'],
          rows: [
            [
              'oracle: any correct cache',
              int(o.hits),
              pct(o.hitRatio),
              pct(o.contextFreeHitRatio),
              '1×',
              '0',
            ],
            [
              'oracle: exact repeats only',
              int(o.exactHits),
              pct(o.exactHitRatio),
              pct(o.exactHits / Math.max(1, o.contextFree)),
              vsOracle(o.exactHits),
              '0',
            ],
            [
              '**Parley: exact + semantic cache**',
              int(hits),
              pct(hitRatio),
              pct(hits / Math.max(1, run.cacheable)),
              vsOracle(hits),
              int(run.crossContextHits),
            ],
            [
              '… of which the exact cache',
              int(run.exactHits),
              pct(run.exactHits / run.messages),
              pct(run.exactHits / Math.max(1, run.cacheable)),
              vsOracle(run.exactHits),
              int(run.crossContextHits - run.semanticCrossContextHits),
            ],
            [
              '… of which the semantic cache',
              int(run.semanticHits),
              pct(run.semanticHits / run.messages),
              pct(run.semanticHits / Math.max(1, run.cacheable)),
              vsOracle(run.semanticHits),
              int(run.semanticCrossContextHits),
            ],
            [
              'Parley: exact cache alone (semantic off, the worker default)',
              int(exactAloneHits),
              pct(exactAloneHits / exactOnly.messages),
              pct(exactAloneHits / Math.max(1, exactOnly.cacheable)),
              vsOracle(exactAloneHits),
              int(exactOnly.crossContextHits),
            ],
          ],
        },
      },
      {
        caption: "Where the oracle's hits are, and which Parley served",
        table: {
          columns: [
            'the message repeats an intent asked before…',
            'possible hits',
            'exact cache',
            'semantic cache',
            'served',
          ],
          rows: (
            [
              ['in a wording asked before (up to casing, spacing, punctuation)', 'exact', o.exactHits],
              ['in a new wording: fillers added or dropped ("hey", "please")', 'filler', o.fillerHits],
              [
                'in a new phrasing ("why is X important" for "why does X matter")',
                'rephrased',
                o.rephrasedHits,
              ],
            ] as const
          ).map(([label, key, possible]) => {
            const got = run.hitsByVerdict[key];
            return [
              label,
              int(possible),
              int(got.exact),
              int(got.semantic),
              pct((got.exact + got.semantic) / Math.max(1, possible)),
            ];
          }),
        },
      },
      {
        caption: 'LLM calls and tokens',
        table: {
          columns: ['', 'LLM calls', 'tokens', 'calls saved', 'tokens saved'],
          rows: [
            ['no cache', int(callsWithout), int(tokensWithout), '', ''],
            ...(
              [
                ['Parley: exact + semantic cache', run],
                ['Parley: exact cache alone', exactOnly],
              ] as const
            ).map(([label, r]) => [
              label,
              int(r.llmCalls),
              int(r.tokensSpent),
              `${int(callsWithout - r.llmCalls)} (${pct((callsWithout - r.llmCalls) / Math.max(1, callsWithout))}; ${int(r.sharedInFlight)} shared in flight)`,
              `${int(r.tokensSaved)} (${pct(r.tokensSaved / Math.max(1, tokensWithout))})`,
            ]),
          ],
        },
      },
      {
        caption: 'Semantic cache',
        table: {
          columns: [
            'threshold',
            'lookups',
            'hits',
            'lowest hit similarity',
            'near misses',
            'near misses where a hit was possible',
            'errors',
            'answers stored',
            'max entries',
          ],
          rows: [
            [
              semanticOn ? fmt(config.cache.semantic.threshold, 4) : 'off',
              int(run.semanticLookups),
              int(run.semanticHits),
              fmt(run.minHitSimilarity, 3),
              int(run.nearMisses),
              int(run.nearMissesPossible),
              int(run.semanticErrors),
              int(run.storedAnswers),
              int(maxEntries),
            ],
          ],
        },
      },
      {
        caption: `Threshold choice on ${int(calibration.pairs)} held-out labelled pairs (${int(calibration.rightPairs)} right)`,
        table: {
          columns: ['threshold', 'hits', 'wrong hits', 'share of right pairs served'],
          rows: [
            ...(threshold === null ? [] : [{ label: `${fmt(threshold, 4)} (chosen)`, t: threshold }]),
            { label: `${workerDefaultThreshold} (worker default)`, t: workerDefaultThreshold },
            { label: '0.92 (package default)', t: 0.92 },
            { label: '0.9', t: 0.9 },
          ].map(({ label, t }) => {
            const p = calibration.at(t);
            return [
              label,
              int(p.hits),
              int(p.wrongHits),
              pct((p.hits - p.wrongHits) / Math.max(1, calibration.rightPairs)),
            ];
          }),
        },
      },
      {
        caption: `Cache lookup time per context-free message (exact, then semantic on a miss; ${int(lookups.length)} sampled)`,
        table: {
          columns: ['p50 ms', 'p95 ms', 'p99 ms', 'replay messages/s'],
          rows: [
            [
              fmt(quantile(lookups, 0.5), 2),
              fmt(quantile(lookups, 0.95), 2),
              fmt(quantile(lookups, 0.99), 2),
              fmt(run.messages / Math.max(0.001, run.durationMs / 1000), 0),
            ],
          ],
        },
      },
    ],
    plot: {
      kind: 'bar',
      title: 'cache: hit ratio over all messages',
      unit: '%',
      bars: [
        { label: 'oracle', value: o.hitRatio * 100 },
        { label: 'oracle, exact only', value: o.exactHitRatio * 100 },
        { label: 'Parley exact + semantic', value: hitRatio * 100 },
        { label: 'Parley exact alone', value: (exactAloneHits / exactOnly.messages) * 100 },
      ],
    },
    notes,
    durationMs: Date.now() - startedAt,
  };
}
