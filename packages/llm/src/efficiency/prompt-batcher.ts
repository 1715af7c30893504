import OpenAI from 'openai';
import type { ChatMessage, ChatObserver, ChatResult } from '../chat';
import { classifyLlmError, type LlmOutcome } from '../errors';
import { type ChatTemplateName, chatTemplate } from './chat-template';
import { splitProportionally } from './proportional-split';

export interface PromptBatcherOptions {
  /** Model id on the backend. */
  model: string;
  /**
   * The chat template the model was trained with; conversations are rendered with it.
   * @defaultValue 'chatml'
   */
  template?: ChatTemplateName;
  /**
   * Most prompts in one request; a full batch is sent at once.
   * @defaultValue 32
   */
  maxBatchSize?: number;
  /**
   * Longest the first prompt of a batch waits for others. A few ms cost little next to an LLM
   * call and gather the answers that concurrent jobs ask for in the same burst.
   * @defaultValue 5
   */
  windowMs?: number;
  /** Called once per request sent (for metrics): how many prompts it carried and how it ended. */
  onBatch?: (e: { prompts: number; outcome: LlmOutcome; seconds: number }) => void;
}

/** Sampling parameters; only calls with equal parameters share a request. */
export interface PromptBatchParams {
  temperature: number;
  maxTokens: number;
}

export interface PromptBatcher {
  /**
   * The answer to `messages`, sent in one `/v1/completions` request together with the other
   * conversations asked for with the same parameters within the window. `observe` is called
   * once for this call, with its share of the batch's usage.
   */
  complete(
    params: PromptBatchParams,
    messages: readonly ChatMessage[],
    observe?: ChatObserver,
  ): Promise<ChatResult>;
  /** Sends what is pending, waits for the requests in flight, then refuses new calls. */
  close(): Promise<void>;
}

/** The batcher was closed before the call was given to it. */
export class PromptBatcherClosedError extends Error {
  override readonly name = 'PromptBatcherClosedError';
  constructor() {
    super('prompt batcher is closed');
  }
}

interface Pending {
  prompt: string;
  enqueuedAt: number;
  observe: ChatObserver | undefined;
  resolve: (result: ChatResult) => void;
  reject: (err: unknown) => void;
}

interface OpenBatch {
  params: PromptBatchParams;
  items: Pending[];
  timer: NodeJS.Timeout | undefined;
}

/** Errors about the request's content: in a batch, possibly about one prompt only. */
const refusesContent = (err: unknown) =>
  err instanceof OpenAI.APIError && (err.status === 400 || err.status === 413 || err.status === 422);

/**
 * Gathers concurrent chat answers for one backend into `/v1/completions` requests with a prompt
 * array (`prompt: [...]`), as vLLM, llama.cpp's server and other OpenAI-compatible servers
 * accept: one HTTP request, one round of admission and scheduling on the server, for many
 * conversations. Each conversation is rendered to a prompt with the model's chat template, and
 * each caller gets the choice whose `index` is its prompt's position.
 *
 * A batch is sent when it holds `maxBatchSize` prompts, when its first prompt has waited
 * `windowMs`, or on `close()`. Calls with different parameters never share a request.
 *
 * Failures: a request that fails fails every caller of that batch with the same error, so each
 * caller's retries, fallbacks and circuit breaker see what they would see for a call of its
 * own. The exception is a 400/413/422 for several prompts: one prompt (too long for the
 * context, say) may be what the server refuses, so each prompt is sent again alone and only the
 * bad one fails; the others must not get an apology for another user's message.
 */
export function createPromptBatcher(client: OpenAI, options: PromptBatcherOptions): PromptBatcher {
  const maxBatchSize = options.maxBatchSize ?? 32;
  const windowMs = options.windowMs ?? 5;
  const template = chatTemplate(options.template ?? 'chatml');
  // OpenAI and vLLM take at most 2048 prompts per request.
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > 2048) {
    throw new RangeError('maxBatchSize must be an integer from 1 to 2048');
  }
  if (!(Number.isFinite(windowMs) && windowMs >= 0)) throw new RangeError('windowMs must be ≥ 0');
  const { model } = options;

  const open = new Map<string, OpenBatch>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  function settle(p: Pending, outcome: LlmOutcome, result?: ChatResult): void {
    const seconds = (performance.now() - p.enqueuedAt) / 1000;
    if (result) {
      p.observe?.({
        model,
        outcome,
        seconds,
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
      });
    } else p.observe?.({ model, outcome, seconds });
  }

  async function send(params: PromptBatchParams, batch: Pending[]): Promise<void> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let response: OpenAI.Completion;
    try {
      response = await client.completions.create({
        model,
        prompt: batch.map((p) => p.prompt),
        temperature: params.temperature,
        max_tokens: params.maxTokens,
        stop: [...template.stop],
      });
    } catch (err) {
      const { outcome } = classifyLlmError(err);
      options.onBatch?.({ prompts: batch.length, outcome, seconds: seconds() });
      if (batch.length > 1 && refusesContent(err)) {
        await Promise.all(batch.map((p) => send(params, [p])));
        return;
      }
      for (const p of batch) {
        settle(p, outcome);
        p.reject(err);
      }
      return;
    }
    options.onBatch?.({ prompts: batch.length, outcome: 'ok', seconds: seconds() });
    // With n = 1 the choice of prompt i has index i; do not rely on the order of `choices`.
    const byIndex = new Map(response.choices.map((choice) => [choice.index, choice]));
    const choices = batch.map((_, i) => byIndex.get(i));
    const texts = choices.map((choice) => choice?.text ?? '');
    const promptShares = splitProportionally(
      response.usage?.prompt_tokens ?? 0,
      batch.map((p) => p.prompt.length),
    );
    const completionShares = splitProportionally(
      response.usage?.completion_tokens ?? 0,
      texts.map((t) => t.length),
    );
    const longestCompletionTokens = Math.max(0, ...completionShares);
    batch.forEach((p, i) => {
      const result: ChatResult = {
        text: texts[i] ?? '',
        finishReason: choices[i]?.finish_reason ?? 'unknown',
        promptTokens: promptShares[i] ?? 0,
        completionTokens: completionShares[i] ?? 0,
        batch: { prompts: batch.length, longestCompletionTokens },
      };
      settle(p, 'ok', result);
      p.resolve(result);
    });
  }

  function flush(key: string): void {
    const batch = open.get(key);
    if (!batch) return;
    open.delete(key);
    if (batch.timer) clearTimeout(batch.timer);
    const sent = send(batch.params, batch.items).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }

  return {
    complete(params, messages, observe) {
      if (closed) return Promise.reject(new PromptBatcherClosedError());
      const key = `${params.temperature}\u0000${params.maxTokens}`;
      return new Promise<ChatResult>((resolve, reject) => {
        let batch = open.get(key);
        if (!batch) {
          batch = { params, items: [], timer: undefined };
          open.set(key, batch);
          // The clock starts with the first prompt of a batch: nobody waits longer than windowMs.
          batch.timer = setTimeout(() => flush(key), windowMs);
        }
        batch.items.push({
          prompt: template.render(messages),
          enqueuedAt: performance.now(),
          observe,
          resolve,
          reject,
        });
        if (batch.items.length >= maxBatchSize) flush(key);
      });
    },
    async close() {
      closed = true;
      for (const key of [...open.keys()]) flush(key);
      await Promise.all([...inFlight]);
    },
  };
}
