import { type CacheKeyParts, type CacheScope, cacheKeyHash, classifyLlmError } from '@parley/llm';
import { bookTokens, recordCacheOwner } from './book-tokens';
import { type DraftStream, startDraftStream } from './draft-stream';
import { RetryLaterError } from './errors';
import {
  effectiveSystemPrompt,
  promptMessages,
  restoreAnswer,
  screenAnswer,
  screenInput,
} from './input-safety';
import type { Decision } from './reply-once';
import { replyOnce } from './reply-once';
import { texts } from './texts';
import { keepTyping } from './typing';
import type { ParleyContext } from './update-scope';

export interface AnswerOptions {
  /** Shown before the answer (a voice note's transcript), never part of the remembered turn. */
  prefix?: string;
}

/**
 * A private-chat text message: answer it with the LLM, in the context of the conversation.
 * Messages sent in quick succession arrive here together (scope.batchTexts) and get one answer.
 */
export async function answerWithLlm(
  ctx: ParleyContext,
  messageText: string,
  opts: AnswerOptions = {},
): Promise<void> {
  const { deps, job } = ctx.scope;
  const text = ctx.scope.batchTexts?.join('\n') ?? messageText;
  const chatId = ctx.chat?.id ?? 0;
  const historyKey = deps.keys.history(job.botId, chatId);
  await replyOnce(
    ctx,
    'answered',
    async () => {
      const stopTyping = keepTyping(deps.api, chatId);
      const drafts = draftsFor(ctx, opts.prefix);
      try {
        const decision = await decideAnswer(ctx, text, historyKey, drafts);
        return opts.prefix ? { ...decision, answer: opts.prefix + decision.answer } : decision;
      } finally {
        stopTyping();
        // No draft may arrive after the final message: it would show the answer twice.
        await drafts?.stop();
      }
    },
    // A fallback apology or a refusal is not part of the conversation the model should see next time.
    (decision) =>
      decision.kind === 'fallback' || decision.kind === 'refused'
        ? []
        : [
            { role: 'user', content: text },
            { role: 'assistant', content: withoutPrefix(decision.answer, opts.prefix) },
          ],
  );
}

const withoutPrefix = (answer: string, prefix: string | undefined) =>
  prefix && answer.startsWith(prefix) ? answer.slice(prefix.length) : answer;

/**
 * Drafts for a private chat when streaming is on; groups cannot show drafts. Only a fresh LLM
 * call streams: a cached answer is sent at once as the final message.
 */
function draftsFor(ctx: ParleyContext, prefix = ''): DraftStream | undefined {
  const { deps, job } = ctx.scope;
  const streaming = deps.config.streaming;
  if (!streaming.enabled || ctx.chat?.type !== 'private') return undefined;
  return startDraftStream({
    api: deps.api,
    chatId: ctx.chat.id,
    // Non-zero and distinct per answer, within Telegram's 32-bit integers.
    draftId: (ctx.update.update_id % 2_000_000_000) + 1,
    intervalMs: streaming.draftIntervalMs,
    prefix,
    ...(deps.guard.canary ? { canary: deps.guard.canary } : {}),
    onFirstDraft: () => {
      deps.metrics.updateToFirstText.observe(Math.max(0, Date.now() - job.receivedAt) / 1000);
      ctx.scope.firstTextShown = true;
    },
  });
}

async function decideAnswer(
  ctx: ParleyContext,
  text: string,
  historyKey: string,
  drafts?: DraftStream,
): Promise<Decision> {
  const { deps } = ctx.scope;
  const { llm: settings, cache: cacheSettings, guard } = deps.config;
  // Checked before anything else: a refused input costs no cache lookup and no LLM call.
  const input = screenInput(text, guard);
  if (!input.ok) {
    deps.logger.info({ updateId: ctx.update.update_id, reason: input.reason }, 'input refused');
    return input.refusal;
  }
  const systemPrompt = effectiveSystemPrompt(deps.config.systemPrompt, deps.guard.canary);
  const history = ctx.scope.history ?? (await deps.history.load(historyKey));
  const { messages, map } = promptMessages(systemPrompt, history, text, {
    mask: guard.piiMaskPrompts,
    flagged: input.flagged,
  });

  // Only context-free prompts are cached: with history, the same words can ask something else.
  const cacheParts = {
    model: settings.model,
    systemPrompt,
    temperature: settings.temperature,
    maxTokens: settings.maxTokens,
    prompt: text,
  };
  // A flagged or PII-bearing prompt is never shared: its answer is this user's alone.
  const cacheable = cacheSettings.enabled && history.length === 0 && !input.flagged && map === undefined;
  if (cacheable) {
    const hit = await deps.cache.get(cacheParts);
    deps.metrics.cacheRequests.inc({ result: hit ? 'hit' : 'miss' });
    if (hit) return { answer: hit, kind: 'cache' };
    const semantic = await lookupSemantic(ctx, cacheParts);
    if (semantic) return { answer: semantic, kind: 'semantic-cache' };
  }

  const booking = await bookTokens(ctx, messages);
  if (!booking.ok) return booking.refusal;
  try {
    const complete = () =>
      booking.call(() =>
        deps.llm.complete(
          {
            temperature: settings.temperature,
            maxTokens: settings.maxTokens,
            // Drafts show what the user will get: masked values restored by the same policy.
            ...(drafts
              ? { onText: (t: string) => drafts.update(restoreAnswer(t, map, guard.piiRestore)) }
              : {}),
          },
          messages,
        ),
      );
    // Identical context-free prompts in flight (a popular question asked by many at once) share
    // one LLM call, across pods. Prompts with history never match each other.
    const result =
      cacheable && deps.singleFlight
        ? await deps.singleFlight
            .run(`${deps.config.botId}:${cacheKeyHash(cacheParts)}`, complete)
            .then((r) => {
              deps.metrics.singleFlight.inc({ result: r.shared ? 'shared' : 'computed' });
              return r.value;
            })
        : await complete();
    // A shared single-flight answer is charged to each user it answers: each of them asked.
    await booking.settle(result.promptTokens + result.completionTokens);
    const answer = restoreAnswer(result.text.trim(), map, guard.piiRestore);
    if (!answer) return { answer: texts.emptyAnswer, kind: 'fallback' };
    const leaked = screenAnswer(answer, deps.guard.canary);
    if (leaked) {
      deps.logger.warn({ updateId: ctx.update.update_id }, 'answer leaked the canary; refused');
      return leaked;
    }
    // A truncated answer is still sent, but not kept for others.
    // Only the primary's complete answers are cached: the key names the primary's model.
    if (cacheable && result.finishReason === 'stop' && result.backend === 'primary') {
      await deps.cache.set(cacheParts, answer);
      await recordCacheOwner(ctx, cacheParts);
      await deps.semanticCache?.store(semanticScope(cacheParts), text, answer).catch((err) => {
        deps.logger.warn({ err }, 'could not store in the semantic cache');
      });
    }
    return { answer, kind: 'llm' };
  } catch (err) {
    await booking.settle(0);
    if (err instanceof RetryLaterError) throw err;
    const failure = classifyLlmError(err);
    // Stated policy: transient failures are retried by the queue with backoff; on the last
    // attempt, or when retrying cannot help, the user gets a short apology instead of silence.
    if (failure.retryable && !ctx.scope.lastAttempt) {
      // Every backend is paused or open: park this chat until the first one is usable again.
      if (failure.retryAfterMs) throw new RetryLaterError(failure.retryAfterMs, failure.message);
      throw err;
    }
    deps.logger.warn(
      { err, outcome: failure.outcome, updateId: ctx.update.update_id },
      'LLM failed; answering with an apology',
    );
    return { answer: texts.llmUnavailable, kind: 'fallback' };
  }
}

const semanticScope = (parts: CacheKeyParts): CacheScope => ({
  model: parts.model,
  systemPrompt: parts.systemPrompt,
  temperature: parts.temperature,
  maxTokens: parts.maxTokens,
  context: 'none',
});

/** A semantic hit for a context-free prompt, or undefined; a failing lookup counts as a miss. */
async function lookupSemantic(ctx: ParleyContext, parts: CacheKeyParts): Promise<string | undefined> {
  const cache = ctx.scope.deps.semanticCache;
  if (!cache) return undefined;
  try {
    const found = await cache.lookup(semanticScope(parts), parts.prompt);
    return found.kind === 'hit' ? found.answer : undefined;
  } catch (err) {
    ctx.scope.deps.logger.warn({ err }, 'semantic cache lookup failed; asking the LLM');
    return undefined;
  }
}
