import type { IncomingMessage, ServerResponse } from 'node:http';
import { telegramUpdateSchema } from '@parley/contracts';
import type { WebhookOutcome } from '@parley/metrics';
import { SECRET_TOKEN_HEADER } from '@parley/telegram';
import type { GatewayDeps } from '../deps';
import { enqueueUpdate } from '../enqueue-update';
import { BodyTooLargeError, readBody } from './read-body';
import { sendError, sendOk } from './respond';
import { createSecretCheck } from './secret-check';

/**
 * POST /telegram/webhook: verify the secret, validate the update, store it durably, answer.
 * Bad input gets a 4xx with a short reason and is never enqueued; only a Redis failure gets
 * 503, which makes Telegram deliver the update again later.
 */
export function createWebhookHandler(
  deps: GatewayDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const secretMatches = createSecretCheck(deps.config.telegram.webhookSecret);
  return async (req, res) => {
    const outcome = await handle(deps, secretMatches, req, res);
    deps.metrics.webhookRequests.inc({ outcome });
  };
}

async function handle(
  deps: GatewayDeps,
  secretMatches: (received: string | string[] | undefined) => boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<WebhookOutcome> {
  if (req.method !== 'POST') {
    req.resume();
    sendError(res, 405, 'use POST', { allow: 'POST' });
    return 'method_not_allowed';
  }
  if (!secretMatches(req.headers[SECRET_TOKEN_HEADER])) {
    req.resume();
    sendError(res, 401, 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
    return 'unauthorized';
  }

  let body: Buffer;
  try {
    body = await readBody(req, deps.config.http.maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendError(res, 413, `body larger than ${err.limit} bytes`, { connection: 'close' });
      return 'too_large';
    }
    sendError(res, 400, 'could not read the request body');
    return 'bad_request';
  }

  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    sendError(res, 400, 'body is not valid JSON');
    return 'bad_request';
  }
  const parsed = telegramUpdateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const reason =
      !issue || issue.path.length === 0
        ? 'body must be a JSON object'
        : issue.message.startsWith(path)
          ? issue.message
          : `${path}: ${issue.message}`;
    sendError(res, 400, `not a Telegram Update: ${reason}`);
    return 'bad_request';
  }

  try {
    await enqueueUpdate(deps, parsed.data, text);
  } catch (err) {
    deps.logger.warn(
      { err, updateId: parsed.data.update_id },
      'update not stored; answering 503 so Telegram re-sends it',
    );
    sendError(res, 503, 'queue unavailable, retry later', { 'retry-after': '1' });
    return 'unavailable';
  }
  sendOk(res);
  return 'accepted';
}
