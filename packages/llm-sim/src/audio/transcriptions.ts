import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { applyFaults, requireModel, type SimContext } from '../context';
import { ApiError, invalidRequest, missingParameter } from '../errors';
import { type Call, sendJson } from '../http';
import { hearToneSpeech } from './tone-speech';
import { decodeWav, isWav, oggDurationSeconds, WavError } from './wav';

/**
 * `POST /v1/audio/transcriptions`: multipart form with `file`, `model`, `response_format`
 * (json, text, verbose_json, srt, vtt), `language`, `prompt`, `temperature` and
 * `timestamp_granularities[]`, answered like OpenAI's whisper-1. The transcript is what the
 * audio says in tone speech (see tone-speech.ts); audio without it (any real recording, or a
 * format the simulator cannot decode) is transcribed as silence: an empty text.
 * Like embeddings, transcriptions answer at once and take no generation slot.
 */

export const TRANSCRIPTIONS_PATH = '/v1/audio/transcriptions';

/** OpenAI's file size limit for audio. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
/** Room for the multipart framing and the other fields around the file. */
const MAX_FORM_BYTES = MAX_AUDIO_BYTES + 1024 * 1024;

const AUDIO_EXTENSIONS = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];
const MIN_SECONDS = 0.1;

/** Whisper reports the language by name in verbose_json. */
const LANGUAGE_NAMES: Record<string, string> = {
  ar: 'arabic',
  de: 'german',
  en: 'english',
  es: 'spanish',
  fr: 'french',
  hi: 'hindi',
  it: 'italian',
  ja: 'japanese',
  ko: 'korean',
  nl: 'dutch',
  pl: 'polish',
  pt: 'portuguese',
  ru: 'russian',
  tr: 'turkish',
  uk: 'ukrainian',
  zh: 'chinese',
};

const fields = z.object({
  model: z.string().min(1),
  response_format: z.enum(['json', 'text', 'verbose_json', 'srt', 'vtt']).default('json'),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/i, 'expected an ISO-639-1 code such as "en"')
    .optional(),
  prompt: z.string().optional(),
  temperature: z
    .string()
    .regex(/^\d*\.?\d+$/, 'expected a number')
    .transform(Number)
    .pipe(z.number().min(0).max(1))
    .optional(),
});

interface Transcript {
  text: string;
  durationSeconds: number;
}

/** `POST /v1/audio/transcriptions`. */
export async function handleTranscriptions(sim: SimContext, call: Call): Promise<void> {
  const form = await readForm(call.req);
  const file = form.get('file');
  const raw = Object.fromEntries(
    [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  if (raw.stream === 'true') throw invalidRequest('Streaming is not supported by the simulator.', 'stream');
  if (raw.response_format === 'diarized_json') {
    throw invalidRequest(
      "response_format 'diarized_json' is not supported by the simulator.",
      'response_format',
    );
  }
  const parsed = fields.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = String(issue?.path[0] ?? 'body');
    if (raw[param] === undefined) throw missingParameter(param);
    throw invalidRequest(`Invalid '${param}': ${issue?.message ?? 'invalid value'}.`, param);
  }
  if (file === null || typeof file === 'string') throw missingParameter('file');
  const request = parsed.data;
  requireModel(sim, request.model);

  const extension = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (extension === undefined || !AUDIO_EXTENSIONS.includes(extension)) {
    throw invalidRequest(
      `Invalid file format. Supported formats: ${JSON.stringify(AUDIO_EXTENSIONS).replace(/"/g, "'").replace(/,/g, ', ')}`,
      'file',
      'invalid_value',
    );
  }
  if (file.size > MAX_AUDIO_BYTES) throw tooLarge(file.size);
  const audio = Buffer.from(await file.arrayBuffer());
  const transcript = transcribe(audio, extension);
  await applyFaults(sim, 'transcriptions', request.model, call.signal);

  const language = request.language?.toLowerCase();
  switch (request.response_format) {
    case 'text':
      return sendText(call, 'text/plain; charset=utf-8', `${transcript.text}\n`);
    case 'srt':
      return sendText(call, 'text/plain; charset=utf-8', subtitles(transcript, 'srt'));
    case 'vtt':
      return sendText(call, 'text/vtt; charset=utf-8', subtitles(transcript, 'vtt'));
    case 'verbose_json':
      return sendJson(call, 200, verbose(transcript, language, wantsWords(form)));
    default:
      return sendJson(call, 200, { text: transcript.text, usage: usageOf(transcript) });
  }
}

/** What the audio says, and how long it is. */
function transcribe(audio: Buffer, extension: string): Transcript {
  if (extension === 'wav' || isWav(audio)) {
    let decoded: ReturnType<typeof decodeWav>;
    try {
      decoded = decodeWav(audio);
    } catch (err) {
      if (!(err instanceof WavError)) throw err;
      throw invalidRequest('Audio file might be corrupted or unsupported', 'file', 'invalid_value');
    }
    if (decoded.durationSeconds < MIN_SECONDS) {
      throw invalidRequest(
        `Audio file is too short. Minimum audio length is ${MIN_SECONDS} seconds.`,
        'file',
        'audio_too_short',
      );
    }
    return { text: hearToneSpeech(decoded) ?? '', durationSeconds: decoded.durationSeconds };
  }
  // Compressed formats are not decoded: their speech cannot be heard, only their length read.
  return { text: '', durationSeconds: oggDurationSeconds(audio) ?? 0 };
}

async function readForm(req: IncomingMessage): Promise<FormData> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw invalidRequest("Invalid Content-Type header (expected 'multipart/form-data').");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep draining so that the client reads the 413 instead of a reset connection.
    if (size <= MAX_FORM_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_FORM_BYTES) throw tooLarge(size);
  try {
    return await new Request('http://llm-sim.local/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    throw invalidRequest('Could not parse multipart form');
  }
}

function tooLarge(bytes: number): ApiError {
  return new ApiError(
    413,
    `Maximum content size limit (${MAX_AUDIO_BYTES}) exceeded (${bytes} bytes read)`,
    'server_error',
  );
}

function usageOf(transcript: Transcript) {
  return { type: 'duration', seconds: Math.ceil(transcript.durationSeconds) };
}

function wantsWords(form: FormData): boolean {
  return [...form.getAll('timestamp_granularities[]'), ...form.getAll('timestamp_granularities')].includes(
    'word',
  );
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function verbose(transcript: Transcript, language: string | undefined, words: boolean) {
  const { text, durationSeconds } = transcript;
  const end = round2(durationSeconds);
  const body: Record<string, unknown> = {
    task: 'transcribe',
    language: language === undefined ? 'english' : (LANGUAGE_NAMES[language] ?? language),
    duration: durationSeconds,
    text,
    segments:
      text === ''
        ? []
        : [
            {
              id: 0,
              seek: 0,
              start: 0,
              end,
              text: ` ${text}`,
              tokens: [],
              temperature: 0,
              avg_logprob: -0.1,
              compression_ratio: 1,
              no_speech_prob: 0.01,
            },
          ],
    usage: usageOf(transcript),
  };
  if (words) body.words = wordTimings(text, durationSeconds);
  return body;
}

/** Words spread over the audio in proportion to their length: tone speech says every byte equally long. */
function wordTimings(text: string, durationSeconds: number) {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const total = Buffer.byteLength(text);
  let offset = 0;
  return words.map((word) => {
    const at = text.indexOf(word, offset);
    const start = (Buffer.byteLength(text.slice(0, at)) / total) * durationSeconds;
    offset = at + word.length;
    const end = (Buffer.byteLength(text.slice(0, offset)) / total) * durationSeconds;
    return { word, start: round2(start), end: round2(end) };
  });
}

function subtitles(transcript: Transcript, kind: 'srt' | 'vtt'): string {
  const stamp = (seconds: number) => {
    const ms = Math.round(seconds * 1000);
    const hh = String(Math.floor(ms / 3_600_000)).padStart(2, '0');
    const mm = String(Math.floor(ms / 60_000) % 60).padStart(2, '0');
    const ss = String(Math.floor(ms / 1000) % 60).padStart(2, '0');
    const frac = String(ms % 1000).padStart(3, '0');
    return `${hh}:${mm}:${ss}${kind === 'srt' ? ',' : '.'}${frac}`;
  };
  const cue =
    transcript.text === ''
      ? ''
      : `${stamp(0)} --> ${stamp(transcript.durationSeconds)}\n${transcript.text}\n\n`;
  return kind === 'srt' ? (cue === '' ? '' : `1\n${cue}`) : `WEBVTT\n\n${cue}`;
}

function sendText(call: Call, type: string, body: string): void {
  call.res.writeHead(200, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-request-id': call.requestId,
  });
  call.res.end(body);
}
