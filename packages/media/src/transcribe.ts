import type OpenAI from 'openai';
import { toFile } from 'openai';
import { MediaError } from './errors';
import { audioDurationSeconds, sniffMediaType } from './sniff';

/** OpenAI's limit for one audio file. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

export interface TranscribeOptions {
  /** Transcription model, e.g. `whisper-1` or `gpt-4o-mini-transcribe`. */
  model: string;
  /** @defaultValue 25 MiB (OpenAI's own limit) */
  maxBytes?: number;
  /** Longest audio accepted, in seconds. @defaultValue 300 */
  maxDurationSeconds?: number;
  /** The duration the update announced (`voice.duration`), checked with the one read from the file. */
  durationSeconds?: number;
  /** ISO-639-1 code of the spoken language; helps accuracy and latency. */
  language?: string;
  /** Text to steer the transcription (names, spelling). */
  prompt?: string;
  signal?: AbortSignal;
}

export interface Transcription {
  /** What was said, trimmed; empty when nothing was heard. */
  text: string;
  /** Seconds, when the file's header or the update told. */
  durationSeconds?: number;
}

/**
 * Transcribes a voice note or audio file through an OpenAI-compatible `/v1/audio/transcriptions`
 * (openai SDK). Size and duration caps are checked before the upload: the longest of the
 * announced and the measured duration counts, so neither a wrong header nor a wrong update slips
 * a long file through. The file is named by its real format, which is how the API recognises it.
 * API errors are the SDK's own (BadRequestError, RateLimitError…).
 */
export async function transcribe(
  client: OpenAI,
  audio: Uint8Array,
  opts: TranscribeOptions,
): Promise<Transcription> {
  const maxBytes = opts.maxBytes ?? MAX_AUDIO_BYTES;
  if (audio.length > maxBytes) {
    throw new MediaError('too_big', `the audio has ${audio.length} bytes, more than the ${maxBytes} allowed`);
  }
  const type = sniffMediaType(audio);
  if (type?.kind !== 'audio')
    throw new MediaError('unsupported_type', 'not an audio format transcription takes');

  const measured = audioDurationSeconds(audio);
  const known = [measured, opts.durationSeconds].filter((d): d is number => d !== undefined);
  const durationSeconds = known.length > 0 ? Math.max(...known) : undefined;
  const maxSeconds = opts.maxDurationSeconds ?? 300;
  if (durationSeconds !== undefined && durationSeconds > maxSeconds) {
    throw new MediaError(
      'too_long',
      `the audio lasts ${Math.round(durationSeconds)} s, more than the ${maxSeconds} s allowed`,
    );
  }

  const file = await toFile(Buffer.from(audio), `audio.${type.extension}`, { type: type.mimeType });
  const result = await client.audio.transcriptions.create(
    {
      file,
      model: opts.model,
      response_format: 'json',
      ...(opts.language ? { language: opts.language } : {}),
      ...(opts.prompt ? { prompt: opts.prompt } : {}),
    },
    opts.signal ? { signal: opts.signal } : undefined,
  );
  const out: Transcription = { text: result.text.trim() };
  if (durationSeconds !== undefined) out.durationSeconds = durationSeconds;
  return out;
}
