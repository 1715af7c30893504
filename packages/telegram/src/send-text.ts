import type { Api } from 'grammy';
import { classifyTelegramError } from './errors';
import { splitText, TELEGRAM_TEXT_LIMIT } from './split-text';

/** The optional `sendMessage` parameters (everything but `chat_id` and `text`). */
export type SendTextOptions = NonNullable<Parameters<Api['sendMessage']>[2]>;

/**
 * Sends a (possibly long, possibly formatted) answer so that it is never lost to its formatting:
 * when Telegram rejects the markup ("can't parse entities", e.g. an LLM's unescaped MarkdownV2),
 * the same text is sent again as plain text. Returns the message ids in order.
 *
 * Texts over 4096 UTF-16 units are split with {@link splitText}. Splitting markup can cut a tag
 * or entity in half, and `entities` offsets refer to the whole text, so such texts are sent as
 * plain parts. A reply goes to the first part only and `reply_markup` (buttons) to the last only.
 *
 * Any other error (403, 429, `OutboundPausedError`, network) propagates; parts sent before it
 * stay sent.
 */
export async function sendTextSafely(
  api: Api,
  chatId: number | string,
  text: string,
  other: SendTextOptions = {},
): Promise<number[]> {
  // Empty text goes to Telegram as is, so that its 400 reaches the caller rather than nothing.
  const parts = text.length > TELEGRAM_TEXT_LIMIT ? splitText(text) : [text];
  const formatted = parts.length === 1 ? other : plain(other);
  const ids: number[] = [];
  for (const [index, part] of parts.entries()) {
    const options: SendTextOptions = { ...formatted };
    if (index > 0) delete options.reply_parameters;
    if (index < parts.length - 1) delete options.reply_markup;
    ids.push(await sendWithPlainFallback(api, chatId, part, options));
  }
  return ids;
}

async function sendWithPlainFallback(
  api: Api,
  chatId: number | string,
  text: string,
  options: SendTextOptions,
): Promise<number> {
  try {
    return (await api.sendMessage(chatId, text, options)).message_id;
  } catch (err) {
    const hasMarkup = options.parse_mode !== undefined || options.entities !== undefined;
    if (!hasMarkup || classifyTelegramError(err)?.kind !== 'cannot_parse_entities') throw err;
    return (await api.sendMessage(chatId, text, plain(options))).message_id;
  }
}

/** The options without any formatting: the text is shown exactly as written. */
function plain(options: SendTextOptions): SendTextOptions {
  const { parse_mode: _parseMode, entities: _entities, ...rest } = options;
  return rest;
}
