import { createKeyspace } from '@parley/contracts';
import { createHistoryStore } from '@parley/conversation';
import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import OpenAI from 'openai';
import type { ConversationRef } from './keys';
import { createConversationMemory } from './memory';
import { embedWithOpenAi, summariseWithOpenAi } from './openai';
import { buildPrompt, promptTokens } from './prompt';
import type { Turn } from './schemas';

/**
 * The measurement of issue 7: facts planted in the first turns of a conversation, then 54
 * unrelated turns, then questions about the facts. Everything runs as the worker will run it:
 * the history window of the default configuration (20 messages), the spill in the reply's
 * MULTI, a fold after each reply, embeddings and summaries from the LLM simulator through the
 * openai SDK, and the prompt built within a token budget. The simulator's embeddings hash words
 * (see its README), so what is measured here is recall by shared words.
 */

const MODEL = 'parley-sim-1';
const WINDOW = 20;
const BUDGET = 2000;
const SYSTEM = 'You are a helpful assistant.';

const FACTS = [
  { turn: 2, says: "my sister's name is Ines", asks: "what is my sister's name?", answer: 'Ines' },
  { turn: 3, says: 'my name is Ada', asks: 'what is my name?', answer: 'Ada' },
  { turn: 4, says: 'my locker code is 4711', asks: 'what is my locker code?', answer: '4711' },
  {
    turn: 5,
    says: 'my dentist appointment is on Tuesday at 3pm',
    asks: 'when is my dentist appointment?',
    answer: 'Tuesday',
  },
  { turn: 6, says: 'my cat is called Pixel', asks: 'what is my cat called?', answer: 'Pixel' },
  { turn: 7, says: 'I am allergic to peanuts', asks: 'what am I allergic to?', answer: 'peanuts' },
];

/** The same facts asked without the words they were stated with: what a real embedding model finds. */
const PARAPHRASES = [
  { asks: 'who is my sibling?', answer: 'Ines' },
  { asks: 'which number opens the lock at the gym?', answer: '4711' },
  { asks: 'when do I see the dentist?', answer: 'Tuesday' },
  { asks: 'do I have any pets?', answer: 'Pixel' },
  { asks: 'is there any food I should avoid?', answer: 'peanuts' },
];

const UNRELATED = [
  'how do I bake sourdough bread at home',
  'what is the capital of Peru',
  'can you explain how photosynthesis works',
  'my car needs new tyres before winter',
  'recommend a good science fiction novel',
  'what is the difference between a list and a tuple in python',
  'how long should I boil an egg',
  'tell me a joke about programmers',
  'what is the weather usually like in Norway in March',
  'how do vaccines train the immune system',
  'write a haiku about autumn leaves',
  'what is the best way to learn guitar as an adult',
  'how many planets are in the solar system',
  'what does a product manager do all day',
  'explain compound interest with an example',
  'is it better to run in the morning or the evening',
  'my neighbour plays loud music every night, what can I do',
  'give me three ideas for a birthday party',
  'how does a bicycle gear system work',
  'what is the code of conduct at most offices',
  'name a good book about the history of Rome',
  'how do I remove a red wine stain from a carpet',
  'what is a black hole',
  'suggest a vegetarian dinner for four people',
  'why is the sky blue',
  'how do I write a cover letter for a design job',
  'what are the rules of chess castling',
  'translate good morning into Italian',
  'how much water should a person drink each day',
  'what is the tallest mountain in Africa',
  'explain how a mortgage works',
  'what should I pack for a weekend of hiking',
  'how do noise cancelling headphones work',
  'give me a stretching routine for my back',
  'what is the plot of Hamlet',
  'how do I start a vegetable garden on a balcony',
  'what is machine learning in simple words',
  'which houseplants need little light',
  'how do I make cold brew coffee',
  'what causes the seasons on earth',
  'how can I improve my sleep',
  'what is the population of Canada',
  'how do I change a flat bicycle tyre',
  'explain the offside rule in football',
  'what is a good name for a bakery',
  'how are rainbows formed',
  'what is the difference between weather and climate',
  'how do I say thank you in Japanese',
  'what is inflation and why does it matter',
  'suggest a podcast about science',
  'how do I clean a cast iron pan',
  'what are the main causes of the French revolution',
  'how does a refrigerator keep food cold',
  'what is a haiku',
];

describe('recall of planted facts after 50+ turns (LLM simulator)', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('memory-measure');
  const keyspace = createKeyspace(prefix);
  let sim: LlmSim;
  let client: OpenAI;

  beforeAll(async () => {
    sim = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0 });
    client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'test', maxRetries: 0, timeout: 10_000 });
  });
  afterAll(async () => {
    await sim.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  /** A conversation driven the way the worker answers a message. */
  function conversation(chatId: number, topK?: number) {
    const conv: ConversationRef = { botId: 'measure', chatId };
    const history = createHistoryStore(redis, { maxMessages: WINDOW, ttlSeconds: 3600 });
    const memory = createConversationMemory({
      redis,
      keyPrefix: prefix,
      embed: embedWithOpenAi(client, { model: MODEL }),
      summarise: summariseWithOpenAi(client, { model: MODEL, maxTokens: 500 }),
      ...(topK === undefined ? {} : { topK }),
    });
    const historyKey = keyspace.history(conv.botId, conv.chatId);
    const prompts: { estimated: number; simulated: number }[] = [];
    /** Every turn so far: what a prompt without a window would carry. */
    const everything: Turn[] = [];

    async function say(text: string) {
      const window = await history.load(historyKey);
      const context = await memory.recall(conv, text);
      const prompt = buildPrompt(
        { systemPrompt: SYSTEM, context, window, user: text },
        { maxPromptTokens: BUDGET },
      );
      const completion = await client.chat.completions.create({ model: MODEL, messages: prompt.messages });
      const answer = completion.choices[0]?.message.content ?? '';
      prompts.push({ estimated: prompt.tokens.total, simulated: completion.usage?.prompt_tokens ?? 0 });
      const tx = redis.multi();
      const turns = [
        { role: 'user' as const, content: text },
        { role: 'assistant' as const, content: answer },
      ];
      memory.spillTo(tx, conv, { historyKey, maxMessages: WINDOW, turns });
      history.appendTo(tx, historyKey, turns);
      await tx.exec();
      everything.push(...turns);
      // In the worker this runs after the reply, without the reply waiting for it.
      await memory.maintain(conv);
      return { answer, prompt, context };
    }
    return { say, memory, conv, prompts, everything };
  }

  async function plantAndChat(chat: ReturnType<typeof conversation>) {
    await chat.say('hello');
    for (const fact of FACTS) await chat.say(fact.says);
    for (const text of UNRELATED) await chat.say(text);
  }

  it('finds every planted fact among the top 3 memories, and answers from turn 3 at turn 62', async () => {
    const chat = conversation(1);
    await plantAndChat(chat);
    const turnsSoFar = 1 + FACTS.length + UNRELATED.length;
    expect(turnsSoFar).toBeGreaterThanOrEqual(60);

    const rows: string[] = [];
    let direct = 0;
    for (const fact of FACTS) {
      const context = await chat.memory.recall(chat.conv, fact.asks);
      const rank = context.memories.findIndex((m) => m.turns[0]?.content === fact.says);
      if (rank >= 0) direct++;
      rows.push(
        `${fact.asks.padEnd(36)} rank ${rank >= 0 ? rank + 1 : '-'}  similarity ${(context.memories[rank]?.similarity ?? context.bestSimilarity).toFixed(2)}`,
      );
    }
    let paraphrased = 0;
    for (const probe of PARAPHRASES) {
      const context = await chat.memory.recall(chat.conv, probe.asks);
      const found = context.memories.some((m) => m.turns.some((t) => t.content.includes(probe.answer)));
      if (found) paraphrased++;
      rows.push(
        `${probe.asks.padEnd(36)} ${found ? 'found' : 'missed'} (best similarity ${context.bestSimilarity.toFixed(2)})`,
      );
    }
    const unrelated = await chat.memory.recall(chat.conv, 'how do I knit a scarf');

    // The simulator answers "what is my name?" only from an earlier user message in the prompt:
    // the fact of turn 3 is 59 turns out of the 20-message window, so only recall can bring it.
    const asked = await chat.say('what is my name?');
    expect(asked.answer).toMatch(/^Your name is Ada\./);
    expect(asked.prompt.messages.filter((m) => m.role === 'user').map((m) => m.content)).toContain(
      'my name is Ada',
    );

    const tokens = chat.prompts.map((p) => p.estimated);
    const maxTokens = Math.max(...tokens);
    const unbounded = promptTokens([{ role: 'system', content: SYSTEM }, ...chat.everything]);
    console.log(
      [
        `recall after ${turnsSoFar} turns (window ${WINDOW} messages, top 3, similarity >= 0.35):`,
        ...rows.map((r) => `  ${r}`),
        `  direct questions ${direct}/${FACTS.length}, paraphrases ${paraphrased}/${PARAPHRASES.length}`,
        `  unrelated question: ${unrelated.memories.length} memories recalled (best similarity ${unrelated.bestSimilarity.toFixed(2)})`,
        `  prompt tokens (estimated): turn 10 ${tokens[9]}, turn 30 ${tokens[29]}, turn 60 ${tokens[59]}, max ${maxTokens} (budget ${BUDGET}); the whole conversation would be ${unbounded}`,
      ].join('\n'),
    );

    expect(direct).toBe(FACTS.length);
    expect(maxTokens).toBeLessThanOrEqual(BUDGET);
    // Bounded: the prompt stops growing once the window is full.
    expect(tokens[59]).toBeLessThan((tokens[29] ?? 0) * 1.5);
    // The estimate never undercounts the tokens the simulator reports, and is close to them.
    for (const p of chat.prompts) {
      expect(p.estimated).toBeGreaterThanOrEqual(p.simulated);
      expect(p.estimated).toBeLessThanOrEqual(p.simulated * 1.3);
    }
  });

  it('without recall the same conversation has forgotten the name (the control)', async () => {
    const chat = conversation(2, 0);
    await plantAndChat(chat);
    const asked = await chat.say('what is my name?');
    expect(asked.answer).toMatch(/^You haven't told me your name yet\./);
  });
});
