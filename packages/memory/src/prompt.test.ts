import { countTokens as simTokens } from '@parley/llm-sim';
import { buildPrompt, recallNote, SUMMARY_HEADING } from './prompt';
import type { RecalledMemory } from './recall';
import type { Turn } from './schemas';
import { clampToTokens } from './summary-prompt';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from './tokens';

const user = (content: string): Turn => ({ role: 'user', content });
const assistant = (content: string): Turn => ({ role: 'assistant', content });
/** A turn of exactly `tokens` estimated tokens of text (4 ASCII characters per token). */
const sized = (role: Turn['role'], label: string, tokens: number): Turn => ({
  role,
  content: label.padEnd(tokens * 4, '.'),
});
const memory = (id: number, similarity: number, text = `memory ${id}`): RecalledMemory => ({
  id: String(id).padStart(12, '0'),
  turns: [user(text), assistant(`noted ${id}`)],
  similarity,
});

describe('estimateTokens', () => {
  it('counts 4 ASCII characters per token, never fewer tokens than the simulator counts', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    for (const text of ['hello world', 'what is my locker code?', 'x'.repeat(1001)])
      expect(estimateTokens(text)).toBeGreaterThanOrEqual(simTokens(text));
  });

  it('errs high for scripts that take more tokens per character', () => {
    expect(estimateTokens('日本語のテキスト')).toBe(8);
    expect(estimateTokens('привет')).toBe(3);
    expect(estimateTokens('😀😀')).toBe(2);
  });
});

describe('buildPrompt', () => {
  const context = {
    summary: 'The user is Ada, a nurse in Lisbon.',
    pending: [user('older question'), assistant('older answer')],
    memories: [memory(7, 0.5, 'my locker code is 4711'), memory(3, 0.8, "my sister's name is Ines")],
  };
  const window = [user('q1'), assistant('a1'), user('q2'), assistant('a2')];

  it('lays out system + summary, recalled memories in chronological order, pending, window, new message', () => {
    const prompt = buildPrompt(
      { systemPrompt: 'Be brief.', context, window, user: 'what is my locker code?' },
      { maxPromptTokens: 10_000 },
    );
    expect(prompt.messages).toEqual([
      {
        role: 'system',
        content: `Be brief.\n\n${SUMMARY_HEADING}\nThe user is Ada, a nurse in Lisbon.\n\n${recallNote(4)}`,
      },
      { role: 'user', content: "my sister's name is Ines" },
      { role: 'assistant', content: 'noted 3' },
      { role: 'user', content: 'my locker code is 4711' },
      { role: 'assistant', content: 'noted 7' },
      { role: 'user', content: 'older question' },
      { role: 'assistant', content: 'older answer' },
      ...window,
      { role: 'user', content: 'what is my locker code?' },
    ]);
    expect(prompt.dropped).toEqual({ memories: 0, pending: 0, window: 0, summary: false });
    expect(prompt.overBudget).toBe(false);
    const { total, ...parts } = prompt.tokens;
    expect(total).toBe(Object.values(parts).reduce((a, b) => a + b, 0));
    // The parts are estimated one by one, so their sum never undercounts the messages sent.
    const sent = prompt.messages.reduce(
      (sum, m) => sum + estimateTokens(m.content) + MESSAGE_OVERHEAD_TOKENS,
      0,
    );
    expect(total).toBeGreaterThanOrEqual(sent);
  });

  it('without memory it is the plain system + window + message prompt', () => {
    const prompt = buildPrompt({ systemPrompt: 'S', window, user: 'hi' }, { maxPromptTokens: 1000 });
    expect(prompt.messages).toEqual([
      { role: 'system', content: 'S' },
      ...window,
      { role: 'user', content: 'hi' },
    ]);
    expect(prompt.tokens.summary + prompt.tokens.memories + prompt.tokens.pending).toBe(0);
  });

  it('trims in the documented order: memories (least similar first), pending, window, summary, last turns', () => {
    const big = {
      summary: 's'.repeat(400), // 100 tokens
      pending: [sized('user', 'p1', 50), sized('assistant', 'p2', 50)],
      memories: [memory(1, 0.9, 'm'.repeat(200)), memory(2, 0.4, 'n'.repeat(200))],
    };
    const turns = [
      sized('user', 'w1', 50),
      sized('assistant', 'w2', 50),
      sized('user', 'w3', 50),
      sized('assistant', 'w4', 50),
    ];
    const input = { systemPrompt: 'S', context: big, window: turns, user: 'now' };
    const full = buildPrompt(input, { maxPromptTokens: 100_000 }).tokens.total;
    const steps: string[] = [];
    for (let budget = full; budget > 0; budget -= 5) {
      const p = buildPrompt(input, { maxPromptTokens: budget });
      if (!p.overBudget) expect(p.tokens.total).toBeLessThanOrEqual(budget);
      steps.push(JSON.stringify(p.dropped));
    }
    const distinct = steps.filter((s, i) => s !== steps[i - 1]).map((s) => JSON.parse(s));
    // Turns go by exchange: a question takes its answer with it.
    expect(distinct).toEqual([
      { memories: 0, pending: 0, window: 0, summary: false },
      { memories: 1, pending: 0, window: 0, summary: false },
      { memories: 2, pending: 0, window: 0, summary: false },
      { memories: 2, pending: 2, window: 0, summary: false },
      { memories: 2, pending: 2, window: 2, summary: false },
      { memories: 2, pending: 2, window: 2, summary: true },
      { memories: 2, pending: 2, window: 4, summary: true },
    ]);
    // The less similar memory went first.
    const oneMemory = buildPrompt(input, { maxPromptTokens: full - 1 });
    expect(oneMemory.messages.some((m) => m.content.startsWith('mmm'))).toBe(true);
    expect(oneMemory.messages.some((m) => m.content.startsWith('nnn'))).toBe(false);
  });

  it('keeps the system prompt and the new message even when they alone are over budget', () => {
    const p = buildPrompt(
      { systemPrompt: 'S'.repeat(400), context, window, user: 'U'.repeat(400) },
      { maxPromptTokens: 50 },
    );
    expect(p.overBudget).toBe(true);
    expect(p.messages).toEqual([
      { role: 'system', content: 'S'.repeat(400) },
      { role: 'user', content: 'U'.repeat(400) },
    ]);
  });

  it('never leaves an answer leading the turns without its question', () => {
    const odd = [assistant('a0'), user('q1'), assistant('a1'), assistant('a1 continued'), user('q2')];
    const full = buildPrompt({ systemPrompt: 'S', window: odd, user: 'x' }, { maxPromptTokens: 1000 });
    const p = buildPrompt(
      { systemPrompt: 'S', window: odd, user: 'x' },
      { maxPromptTokens: full.tokens.total - 1, keepRecentTurns: 0 },
    );
    expect(p.messages.map((m) => m.content)).toEqual(['S', 'q1', 'a1', 'a1 continued', 'q2', 'x']);
    const q = buildPrompt(
      { systemPrompt: 'S', window: odd, user: 'x' },
      { maxPromptTokens: p.tokens.total - 1, keepRecentTurns: 0 },
    );
    expect(q.messages.map((m) => m.content)).toEqual(['S', 'q2', 'x']);
  });
});

describe('clampToTokens', () => {
  it('keeps a short text and cuts a long one at a word boundary within the limit', () => {
    expect(clampToTokens('  short  ', 10, estimateTokens)).toBe('short');
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const cut = clampToTokens(long, 50, estimateTokens);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(50);
    expect(estimateTokens(cut)).toBeGreaterThan(40);
    expect(cut.endsWith('…')).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(cut.slice(0, -1)).toMatch(/word\d+$/);
  });
});
