/**
 * @parley/media: photos and voice notes on their way to the LLM. Downloads files users sent
 * (Bot API getFile + the file URL, with size caps), turns images into OpenAI image parts and
 * transcribes audio through `/v1/audio/transcriptions`. Dependencies (grammY's Api, the openai
 * client) are passed in. See README.md.
 */
export {
  type DownloadedFile,
  type DownloadOptions,
  downloadTelegramFile,
  TELEGRAM_DOWNLOAD_LIMIT_BYTES,
} from './download';
export { isMediaError, MediaError, type MediaErrorCode } from './errors';
export { type ImagePartOptions, MAX_IMAGE_BYTES, toImagePart } from './image-part';
export { audioDurationSeconds, type MediaType, sniffMediaType } from './sniff';
export { MAX_AUDIO_BYTES, type TranscribeOptions, type Transcription, transcribe } from './transcribe';
export { modelSeesImages } from './vision-models';
