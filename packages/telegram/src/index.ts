export { createTelegramApi, type TelegramApiOptions, type TelegramCallObserver } from './api-client';
export { loadBotInfo } from './bot-info';
export { classifyTelegramError, type TelegramFailure } from './errors';
export { SECRET_TOKEN_HEADER, secretTokenMatches } from './secret-token';
export { splitText, TELEGRAM_TEXT_LIMIT } from './split-text';
