import {
  canaryInstruction,
  checkAnswer,
  createCanary,
  createStreamGuard,
  deriveCanary,
  withCanary,
} from './canary';

const canary = 'k7qz2m4xw9tb3rfp'.replace('9', 'a'); // base32 alphabet, 16 characters

describe('canary', () => {
  it('is random per call, or stable per deployment when derived from a secret', () => {
    expect(createCanary()).toMatch(/^[a-z2-7]{16}$/);
    expect(createCanary()).not.toBe(createCanary());
    expect(deriveCanary('a-secret-of-enough-length', 'bot-1')).toBe(
      deriveCanary('a-secret-of-enough-length', 'bot-1'),
    );
    expect(deriveCanary('a-secret-of-enough-length', 'bot-1')).not.toBe(
      deriveCanary('a-secret-of-enough-length', 'bot-2'),
    );
    expect(() => deriveCanary('short')).toThrow(RangeError);
  });

  it('goes into the system prompt with the instruction never to reveal it', () => {
    const prompt = withCanary('You are Parley, a helpful assistant.', canary);
    expect(prompt.startsWith('You are Parley, a helpful assistant.\n\n')).toBe(true);
    expect(prompt).toContain(canaryInstruction(canary));
    expect(canaryInstruction(canary)).toMatch(/never .*reveal/i);
  });

  it.each([
    ['verbatim', `Sure, the marker is ${canary}.`],
    ['obfuscated', `THE MARKER IS ${canary.toUpperCase()}`],
    ['obfuscated', `marker: ${Array.from(canary).join(' ')}`],
    ['obfuscated', `marker: ${Array.from(canary).join('-')}`],
    ['obfuscated', `marker: ${Array.from(canary).join('\u200b')}`],
    ['obfuscated', `marker: ${canary.replace(/a/g, 'а').replace(/o/g, 'о')}`], // Cyrillic look-alikes
    ['partial', `it starts with ${canary.slice(0, 9)}…`],
    ['partial', `…and ends with ${canary.slice(-8)}`],
    ['reversed', `backwards: ${Array.from(canary).reverse().join('')}`],
    ['base64', `encoded: ${Buffer.from(`the marker is ${canary}`).toString('base64')}`],
    ['hex', `hex: ${Buffer.from(`marker ${canary}`).toString('hex')}`],
  ])('blocks a %s leak', (form, answer) => {
    expect(checkAnswer(answer, canary)).toEqual({ ok: false, leak: form });
  });

  it('lets ordinary answers through, including ones that share a few characters', () => {
    for (const answer of [
      'Hello! How can I help you today?',
      `Part of nothing: ${canary.slice(0, 5)} is too short to mean anything.`,
      Buffer.from('just some harmless base64 payload here').toString('base64'),
      'The quick brown fox jumps over the lazy dog 1234567890.',
    ]) {
      expect(checkAnswer(answer, canary)).toEqual({ ok: true });
    }
  });

  it('a stream guard never shows a recognisable part of the canary, even cut across deltas', () => {
    const answer = `Here is some harmless text first. Then the leak: ${canary} and more text after it.`;
    const guard = createStreamGuard(canary);
    const shown: string[] = [];
    let leaked = false;
    for (let i = 0; i < answer.length; i += 3) {
      const state = guard.push(answer.slice(i, i + 3));
      shown.push(state.visible);
      if (state.leaked) {
        leaked = true;
        break;
      }
    }
    expect(leaked).toBe(true);
    for (const visible of shown) expect(checkAnswer(visible, canary).ok).toBe(true);
    expect(guard.end().leaked).toBe(true);
  });

  it('a stream guard shows everything of a clean answer at the end', () => {
    const guard = createStreamGuard(canary, { holdBack: 10 });
    const first = guard.push('Hello there, this is a clean answer 😀 that streams.');
    expect(first.visible.length).toBeLessThan(50);
    expect(guard.end()).toEqual({
      visible: 'Hello there, this is a clean answer 😀 that streams.',
      leaked: false,
    });
  });
});
