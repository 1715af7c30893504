import type { UpdateJob } from '@parley/contracts';
import type { InboxEntry } from '@parley/lanes';
import type { WorkerDeps } from '../deps';
import { readBatch, type StartedBatch } from './read-batch';

export type ReadableEntry = InboxEntry & { payload: UpdateJob };

/**
 * What the lane handles next. `ledger` (the first update's, this attempt already counted) and
 * `history` come from the same round trip as the updates (see readBatch).
 */
export type Batch = Omit<StartedBatch, 'entries'> &
  (
    | { kind: 'unreadable'; entries: InboxEntry[] }
    | { kind: 'single'; entries: [ReadableEntry] }
    /** Several short messages of one user, answered together. */
    | { kind: 'coalesced'; entries: ReadableEntry[] }
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A plain text message in a private chat: the only kind merged with its neighbours. */
function coalescible(payload: UpdateJob | undefined): boolean {
  const message = payload?.update.message;
  return (
    message !== undefined &&
    message.chat.type === 'private' &&
    typeof message.text === 'string' &&
    !message.text.startsWith('/')
  );
}

function takeRun(entries: InboxEntry[], max: number): ReadableEntry[] {
  const run: ReadableEntry[] = [];
  const sender = entries[0]?.payload?.update.message?.from?.id;
  for (const entry of entries) {
    if (run.length >= max || !coalescible(entry.payload)) break;
    if (entry.payload?.update.message?.from?.id !== sender) break;
    run.push(entry as ReadableEntry);
  }
  return run;
}

/**
 * Picks what the lane handles next: the head of the chat's inbox, or — when the user is sending
 * several short messages in a row (a common habit) — the run of them, once they have stopped
 * typing for `windowMs` (never waiting more than `maxWaitMs` after the first). A batch recorded
 * by an earlier attempt is taken again as it was, so a retry answers the same messages.
 */
export async function nextBatch(deps: WorkerDeps, botId: string, chatId: number): Promise<Batch | undefined> {
  const { windowMs, maxWaitMs, maxMessages } = deps.config.coalesce;
  const started = await readBatch(deps, botId, chatId, maxMessages);
  const head = started?.entries[0];
  if (!started || !head) return undefined;
  const { ledger, history } = started;
  if (!head.payload) return { kind: 'unreadable', entries: [head], ledger, history };
  const single: Batch = { kind: 'single', entries: [head as ReadableEntry], ledger, history };

  let entries = started.entries;
  if (ledger.batch && ledger.batch.length > 1) {
    const ids = new Set(ledger.batch);
    const members = entries.filter((e): e is ReadableEntry => ids.has(e.updateId) && e.payload !== undefined);
    return members.length > 1 ? { kind: 'coalesced', entries: members, ledger, history } : single;
  }
  if (
    windowMs === 0 ||
    maxMessages < 2 ||
    ledger.done ||
    ledger.answer !== undefined ||
    !coalescible(head.payload)
  ) {
    return single;
  }
  const firstAt = head.payload.receivedAt;
  for (;;) {
    const run = takeRun(entries, maxMessages);
    const newest = Math.max(...run.map((e) => e.payload.receivedAt));
    const wait = Math.min(newest + windowMs, firstAt + maxWaitMs) - Date.now();
    if (wait <= 0 || run.length >= maxMessages)
      return run.length > 1 ? { kind: 'coalesced', entries: run, ledger, history } : single;
    await sleep(Math.min(wait, 200));
    // Only the inbox changes while the user types: the head's ledger and history were read above.
    entries = await deps.inbox.peek(botId, chatId, maxMessages);
    if (entries[0]?.updateId !== head.updateId) return single;
  }
}
