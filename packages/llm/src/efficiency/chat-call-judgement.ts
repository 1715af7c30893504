import type { ChatResult } from '../chat';
import { classifyLlmError } from '../errors';
import type { AdaptiveRunOptions } from './adaptive-limiter';

/**
 * How the adaptive limiter judges a chat call. Overload: a 429 (the backend says so) or a
 * timeout (its queue is longer than we can wait). Size: the completion tokens that explain the
 * call's duration, i.e. for a batched call those of the longest answer in its batch, since the
 * request ended only when that answer was generated.
 */
export const chatCallJudgement: AdaptiveRunOptions<ChatResult> = {
  isOverload: (err) => {
    const { outcome } = classifyLlmError(err);
    return outcome === 'rate_limited' || outcome === 'timeout';
  },
  size: (result) => result.batch?.longestCompletionTokens ?? result.completionTokens,
};
