import { createLlmClient } from '../client';
import type { LlmBackend, ResilientLlmOptions } from '../resilience/options';
import { createPromptBatcher, type PromptBatcher } from './prompt-batcher';

/** The prompt batcher of a backend that asks for one (`promptBatching`), with its own client. */
export function backendBatcher(backend: LlmBackend, opts: ResilientLlmOptions): PromptBatcher | undefined {
  if (!backend.promptBatching) return undefined;
  const client = createLlmClient({
    baseURL: backend.baseURL,
    apiKey: backend.apiKey,
    timeoutMs: opts.timeoutMs,
    maxRetries: opts.maxRetries,
  });
  return createPromptBatcher(client, {
    model: backend.model,
    ...backend.promptBatching,
    onBatch: (e) => opts.onBatch?.({ backend: backend.name, ...e }),
  });
}
