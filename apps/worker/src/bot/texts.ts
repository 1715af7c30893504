/** What the bot says on its own (not through the LLM). */
export const texts = {
  help: (historyWindow: number) =>
    [
      "Hi! I'm an assistant powered by a large language model.",
      '',
      historyWindow > 0
        ? `Write to me and I'll answer. I remember the last ${historyWindow} messages of our conversation.`
        : "Write to me and I'll answer. I don't keep a conversation history.",
      '',
      'Commands:',
      '/reset – forget our conversation and start over',
      '/usage – what you have used and what is left',
      '/forget – erase everything I keep about you',
      '/transcript – show what I heard in your last voice note',
      '/help – show this message',
    ].join('\n'),
  reset: 'Done. I have forgotten our conversation; the next message starts a new one.',
  llmUnavailable:
    "Sorry, I can't answer right now: the language model is not responding. Please try again in a few minutes.",
  busy: "I'm getting a lot of messages right now. Yours is queued and I'll answer as soon as I can.",
  emptyAnswer: "Sorry, I couldn't come up with an answer to that. Could you rephrase it?",
  notAllowed:
    'Sorry, this assistant is only available to invited users. If you think you should have access, please ask its administrator.',
  blocked: 'Sorry, this assistant is not available to you at the moment.',
  rateLimited: (retryAfterMs: number) =>
    `You're sending messages faster than I can answer. Please wait about ${Math.max(1, Math.ceil(retryAfterMs / 1000))} seconds; messages sent meanwhile are not answered.`,
  outOfBudget: (window: 'daily' | 'monthly', resetsAt: number) =>
    `You've reached your ${window} usage limit. It resets at ${new Date(resetsAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  tooLong: (maxChars: number) =>
    `Sorry, that message is too long for me. Please keep it under ${maxChars} characters, or split it into parts.`,
  injectionRefused: "Sorry, I can't help with that request.",
  canaryRefused: "Sorry, I can't help with that.",
};
