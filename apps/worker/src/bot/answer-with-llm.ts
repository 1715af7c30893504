import {
  type CacheKeyParts,
  type CacheScope,
  type ChatMessage,
  cacheKeyHash,
  classifyLlmError,
} from '@parley/llm';
import { RetryLaterError } from './errors';
import type { Decision } from './reply-once';
import { replyOnce } from './reply-once';
import { texts } from './texts';
import { keepTyping } from './typing';
import type { ParleyContext } from './update-scope';

/**
 * A private-chat text message: answer it with the LLM, in the context of the conversation.
 * Messages sent in quick succession arrive here together (scope.batchTexts) and get one answer.
 */
export async function answerWithLlm(ctx: ParleyContext, messageText: string): Promise<void> {
  const { deps, job } = ctx.scope;
  const text = ctx.scope.batchTexts?.join('\n') ?? messageText;
  const chatId = ctx.chat?.id ?? 0;
  const historyKey = deps.keys.history(job.botId, chatId);
  await replyOnce(
    ctx,
    'answered',
    async () => {
      const stopTyping = keepTyping(deps.api, chatId);
      try {
        return await decideAnswer(ctx, text, historyKey);
      } finally {
        stopTyping();
      }
    },
    // A fallback apology is not part of the conversation the model should see next time.
    (decision) =>
      decision.kind === 'fallback'
        ? []
        : [
            { role: 'user', content: text },
            { role: 'assistant', content: decision.answer },
          ],
  );
}

async function decideAnswer(ctx: ParleyContext, text: string, historyKey: string): Promise<Decision> {
  const { deps } = ctx.scope;
  const { llm: settings, systemPrompt, cache: cacheSettings } = deps.config;
  const history = ctx.scope.history ?? (await deps.history.load(historyKey));

  // Only context-free prompts are cached: with history, the same words can ask something else.
  const cacheParts = {
    model: settings.model,
    systemPrompt,
    temperature: settings.temperature,
    maxTokens: settings.maxTokens,
    prompt: text,
  };
  const cacheable = cacheSettings.enabled && history.length === 0;
  if (cacheable) {
    const hit = await deps.cache.get(cacheParts);
    deps.metrics.cacheRequests.inc({ result: hit ? 'hit' : 'miss' });
    if (hit) return { answer: hit, kind: 'cache' };
    const semantic = await lookupSemantic(ctx, cacheParts);
    if (semantic) return { answer: semantic, kind: 'semantic-cache' };
  }

  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt },
    ...history,
    { role: 'user', content: text },
  ];
  try {
    const complete = () =>
      deps.llm.complete({ temperature: settings.temperature, maxTokens: settings.maxTokens }, messages);
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
    const answer = result.text.trim();
    if (!answer) return { answer: texts.emptyAnswer, kind: 'fallback' };
    // A truncated answer is still sent, but not kept for others.
    // Only the primary's complete answers are cached: the key names the primary's model.
    if (cacheable && result.finishReason === 'stop' && result.backend === 'primary') {
      await deps.cache.set(cacheParts, answer);
      await deps.semanticCache?.store(semanticScope(cacheParts), text, answer).catch((err) => {
        deps.logger.warn({ err }, 'could not store in the semantic cache');
      });
    }
    return { answer, kind: 'llm' };
  } catch (err) {
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
