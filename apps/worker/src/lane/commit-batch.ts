import { createHash } from 'node:crypto';
import { COMMIT_LUA, LEDGER_TTL_SECONDS, type SentPart, type Turn, turnEntries } from '@parley/conversation';
import type { WorkerDeps } from '../deps';

/**
 * What finishing an update (or a batch led by it) takes besides its reply: which updates leave
 * the chat's inbox, and which batch members the reply answers too.
 */
export interface CommitPlan {
  /** Updates to take out of the chat's inbox. */
  removeIds: number[];
  /** Batch members answered by the leading update's reply ("covered"). */
  coveredIds: number[];
}

export const NOTHING_TO_REMOVE: CommitPlan = { removeIds: [], coveredIds: [] };

/**
 * Commits a finished update in one atomic script: the conversation turn, the reply ledger's
 * "done" (with the answer's last part when `lastPart` is given, see deliverReply), the covered
 * members' ledgers and the removal from the inbox. Every key carries the chat's hash tag.
 * The inbox is written as @parley/lanes stores it (see readBatch).
 *
 * KEYS[1] leading ledger, KEYS[2] history, KEYS[3] the chat's record of bot messages,
 * KEYS[4] inbox, KEYS[5] inbox payloads, KEYS[6..] covered members' ledgers.
 * ARGV[1] ledger TTL, ARGV[2] leading update id, ARGV[3] last part number or '', ARGV[4] its
 * message id, ARGV[5] history window, ARGV[6] history TTL, ARGV[7] number of turns T,
 * ARGV[8..7+T] the turns, then the update ids that leave the inbox.
 */
const COMMIT = `${COMMIT_LUA}
local count = tonumber(ARGV[7])
local turns = {}
for i = 1, count do turns[i] = ARGV[7 + i] end
local remove = {}
for i = 8 + count, #ARGV do remove[#remove + 1] = ARGV[i] end
appendTurns(KEYS[2], tonumber(ARGV[5]), ARGV[6], turns)
if #remove > 0 then
  redis.call('ZREM', KEYS[4], unpack(remove))
  redis.call('HDEL', KEYS[5], unpack(remove))
end
for i = 6, #KEYS do coverLedger(KEYS[i], ARGV[2], ARGV[1]) end
finishLedger(KEYS[1], ARGV[3], ARGV[4], KEYS[3], ARGV[1])
return 1`;

const COMMIT_SHA = createHash('sha1').update(COMMIT).digest('hex');

export async function commitBatch(
  deps: WorkerDeps,
  target: { botId: string; chatId: number; updateId: number },
  plan: CommitPlan,
  extra: { turns?: Turn[]; lastPart?: SentPart } = {},
): Promise<void> {
  const { botId, chatId, updateId } = target;
  const { keys } = deps;
  const turns = turnEntries(extra.turns ?? []);
  const scriptKeys = [
    keys.replyLedger(botId, chatId, updateId),
    keys.history(botId, chatId),
    keys.sentMessages(botId, chatId),
    keys.inbox(botId, chatId),
    keys.inboxData(botId, chatId),
    ...plan.coveredIds.map((id) => keys.replyLedger(botId, chatId, id)),
  ];
  const args = [
    String(LEDGER_TTL_SECONDS),
    String(updateId),
    extra.lastPart ? String(extra.lastPart.sentCount) : '',
    extra.lastPart ? String(extra.lastPart.messageId) : '',
    String(deps.config.history.maxMessages),
    String(deps.config.history.ttlSeconds),
    String(turns.length),
    ...turns,
    ...plan.removeIds.map(String),
  ];
  try {
    await deps.redis.evalsha(COMMIT_SHA, scriptKeys.length, ...scriptKeys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    await deps.redis.eval(COMMIT, scriptKeys.length, ...scriptKeys, ...args);
  }
}
