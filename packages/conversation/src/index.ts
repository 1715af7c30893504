export { createHistoryStore, type HistoryOptions, type HistoryStore, type Turn } from './history';
export { createReplyLedger, LEDGER_TTL_SECONDS, type LedgerEntry, type ReplyLedger } from './reply-ledger';
