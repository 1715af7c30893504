import type { LlmSim } from '@parley/llm-sim';
import { waitFor } from '@parley/testing';
import type { Emulator } from '@parley/tg-emulator';
import { startWorkerHarness, type WorkerHarness } from './testing/worker-harness';
import type { RunningWorker } from './worker';

const TOKEN = '1000000004:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD';

/** The semantic cache, turned on: paraphrased first turns are answered without the LLM. */
describe('worker with the semantic cache on', () => {
  let h: WorkerHarness;
  let emulator: Emulator;
  let sim: LlmSim;
  let worker: RunningWorker;

  beforeAll(async () => {
    h = await startWorkerHarness({
      token: TOKEN,
      name: 'sem',
      sim: { ttftMs: 0, tokensPerSecond: 0, models: ['parley-sim-1', 'text-embedding-3-small'] },
      env: { LLM_MAX_RETRIES: '0', SEMANTIC_CACHE_ENABLED: 'true', SEMANTIC_CACHE_THRESHOLD: '0.8' },
    });
    ({ emulator, sim, worker } = h);
  });

  afterAll(() => h.close());

  const userSays = (text: string, chatId: number) => h.userSays(text, chatId);

  const replies = (chatId: number) => emulator.botMessages(chatId).map((m) => m.text);
  const chatRequests = () => sim.stats().byPath.chat.requests;

  it('answers a paraphrased first turn from the semantic cache, and never a turn with history', async () => {
    const before = chatRequests();
    await userSays('what is the capital city of france', 8001);
    await waitFor(() => replies(8001).length === 1, { what: 'first answer' });
    await userSays('so what is the capital city of france?', 8002);
    await waitFor(() => replies(8002).length === 1, { what: 'semantic answer' });
    expect(replies(8002)[0]).toBe(replies(8001)[0]);
    expect(chatRequests() - before).toBe(1);

    // The same words in a conversation with history go to the LLM.
    await userSays('what is the capital city of france', 8002);
    await waitFor(() => replies(8002).length === 2, { what: 'answer with history' });
    expect(chatRequests() - before).toBe(2);
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/parley_semantic_cache_lookups_total\{result="hit"\} 1/);
  });
});
