import { type Detector, regexDetector } from '../kinds';

/**
 * Credentials: Telegram bot tokens (also inside Bot API URLs, `/bot<token>/getMe`), provider API
 * keys by their documented prefixes, bearer tokens, `key=value` secrets and passwords inside
 * connection URLs. Only the secret part is matched, so `Bearer ` and `redis://user:` stay readable.
 */
export const botTokens: Detector = regexDetector('bot_token', /(?<![0-9])\d{5,12}:[A-Za-z0-9_-]{20,}/g);

const API_KEY_PATTERNS = [
  // OpenAI-style (sk-..., sk-proj-...), Anthropic-style (sk-ant-...).
  String.raw`\bsk-[A-Za-z0-9_-]{8,}`,
  // GitHub tokens and fine-grained PATs.
  String.raw`\bgh[pousr]_[A-Za-z0-9]{20,}`,
  String.raw`\bgithub_pat_[A-Za-z0-9_]{20,}`,
  // Slack, AWS access key ids, Google API keys, GitLab, Hugging Face, Stripe.
  String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}`,
  String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`,
  String.raw`\bAIza[0-9A-Za-z_-]{35}`,
  String.raw`\bglpat-[A-Za-z0-9_-]{20,}`,
  String.raw`\bhf_[A-Za-z0-9]{30,}`,
  String.raw`\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}`,
];
export const apiKeys: Detector = regexDetector('api_key', new RegExp(API_KEY_PATTERNS.join('|'), 'g'));

export const bearerTokens: Detector = regexDetector(
  'bearer_token',
  /(?<=\b(?:Bearer|Token|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
);

/** `password=hunter2`, `"api_key": "abc..."`, `secret: xyz`: the value after a secret-named key. */
export const secretAssignments: Detector = regexDetector(
  'secret_assignment',
  /(?<=\b(?:api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|pwd|access[_-]?token|auth[_-]?token|private[_-]?key)["']?\s*[:=]\s*["']?)[^\s"',;&]{6,}/gi,
);

export const urlCredentials: Detector = regexDetector(
  'url_credentials',
  /(?<=\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+(?=@)/gi,
);
