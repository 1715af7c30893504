import { createRandom, createZipf, type Random } from './zipf';

/**
 * A synthetic chat trace for the semantic-cache benchmark: N simulated users write
 * multi-turn conversations; prompts are drawn from a vocabulary of question templates by a Zipf
 * law. Only a conversation's first turn is context-free (its answer does not depend on earlier
 * messages); follow-ups are not cacheable whatever their text.
 */

export interface TraceOptions {
  /** Distinct simulated users (at most 1,000,000). */
  users: number;
  /** Messages in the trace. */
  messages: number;
  /** Question templates in the vocabulary. */
  vocabulary: number;
  /** Zipf exponent of template popularity (≈1.1 for chat prompts). */
  s: number;
  /** Probability that a message starts a new conversation (else it follows up the user's last one). */
  newConversationProbability: number;
  seed: number;
}

export const DEFAULT_TRACE: TraceOptions = {
  users: 10_000,
  messages: 50_000,
  vocabulary: 100_000,
  s: 1.1,
  newConversationProbability: 0.35,
  seed: 1,
};

export interface TraceMessage {
  userId: number;
  /** 1 for the first message of a conversation. */
  turn: number;
  /** True when the answer cannot depend on earlier messages (a first turn). */
  contextFree: boolean;
  /** The text as the user typed it (casing, spacing and punctuation vary). */
  prompt: string;
  /** The template rank it came from (1 = most popular); 0 for follow-ups. */
  rank: number;
}

const SUBJECTS = [
  'python',
  'rust',
  'sql joins',
  'docker',
  'kubernetes',
  'redis',
  'a sourdough starter',
  'compound interest',
  'photosynthesis',
  'the french revolution',
  'black holes',
  'a resume',
  'tcp',
  'git rebase',
  'vitamin d',
  'jet lag',
  'a cover letter',
  'css grid',
  'regular expressions',
  'inflation',
];
const FORMS = [
  'what is {x}',
  'explain {x} simply',
  'how do i get started with {x}',
  'give me three tips about {x}',
  'what are common mistakes with {x}',
  'summarize {x} in one paragraph',
  'why does {x} matter',
  'compare {x} with its alternatives',
  'write a short poem about {x}',
  'what should a beginner know about {x}',
];
const FOLLOW_UPS = [
  'can you elaborate?',
  'give me an example',
  'why?',
  'shorter please',
  'and what about the second point?',
];

/** The k-th template (1-based): distinct text for every k. */
export function template(k: number): string {
  const i = k - 1;
  const form = FORMS[i % FORMS.length] ?? '{x}';
  const subject = SUBJECTS[Math.floor(i / FORMS.length) % SUBJECTS.length] ?? 'x';
  const variant = Math.floor(i / (FORMS.length * SUBJECTS.length));
  return form.replace('{x}', subject) + (variant > 0 ? ` (case ${variant})` : '');
}

/** Surface variation that normalization must undo: casing, spaces, a trailing "?" or "!". */
function decorate(text: string, random: Random): string {
  let out = text;
  const r = random();
  if (r < 0.3) out = out.charAt(0).toUpperCase() + out.slice(1);
  else if (r < 0.35) out = out.toUpperCase();
  const p = random();
  if (p < 0.5) out += '?';
  else if (p < 0.6) out += '!';
  if (random() < 0.1) out = `  ${out.replace(/ /g, '  ')} `;
  return out;
}

/** Lower case, collapsed whitespace, no trailing punctuation. */
export function normalizePrompt(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s?!.]+$/u, '');
}

/** Yields the trace lazily (a million users need no per-user objects: one Uint16Array of turns). */
export function* generateTrace(options: Partial<TraceOptions> = {}): Generator<TraceMessage> {
  const o: TraceOptions = { ...DEFAULT_TRACE, ...options };
  if (!Number.isInteger(o.users) || o.users < 1 || o.users > 1_000_000) {
    throw new Error(`users must be between 1 and 1,000,000, got ${o.users}`);
  }
  const random = createRandom(o.seed);
  const zipf = createZipf(o.vocabulary, o.s, random);
  const turns = new Uint16Array(o.users);
  for (let m = 0; m < o.messages; m++) {
    const userId = Math.floor(random() * o.users);
    const previous = turns[userId] ?? 0;
    const fresh = previous === 0 || random() < o.newConversationProbability;
    const turn = fresh ? 1 : Math.min(65_535, previous + 1);
    turns[userId] = turn;
    if (fresh) {
      const rank = zipf.sample();
      yield { userId, turn, contextFree: true, prompt: decorate(template(rank), random), rank };
    } else {
      const text = FOLLOW_UPS[Math.floor(random() * FOLLOW_UPS.length)] ?? 'why?';
      yield { userId, turn, contextFree: false, prompt: text, rank: 0 };
    }
  }
}
