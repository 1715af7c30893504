import { createKeyspace } from '@parley/contracts';
import { createHistoryStore, type Turn } from '@parley/conversation';
import { embedText } from '@parley/llm-sim';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { forgetUser } from './forget';
import { type ConversationRef, hashTagOf, memoryKeys, memoryKeysMatch } from './keys';
import { createConversationMemory } from './memory';
import type { EmbedFn, MemoryMessage, MemoryOptions, SummariseFn } from './options';
import { pendingEntrySchema } from './schemas';
import { vectorFromBuffer } from './vectors';

const redis = createTestRedis();
const prefix = uniquePrefix('memory');
const keyspace = createKeyspace(prefix);
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

let nextChat = 1;
const newConversation = (): ConversationRef => ({ botId: 'bot', chatId: nextChat++ });
const exchange = (i: number, q = `question ${i}`): Turn[] => [
  { role: 'user', content: q },
  { role: 'assistant', content: `answer ${i}` },
];

/** The simulator's deterministic embeddings (64 dims), counting calls and texts. */
function countingEmbed() {
  const calls: string[][] = [];
  const embed: EmbedFn = async (texts) => {
    calls.push(texts);
    return texts.map((t) => embedText(t, 64));
  };
  return { embed, calls };
}

/** A summariser that lists the user turns it was given after the previous summary. */
const listingSummarise: SummariseFn = async (messages: MemoryMessage[]) => {
  const body = messages[1]?.content ?? '';
  const previous = body.match(/^Current summary:\n(.*)\n\nNew messages:/s)?.[1] ?? '';
  const said = [...body.matchAll(/^user: (.*)$/gm)].map((m) => m[1]).join('; ');
  return previous === '(none yet)' ? said : `${previous}; ${said}`;
};

function setup(window: number, opts: Partial<MemoryOptions> = {}) {
  const counting = countingEmbed();
  const memory = createConversationMemory({
    redis,
    keyPrefix: prefix,
    embed: counting.embed,
    summarise: listingSummarise,
    foldEvery: 4,
    minSimilarity: 0.3,
    ...opts,
  });
  const history = createHistoryStore(redis, { maxMessages: window, ttlSeconds: 600 });
  /** Appends turns the way the worker commits a reply: spill first, then the history append. */
  const append = async (conv: ConversationRef, turns: Turn[]) => {
    const tx = redis.multi();
    const historyKey = keyspace.history(conv.botId, conv.chatId);
    memory.spillTo(tx, conv, { historyKey, maxMessages: window, turns });
    history.appendTo(tx, historyKey, turns);
    const results = await tx.exec();
    expect(results?.every(([err]) => err === null)).toBe(true);
  };
  const pendingOf = async (conv: ConversationRef) =>
    (await redis.lrange(memoryKeys(prefix, conv).pending, 0, -1)).map((raw) =>
      pendingEntrySchema.parse(JSON.parse(raw)),
    );
  return { memory, history, append, pendingOf, embedCalls: counting.calls };
}

describe('spilling turns out of the history window', () => {
  it('moves exactly the turns the window pushes out, in order, in the same MULTI', async () => {
    const { history, append, pendingOf } = setup(4);
    const conv = newConversation();
    const all = Array.from({ length: 5 }, (_, i) => exchange(i + 1)).flat();
    for (let i = 0; i < all.length; i += 2) await append(conv, all.slice(i, i + 2));

    const window = await history.load(keyspace.history(conv.botId, conv.chatId));
    const pending = await pendingOf(conv);
    expect(pending.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...pending.map((p) => p.turn), ...window]).toEqual(all);
    expect(window).toHaveLength(4);
  });

  it('spills every turn when the history keeps none', async () => {
    const { append, pendingOf } = setup(0);
    const conv = newConversation();
    await append(conv, exchange(1));
    expect((await pendingOf(conv)).map((p) => p.turn)).toEqual(exchange(1));
    expect(await redis.exists(keyspace.history(conv.botId, conv.chatId))).toBe(0);
  });

  it('keeps at most maxPendingTurns waiting, dropping the oldest and counting them', async () => {
    const { append, pendingOf } = setup(2, { foldEvery: 2, maxFoldTurns: 2, maxPendingTurns: 3 });
    const conv = newConversation();
    for (let i = 1; i <= 4; i++) await append(conv, exchange(i));
    expect((await pendingOf(conv)).map((p) => p.seq)).toEqual([4, 5, 6]);
    expect(await redis.hget(memoryKeys(prefix, conv).state, 'dropped')).toBe('3');
  });

  it('shares the hash tag of the keyspace chat keys and refuses a history key of another chat', () => {
    const { memory } = setup(4);
    const conv = { botId: 'bot', chatId: -100123 };
    for (const key of Object.values(memoryKeys(prefix, conv)))
      expect(hashTagOf(key)).toBe(hashTagOf(keyspace.inbox('bot', -100123)));
    const tx = redis.multi();
    expect(() =>
      memory.spillTo(tx, conv, {
        historyKey: keyspace.history('bot', 5),
        maxMessages: 4,
        turns: exchange(1),
      }),
    ).toThrow(RangeError);
    tx.discard();
  });
});

describe('folding into the summary and long-term memories', () => {
  it('waits for foldEvery turns, then stores whole exchanges and a summary in one commit', async () => {
    const { memory, append, pendingOf, embedCalls } = setup(1);
    const conv = newConversation();
    // With a window of 1, each append spills the previous answer and the new question.
    await append(conv, exchange(1));
    await append(conv, exchange(2));
    expect(await memory.maintain(conv)).toMatchObject({ outcome: 'idle', turns: 0 });
    await append(conv, exchange(3));
    expect((await pendingOf(conv)).map((p) => p.turn.content)).toEqual([
      'question 1',
      'answer 1',
      'question 2',
      'answer 2',
      'question 3',
    ]);

    expect(await memory.maintain(conv)).toEqual({ outcome: 'folded', turns: 4, memories: 2, evicted: 0 });
    // One batched embedding request for both exchanges.
    expect(embedCalls).toEqual([['question 1\nanswer 1', 'question 2\nanswer 2']]);
    // The last question waits for its answer.
    expect((await pendingOf(conv)).map((p) => p.turn.content)).toEqual(['question 3']);
    const keys = memoryKeys(prefix, conv);
    expect(await redis.hget(keys.state, 'summary')).toBe('question 1; question 2');
    expect(await redis.hget(keys.state, 'summaryThrough')).toBe('4');
    const entries = await redis.hgetall(keys.entries);
    expect(Object.keys(entries).sort()).toEqual(['000000000001', '000000000003']);
    expect(JSON.parse(entries['000000000003'] ?? '')).toEqual({
      turns: exchange(2),
      firstSeq: 3,
      lastSeq: 4,
    });
    const vector = vectorFromBuffer((await redis.hgetBuffer(keys.vectors, '000000000003')) as Buffer);
    expect(vector).toHaveLength(64);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);

    // force folds what is left, even a lone question.
    expect(await memory.maintain(conv, { force: true })).toMatchObject({ outcome: 'folded', turns: 1 });
    expect(await redis.hget(keys.state, 'summary')).toBe('question 1; question 2; question 3');
    expect(await pendingOf(conv)).toEqual([]);
  });

  it('commits nothing when embedding fails, and folds the same turns on the next call', async () => {
    let fail = true;
    const embed: EmbedFn = async (texts) => {
      if (fail) throw new Error('embeddings down');
      return texts.map((t) => embedText(t, 64));
    };
    const { memory, append, pendingOf } = setup(0, { embed });
    const conv = newConversation();
    await append(conv, exchange(1));
    await append(conv, exchange(2));
    await expect(memory.maintain(conv)).rejects.toThrow('embeddings down');
    expect(await pendingOf(conv)).toHaveLength(4);
    expect(await redis.exists(memoryKeys(prefix, conv).entries)).toBe(0);
    expect(await redis.exists(memoryKeys(prefix, conv).lock)).toBe(0);
    fail = false;
    expect(await memory.maintain(conv)).toMatchObject({ outcome: 'folded', turns: 4, memories: 2 });
  });

  it('keeps the previous summary when the summariser answers nothing', async () => {
    let answer = '';
    const { memory, append } = setup(0, { foldEvery: 2, summarise: async () => answer });
    const conv = newConversation();
    answer = 'the user is Ada';
    await append(conv, exchange(1));
    await memory.maintain(conv);
    answer = '  ';
    await append(conv, exchange(2));
    expect(await memory.maintain(conv)).toMatchObject({ outcome: 'folded', memories: 1 });
    expect(await redis.hget(memoryKeys(prefix, conv).state, 'summary')).toBe('the user is Ada');
  });

  it('lets one process fold a conversation at a time', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: SummariseFn = async (messages) => {
      await gate;
      return listingSummarise(messages);
    };
    const { memory, append } = setup(0, { summarise: slow });
    const conv = newConversation();
    await append(conv, exchange(1));
    await append(conv, exchange(2));
    const first = memory.maintain(conv);
    await new Promise((r) => setTimeout(r, 50));
    expect(await memory.maintain(conv)).toMatchObject({ outcome: 'busy' });
    release();
    expect(await first).toMatchObject({ outcome: 'folded', turns: 4 });
  });

  it('writes nothing back when the conversation is forgotten during a fold', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: SummariseFn = async (messages) => {
      await gate;
      return listingSummarise(messages);
    };
    const { memory, append } = setup(0, { summarise: slow });
    const conv = newConversation();
    await append(conv, exchange(1, 'my locker code is 4711'));
    await append(conv, exchange(2));
    const folding = memory.maintain(conv);
    await new Promise((r) => setTimeout(r, 50));
    expect(await memory.forget(conv)).toBeGreaterThan(0);
    // A new turn after /forget starts a new epoch of the conversation.
    await append(conv, exchange(3));
    release();
    expect(await folding).toMatchObject({ outcome: 'conflict', turns: 0 });
    const keys = memoryKeys(prefix, conv);
    expect(await redis.exists(keys.entries, keys.vectors, keys.order)).toBe(0);
    expect(await redis.hget(keys.state, 'summary')).toBeNull();
  });

  it('keeps at most maxMemories per conversation, evicting the oldest', async () => {
    const { memory, append } = setup(0, { foldEvery: 2, maxMemories: 3 });
    const conv = newConversation();
    for (let i = 1; i <= 5; i++) {
      await append(conv, exchange(i));
      await memory.maintain(conv);
    }
    const keys = memoryKeys(prefix, conv);
    expect(await redis.zrange(keys.order, 0, -1)).toEqual(['000000000005', '000000000007', '000000000009']);
    expect((await redis.hkeys(keys.entries)).sort()).toEqual([
      '000000000005',
      '000000000007',
      '000000000009',
    ]);
    expect(await redis.hlen(keys.vectors)).toBe(3);
  });

  it('expires with the retention and drops memories older than it', async () => {
    const { memory, append } = setup(0, { foldEvery: 2, retentionSeconds: 3600 });
    const conv = newConversation();
    await append(conv, exchange(1, 'my locker code is 4711'));
    await memory.maintain(conv);
    const keys = memoryKeys(prefix, conv);
    for (const key of [keys.state, keys.entries, keys.vectors, keys.order]) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(3_590_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    }
    expect((await memory.recall(conv, 'what is my locker code?')).memories).toHaveLength(1);

    // Age the memory past the retention: recall skips it and the next commit deletes it.
    await redis.zadd(keys.order, Date.now() - 3_601_000, '000000000001');
    expect((await memory.recall(conv, 'what is my locker code?')).memories).toEqual([]);
    await append(conv, exchange(2));
    expect(await memory.maintain(conv)).toMatchObject({ outcome: 'folded', memories: 1, evicted: 1 });
    expect(await redis.hexists(keys.entries, '000000000001')).toBe(0);
  });
});

describe('recall', () => {
  it('returns the summary, the pending turns and the memories related to the message', async () => {
    const { memory, append, embedCalls } = setup(2, { foldEvery: 2, topK: 2 });
    const conv = newConversation();
    expect(await memory.recall(conv, 'anything')).toEqual({
      summary: undefined,
      pending: [],
      memories: [],
      candidates: 0,
      bestSimilarity: 0,
    });
    expect(embedCalls).toEqual([]); // nothing to compare with: no embedding call

    const said = [
      "my sister's name is Ines",
      'my locker code is 4711',
      'how do I bake sourdough bread',
      'what is the capital of Peru',
      'recommend a science fiction novel',
    ];
    for (const [i, q] of said.entries()) {
      await append(conv, exchange(i + 1, q));
      if (i < said.length - 1) await memory.maintain(conv);
    }
    const context = await memory.recall(conv, 'what is my locker code?');
    expect(context.summary).toContain('my locker code is 4711');
    expect(context.candidates).toBe(3);
    expect(context.memories[0]?.turns[0]?.content).toBe('my locker code is 4711');
    expect(context.memories[0]?.similarity).toBeGreaterThan(0.5);
    expect(context.memories.length).toBeLessThanOrEqual(2);
    // The last exchange is in the window, the one before waits to be folded.
    expect(context.pending.map((t) => t.content)).toEqual(['what is the capital of Peru', 'answer 4']);

    const unrelated = await memory.recall(conv, 'how many legs does a spider have');
    expect(unrelated.memories).toEqual([]);
    expect(unrelated.bestSimilarity).toBeLessThan(0.3);
  });
});

describe('forgetting', () => {
  it('forgetUser erases every memory key of the private chat', async () => {
    const { memory, append } = setup(0, { foldEvery: 2 });
    const conv = newConversation();
    await append(conv, exchange(1));
    await memory.maintain(conv);
    await append(conv, exchange(2, 'pending turn'));
    const scan = async () => {
      const [, found] = await redis.scan('0', 'MATCH', memoryKeysMatch(prefix, conv), 'COUNT', 10_000);
      return found.sort();
    };
    expect(await scan()).toHaveLength(5); // pending, state, entries, vectors, order
    expect(await forgetUser(redis, prefix, conv.botId, conv.chatId)).toBe(5);
    expect(await scan()).toEqual([]);
  });
});
