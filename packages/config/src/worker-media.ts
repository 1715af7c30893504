import type { z } from 'zod';
import { envBoolean, envInt, envOptionalString, envString } from './env';

/**
 * The worker's photo and voice-note variables. Kept apart from the rest of the worker's schema so
 * the media path can grow without touching the other blocks.
 */
export const mediaEnvSchema = {
  LLM_VISION_MODELS: envOptionalString(),
  LLM_VISION_MODEL: envOptionalString(),
  MEDIA_MAX_IMAGE_BYTES: envInt('must be bytes between 1 and 20971520 (the Bot API download limit)', {
    min: 1,
    max: 20 << 20,
  }).default(10 << 20),
  TRANSCRIPTION_MODEL: envString('must name the transcription model').default('whisper-1'),
  MEDIA_MAX_AUDIO_BYTES: envInt('must be bytes between 1 and 20971520 (the Bot API download limit)', {
    min: 1,
    max: 20 << 20,
  }).default(20 << 20),
  MEDIA_MAX_AUDIO_SECONDS: envInt('must be seconds between 1 and 3600', { min: 1, max: 3_600 }).default(300),
  SHOW_TRANSCRIPTS: envBoolean('must be true or false').default(false),
};

type MediaEnv = z.output<z.ZodObject<typeof mediaEnvSchema>>;

export interface MediaSettings {
  /** Names or `*` patterns of models that take images (LLM_VISION_MODELS); empty = none. */
  visionModels: string[];
  /** A separate model (on the primary backend) that answers photos; undefined = LLM_MODEL. */
  visionModel?: string;
  maxImageBytes: number;
  transcriptionModel: string;
  maxAudioBytes: number;
  maxAudioSeconds: number;
  /** Prefix every answer to a voice note with its transcript. */
  showTranscripts: boolean;
}

export function mediaSettings(e: MediaEnv): MediaSettings {
  return {
    visionModels: (e.LLM_VISION_MODELS ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== ''),
    ...(e.LLM_VISION_MODEL ? { visionModel: e.LLM_VISION_MODEL } : {}),
    maxImageBytes: e.MEDIA_MAX_IMAGE_BYTES,
    transcriptionModel: e.TRANSCRIPTION_MODEL,
    maxAudioBytes: e.MEDIA_MAX_AUDIO_BYTES,
    maxAudioSeconds: e.MEDIA_MAX_AUDIO_SECONDS,
    showTranscripts: e.SHOW_TRANSCRIPTS,
  };
}
