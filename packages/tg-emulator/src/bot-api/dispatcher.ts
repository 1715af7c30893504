import type { RecordedCall } from '../call-log';
import type { EmulatorCore } from '../core';
import { ApiError } from './api-error';
import { botInfoMethods } from './bot-info';
import { chatMethods } from './chats';
import { commandMethods } from './commands';
import { fileMethods } from './files';
import { messageMethods } from './messages';
import { Described, type MethodHandler } from './method-context';
import { ALL_METHODS } from './method-spec';
import { checkRequired, coerceParams } from './params';
import type { ApiResponse } from './telegram-types';
import { updateMethods } from './updates';
import { webhookMethods } from './webhook';

/** Implemented methods by lower-case name: Telegram matches method names case-insensitively. */
const REGISTRY = new Map<string, { name: string; handler: MethodHandler }>();
for (const group of [
  botInfoMethods,
  updateMethods,
  webhookMethods,
  messageMethods,
  chatMethods,
  commandMethods,
  fileMethods,
]) {
  for (const [name, handler] of Object.entries(group)) REGISTRY.set(name.toLowerCase(), { name, handler });
}
const KNOWN = new Map(ALL_METHODS.map((name) => [name.toLowerCase(), name]));

/** Names of the methods the emulator implements. */
export const IMPLEMENTED_METHODS: readonly string[] = [...REGISTRY.values()].map((m) => m.name);

export interface InvokeOptions {
  signal: AbortSignal;
  via: RecordedCall['via'];
}

export interface InvokeResult {
  /** HTTP status: 200, or the error_code. */
  status: number;
  body: ApiResponse;
}

/**
 * Runs one Bot API call the way Telegram answers it: 401 for a refused token, 404 for an unknown
 * method, a queued fault if one matches, else the method itself. Every call is recorded.
 */
export async function invokeMethod(
  core: EmulatorCore,
  token: string,
  methodName: string,
  raw: Record<string, unknown>,
  opts: InvokeOptions,
): Promise<InvokeResult> {
  const at = Date.now();
  const entry = REGISTRY.get(methodName.toLowerCase());
  const method = entry?.name ?? KNOWN.get(methodName.toLowerCase()) ?? methodName;
  let params = raw;
  let injected = false;
  let body: ApiResponse;
  try {
    const bot = core.state.authenticate(token);
    if (!bot) throw new ApiError(401, 'Unauthorized');
    if (!entry) {
      if (KNOWN.has(methodName.toLowerCase())) {
        throw new ApiError(501, `Not Implemented: ${method} is not supported by tg-emulator`);
      }
      throw new ApiError(404, 'Not Found');
    }
    params = coerceParams(entry.name, raw);
    const chatId = typeof params.chat_id === 'number' ? params.chat_id : undefined;
    const fault = core.faults.take(entry.name, chatId);
    if (fault) {
      injected = true;
      throw fault;
    }
    checkRequired(entry.name, params);
    const known = core.state.findChat(bot, params.chat_id);
    core.flood.admit(entry.name, bot.id, known?.chat.id, known?.chat.type);
    const outcome = await entry.handler({ core, bot, signal: opts.signal }, params);
    body =
      outcome instanceof Described
        ? { ok: true, result: outcome.result, description: outcome.description }
        : { ok: true, result: outcome };
  } catch (err) {
    if (err instanceof ApiError) {
      body = { ok: false, error_code: err.code, description: err.description };
      if (err.parameters) body.parameters = err.parameters;
    } else {
      core.options.logger.error({ err, method }, 'Bot API method failed');
      body = { ok: false, error_code: 500, description: 'Internal Server Error' };
    }
  }

  const call: RecordedCall = { method, token, params, at, ok: body.ok, via: opts.via };
  if (body.ok) call.result = body.result;
  else {
    call.errorCode = body.error_code;
    call.description = body.description;
  }
  if (injected) call.injected = true;
  core.calls.add(call);
  return { status: body.ok ? 200 : body.error_code, body };
}
