export { createKeyspace, type Keyspace, type KeyspaceOptions } from './keys';
export {
  type BusyNoticeJob,
  botIdSchema,
  busyNoticeJobSchema,
  type ChatLaneJob,
  chatLaneJobSchema,
  type JobContract,
  LANE_BACKOFF_TYPE,
  laneDeduplicationId,
  type NoticesJobName,
  queues,
  type SweepLanesJob,
  sweepLanesJobSchema,
  type UpdateJob,
  type UpdatesJobName,
  updateJobId,
  updateJobSchema,
} from './queues';
export {
  chatShardIndex,
  noticesQueuePrefix,
  type ShardLayoutOptions,
  type UpdateShard,
  updateShardIndex,
  updateShardLayout,
} from './shards';
export {
  type TelegramMessage,
  type TelegramUpdate,
  telegramMessageSchema,
  telegramUpdateSchema,
  UPDATE_KINDS,
  type UpdateKind,
  updateChatId,
  updateKind,
} from './telegram-update';
