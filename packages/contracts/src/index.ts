export { createKeyspace, type Keyspace } from './keys';
export {
  botIdSchema,
  type QueueContract,
  type QueueKey,
  queues,
  type UpdateJob,
  updateJobSchema,
} from './queues';
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
