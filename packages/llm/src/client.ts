import OpenAI from 'openai';

export interface LlmClientOptions {
  /** Base URL of any OpenAI-compatible API (OpenAI, vLLM, Ollama, llama.cpp, the simulator). */
  baseURL: string;
  /** Local servers often take no key; the SDK still needs a non-empty string. */
  apiKey?: string;
  /** Per-request timeout. Set deliberately: the SDK's default is 10 minutes. */
  timeoutMs: number;
  /**
   * Retries inside one job attempt. Kept small because the queue retries the whole job with
   * backoff too, and the two multiply. @defaultValue 1
   */
  maxRetries?: number;
}

export function createLlmClient(opts: LlmClientOptions): OpenAI {
  return new OpenAI({
    baseURL: opts.baseURL,
    apiKey: opts.apiKey ?? 'no-key',
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries ?? 1,
  });
}
