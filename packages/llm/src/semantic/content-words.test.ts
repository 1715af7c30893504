import { normalizePrompt } from '../response-cache';
import { contentWordsOf } from './content-words';

const content = (text: string) => contentWordsOf(normalizePrompt(text));

describe('contentWordsOf', () => {
  it('drops greetings, courtesies and request frames at either end; articles, "be", "do" and intensifiers anywhere', () => {
    const expected = 'how i get started with stock market';
    for (const text of [
      'how do I get started with the stock market?',
      'Hey bot, how do i get started with the stock market? Thanks a lot',
      'hello, can you please tell me how do i get started with a stock market pls',
      'quick question: how do i get started with the stock market thank you very much',
      'ok so how do i get started with the stock market, please, thx',
    ]) {
      expect(content(text)).toBe(expected);
    }
    expect(content("what's redis")).toBe(content('what is redis'));
    expect(content('tell me what redis is')).toBe(content('what is redis'));
    expect(content('what exactly is redis')).toBe(content('what is redis'));
    expect(content('how does redis actually work')).toBe(content('how does redis work'));
  });

  it('keeps every word that can change the question, in order', () => {
    const base = content('give me a one paragraph summary of negotiation for kids');
    for (const other of [
      'give me a one paragraph summary of salary negotiation for kids', // added
      'give me a one paragraph summary of negotiation', // dropped
      'give me a one paragraph summary of negotiation for students', // swapped
      'give me a one paragraph summary of negotiation with kids', // a preposition
      'give me a one paragraph summary of negotiation for kids today', // a closing word that is no courtesy
    ]) {
      expect(content(other)).not.toBe(base);
    }
    expect(content('convert 30 miles to km')).not.toBe(content('convert 30 km to miles'));
    expect(content('what is redis')).not.toBe(content('why is redis'));
    expect(content('who is the president')).not.toBe(content('who was the president'));
    expect(content('is it safe')).not.toBe(content('is it not safe'));
    expect(content('what is my name')).not.toBe(content('what is your name'));
  });

  it('strips fillers only at the ends, where they are not part of the question', () => {
    expect(content('what does please mean')).toBe('what please mean');
    expect(content('how to say thanks in japanese')).toBe('how to say thanks in japanese');
  });

  it('keeps all the words of a prompt made of fillers only', () => {
    expect(content('hi')).toBe('hi');
    expect(content('thanks')).toBe('thanks');
    expect(content('the')).toBe('the');
    expect(content('hey bot, thanks!')).toBe('hey bot thanks');
    expect(content('')).toBe('');
  });

  it('treats words of other scripts as content words', () => {
    expect(content('Привет, как дела?')).toBe('привет как дела');
    expect(content('東京の人口は?')).toBe('東京の人口は');
  });
});
