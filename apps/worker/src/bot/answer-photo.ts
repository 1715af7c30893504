import { classifyLlmError } from '@parley/llm';
import { downloadTelegramFile, modelSeesImages, toImagePart } from '@parley/media';
import type { PhotoSize } from 'grammy/types';
import type OpenAI from 'openai';
import { bookTokens } from './book-tokens';
import { RetryLaterError } from './errors';
import { effectiveSystemPrompt, screenAnswer } from './input-safety';
import { mediaFailure } from './media-failure';
import { mediaTexts } from './media-texts';
import type { Decision } from './reply-once';
import { replyOnce } from './reply-once';
import { texts } from './texts';
import { keepTyping } from './typing';
import type { ParleyContext } from './update-scope';

/** The file of a photo (its largest size) or of a document sent as an image, if the message has one. */
export function imageOf(ctx: ParleyContext): { fileId: string; size?: number } | undefined {
  const largest: PhotoSize | undefined = ctx.msg?.photo?.at(-1);
  if (largest) return { fileId: largest.file_id, size: largest.file_size };
  const doc = ctx.msg?.document;
  if (doc?.mime_type?.startsWith('image/')) return { fileId: doc.file_id, size: doc.file_size };
  return undefined;
}

/** The model that answers photos: LLM_VISION_MODEL, else LLM_MODEL when it sees images. */
export function visionModel(ctx: ParleyContext): string | undefined {
  const { llm, media } = ctx.scope.deps.config;
  return media.visionModel ?? (modelSeesImages(llm.model, media.visionModels) ? llm.model : undefined);
}

/**
 * A photo or image document in a private chat: the image goes to a vision model as an image part
 * with the caption. History keeps a text stand-in ("[photo] caption"), never the bytes, and the
 * answer is never cached: the same caption says nothing about another picture.
 */
export async function answerPhoto(ctx: ParleyContext): Promise<void> {
  const image = imageOf(ctx);
  if (!image) return;
  const { deps, job } = ctx.scope;
  const chatId = ctx.chat?.id ?? 0;
  const caption = ctx.msg?.caption?.trim() ?? '';
  const standIn = caption ? `[photo] ${caption}` : '[photo]';
  await replyOnce(
    ctx,
    'answered',
    async () => {
      const stopTyping = keepTyping(deps.api, chatId);
      try {
        return await decidePhotoAnswer(ctx, image, caption, deps.keys.history(job.botId, chatId));
      } finally {
        stopTyping();
      }
    },
    (decision) =>
      decision.kind === 'fallback' || decision.kind === 'refused'
        ? []
        : [
            { role: 'user', content: standIn },
            { role: 'assistant', content: decision.answer },
          ],
  );
}

async function decidePhotoAnswer(
  ctx: ParleyContext,
  image: { fileId: string; size?: number },
  caption: string,
  historyKey: string,
): Promise<Decision> {
  const { deps } = ctx.scope;
  const { llm: settings, media } = deps.config;
  // Checked before the download: a model that cannot see costs no transfer.
  const model = visionModel(ctx);
  if (!model) return { answer: mediaTexts.cannotSeeImages, kind: 'refused' };

  let imagePart: ReturnType<typeof toImagePart>;
  try {
    const file = await downloadTelegramFile(deps.api, image.fileId, {
      knownSize: image.size,
      maxBytes: media.maxImageBytes,
    });
    imagePart = toImagePart(file.bytes, { maxBytes: media.maxImageBytes });
  } catch (err) {
    return mediaFailure(ctx, err, { maxBytes: media.maxImageBytes, kind: 'image' });
  }

  const history = ctx.scope.history ?? (await deps.history.load(historyKey));
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: effectiveSystemPrompt(deps.config.systemPrompt, deps.guard.canary) },
    ...history,
    {
      role: 'user',
      content: [{ type: 'text', text: caption || mediaTexts.defaultImageQuestion }, imagePart],
    },
  ];
  // The user's token budget and the provider's shared one count photos too. The image's own
  // tokens are not in the estimate (only its text stand-in); settling books the real usage.
  const booking = await bookTokens(ctx, [
    ...history,
    { role: 'user', content: caption || mediaTexts.defaultImageQuestion },
  ]);
  if (!booking.ok) return booking.refusal;
  let used = 0;
  try {
    const result = await booking.call(async () => {
      const completion = await deps.mediaClient.chat.completions.create({
        model,
        messages,
        temperature: settings.temperature,
        max_tokens: settings.maxTokens,
      });
      return {
        text: completion.choices[0]?.message.content ?? '',
        finishReason: completion.choices[0]?.finish_reason ?? 'stop',
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
      };
    });
    used = result.promptTokens + result.completionTokens;
    const answer = result.text.trim();
    if (!answer) return { answer: texts.emptyAnswer, kind: 'fallback' };
    return screenAnswer(answer, deps.guard.canary) ?? { answer, kind: 'llm' };
  } catch (err) {
    if (err instanceof RetryLaterError) throw err;
    const failure = classifyLlmError(err);
    if (failure.retryable && !ctx.scope.lastAttempt) {
      if (failure.retryAfterMs) throw new RetryLaterError(failure.retryAfterMs, failure.message);
      throw err;
    }
    deps.logger.warn(
      { err, updateId: ctx.update.update_id },
      'vision call failed; answering with an apology',
    );
    return { answer: texts.llmUnavailable, kind: 'fallback' };
  } finally {
    await booking.settle(used);
  }
}
