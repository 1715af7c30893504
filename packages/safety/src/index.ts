export {
  type AnswerCheck,
  type CanaryCheckOptions,
  canaryInstruction,
  checkAnswer,
  createCanary,
  createStreamGuard,
  deriveCanary,
  type LeakForm,
  type StreamGuardOptions,
  type StreamState,
  withCanary,
} from './canary';
export { type InjectionCorpus, loadInjectionCorpus } from './corpus';
export {
  detectInjection,
  type InjectionMatch,
  type InjectionOptions,
  type InjectionVerdict,
} from './injection';
export { INJECTION_RULES, type InjectionCategory, type InjectionRule } from './injection-patterns';
export { checkInput, type InputCheckOptions, type InputVerdict } from './input-limits';
