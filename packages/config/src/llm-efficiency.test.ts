import { ConfigError } from './errors';
import { loadWorkerConfig } from './worker';

const base = {
  TELEGRAM_BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadWorkerConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('worker config: LLM batching and adaptive concurrency', () => {
  it('leaves prompt batching off by default', () => {
    expect(loadWorkerConfig(base).llm.batch).toBeUndefined();
  });

  it('turns prompt batching on with its window, size and chat template', () => {
    const config = loadWorkerConfig({ ...base, LLM_BATCH_MODE: 'completions', LLM_CHAT_TEMPLATE: 'Llama3' });
    expect(config.llm.batch).toEqual({ windowMs: 5, maxSize: 32, template: 'llama3' });
    const tuned = loadWorkerConfig({
      ...base,
      LLM_BATCH_MODE: 'completions',
      LLM_BATCH_WINDOW_MS: '0',
      LLM_BATCH_MAX_SIZE: '2048',
    });
    expect(tuned.llm.batch).toEqual({ windowMs: 0, maxSize: 2048, template: 'chatml' });
  });

  it('names each bad batching variable on its own line', () => {
    const problems = problemsOf({
      LLM_BATCH_MODE: 'prompts',
      LLM_BATCH_WINDOW_MS: '5000',
      LLM_BATCH_MAX_SIZE: '0',
      LLM_CHAT_TEMPLATE: 'alpaca',
    });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('LLM_BATCH_MODE'))).toMatch(/must be off or completions/);
    expect(problems.find((p) => p.startsWith('LLM_BATCH_WINDOW_MS'))).toMatch(/between 0 and 1000/);
    expect(problems.find((p) => p.startsWith('LLM_BATCH_MAX_SIZE'))).toMatch(/between 1 and 2048/);
    expect(problems.find((p) => p.startsWith('LLM_CHAT_TEMPLATE'))).toMatch(/must be chatml or llama3/);
  });

  it('leaves the adaptive limiter off by default, and can turn it on', () => {
    expect(loadWorkerConfig(base).llmConcurrency).toBeUndefined();
    expect(loadWorkerConfig({ ...base, LLM_ADAPTIVE_CONCURRENCY: 'true' }).llmConcurrency).toEqual({
      initial: 32,
      max: 256,
      tolerance: 1.5,
    });
  });

  it('passes the tolerance to the adaptive limiter', () => {
    const config = loadWorkerConfig({
      ...base,
      LLM_ADAPTIVE_CONCURRENCY: 'true',
      LLM_CONCURRENCY_TOLERANCE: '2',
    });
    expect(config.llmConcurrency).toEqual({ initial: 32, max: 256, tolerance: 2 });
    expect(problemsOf({ LLM_CONCURRENCY_TOLERANCE: '1' })[0]).toMatch(
      /^LLM_CONCURRENCY_TOLERANCE must be a number/,
    );
  });
});
