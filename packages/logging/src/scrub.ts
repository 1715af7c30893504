import { redactText, SECRET_KINDS } from '@parley/privacy';

const SECRETS = { kinds: [...SECRET_KINDS] };

/**
 * Removes secrets from free text (error messages, URLs) before it is printed: bot tokens (also
 * inside `/bot<token>/` URLs), API keys, bearer tokens, `password=` values and credentials in
 * connection URLs. Personal data is left alone here; log records get `redactText` (both).
 */
export function scrubSecrets(text: string): string {
  return redactText(text, SECRETS);
}
