/**
 * The questions of the cache trace: intents (one question, one correct answer) and, for each
 * intent, a few wordings (paraphrases) users type for it.
 *
 * Two families of intents. Topic questions (a question form × a subject × an optional
 * qualifier: "what is redis for beginners") take the popular ranks; unit conversions ("convert
 * 30 miles to km", 20 unit pairs × a number) make the long tail, so a vocabulary of a million
 * intents needs no artificial names. Near-duplicates with different answers occur naturally:
 * "... about python" vs "... about rust", "convert 30 miles to km" vs "convert 30 km to miles".
 *
 * A wording is the form's phrasing (its canonical one or another: "what's redis", "tell me what
 * redis is") with an optional filler before or after ("hey", "please", "thanks"). Wording 0 is
 * the canonical phrasing without filler; an intent has 3 to 7 wordings.
 */

const FORMS: readonly (readonly string[])[] = [
  ['what is {x}', "what's {x}", 'what exactly is {x}', 'tell me what {x} is', '{x}: what is it'],
  [
    'explain {x} simply',
    'explain {x} in simple terms',
    'can you explain {x} simply',
    'a simple explanation of {x}',
  ],
  [
    'how do i get started with {x}',
    'how do i start with {x}',
    'how to get started with {x}',
    'where do i begin with {x}',
  ],
  [
    'give me three tips about {x}',
    '3 tips about {x}',
    'three tips for {x}',
    'what are three good tips about {x}',
  ],
  [
    'what are common mistakes with {x}',
    'common mistakes with {x}',
    'what mistakes do people make with {x}',
    'which mistakes are common with {x}',
  ],
  [
    'summarize {x} in one paragraph',
    'summarise {x} in one paragraph',
    'one paragraph summary of {x}',
    'give me a one paragraph summary of {x}',
  ],
  ['why does {x} matter', 'why is {x} important', 'why should i care about {x}'],
  [
    'compare {x} with its alternatives',
    'how does {x} compare with its alternatives',
    '{x} vs its alternatives',
    'what are the alternatives to {x}',
  ],
  [
    'what should a beginner know about {x}',
    'what does a beginner need to know about {x}',
    'what should beginners know about {x}',
    'beginner basics of {x}',
  ],
  [
    'write a short poem about {x}',
    'write me a short poem about {x}',
    'a short poem about {x}',
    'can you write a short poem about {x}',
  ],
  [
    'what are the pros and cons of {x}',
    'pros and cons of {x}',
    'what are the advantages and disadvantages of {x}',
  ],
  ['how does {x} work', 'how does {x} actually work', 'explain how {x} works'],
];

const SUBJECTS: readonly string[] = [
  ...['python', 'rust', 'go', 'java', 'typescript', 'sql joins', 'docker', 'kubernetes', 'redis', 'postgres'],
  ...[
    'git rebase',
    'css grid',
    'regular expressions',
    'tcp',
    'dns',
    'https',
    'oauth',
    'graphql',
    'rest apis',
  ],
  ...['machine learning', 'neural networks', 'large language models', 'unit testing', 'microservices'],
  ...['cloud computing', 'linux', 'vim', 'excel pivot tables', 'spreadsheets', 'a resume', 'a cover letter'],
  ...['job interviews', 'salary negotiation', 'public speaking', 'time management', 'remote work'],
  ...['a sourdough starter', 'bread baking', 'meal prep', 'intermittent fasting', 'vitamin d', 'jet lag'],
  ...['sleep hygiene', 'running a marathon', 'strength training', 'yoga', 'meditation', 'coffee brewing'],
  ...['compound interest', 'index funds', 'inflation', 'mortgages', 'credit scores', 'budgeting', 'taxes'],
  ...['cryptocurrency', 'the stock market', 'photosynthesis', 'black holes', 'climate change', 'vaccines'],
  ...['the french revolution', 'the roman empire', 'world war one', 'the cold war', 'the renaissance'],
  ...['quantum computing', 'relativity', 'evolution', 'plate tectonics', 'the immune system', 'dna'],
  ...['learning spanish', 'learning japanese', 'playing guitar', 'chess openings', 'photography'],
  ...['watercolor painting', 'gardening', 'houseplants', 'composting', 'raising a puppy', 'cat behavior'],
  ...['electric cars', 'solar panels', 'home insulation', 'smart homes', 'password managers', 'phishing'],
  ...['backups', 'wifi routers', 'mechanical keyboards', 'podcasting', 'video editing', 'blogging'],
  ...['seo', 'email marketing', 'starting a business', 'writing a business plan', 'negotiation'],
];

const QUALIFIERS: readonly string[] = [
  '',
  'for beginners',
  'for kids',
  'at work',
  'in 2025',
  'on a budget',
  'for a small business',
  'in production',
  'at home',
  'for students',
];

const UNIT_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['miles', 'km'],
  ['km', 'miles'],
  ['pounds', 'kg'],
  ['kg', 'pounds'],
  ['fahrenheit', 'celsius'],
  ['celsius', 'fahrenheit'],
  ['inches', 'cm'],
  ['cm', 'inches'],
  ['feet', 'meters'],
  ['meters', 'feet'],
  ['gallons', 'liters'],
  ['liters', 'gallons'],
  ['ounces', 'grams'],
  ['grams', 'ounces'],
  ['usd', 'eur'],
  ['eur', 'usd'],
  ['cups', 'ml'],
  ['ml', 'cups'],
  ['mph', 'km/h'],
  ['km/h', 'mph'],
];

const CONVERSION_FORMS: readonly string[] = [
  'convert {n} {a} to {b}',
  '{n} {a} to {b}',
  'how many {b} is {n} {a}',
  '{n} {a} in {b}',
  'what is {n} {a} in {b}',
];

const PREFIXES: readonly string[] = [
  'hey',
  'hi',
  'please',
  'quick question:',
  'so',
  'ok',
  'hello,',
  'hey bot,',
];
const SUFFIXES: readonly string[] = ['please', 'thanks', 'thank you', 'thx', 'pls'];

/** Topic intents: every form × subject × qualifier. */
export const TOPIC_INTENTS = FORMS.length * SUBJECTS.length * QUALIFIERS.length;
/** The largest vocabulary: the topic intents plus conversions of 1..50,000 for each unit pair. */
export const MAX_VOCABULARY = TOPIC_INTENTS + UNIT_PAIRS.length * 50_000;

/** Subjects also serve follow-ups such as "and what about rust?". */
export function subjectAt(i: number): string {
  return SUBJECTS[((i % SUBJECTS.length) + SUBJECTS.length) % SUBJECTS.length] ?? 'it';
}

/** A 32-bit integer hash (lowbias32), for deterministic choices per intent and wording. */
export function hash32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A fixed permutation of 0..n-1 (i ↦ a·i + b mod n with a coprime to n), to spread popularity. */
function permute(i: number, n: number): number {
  let a = 7_919;
  while (gcd(a, n) !== 1) a++;
  return ((((a % n) * i + 12_345) % n) + n) % n;
}

export interface Intent {
  /** 1-based intent id: its popularity rank in the vocabulary (1 = most asked). */
  id: number;
  /** How many wordings it has (3 to 7). */
  wordings: number;
}

/**
 * The intent of popularity rank `rank` in a vocabulary of `vocabulary` intents: the topic
 * questions take the first ranks (in a fixed shuffled order), the conversions the rest.
 */
export function intentParts(
  rank: number,
  vocabulary: number,
):
  | { kind: 'topic'; form: number; subject: number; qualifier: number }
  | { kind: 'conversion'; pair: number; n: number } {
  const topics = Math.min(TOPIC_INTENTS, vocabulary);
  if (rank <= topics) {
    const i = permute(rank - 1, TOPIC_INTENTS);
    return {
      kind: 'topic',
      form: i % FORMS.length,
      subject: Math.floor(i / FORMS.length) % SUBJECTS.length,
      qualifier: Math.floor(i / (FORMS.length * SUBJECTS.length)),
    };
  }
  const conversions = MAX_VOCABULARY - TOPIC_INTENTS;
  const i = permute(rank - 1 - TOPIC_INTENTS, conversions);
  return { kind: 'conversion', pair: i % UNIT_PAIRS.length, n: 1 + Math.floor(i / UNIT_PAIRS.length) };
}

/** Number of wordings of an intent (3 to 7, fixed per intent). */
export function wordingCount(rank: number): number {
  return 3 + (hash32(rank * 2 + 1) % 5);
}

function phrasing(rank: number, vocabulary: number, variant: number): string {
  const parts = intentParts(rank, vocabulary);
  if (parts.kind === 'topic') {
    const form = FORMS[parts.form] ?? FORMS[0] ?? ['{x}'];
    const qualifier = QUALIFIERS[parts.qualifier] ?? '';
    const x = qualifier ? `${subjectAt(parts.subject)} ${qualifier}` : subjectAt(parts.subject);
    return (form[variant % form.length] ?? '{x}').replace('{x}', x);
  }
  const [a, b] = UNIT_PAIRS[parts.pair] ?? ['miles', 'km'];
  return (CONVERSION_FORMS[variant % CONVERSION_FORMS.length] ?? '{n} {a} to {b}')
    .replace('{n}', String(parts.n))
    .replace('{a}', a)
    .replace('{b}', b);
}

function variantsOf(rank: number, vocabulary: number): number {
  const parts = intentParts(rank, vocabulary);
  return parts.kind === 'topic' ? (FORMS[parts.form]?.length ?? 1) : CONVERSION_FORMS.length;
}

export interface Wording {
  text: string;
  /** Which phrasing of the question it uses (0 = canonical); wordings that share it differ by fillers only. */
  phrasing: number;
}

/**
 * The wordings of intent `rank` (wording 0 first), before surface noise (casing, spacing,
 * punctuation). The wordings of one intent are distinct texts.
 */
export function wordingsOf(rank: number, vocabulary: number): Wording[] {
  const variants = variantsOf(rank, vocabulary);
  const wordings: Wording[] = [{ text: phrasing(rank, vocabulary, 0), phrasing: 0 }];
  const count = wordingCount(rank);
  for (let w = 1; w < count; w++) {
    const texts = wordings.map((x) => x.text);
    // Try the hashed choice first; on a clash with an earlier wording, the next ones in turn.
    for (let attempt = 0; ; attempt++) {
      const h = hash32(rank * 64 + w * 8 + attempt);
      // Most paraphrases keep the canonical phrasing and add a filler; the others rephrase.
      const variant = h % 5 < 2 ? 0 : 1 + ((h >>> 3) % (variants - 1));
      const prefix = (h >>> 8) % 2 === 0 ? undefined : PREFIXES[(h >>> 9) % PREFIXES.length];
      const suffix = (h >>> 13) % 10 < 7 ? undefined : SUFFIXES[(h >>> 14) % SUFFIXES.length];
      const text = [prefix, phrasing(rank, vocabulary, variant), suffix].filter(Boolean).join(' ');
      if (!texts.includes(text)) {
        wordings.push({ text, phrasing: variant });
        break;
      }
      if (attempt > 40) throw new Error(`intent ${rank}: no distinct wording ${w}`);
    }
  }
  return wordings;
}
