/** What the bot says about photos and voice notes it cannot use (not through the LLM). */
export const mediaTexts = {
  defaultImageQuestion: 'What is in this picture?',
  cannotSeeImages:
    "Sorry, I can't see images: the model behind this bot only reads text. Please describe the picture in words.",
  tooBig: (maxBytes: number) =>
    `Sorry, that file is too big for me. Please send one under ${Math.max(1, Math.floor(maxBytes / (1 << 20)))} MB.`,
  tooLong: (maxSeconds: number) =>
    `Sorry, that recording is too long for me. Please keep it under ${maxSeconds} seconds.`,
  notFound: "Sorry, I couldn't get that file from Telegram. Please send it again.",
  unsupportedImage: "Sorry, I can't read that kind of image. Please send a photo (JPEG, PNG, GIF or WebP).",
  unsupportedAudio: "Sorry, I can't listen to that kind of recording. Please send a voice note.",
  unavailable: "Sorry, I couldn't fetch your file right now. Please try again in a few minutes.",
  emptyTranscript: "Sorry, I couldn't make out any words in that recording.",
  noTranscript: 'There is no voice note to show a transcript of yet. Send me one first.',
  transcript: (text: string) => `Transcript: ${text}`,
};
