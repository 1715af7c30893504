import { sleep } from './abort';
import { acquireSlots, type SimContext } from './context';
import { type Call, sendJson } from './http';
import { generationMs, paceTokens } from './pacing';
import type { Slot } from './scheduler';
import { SseWriter } from './sse';
import { type Usage, usageOf } from './usage';

/**
 * The timing shared by chat and legacy completions, modelled on a continuous-batching server:
 * every choice of a request (each prompt × `n`) is a sequence of its own. It takes a slot when
 * one is free, waits the time to first token, generates its tokens at the token rate and frees
 * its slot as soon as it is done, so a short answer does not hold a slot while a long answer of
 * the same request is still generating. The response is sent once every sequence is done (or,
 * streamed, as each sequence produces tokens).
 */

export interface PlannedChoice {
  tokens: readonly string[];
  finishReason: 'stop' | 'length';
  /** Extra wait before this sequence's first token (`[[sim:delay=MS]]`). */
  delayMs: number;
}

/** Builds the endpoint-specific stream chunks. */
export interface ChunkFormat {
  /** Chunks sent before a choice's first token (chat sends the assistant role here). */
  opening(index: number): unknown[];
  content(index: number, text: string): unknown;
  finish(index: number, finishReason: PlannedChoice['finishReason']): unknown;
  usage(usage: Usage): unknown;
}

export interface Generation {
  model: string;
  choices: readonly PlannedChoice[];
  promptTokens: number;
  stream: boolean;
  includeUsage: boolean;
  /** The non-stream response body. */
  body(usage: Usage): unknown;
  chunks: ChunkFormat;
}

export async function runGeneration(sim: SimContext, call: Call, gen: Generation): Promise<void> {
  const completionTokens = gen.choices.reduce((sum, c) => sum + c.tokens.length, 0);
  const usage = usageOf(gen.promptTokens, completionTokens);
  const slots = acquireSlots(sim, gen.model, gen.choices.length, call.signal);
  const stream = gen.stream ? new ChoiceStream(call, gen) : undefined;
  // Every sequence runs to its end (or to the shared abort) before the request is answered, so
  // no slot is left held and no rejection is left unobserved.
  const outcomes = await Promise.allSettled(
    gen.choices.map((choice, index) =>
      runSequence(sim, call, slots[index] as Promise<Slot>, choice, index, stream),
    ),
  );
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  if (stream) stream.end(usage);
  else sendJson(call, 200, gen.body(usage));
  sim.stats.tokens(gen.promptTokens, completionTokens);
}

async function runSequence(
  sim: SimContext,
  call: Call,
  admission: Promise<Slot>,
  choice: PlannedChoice,
  index: number,
  stream: ChoiceStream | undefined,
): Promise<void> {
  const slot = await admission;
  try {
    // The TTFT clock starts at admission, so queueing time adds to it as on a real server.
    await sleep(sim.settings.ttftMs + choice.delayMs, call.signal);
    if (stream) await stream.generate(choice, index, () => sim.settings.tokensPerSecond);
    else await sleep(generationMs(choice.tokens.length, sim.settings.tokensPerSecond), call.signal);
  } finally {
    slot.release();
  }
}

/** One SSE answer shared by the sequences of a request; headers go out with the first token. */
class ChoiceStream {
  private readonly sse: SseWriter;
  private opened = false;

  constructor(
    private readonly call: Call,
    private readonly gen: Generation,
  ) {
    this.sse = new SseWriter(call.res, call.requestId);
  }

  async generate(choice: PlannedChoice, index: number, tokensPerSecond: () => number): Promise<void> {
    if (!this.opened) {
      this.opened = true;
      this.sse.open();
    }
    for (const chunk of this.gen.chunks.opening(index)) this.sse.send(chunk);
    await paceTokens(choice.tokens.length, tokensPerSecond, this.call.signal, (from, to) => {
      const text = choice.tokens.slice(from, to).join('');
      if (text !== '') this.sse.send(this.gen.chunks.content(index, text));
    });
    this.sse.send(this.gen.chunks.finish(index, choice.finishReason));
  }

  end(usage: Usage): void {
    if (this.gen.includeUsage) this.sse.send(this.gen.chunks.usage(usage));
    this.sse.done();
  }
}
