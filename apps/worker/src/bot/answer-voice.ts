import { downloadTelegramFile, MediaError, transcribe } from '@parley/media';
import { answerWithLlm } from './answer-with-llm';
import { mediaFailure } from './media-failure';
import { mediaTexts } from './media-texts';
import { replyOnce } from './reply-once';
import { loadTranscript, saveTranscript } from './transcripts';
import type { ParleyContext } from './update-scope';

/**
 * A voice note or audio file in a private chat: transcribed, then answered like text. The
 * duration cap is checked on the message before anything is downloaded. With SHOW_TRANSCRIPTS
 * the answer starts with what was heard; otherwise /transcript shows it.
 */
export async function answerVoice(ctx: ParleyContext): Promise<void> {
  const audio = ctx.msg?.voice ?? ctx.msg?.audio;
  if (!audio) return;
  const { deps } = ctx.scope;
  const { media } = deps.config;
  const chatId = ctx.chat?.id ?? 0;
  const updateId = ctx.update.update_id;

  let text: string;
  try {
    const saved = await loadTranscript(deps, chatId);
    if (saved?.updateId === updateId) {
      text = saved.text; // a retry: this update was already transcribed
    } else {
      if (audio.duration > media.maxAudioSeconds) {
        throw new MediaError(
          'too_long',
          `the message says ${audio.duration} s, more than ${media.maxAudioSeconds} s`,
        );
      }
      const file = await downloadTelegramFile(deps.api, audio.file_id, {
        knownSize: audio.file_size,
        maxBytes: media.maxAudioBytes,
      });
      const heard = await transcribe(deps.mediaClient, file.bytes, {
        model: media.transcriptionModel,
        maxBytes: media.maxAudioBytes,
        durationSeconds: audio.duration,
        maxDurationSeconds: media.maxAudioSeconds,
      });
      text = heard.text;
      await saveTranscript(deps, chatId, updateId, text);
    }
  } catch (err) {
    // Refusals (and, on the last attempt, apologies) are replies of their own; anything
    // retryable is rethrown by mediaFailure for the lane's backoff.
    const decision = mediaFailure(ctx, err, { maxBytes: media.maxAudioBytes, kind: 'audio' });
    await replyOnce(ctx, 'refused', async () => decision);
    return;
  }
  if (!text) {
    await replyOnce(ctx, 'refused', async () => ({ answer: mediaTexts.emptyTranscript, kind: 'refused' }));
    return;
  }
  await answerWithLlm(
    ctx,
    text,
    media.showTranscripts ? { prefix: `${mediaTexts.transcript(text)}\n\n` } : {},
  );
}

/** /transcript: the last voice note's transcript in this chat. */
export async function showTranscript(ctx: ParleyContext): Promise<void> {
  const { deps } = ctx.scope;
  await replyOnce(ctx, 'command', async () => {
    const saved = await loadTranscript(deps, ctx.chat?.id ?? 0);
    return { answer: saved ? mediaTexts.transcript(saved.text) : mediaTexts.noTranscript, kind: 'command' };
  });
}
