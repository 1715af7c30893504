import { type Keyspace, queues, type UpdateJob, updateChatId, updateJobId } from '@parley/contracts';
import type { Queue } from 'bullmq';
import type { Inbox, StoredUpdate } from './inbox';
import { directArmer, type LaneArmer } from './lane-armer';
import { type LaneShards, singleQueueShards } from './lane-shards';
import type { RedisClient } from './redis-script';

/**
 * How long a chat's lane-armed marker lives. It only saves BullMQ calls while the lane job waits;
 * when it expires first (a backlog longer than this) the next update calls BullMQ's add again,
 * which its deduplication turns into a no-op. If a lane job is ever lost, the chat's next update
 * after this time re-arms it (and the sweeper does so for a chat that stays quiet).
 */
export const LANE_ARMED_TTL_MS = 5 * 60_000;

interface AcceptBase {
  /** Where the sweeper's index is written when no `armer` is given. */
  redis: RedisClient;
  keys: Keyspace;
  inbox: Inbox;
  /** How lanes are armed; by default one BullMQ add and one ZADD per call (`directArmer`). */
  armer?: LaneArmer;
}

export type AcceptDeps = AcceptBase &
  (
    | {
        /** The shards of the updates queue; a chat is routed to one of them. */
        shards: LaneShards;
      }
    | {
        /** The updates queue when it is not sharded (tests, tools). */
        updatesQueue: Queue;
      }
  );

export interface AcceptOptions {
  /**
   * The update exactly as received (validated JSON text): stored as is instead of serialising
   * the parsed object again, which the gateway's hot path would otherwise pay per request.
   */
  rawUpdate?: string;
  /** @defaultValue LANE_ARMED_TTL_MS */
  armedTtlMs?: number;
}

const shardsOf = (deps: AcceptDeps): LaneShards =>
  'shards' in deps && deps.shards
    ? deps.shards
    : singleQueueShards((deps as { updatesQueue: Queue }).updatesQueue, deps.keys);

function stored(payload: UpdateJob, rawUpdate: string | undefined): StoredUpdate {
  const json =
    rawUpdate === undefined
      ? JSON.stringify(payload)
      : `{"botId":${JSON.stringify(payload.botId)},"receivedAt":${payload.receivedAt},"update":${rawUpdate}}`;
  return { botId: payload.botId, updateId: payload.update.update_id, json };
}

/**
 * Stores an accepted update durably, idempotently (a re-delivery changes nothing), and makes
 * sure a lane will drain it. An update that belongs to a chat goes to that chat's inbox; an
 * update without a chat becomes a job of its own, keyed by its update id.
 *
 * The common case is one Redis command: the inbox write plus SET NX of the chat's lane-armed
 * marker, in one script. Only when that call set the marker (no lane armed since the last one
 * started reading) does it arm the lane in BullMQ and enter the chat into the sweeper's index.
 * A re-delivered update arms too: Telegram re-sends when an earlier attempt did not get its 200,
 * which may have stopped between the marker and the arming.
 */
export async function acceptUpdate(
  deps: AcceptDeps,
  payload: UpdateJob,
  opts: AcceptOptions = {},
): Promise<'lane' | 'job'> {
  const shards = shardsOf(deps);
  const chatId = updateChatId(payload.update);
  if (chatId === undefined) {
    const contract = queues.updates.jobs['telegram-update'];
    await shards.forUpdate(payload.botId, payload.update.update_id).queue.add('telegram-update', payload, {
      ...contract.options,
      jobId: updateJobId(payload),
    });
    return 'job';
  }
  // The inbox write must be acknowledged before the lane is armed, or a fast lane could find
  // the inbox empty and finish while the update is still on its way.
  const { added, armed } = await deps.inbox.accept(
    stored(payload, opts.rawUpdate),
    chatId,
    opts.armedTtlMs ?? LANE_ARMED_TTL_MS,
  );
  if (armed || !added) {
    const armer = deps.armer ?? directArmer(deps.redis);
    await armer.arm(shards.forChat(payload.botId, chatId), payload.botId, chatId, payload.receivedAt);
  }
  return 'lane';
}
