import { randomUUID } from 'node:crypto';
import { type MemoryKeys, memoryId } from './keys';
import type { EmbedFn, MemorySettings, RedisClient, SummariseFn } from './options';
import { embeddingsSchema, type PendingEntry, parseJson, pendingEntrySchema, type Turn } from './schemas';
import { COMMIT_FOLD_SCRIPT, RELEASE_LOCK_SCRIPT } from './scripts';
import { clampToTokens, summaryMessages } from './summary-prompt';
import { toUnitVector, vectorToBuffer } from './vectors';

export interface FoldResult {
  /**
   * `folded`: at least one batch was committed; `idle`: fewer than `foldEvery` turns waited;
   * `busy`: another process is folding this conversation; `conflict`: the conversation changed
   * under the fold (forgotten, or folded by another process) and nothing was written.
   */
  outcome: 'folded' | 'idle' | 'busy' | 'conflict';
  /** Turns removed from the pending list (folded into the summary and memories). */
  turns: number;
  /** Memories stored. */
  memories: number;
  /** Memories evicted (beyond `maxMemories`) or expired (past the retention). */
  evicted: number;
}

export interface FoldDeps {
  redis: RedisClient;
  keys: MemoryKeys;
  settings: MemorySettings;
  embed: EmbedFn;
  summarise: SummariseFn;
}

/** Batches one `maintain` call commits at most, so one call stays within its lock. */
const MAX_ROUNDS = 8;

/**
 * Folds the turns waiting outside the window: embeds them as memories (one batched `embed`
 * call) and rewrites the running summary to cover them (one `summarise` call), then commits
 * both with the removal from the pending list in one script. A failure of either call commits
 * nothing and throws: the turns stay pending and the next call retries them.
 *
 * One process folds a conversation at a time (a lock with a TTL, so a crashed holder does not
 * block it for longer than `lockMs`); the commit also checks that the pending list still starts
 * where the fold read it, so a late fold of a lock that expired writes nothing.
 */
export async function fold(deps: FoldDeps, force: boolean): Promise<FoldResult> {
  const { redis, keys, settings } = deps;
  const token = randomUUID();
  const locked = await redis.set(keys.lock, token, 'PX', settings.lockMs, 'NX');
  if (locked !== 'OK') return { outcome: 'busy', turns: 0, memories: 0, evicted: 0 };
  const total: FoldResult = { outcome: 'idle', turns: 0, memories: 0, evicted: 0 };
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const result = await foldOnce(deps, force);
      if (result.outcome !== 'folded') {
        if (result.outcome === 'conflict') total.outcome = 'conflict';
        break;
      }
      total.outcome = 'folded';
      total.turns += result.turns;
      total.memories += result.memories;
      total.evicted += result.evicted;
    }
    return total;
  } finally {
    // A release that fails must not hide the fold's own error; the lock expires by itself.
    await redis.eval(RELEASE_LOCK_SCRIPT, 1, keys.lock, token).catch(() => undefined);
  }
}

async function foldOnce(deps: FoldDeps, force: boolean): Promise<FoldResult> {
  const { redis, keys, settings } = deps;
  const none: FoldResult = { outcome: 'idle', turns: 0, memories: 0, evicted: 0 };
  const read = await redis
    .multi()
    .hmget(keys.state, 'epoch', 'summary')
    .llen(keys.pending)
    .lrange(keys.pending, 0, settings.maxFoldTurns - 1)
    .exec();
  if (!read || read.some(([err]) => err)) throw new Error('could not read the pending turns');
  const [state, waiting, raw] = read.map(([, value]) => value) as [
    [string | null, string | null],
    number,
    string[],
  ];
  const [epoch, previousSummary] = state;
  if (epoch === null || raw.length === 0 || (waiting < settings.foldEvery && !force)) return none;

  const entries = raw.map((r) => parseJson(pendingEntrySchema, r));
  let count = raw.length;
  // A user turn at the end of what is read waits for its answer, so the exchange is stored
  // whole; unless the caller wants everything folded now.
  const last = entries[count - 1];
  if (count > 1 && last?.turn.role === 'user' && !(force && count === waiting)) count--;
  const folded = entries.slice(0, count).filter((e): e is PendingEntry => e !== undefined);

  const memories = groupExchanges(folded, settings.maxTurnChars);
  const texts = memories.map((m) => m.turns.map((t) => t.content).join('\n'));
  const [vectors, summary] = await Promise.all([
    texts.length > 0 ? embedChecked(deps.embed, texts) : Promise.resolve([]),
    folded.length > 0
      ? deps.summarise(
          summaryMessages(
            previousSummary ?? undefined,
            folded.map((e) => clipTurn(e.turn, settings.maxTurnChars)),
            settings.maxSummaryTokens,
          ),
        )
      : Promise.resolve(previousSummary ?? ''),
  ]);

  const triples: (string | Buffer)[] = [];
  memories.forEach((memory, i) => {
    const unit = toUnitVector(vectors[i] ?? []);
    // A zero vector matches nothing; the turns stay covered by the summary.
    if (!unit) return;
    triples.push(memoryId(memory.firstSeq), JSON.stringify(memory), vectorToBuffer(unit));
  });
  // An empty answer (a model that returned nothing) must not erase the summary so far: the
  // previous one is kept, and the new turns are still stored as memories.
  const newSummary = summary.trim()
    ? clampToTokens(summary, settings.maxSummaryTokens, settings.countTokens)
    : (previousSummary ?? '');
  const through = folded.at(-1)?.seq ?? 0;
  const reply = (await redis.eval(
    COMMIT_FOLD_SCRIPT,
    5,
    keys.pending,
    keys.state,
    keys.entries,
    keys.vectors,
    keys.order,
    epoch,
    raw[0] as string,
    String(count),
    newSummary,
    String(through),
    String(settings.retentionSeconds * 1000),
    String(settings.maxMemories),
    ...triples,
  )) as number[];
  if (reply[0] !== 1) return { ...none, outcome: 'conflict' };
  return {
    outcome: 'folded',
    turns: count,
    memories: Number(reply[1]),
    evicted: Number(reply[2]) + Number(reply[3]),
  };
}

export interface StoredMemory {
  turns: Turn[];
  firstSeq: number;
  lastSeq: number;
}

/**
 * Consecutive turns grouped into exchanges: each user turn starts one, the answers that follow
 * join it (a turn left without its user turn is an exchange of its own). An exchange is the unit
 * of recall: the question gives the answer its meaning and the other way round.
 */
export function groupExchanges(entries: readonly PendingEntry[], maxTurnChars: number): StoredMemory[] {
  const groups: StoredMemory[] = [];
  for (const entry of entries) {
    const turn = clipTurn(entry.turn, maxTurnChars);
    if (turn.content.trim() === '') continue;
    const current = groups.at(-1);
    if (current && turn.role === 'assistant') {
      current.turns.push(turn);
      current.lastSeq = entry.seq;
    } else {
      groups.push({ turns: [turn], firstSeq: entry.seq, lastSeq: entry.seq });
    }
  }
  return groups;
}

function clipTurn(turn: Turn, maxChars: number): Turn {
  const chars = Array.from(turn.content);
  if (chars.length <= maxChars) return turn;
  return { role: turn.role, content: `${chars.slice(0, maxChars - 1).join('')}…` };
}

async function embedChecked(embed: EmbedFn, texts: string[]): Promise<number[][]> {
  const vectors = embeddingsSchema.parse(await embed(texts));
  if (vectors.length !== texts.length)
    throw new Error(`embed returned ${vectors.length} vectors for ${texts.length} texts`);
  return vectors;
}
