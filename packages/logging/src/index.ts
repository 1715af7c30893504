export { createLogger, type Logger, type LoggerOptions } from './logger';
export { scrubSecrets } from './scrub';
