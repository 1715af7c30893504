import { sleep } from './abort';
import { acquireSlot, type SimContext } from './context';
import { type Call, sendJson } from './http';
import { generationMs, paceTokens } from './pacing';
import { SseWriter } from './sse';
import { type Usage, usageOf } from './usage';

/**
 * The timing shared by chat and legacy completions: hold a slot, wait the time to first token,
 * then either send the whole answer once it would be generated or stream it at the token rate.
 * All choices of a request generate in parallel, as in one batched forward pass.
 */

export interface PlannedChoice {
  tokens: readonly string[];
  finishReason: 'stop' | 'length';
}

/** Builds the endpoint-specific stream chunks. */
export interface ChunkFormat {
  /** Chunks sent before the first token (chat sends the assistant role here). */
  opening(): unknown[];
  content(index: number, text: string): unknown;
  finish(index: number, finishReason: PlannedChoice['finishReason']): unknown;
  usage(usage: Usage): unknown;
}

export interface Generation {
  model: string;
  choices: readonly PlannedChoice[];
  promptTokens: number;
  /** Extra wait before the first token (`[[sim:delay=MS]]`). */
  extraDelayMs: number;
  stream: boolean;
  includeUsage: boolean;
  /** The non-stream response body. */
  body(usage: Usage): unknown;
  chunks: ChunkFormat;
}

export async function runGeneration(sim: SimContext, call: Call, gen: Generation): Promise<void> {
  const steps = Math.max(0, ...gen.choices.map((c) => c.tokens.length));
  const completionTokens = gen.choices.reduce((sum, c) => sum + c.tokens.length, 0);
  const usage = usageOf(gen.promptTokens, completionTokens);

  const slot = await acquireSlot(sim, gen.model, call.signal);
  try {
    // The TTFT clock starts at admission, so queueing time adds to it as on a real server.
    await sleep(sim.settings.ttftMs + gen.extraDelayMs, call.signal);
    if (gen.stream) await streamChoices(sim, call, gen, steps, usage);
    else {
      await sleep(generationMs(steps, sim.settings.tokensPerSecond), call.signal);
      sendJson(call, 200, gen.body(usage));
    }
    sim.stats.tokens(gen.promptTokens, completionTokens);
  } finally {
    slot.release();
  }
}

async function streamChoices(
  sim: SimContext,
  call: Call,
  gen: Generation,
  steps: number,
  usage: Usage,
): Promise<void> {
  const sse = new SseWriter(call.res, call.requestId);
  sse.open();
  for (const chunk of gen.chunks.opening()) sse.send(chunk);
  await paceTokens(
    steps,
    () => sim.settings.tokensPerSecond,
    call.signal,
    (from, to) => {
      gen.choices.forEach((choice, index) => {
        const text = choice.tokens.slice(from, to).join('');
        if (text !== '') sse.send(gen.chunks.content(index, text));
      });
    },
  );
  gen.choices.forEach((choice, index) => {
    sse.send(gen.chunks.finish(index, choice.finishReason));
  });
  if (gen.includeUsage) sse.send(gen.chunks.usage(usage));
  sse.done();
}
