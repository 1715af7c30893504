export { COMMIT_LUA, turnEntries } from './commit-lua';
export { createHistoryStore, type HistoryOptions, type HistoryStore, parseTurns, type Turn } from './history';
export {
  BEGIN_LEDGER_LUA,
  createReplyLedger,
  LEDGER_TTL_SECONDS,
  type LedgerEntry,
  parseLedger,
  type ReplyLedger,
  type SentPart,
} from './reply-ledger';
