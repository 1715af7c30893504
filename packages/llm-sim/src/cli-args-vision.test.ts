import { CliUsageError, parseCliArgs } from './cli-args';

describe('llm-sim CLI: vision models', () => {
  it('reads --vision-model (repeatable) or LLM_SIM_VISION_MODELS', () => {
    const fromFlags = parseCliArgs(['--vision-model', 'gpt-4o*', '--vision-model', 'llava'], {});
    expect(fromFlags).toMatchObject({ options: { visionModels: ['gpt-4o*', 'llava'] } });
    const fromEnv = parseCliArgs([], { LLM_SIM_VISION_MODELS: ' parley-sim-1 , *-vision ' });
    expect(fromEnv).toMatchObject({ options: { visionModels: ['parley-sim-1', '*-vision'] } });
    const none = parseCliArgs([], {});
    expect(none.help === false && none.options.visionModels).toBeUndefined();
    expect(() => parseCliArgs(['--vision-model', ' '], {})).toThrow(CliUsageError);
  });
});
