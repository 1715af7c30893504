import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectionCategory } from './injection-patterns';

export interface InjectionCorpus {
  injections: Array<{ text: string; category: InjectionCategory; lang: string }>;
  benign: Array<{ text: string; lang: string }>;
}

/** The shipped corpus (`corpus/injections.json`): attempts to catch and benign messages to let through. */
export function loadInjectionCorpus(): InjectionCorpus {
  return JSON.parse(
    readFileSync(path.join(__dirname, '..', 'corpus', 'injections.json'), 'utf8'),
  ) as InjectionCorpus;
}
