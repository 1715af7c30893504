export { type CacheScope, type SemanticScopeKeys, scopeHash, semanticScopeKeys } from './keys';
export {
  createSemanticCache,
  type SemanticCache,
  type SemanticCacheEvent,
  type SemanticCacheOptions,
  type SemanticLookup,
} from './semantic-cache';
export { type LabelledPair, type ThresholdChoice, tuneThreshold } from './tune-threshold';
export { dot, toUnitVector } from './vectors';
