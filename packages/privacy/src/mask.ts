import { detectPii, replaceMatches } from './detect';
import { type PiiKind, SECRET_KINDS } from './kinds';

/** Placeholder names per kind: `⟦EMAIL_1⟧`. */
const LABEL: Record<PiiKind, string> = {
  url_credentials: 'CREDENTIALS',
  bot_token: 'BOT_TOKEN',
  api_key: 'API_KEY',
  bearer_token: 'TOKEN',
  secret_assignment: 'SECRET',
  card: 'CARD',
  iban: 'IBAN',
  email: 'EMAIL',
  ip: 'IP',
  phone: 'PHONE',
};

/**
 * What was masked: placeholder (without brackets, e.g. `EMAIL_1`) → kind and original value.
 * Plain JSON, so it can travel with a job and be stored with the conversation if needed.
 */
export interface MaskMap {
  entries: Record<string, { kind: PiiKind; value: string }>;
}

export interface MaskResult {
  text: string;
  map: MaskMap;
}

export interface MaskOptions {
  /** Kinds to mask. @defaultValue every kind */
  kinds?: readonly PiiKind[];
  /**
   * A map from earlier turns of the same conversation: values already seen keep their
   * placeholder, so the model sees one consistent `⟦EMAIL_1⟧` across turns. It is not modified.
   */
  previous?: MaskMap;
}

/** Two spellings of one value share a placeholder: digits for numbers, lower case otherwise. */
function identity(kind: PiiKind, value: string): string {
  if (kind === 'phone' || kind === 'card' || kind === 'iban')
    return `${kind}:${value.replace(/[^0-9A-Za-z]/g, '').toUpperCase()}`;
  return `${kind}:${value.toLowerCase()}`;
}

/**
 * Replaces PII and secrets in a prompt with placeholders like `⟦EMAIL_1⟧` before it goes to the
 * LLM, and returns the map that `restore` needs. The same value always gets the same placeholder.
 */
export function maskForPrompt(text: string, opts: MaskOptions = {}): MaskResult {
  const entries: MaskMap['entries'] = { ...opts.previous?.entries };
  const byIdentity = new Map<string, string>();
  const counters = new Map<PiiKind, number>();
  for (const [placeholder, entry] of Object.entries(entries)) {
    byIdentity.set(identity(entry.kind, entry.value), placeholder);
    const n = Number(placeholder.slice(placeholder.lastIndexOf('_') + 1));
    counters.set(entry.kind, Math.max(counters.get(entry.kind) ?? 0, n));
  }
  const matches = detectPii(text, opts.kinds ? { kinds: opts.kinds } : {});
  const masked = replaceMatches(text, matches, (m) => {
    const id = identity(m.kind, m.value);
    let placeholder = byIdentity.get(id);
    if (placeholder === undefined) {
      const n = (counters.get(m.kind) ?? 0) + 1;
      counters.set(m.kind, n);
      placeholder = `${LABEL[m.kind]}_${n}`;
      byIdentity.set(id, placeholder);
      entries[placeholder] = { kind: m.kind, value: m.value };
    }
    return `⟦${placeholder}⟧`;
  });
  return { text: masked, map: { entries } };
}

export interface RestorePolicy {
  /**
   * Kinds whose placeholders are replaced by the original value in the answer. Secrets
   * (tokens, keys, passwords) are never restored, even when listed.
   * @defaultValue every non-secret kind (email, phone, card, IBAN, IP)
   */
  restore?: readonly PiiKind[];
  /**
   * What a placeholder that is not restored becomes: `'label'` a neutral `[email]`,
   * `'placeholder'` left as the model wrote it. @defaultValue 'label'
   */
  otherwise?: 'label' | 'placeholder';
}

/**
 * Placeholders as models echo them: `⟦EMAIL_1⟧`, but also `[[EMAIL_1]]`, `[EMAIL_1]` or with
 * spaces inside the brackets. Unknown names are left alone.
 */
const PLACEHOLDER = /(?:⟦|\[\[?)\s*([A-Z][A-Z_]*_\d+)\s*(?:⟧|\]\]?)/g;

/** Puts masked values back into an answer, as far as the policy allows. */
export function restore(answer: string, map: MaskMap, policy: RestorePolicy = {}): string {
  const allowed = new Set(
    policy.restore ?? (Object.keys(LABEL) as PiiKind[]).filter((k) => !SECRET_KINDS.has(k)),
  );
  const otherwise = policy.otherwise ?? 'label';
  return answer.replace(PLACEHOLDER, (whole, name: string) => {
    const entry = map.entries[name];
    if (!entry) return whole;
    if (allowed.has(entry.kind) && !SECRET_KINDS.has(entry.kind)) return entry.value;
    return otherwise === 'label' ? `[${entry.kind.replace(/_/g, ' ')}]` : whole;
  });
}

/**
 * `restore` for a streamed answer: feed the deltas, get the text that is safe to show so far.
 * A placeholder cut between two deltas (`⟦EMA` + `IL_1⟧`) is held back until it is complete.
 */
export function createStreamRestorer(map: MaskMap, policy: RestorePolicy = {}) {
  let pending = '';
  return {
    /** Adds a delta; returns the restored text that can be shown now. */
    push(delta: string): string {
      pending += delta;
      // Hold back from the last opening bracket that has not been closed yet (bounded length).
      const open = Math.max(pending.lastIndexOf('⟦'), pending.lastIndexOf('['));
      let cut = pending.length;
      if (
        open >= 0 &&
        pending.length - open <= 40 &&
        !/[⟧\]]/.test(pending.slice(open + 1).replace(/^\[/, ''))
      ) {
        cut = open;
      }
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      return restore(ready, map, policy);
    },
    /** The rest, at the end of the stream. */
    end(): string {
      const rest = pending;
      pending = '';
      return restore(rest, map, policy);
    },
  };
}
