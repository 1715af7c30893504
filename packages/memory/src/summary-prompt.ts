import type { MemoryMessage } from './options';
import type { Turn } from './schemas';
import type { CountTokens } from './tokens';

/**
 * The instruction of the running summary. It asks to keep what a user expects a bot to remember
 * (facts about themselves, numbers, names, dates, decisions, open questions) because the
 * summary replaces the turns it covers: what it drops is only found again through recall.
 * It deliberately does not start with "You are <Name>": the simulator, like some models, would
 * take that as a persona.
 */
export function summaryInstruction(maxTokens: number): string {
  const words = Math.max(20, Math.floor(maxTokens * 0.6));
  return [
    'Maintain the running summary of a conversation between a user and an assistant.',
    'Rewrite the current summary so that it also covers the new messages.',
    'Keep every fact the user gave about themselves or asked to be remembered (names, numbers,',
    'codes, dates, places, preferences, plans), decisions taken and questions still open;',
    'drop greetings and small talk. Write short plain notes in the language of the conversation,',
    `at most ${words} words. Answer with the summary only.`,
  ].join(' ');
}

/** The messages of one summarisation call: instruction, current summary and the turns to fold. */
export function summaryMessages(
  previous: string | undefined,
  turns: readonly Turn[],
  maxTokens: number,
): MemoryMessage[] {
  const transcript = turns.map((t) => `${t.role}: ${t.content}`).join('\n');
  return [
    { role: 'system', content: summaryInstruction(maxTokens) },
    {
      role: 'user',
      content: `Current summary:\n${previous?.trim() || '(none yet)'}\n\nNew messages:\n${transcript}`,
    },
  ];
}

/** The text cut to at most `maxTokens` (by `count`), at a word boundary when there is one. */
export function clampToTokens(text: string, maxTokens: number, count: CountTokens): string {
  const trimmed = text.trim();
  if (count(trimmed) <= maxTokens) return trimmed;
  // Binary search on the code-point length: the count is monotonic in the prefix length.
  const chars = Array.from(trimmed);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (count(`${chars.slice(0, mid).join('')}…`) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  let cut = chars.slice(0, low).join('');
  const space = cut.lastIndexOf(' ');
  if (space > cut.length * 0.8) cut = cut.slice(0, space);
  return `${cut.trimEnd()}…`;
}
