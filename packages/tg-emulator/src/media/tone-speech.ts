import { synthesizeSpeech } from '@parley/llm-sim';

/**
 * "Tone speech": how an emulated user says something in a voice note. There is no speech
 * synthesis here (nor speech recognition in the LLM simulator), so the words are carried by the
 * audio itself, as tones that a decoder can read back from the samples. The scheme (16 kHz mono
 * 16-bit PCM WAV, one 20 ms tone per 4 bits, a "PTS1" header and a CRC-8) belongs to the LLM
 * simulator, whose `/v1/audio/transcriptions` decodes it: the emulator's users speak through the
 * simulator's own encoder, so the two can never drift apart.
 */

export const TONE_SPEECH_SAMPLE_RATE = 16_000;
/** Longest text a voice note carries (about 3 minutes of audio). */
export const TONE_SPEECH_MAX_BYTES = 4096;

/** A WAV file whose audio says `text` in tone speech. */
export function synthesizeToneSpeech(text: string): Buffer {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes === 0) throw new Error('tg-emulator: there is nothing to say');
  if (bytes > TONE_SPEECH_MAX_BYTES)
    throw new Error(`tg-emulator: a voice note says at most ${TONE_SPEECH_MAX_BYTES} bytes of text`);
  return synthesizeSpeech(text);
}
