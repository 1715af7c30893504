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
      '/help – show this message',
    ].join('\n'),
  reset: 'Done. I have forgotten our conversation; the next message starts a new one.',
  llmUnavailable:
    "Sorry, I can't answer right now: the language model is not responding. Please try again in a few minutes.",
  busy: "I'm getting a lot of messages right now. Yours is queued and I'll answer as soon as I can.",
  emptyAnswer: "Sorry, I couldn't come up with an answer to that. Could you rephrase it?",
};
