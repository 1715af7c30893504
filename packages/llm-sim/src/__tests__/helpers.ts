import OpenAI from 'openai';
import { type LlmSim, type LlmSimOptions, startLlmSim } from '../index';

/** Starts simulators and closes every one of them after each test. */
export function simHarness(): { start(opts?: LlmSimOptions): Promise<LlmSim> } {
  const running: LlmSim[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.close()));
  });
  return {
    async start(opts = {}) {
      const sim = await startLlmSim(opts);
      running.push(sim);
      return sim;
    },
  };
}

/** The official SDK pointed at `sim`, without retries unless asked. */
export function clientFor(
  sim: LlmSim,
  opts: { apiKey?: string; maxRetries?: number; timeout?: number } = {},
) {
  return new OpenAI({
    baseURL: sim.baseURL,
    apiKey: opts.apiKey ?? 'sk-test',
    maxRetries: opts.maxRetries ?? 0,
    ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
  });
}

/** Polls `check` until it is truthy; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Options for a simulator that answers immediately. */
export const INSTANT: LlmSimOptions = { ttftMs: 0, tokensPerSecond: 0 };

export const MODEL = 'parley-sim-1';
