import type { Stack } from './stack';

/**
 * A short, bounded load that touches every metric the dashboards show: repeated first-turn
 * prompts (exact cache hits, semantic lookups, single flight), follow-ups (LLM calls with
 * history), LLM 500s on the primary backend (failures, an open circuit, the fallback), Telegram
 * 429s (flood control) and a chat that blocked the bot (a dead letter).
 */

export const BLOCKED_CHAT = 9_001;
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const FIRST = range(7_001, 8);
const SECOND = range(7_101, 8);
const THIRD = range(7_201, 4);
const WAVE_GAP_MS = 1_500;

export interface LoadResult {
  /** Messages sent per chat (the blocked chat included). */
  sent: Map<number, number>;
}

export async function driveLoad(stack: Stack): Promise<LoadResult> {
  const sent = new Map<number, number>();
  const wave = async (chats: number[], text: string) => {
    await Promise.all(
      chats.map(async (chatId) => {
        await stack.say(chatId, text);
        sent.set(chatId, (sent.get(chatId) ?? 0) + 1);
      }),
    );
  };
  const pause = () => new Promise((r) => setTimeout(r, WAVE_GAP_MS));

  // New chats asking the same first question at once: one LLM call, the others share it.
  await wave(FIRST, 'What is Parley?');
  await pause();
  // More new chats, later: answered from the response cache.
  await wave(SECOND, 'what is  parley?');
  await pause();

  // Now the failures: the primary LLM answers 500 until its circuit opens (the fallback
  // answers), Telegram throttles a few sends, and one user has blocked the bot.
  await stack.post(`${stack.primarySimUrl}/_sim/faults`, { status: 500, times: 20, path: 'chat' });
  await stack.post(`${stack.emulatorUrl}/_emulator/faults`, {
    error_code: 429,
    retry_after: 1,
    method: 'sendMessage',
    times: 3,
  });
  await stack.post(`${stack.emulatorUrl}/_emulator/faults`, {
    error_code: 403,
    method: 'sendMessage',
    chat_id: BLOCKED_CHAT,
    times: 1,
  });
  await wave([BLOCKED_CHAT], 'hello?');
  // A near question in new chats (semantic cache lookups), follow-ups with history elsewhere.
  await wave([...THIRD, ...FIRST], 'What exactly is Parley, please?');
  await pause();
  await wave([...FIRST, ...SECOND], 'And how do the workers scale?');
  await pause();
  // Still within LLM_BREAKER_OPEN_MS: skipped again, a scrape or more after the first skips.
  await wave(THIRD, 'Thanks! One more thing: what about Redis?');
  return { sent };
}

/**
 * Waits until the worker has handled every update sent (answered, alone or together with the
 * next ones of its chat, or dead-lettered), as its own parley_updates_total counts them.
 */
export async function waitUntilHandled(stack: Stack, load: LoadResult, timeoutMs: number): Promise<void> {
  const expected = [...load.sent.values()].reduce((a, b) => a + b, 0);
  const deadline = Date.now() + timeoutMs;
  let handled = 0;
  while (Date.now() < deadline) {
    const text = await stack.metricsText('worker');
    handled = [...text.matchAll(/^parley_updates_total\{[^}]*\} (\d+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    if (handled >= expected) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${handled} of ${expected} updates handled after ${timeoutMs} ms\n${stack.logs()}`);
}
