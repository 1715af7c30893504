import type { LlmSim } from '@parley/llm-sim';
import type { Emulator } from '@parley/tg-emulator';
import { sharedChildEnv } from './child-env';
import { loadStackConfig } from './stack-config';
import type { LlmSide, TelegramSide } from './stand-ins';

const telegram: TelegramSide = {
  kind: 'emulator',
  token: '1:test',
  apiRoot: 'http://127.0.0.1:1',
  emulator: {} as Emulator,
};
const simulator: LlmSide = {
  kind: 'simulator',
  baseUrl: 'http://127.0.0.1:2/v1',
  model: 'sim',
  sim: {} as LlmSim,
};

function envFor(given: Record<string, string>, llm: LlmSide) {
  return sharedChildEnv({
    config: loadStackConfig(given),
    redisUrl: 'redis://127.0.0.1:3',
    telegram,
    llm,
    webhookSecret: 'secret',
    ingestMode: 'webhook',
  });
}

describe('sharedChildEnv', () => {
  it('lets the workers show photos to the simulator, whose models all take images', () => {
    expect(envFor({}, simulator).LLM_VISION_MODELS).toBe('*');
  });

  it('keeps a vision model list that was given, and sets none for a real backend', () => {
    expect(envFor({ LLM_VISION_MODELS: 'sim' }, simulator).LLM_VISION_MODELS).toBe('sim');
    const real: LlmSide = { kind: 'compatible', baseUrl: 'http://127.0.0.1:4/v1' };
    expect(envFor({}, real).LLM_VISION_MODELS).toBeUndefined();
  });
});
