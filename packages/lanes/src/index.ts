export { type AcceptDeps, type AcceptOptions, acceptUpdate, LANE_ARMED_TTL_MS } from './accept-update';
export { createDeadLetters, type DeadLetter, type DeadLetterOptions, type DeadLetters } from './dead-letters';
export {
  type AcceptResult,
  createInbox,
  type Inbox,
  type InboxEntry,
  type InboxOptions,
  type StoredUpdate,
} from './inbox';
export { createBatchedArmer, directArmer, type LaneArmer } from './lane-armer';
export { armLane, markPending, parsePendingMember, unmarkPending } from './lane-scheduler';
export { createLaneShards, type LaneShard, type LaneShards, singleQueueShards } from './lane-shards';
export type { RedisClient } from './redis-script';
export { createWriteBatcher, type WriteBatcher, type WriteBatcherOptions } from './write-batcher';
