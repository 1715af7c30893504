/**
 * Removes secrets from free text (error messages, URLs) before it is logged. Field-level
 * redaction cannot catch a bot token inside a URL or an API key inside an error message.
 */
const patterns: Array<[RegExp, string]> = [
  // Bot tokens, alone or inside Bot API URLs (/bot<token>/method).
  [/(?<![0-9])\d{5,}:[A-Za-z0-9_-]{20,}/g, '[bot-token]'],
  // OpenAI-style keys.
  [/\bsk-[A-Za-z0-9_-]{8,}\b/g, '[api-key]'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, 'Bearer [redacted]'],
  // Credentials in connection URLs (redis://user:pass@host).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, '$1[redacted]@'],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}
