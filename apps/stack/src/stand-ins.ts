import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { type Emulator, startEmulator } from '@parley/tg-emulator';
import { Api } from 'grammy';
import { componentLogger, type StackOutput } from './output';
import { generateBotToken } from './secrets';
import type { StackConfig } from './stack-config';

/** Which Telegram the children talk to. */
export type TelegramSide =
  | { kind: 'emulator'; token: string; apiRoot: string; emulator: Emulator }
  | { kind: 'telegram'; token: string; apiRoot?: string };

/** Which LLM the workers talk to. */
export type LlmSide =
  | { kind: 'simulator'; baseUrl: string; model: string; sim: LlmSim }
  | { kind: 'openai'; apiKey: string; baseUrl?: string; model?: string }
  | { kind: 'compatible'; baseUrl: string; apiKey?: string; model?: string };

export const SIMULATED_MODEL = 'parley-sim-1';

/** Decides which LLM to use; only the simulator needs starting, on `port` (see startLlmStandIn). */
export function llmNeedsSimulator(config: StackConfig): boolean {
  return !config.llm.apiKey && !config.llm.baseUrl;
}

/** A real bot when a token is given; otherwise the emulator, in this process. */
export async function startTelegramStandIn(
  config: StackConfig,
  port: number,
  out: StackOutput,
): Promise<TelegramSide> {
  const { botToken, apiRoot } = config.telegram;
  if (botToken) return { kind: 'telegram', token: botToken, apiRoot };

  const token = generateBotToken();
  const emulator = await startEmulator({
    port,
    host: config.host,
    tokens: [token],
    logger: componentLogger(out, 'emulator'),
  });
  try {
    await advanceUpdateIds(emulator, token);
  } catch (err) {
    await emulator.close();
    throw err;
  }
  return { kind: 'emulator', token, apiRoot: emulator.url, emulator };
}

/**
 * The emulator numbers updates from 1 on every start, but Redis may outlive it (the stack's
 * own redis-server keeps an append-only file; a REDIS_URL server keeps everything). Gateway
 * and worker treat an update id they have seen as a re-delivery, so a restarted stack would
 * silently ignore its first messages. Telegram's ids only grow; starting from the clock makes
 * the emulator's do too. The seed update itself is dropped before anyone can receive it.
 */
async function advanceUpdateIds(emulator: Emulator, token: string): Promise<void> {
  emulator.injectUpdate({ update_id: Date.now() }, token);
  await new Api(token, { apiRoot: emulator.url }).deleteWebhook({ drop_pending_updates: true });
}

/**
 * The simulator when neither OPENAI_API_KEY nor OPENAI_BASE_URL is set; OpenAI with a key; an
 * OpenAI-compatible server (vLLM, Ollama, ...) at OPENAI_BASE_URL, with or without a key.
 */
export async function startLlmStandIn(config: StackConfig, port: number, out: StackOutput): Promise<LlmSide> {
  const { apiKey, baseUrl, model } = config.llm;
  if (baseUrl) return { kind: 'compatible', baseUrl, apiKey, model };
  if (apiKey) return { kind: 'openai', apiKey, model };

  const simulatedModel = model ?? SIMULATED_MODEL;
  const sim = await startLlmSim({
    port,
    host: config.host,
    // Serve whatever LLM_MODEL names, so that setting it does not turn every answer into a 404.
    models: [simulatedModel],
    ttftMs: config.llmSim.ttftMs,
    tokensPerSecond: config.llmSim.tokensPerSecond,
    logger: componentLogger(out, 'llm-sim'),
  });
  return { kind: 'simulator', baseUrl: sim.baseURL, model: simulatedModel, sim };
}
