import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BOT_API_VERSION } from './bot-api/method-spec';
import type { EmulatorCore } from './core';
import type { ChatEvent } from './events';
import { BodyTooLargeError, readBody } from './http/body';
import { sendFile } from './http/file-download';
import { readFormData } from './http/form-data';
import { sendError, sendJson } from './http/respond';
import { sendUserMedia } from './user-media';
import { injectUpdate, sendUserMessage } from './user-messages';
import { botMessages, chatHistory, listBots, listChats } from './views';

/**
 * The emulator's own HTTP API under /_emulator/, for tests in other processes, fault injection
 * and the chat page. Answers use the Bot API's envelope: {ok, result} or {ok:false, error_code,
 * description}. Bodies are JSON with snake_case or camelCase keys.
 */

const int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** Identifies a bot by token or by id; neither means "the only bot". */
const botRef = { token: z.string().optional(), botId: int.optional() };

const messageBody = z.object({
  ...botRef,
  text: z.string(),
  chatId: int.optional(),
  userId: int.optional(),
  chatType: z.enum(['private', 'group', 'supergroup']).optional(),
  firstName: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  chatTitle: z.string().min(1).optional(),
  replyToMessageId: int.optional(),
});

const seconds = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);

/** POST /media: the file comes as a multipart `file` part, as base64 `data` in JSON, or as `speak`. */
const mediaBody = z.object({
  ...botRef,
  kind: z.enum(['photo', 'document', 'voice', 'audio']),
  data: z
    .string()
    .regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64')
    .optional(),
  speak: z.string().min(1).optional(),
  caption: z.string().optional(),
  fileName: z.string().min(1).optional(),
  mimeType: z.string().min(1).optional(),
  duration: seconds.optional(),
  title: z.string().optional(),
  performer: z.string().optional(),
  chatId: int.optional(),
  userId: int.optional(),
  chatType: z.enum(['private', 'group', 'supergroup']).optional(),
  firstName: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  chatTitle: z.string().min(1).optional(),
  replyToMessageId: int.optional(),
});

/** Largest POST /media body: a 64 MiB file, base64-encoded in JSON. */
const MEDIA_BODY_LIMIT = 90 * 1024 * 1024;

const updateBody = z.object({ ...botRef, update: z.record(z.string(), z.unknown()) });
const redeliverBody = z.object({ ...botRef, updateId: int });
const faultBody = z.object({
  method: z.string().min(1).optional(),
  chatId: int.optional(),
  times: int.pipe(z.number().min(1)).optional(),
  errorCode: int.pipe(z.number().min(100).max(599)),
  description: z.string().min(1).optional(),
  retryAfter: int.pipe(z.number().min(0)).optional(),
});

const floodBody = z.object({
  enabled: z.boolean().optional(),
  perChatPerSecond: z.number().positive().optional(),
  perChatBurst: int.pipe(z.number().min(1)).optional(),
  perGroupPerMinute: z.number().positive().optional(),
  perGroupBurst: int.pipe(z.number().min(1)).optional(),
  globalPerSecond: z.number().positive().optional(),
  globalBurst: int.pipe(z.number().min(1)).optional(),
  draftsPerSecond: z.number().min(0).optional(),
});

const EVENT_TYPES = ['message', 'edit', 'delete', 'draft', 'action', 'reset'] as const;

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** SSE keep-alive comment interval, so that proxies keep idle streams open. */
const SSE_PING_MS = 15_000;

export class ControlApi {
  constructor(
    private readonly core: EmulatorCore,
    private readonly shutdown: AbortSignal,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/^\/_emulator/, '').replace(/\/$/, '') || '/';
    const method = req.method ?? 'GET';
    const query = url.searchParams;
    try {
      if (method === 'GET' && path === '/events') return this.streamEvents(req, res, query);
      const file = /^\/files\/([A-Za-z0-9_-]+)$/.exec(path);
      if (file) {
        const bot = this.core.state.resolveBot(this.tokenFromQuery(query));
        return sendFile(req, res, this.core.files.byId(bot.id, file[1] ?? ''), { inlineOnly: true });
      }
      const result = await this.dispatch(method, path, query, req);
      sendJson(res, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof ControlError) return sendError(res, err.status, err.message);
      if (err instanceof z.ZodError) return sendError(res, 400, `Bad Request: ${describeZodError(err)}`);
      if (err instanceof BodyTooLargeError) return sendError(res, 413, 'Request Entity Too Large');
      if (err instanceof Error)
        return sendError(res, 400, `Bad Request: ${err.message.replace(/^tg-emulator: /, '')}`);
      throw err;
    }
  }

  private async dispatch(
    method: string,
    path: string,
    query: URLSearchParams,
    req: IncomingMessage,
  ): Promise<unknown> {
    const core = this.core;
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /health':
        return { version: BOT_API_VERSION, bots: core.state.bots.size };
      case 'GET /bots':
        return listBots(core);
      case 'POST /messages': {
        const body = messageBody.parse(await readJson(req));
        const { botId, token, ...input } = body;
        return sendUserMessage(core, { ...input, token: this.tokenOf(token, botId) });
      }
      case 'POST /media':
        return this.sendMedia(req);
      case 'POST /updates': {
        const body = updateBody.parse(await readJson(req, false));
        return injectUpdate(core, body.update, this.tokenOf(body.token, body.botId));
      }
      case 'POST /redeliver': {
        const body = redeliverBody.parse(await readJson(req));
        const bot = core.state.resolveBot(this.tokenOf(body.token, body.botId));
        return core.redeliver(bot, body.updateId);
      }
      case 'GET /calls': {
        const chatId = optionalInt(query, 'chat_id');
        return core.calls.list({
          ...(query.get('method') ? { method: query.get('method') as string } : {}),
          ...(chatId !== undefined ? { chatId } : {}),
          ...(query.get('token') ? { token: query.get('token') as string } : {}),
        });
      }
      case 'GET /chats':
        return listChats(core, this.tokenFromQuery(query));
      case 'GET /bot-messages':
        return botMessages(core, optionalInt(query, 'chat_id'), this.tokenFromQuery(query));
      case 'GET /faults':
        return core.faults.list();
      case 'POST /faults': {
        const rule = faultBody.parse(await readJson(req));
        core.faults.add(rule);
        return rule;
      }
      case 'DELETE /faults':
        core.faults.clear();
        return true;
      case 'POST /reset':
        core.reset();
        return true;
      case 'GET /event-log': {
        const type = query.get('type') ?? undefined;
        if (type !== undefined && !(EVENT_TYPES as readonly string[]).includes(type))
          throw new ControlError(400, `Bad Request: type must be one of ${EVENT_TYPES.join(', ')}`);
        const since = optionalInt(query, 'since');
        const chatId = optionalInt(query, 'chat_id');
        const botId = optionalInt(query, 'bot_id');
        return core.eventLog.list({
          ...(since !== undefined ? { since } : {}),
          ...(chatId !== undefined ? { chatId } : {}),
          ...(botId !== undefined ? { botId } : {}),
          ...(type !== undefined ? { type: type as (typeof EVENT_TYPES)[number] } : {}),
        });
      }
      case 'GET /flood-limits':
        return { enabled: core.flood.current() !== undefined, limits: core.flood.current() ?? null };
      case 'POST /flood-limits': {
        const { enabled, ...limits } = floodBody.parse(await readJson(req));
        const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
        const wanted =
          enabled === false ? false : Object.keys(defined).length > 0 ? defined : enabled === true;
        core.flood.configure(wanted);
        return { enabled: core.flood.current() !== undefined, limits: core.flood.current() ?? null };
      }
    }
    const chatMessages = /^\/chats\/(-?\d+)\/messages$/.exec(path);
    if (method === 'GET' && chatMessages) {
      return chatHistory(core, Number(chatMessages[1]), this.tokenFromQuery(query));
    }
    throw new ControlError(404, 'Not Found');
  }

  /** `GET /_emulator/events?chat_id=&bot_id=`: chat events as Server-Sent Events (JSON `data:` lines). */
  private streamEvents(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const chatId = optionalInt(query, 'chat_id');
    const botId = optionalInt(query, 'bot_id');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Tells EventSource to reconnect quickly, and flushes the headers.
    res.write('retry: 1000\n\n');
    const matches = (event: ChatEvent) =>
      event.type === 'reset' ||
      ((chatId === undefined || event.chatId === chatId) && (botId === undefined || event.botId === botId));
    const unsubscribe = this.core.events.on((event) => {
      if (matches(event)) res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), SSE_PING_MS);
    const end = () => {
      clearInterval(ping);
      unsubscribe();
      this.shutdown.removeEventListener('abort', end);
      if (!res.writableEnded) res.end();
    };
    req.on('close', end);
    this.shutdown.addEventListener('abort', end, { once: true });
  }

  /** POST /media: a user sends a photo, document, voice note or audio file. */
  private async sendMedia(req: IncomingMessage): Promise<unknown> {
    const multipart = (req.headers['content-type'] ?? '').toLowerCase().includes('multipart/form-data');
    let fields: Record<string, unknown>;
    let upload: { data: Buffer; name?: string; type?: string } | undefined;
    if (multipart) {
      const form = await readFormData(req, MEDIA_BODY_LIMIT);
      fields = camelize(form.fields);
      upload = form.files.file;
    } else {
      fields = await readJson(req, true, MEDIA_BODY_LIMIT);
    }
    const { botId, token, data, fileName, mimeType, ...input } = mediaBody.parse(fields);
    const bytes = upload?.data ?? (data === undefined ? undefined : Buffer.from(data, 'base64'));
    const name = fileName ?? upload?.name;
    // Browsers send an empty or generic type for files they do not know; the content tells better.
    const type = mimeType ?? (upload?.type === 'application/octet-stream' ? undefined : upload?.type);
    return sendUserMedia(this.core, {
      ...input,
      ...(bytes === undefined ? {} : { data: bytes }),
      ...(name === undefined ? {} : { fileName: name }),
      ...(type === undefined ? {} : { mimeType: type }),
      token: this.tokenOf(token, botId),
    });
  }

  private tokenOf(token: string | undefined, botId: number | undefined): string | undefined {
    if (token !== undefined || botId === undefined) return token;
    const bot = this.core.state.botById(botId);
    if (!bot) throw new ControlError(404, `Not Found: bot ${botId} is unknown`);
    return bot.token;
  }

  private tokenFromQuery(query: URLSearchParams): string | undefined {
    return this.tokenOf(query.get('token') ?? undefined, optionalInt(query, 'bot_id'));
  }
}

function optionalInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw new ControlError(400, `Bad Request: ${name} must be an integer`);
  return Number(value);
}

/** Reads a JSON object body; keys are camelCased unless `camelCase` is false (raw updates). */
async function readJson(
  req: IncomingMessage,
  camelCase = true,
  limit = 1024 * 1024,
): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, limit)).toString('utf8');
  let parsed: unknown = {};
  if (raw.trim() !== '') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ControlError(400, "Bad Request: can't parse JSON object");
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ControlError(400, 'Bad Request: JSON object expected');
  }
  const body = parsed as Record<string, unknown>;
  if (!camelCase) {
    const { bot_id, ...rest } = body;
    return bot_id === undefined ? rest : { ...rest, botId: bot_id };
  }
  return camelize(body);
}

/** `chat_id` → `chatId`: the control API takes either spelling. */
function camelize(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
}
