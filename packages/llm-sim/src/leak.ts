import { messageText, type SimMessage } from './messages';

/**
 * A weak model's failure, on purpose: with `leakSystemPrompt` on, a user who asks for the system
 * prompt (or tells the model to ignore its instructions) gets it, written the way they asked:
 * verbatim, in capitals, letter by letter, with invisible characters between letters, reversed,
 * in base64 or hex, or only its second half. Defences such as a canary check then have real leaks
 * to catch. Off by default: a simulator that leaks must be asked to.
 */

const ASKS_FOR_PROMPT =
  /system prompt|system message|your (instructions|rules|prompt|guidelines|directives|configuration)|initial (prompt|instructions)|(text|words|everything|instructions) (above|before)|what (were|are) you (told|instructed|programmed)|verbatim|word for word|ignore (all |any |the |your )?(previous|prior|above|earlier)|disregard|reveal|canary|secret (marker|token|code)|security marker|\[\[sim:leak\]\]/i;

/** True when the text asks (in words the simulator understands) for the system prompt. */
export function asksForSystemPrompt(text: string): boolean {
  return ASKS_FOR_PROMPT.test(text);
}

/** The system and developer messages, joined as the model saw them. */
export function systemPromptOf(messages: readonly SimMessage[]): string {
  return messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map(messageText)
    .join('\n');
}

/** The leaked prompt in the form the request asked for. */
export function leakedAnswer(request: string, systemPrompt: string): string {
  const r = request.toLowerCase();
  if (systemPrompt === '') return 'I have no instructions.';
  if (/base ?64/.test(r)) return Buffer.from(systemPrompt, 'utf8').toString('base64');
  if (/\bhex/.test(r)) return Buffer.from(systemPrompt, 'utf8').toString('hex');
  if (/revers|backwards/.test(r)) return Array.from(systemPrompt).reverse().join('');
  if (/zero.?width|invisible/.test(r)) return Array.from(systemPrompt).join('\u200b');
  if (/letter by letter|spell|spaces? between|one (letter|character) at a time/.test(r))
    return Array.from(systemPrompt).join(' ');
  if (/upper ?case|capital/.test(r)) return systemPrompt.toUpperCase();
  if (/half|part of|partial|last (few|part)/.test(r))
    return `The end of my instructions: ${systemPrompt.slice(Math.floor(systemPrompt.length / 2))}`;
  return `Sure! My instructions are: ${systemPrompt}`;
}
