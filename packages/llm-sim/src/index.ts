/**
 * `@parley/llm-sim`: an OpenAI-compatible LLM server simulator for tests, local runs and
 * benchmarks. It speaks the real wire format (JSON, SSE, error bodies, retry headers), so clients
 * built on the official OpenAI SDK run unchanged against it.
 */

export { hearToneSpeech, synthesizeSpeech } from './audio/tone-speech';
export { parseDirectives, type SimDirectives, stripDirectives } from './directives';
export { cosineSimilarity, DEFAULT_EMBEDDING_DIMENSIONS, embedText } from './embed';
export type { FaultPath, FaultRule, FaultStatus } from './faults';
export type { SimContentPart, SimMessage } from './messages';
export { promptTokensFor } from './messages';
export {
  DEFAULT_MODELS,
  DEFAULT_SETTINGS,
  type LatencyAndFaultSettings,
  type LlmSimOptions,
  type SimLogger,
} from './options';
export { type AnswerInput, answerFor, QUOTE_LIMIT, type SimAnswer } from './responder';
export { type LlmSim, startLlmSim } from './server';
export type { PathStats, SimStats, StatsPath } from './stats';
export { countTokens, splitTokens } from './tokens';
export { describeImageUrl } from './vision/describe';
export { encodePng, pngDataUrl } from './vision/png-encode';
export { modelSeesImages } from './vision/vision-gate';
