export { createTelegramApi, type TelegramApiOptions, type TelegramCallObserver } from './api-client';
export { loadBotInfo } from './bot-info';
export { classifyTelegramError, type TelegramFailure } from './errors';
export {
  type FormattedPart,
  type FormattedText,
  formatForTelegram,
  MESSAGE_LIMIT,
  markdownToEntities,
  plainParts,
  splitFormatted,
} from './format';
export {
  createOutboundLimiter,
  type OutboundChatId,
  type OutboundLimiter,
  type OutboundLimiterOptions,
} from './outbound/limiter';
export { OutboundPausedError } from './outbound/paused-error';
export {
  type OutboundLimitsOptions,
  outboundLimits,
  PAUSE_ONLY_METHODS,
  RATE_LIMITED_METHODS,
} from './outbound/transformer';
export { SECRET_TOKEN_HEADER, secretTokenMatches } from './secret-token';
export { type SendTextOptions, sendTextSafely } from './send-text';
export { splitText, TELEGRAM_TEXT_LIMIT } from './split-text';
