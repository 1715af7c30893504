import { ApiError, badRequest } from './api-error';
import { METHOD_FIELDS } from './method-spec';

/**
 * Telegram accepts every parameter as a string (query string, form fields, multipart parts) and
 * converts it by the parameter's documented type; JSON bodies may also carry strings for numbers.
 * This applies the same conversion using the spec's types.
 */

const SCALAR_TYPES = new Set(['String', 'Integer', 'Float', 'Boolean', 'InputFile']);

/** Descriptions Telegram uses for unparsable JSON-serialized parameters. */
const JSON_ERRORS: Record<string, string> = {
  reply_markup: "can't parse reply keyboard markup JSON object",
  entities: "can't parse entities JSON object",
  reply_parameters: "can't parse reply parameters JSON object",
  link_preview_options: "can't parse link preview options JSON object",
  allowed_updates: "can't parse allowed updates JSON object",
};

export function coerceParams(method: string, raw: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value !== null && value !== undefined) params[key] = value;
  }
  for (const field of METHOD_FIELDS[method] ?? []) {
    const value = params[field.name];
    if (typeof value !== 'string') continue;
    params[field.name] = coerceValue(field.name, field.types, value);
  }
  return params;
}

function coerceValue(name: string, types: readonly string[], value: string): unknown {
  if (types.includes('Integer') && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  if (types.includes('Float') && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (types.length === 1 && types[0] === 'Boolean') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0' || lower === '') return false;
    return value;
  }
  const isJson = types.some((t) => !SCALAR_TYPES.has(t)) && !types.includes('String');
  if (!isJson) return value;
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest(JSON_ERRORS[name] ?? `can't parse ${name} JSON object`);
  }
}

/** Special "is empty" wording for some required parameters. */
const REQUIRED_MESSAGES: Record<string, string> = {
  'sendMessage.text': 'message text is empty',
  'deleteMessage.message_id': 'message identifier is not specified',
};

/** Parameters that are documented as required but that Telegram treats as optional. */
const LENIENT = new Set(['setWebhook.url']);

/** 400 "<param> is empty" for the first documented required parameter that is missing. */
export function checkRequired(method: string, params: Record<string, unknown>): void {
  for (const field of METHOD_FIELDS[method] ?? []) {
    if (!field.required) continue;
    const key = `${method}.${field.name}`;
    if (LENIENT.has(key)) continue;
    const value = params[field.name];
    if (value === undefined || value === '')
      throw badRequest(REQUIRED_MESSAGES[key] ?? `${field.name} is empty`);
  }
}

/** An integer parameter, or undefined when absent. */
export function optionalInt(params: Record<string, unknown>, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw badRequest(`invalid ${name} specified`);
}

/** The chat_id parameter as Telegram reads it: an integer id or an "@username". */
export function chatIdParam(params: Record<string, unknown>): number | string {
  const value = params.chat_id;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && value !== '') return value;
  if (value === undefined || value === '') throw badRequest('chat_id is empty');
  throw new ApiError(400, 'Bad Request: chat not found');
}

/** Clamps an optional integer like Telegram does for limits (out-of-range values are not errors). */
export function clampedInt(
  params: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = params[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
