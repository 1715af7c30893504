export { loadPiiCorpus, type PiiCorpus, type PiiSample } from './corpus';
export { containsPii, type DetectOptions, detectPii, replaceMatches } from './detect';
export { luhnValid } from './detectors/card';
export { ibanValid } from './detectors/iban';
export { PII_KINDS, type PiiKind, type PiiMatch, SECRET_KINDS } from './kinds';
export {
  createStreamRestorer,
  type MaskMap,
  type MaskOptions,
  type MaskResult,
  maskForPrompt,
  type RestorePolicy,
  restore,
} from './mask';
export {
  type LogRedactionOptions,
  MESSAGE_FIELDS,
  pinoRedaction,
  REDACTED,
  redactLogValue,
  redactText,
  SECRET_FIELDS,
} from './redact';
