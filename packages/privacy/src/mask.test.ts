import { loadPiiCorpus } from './corpus';
import { createStreamRestorer, maskForPrompt, restore } from './mask';

describe('maskForPrompt and restore', () => {
  it('masks with numbered placeholders, one per distinct value', () => {
    const { text, map } = maskForPrompt(
      'Mail ann@example.com or ANN@example.com, call +44 20 7946 0958 or +442079460958, not bob@example.org',
    );
    expect(text).toBe('Mail ⟦EMAIL_1⟧ or ⟦EMAIL_1⟧, call ⟦PHONE_1⟧ or ⟦PHONE_1⟧, not ⟦EMAIL_2⟧');
    expect(map.entries).toEqual({
      EMAIL_1: { kind: 'email', value: 'ann@example.com' },
      PHONE_1: { kind: 'phone', value: '+44 20 7946 0958' },
      EMAIL_2: { kind: 'email', value: 'bob@example.org' },
    });
  });

  it('masks every sample of the corpus so the value never reaches the prompt', () => {
    for (const sample of loadPiiCorpus().samples) {
      const { text, map } = maskForPrompt(sample.text);
      expect(text).not.toContain(sample.value);
      expect(Object.values(map.entries).map((e) => e.value)).toContain(sample.value);
    }
  });

  it('restores personal data by policy and never restores secrets', () => {
    const { map } = maskForPrompt(
      'I am ann@example.com, card 4111 1111 1111 1111, key sk-proj-abcdefghijklmnop',
    );
    const answer = 'Sure ⟦EMAIL_1⟧, charged [[CARD_1]] using ⟦ API_KEY_1 ⟧; ⟦PHONE_9⟧ is unknown.';
    expect(restore(answer, map)).toBe(
      'Sure ann@example.com, charged 4111 1111 1111 1111 using [api key]; ⟦PHONE_9⟧ is unknown.',
    );
    expect(restore(answer, map, { restore: ['email'] })).toBe(
      'Sure ann@example.com, charged [card] using [api key]; ⟦PHONE_9⟧ is unknown.',
    );
    expect(restore(answer, map, { restore: ['api_key'], otherwise: 'placeholder' })).toBe(answer);
  });

  it('keeps placeholders stable across turns with the previous map', () => {
    const first = maskForPrompt('I am ann@example.com');
    const second = maskForPrompt('Also bob@example.org and ann@example.com', { previous: first.map });
    expect(second.text).toBe('Also ⟦EMAIL_2⟧ and ⟦EMAIL_1⟧');
    expect(first.map.entries).not.toHaveProperty('EMAIL_2');
  });

  it('restores a streamed answer whose placeholder is cut between deltas', () => {
    const { map } = maskForPrompt('ann@example.com');
    const restorer = createStreamRestorer(map);
    const shown =
      ['Hi ⟦EMA', 'IL_1⟧, ', 'bye [', 'x]'].map((d) => restorer.push(d)).join('') + restorer.end();
    expect(shown).toBe('Hi ann@example.com, bye [x]');
  });
});
