import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PiiKind } from './kinds';

export interface PiiSample {
  kind: PiiKind;
  value: string;
  text: string;
  /** Only recognisable with its context (the text), not as a bare value. */
  contextual?: boolean;
}

export interface PiiCorpus {
  samples: PiiSample[];
  benign: string[];
}

/** The shipped corpus (`corpus/pii.json`), for this package's tests and for other packages' log tests. */
export function loadPiiCorpus(): PiiCorpus {
  const file = path.join(__dirname, '..', 'corpus', 'pii.json');
  return JSON.parse(readFileSync(file, 'utf8')) as PiiCorpus;
}
