import type { MemoryMessage } from './options';
import type { MemoryContext, RecalledMemory } from './recall';
import type { Turn } from './schemas';
import { type CountTokens, estimateTokens, MESSAGE_OVERHEAD_TOKENS, messageTokens } from './tokens';

export interface PromptInput {
  /** The bot's system prompt: always kept. */
  systemPrompt: string;
  /** What `recall` returned for this message; omit for a prompt without memory. */
  context?: Pick<MemoryContext, 'summary' | 'pending' | 'memories'>;
  /** The history window (recent turns), oldest first. */
  window: readonly Turn[];
  /** The new user message: always kept. */
  user: string;
}

export interface PromptBudget {
  /** Most estimated tokens of the whole prompt (the model's context minus the answer's max tokens). */
  maxPromptTokens: number;
  /** Window turns kept after the summary is dropped (default 2: the last exchange). */
  keepRecentTurns?: number;
  countTokens?: CountTokens;
}

export interface TokenBreakdown {
  /** The system prompt, as one message. */
  system: number;
  summary: number;
  /** Recalled memories and the note that introduces them. */
  memories: number;
  pending: number;
  window: number;
  user: number;
  /** The whole prompt: the number to observe in `parley_llm_prompt_tokens`. */
  total: number;
}

export interface BuiltPrompt {
  messages: MemoryMessage[];
  tokens: TokenBreakdown;
  /** What the budget left out. */
  dropped: { memories: number; pending: number; window: number; summary: boolean };
  /** True when the system prompt and the new message alone exceed the budget (sent anyway). */
  overBudget: boolean;
}

export const SUMMARY_HEADING = 'Summary of the earlier conversation (older messages are not shown):';

export function recallNote(messages: number): string {
  return (
    `The conversation below starts with ${messages} earlier message${messages === 1 ? '' : 's'} recalled ` +
    'from further back because they may relate to the new message; the recent messages follow them.'
  );
}

/**
 * The prompt = system (+ summary) + recalled memories + pending turns + window + new message,
 * trimmed to `maxPromptTokens` in this order until it fits:
 *
 * 1. recalled memories, least similar first (they are a guess);
 * 2. pending turns (outside the window, not yet summarised), oldest first;
 * 3. window turns, oldest first, down to `keepRecentTurns`;
 * 4. the summary (compact, and it covers everything older, so it goes after the raw turns);
 * 5. the last window turns, oldest first.
 *
 * The system prompt and the new message are never dropped: when they alone exceed the budget
 * the prompt is sent with them only, and `overBudget` says so. Turns are dropped so that a
 * remaining run starts with a user turn (an answer without its question is dropped with it).
 *
 * Layout: the summary joins the system message (some chat templates accept one system message
 * only, first); recalled memories are replayed as the user and assistant messages they were, in
 * chronological order, so a user's words never gain the system role.
 */
export function buildPrompt(input: PromptInput, budget: PromptBudget): BuiltPrompt {
  const count = budget.countTokens ?? estimateTokens;
  const keepRecent = budget.keepRecentTurns ?? 2;
  if (!Number.isInteger(budget.maxPromptTokens) || budget.maxPromptTokens < 1)
    throw new RangeError('maxPromptTokens must be a positive integer');
  if (!Number.isInteger(keepRecent) || keepRecent < 0)
    throw new RangeError('keepRecentTurns must be an integer >= 0');

  const turnCost = (t: Turn) => messageTokens(t.content, count);
  const memoryCost = (m: RecalledMemory) => m.turns.reduce((sum, t) => sum + turnCost(t), 0);
  const summaryText = input.context?.summary?.trim()
    ? `\n\n${SUMMARY_HEADING}\n${input.context.summary.trim()}`
    : '';

  let memories = [...(input.context?.memories ?? [])].sort((a, b) => b.similarity - a.similarity);
  let pending = [...(input.context?.pending ?? [])];
  let window = [...input.window];
  let summary = summaryText;

  const fixed = messageTokens(input.systemPrompt, count) + messageTokens(input.user, count);
  const noteCost = (ms: RecalledMemory[]) => {
    const n = ms.reduce((sum, m) => sum + m.turns.length, 0);
    return n === 0 ? 0 : count(`\n\n${recallNote(n)}`);
  };
  const parts = () => ({
    summary: summary ? count(summary) : 0,
    memories: memories.reduce((sum, m) => sum + memoryCost(m), 0) + noteCost(memories),
    pending: pending.reduce((sum, t) => sum + turnCost(t), 0),
    window: window.reduce((sum, t) => sum + turnCost(t), 0),
  });
  const over = () => {
    const p = parts();
    return fixed + p.summary + p.memories + p.pending + p.window > budget.maxPromptTokens;
  };

  while (over() && memories.length > 0) memories = memories.slice(0, -1);
  while (over() && pending.length > 0) pending = dropOldest(pending);
  while (over() && window.length > keepRecent) window = dropOldest(window);
  if (over()) summary = '';
  while (over() && window.length > 0) window = dropOldest(window);

  const chronological = [...memories].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const recalledTurns = chronological.flatMap((m) => m.turns);
  const note = recalledTurns.length > 0 ? `\n\n${recallNote(recalledTurns.length)}` : '';
  const messages: MemoryMessage[] = [
    { role: 'system', content: `${input.systemPrompt}${summary}${note}` },
    ...[...recalledTurns, ...pending, ...window].map((t) => ({ role: t.role, content: t.content })),
    { role: 'user', content: input.user },
  ];

  const p = parts();
  const system = messageTokens(input.systemPrompt, count);
  const user = messageTokens(input.user, count);
  const total = system + user + p.summary + p.memories + p.pending + p.window;
  return {
    messages,
    tokens: { system, user, ...p, total },
    dropped: {
      memories: (input.context?.memories.length ?? 0) - memories.length,
      pending: (input.context?.pending.length ?? 0) - pending.length,
      window: input.window.length - window.length,
      summary: summaryText !== '' && summary === '',
    },
    overBudget: total > budget.maxPromptTokens,
  };
}

/** Drops the oldest turn, and the answers that would then lead the run without their question. */
function dropOldest(turns: Turn[]): Turn[] {
  let start = 1;
  while (start < turns.length && turns[start]?.role === 'assistant') start++;
  return turns.slice(start);
}

/** Tokens of a prompt already built elsewhere (for a metric of prompts built without memory). */
export function promptTokens(
  messages: readonly MemoryMessage[],
  countTokens: CountTokens = estimateTokens,
): number {
  return messages.reduce((sum, m) => sum + countTokens(m.content) + MESSAGE_OVERHEAD_TOKENS, 0);
}
