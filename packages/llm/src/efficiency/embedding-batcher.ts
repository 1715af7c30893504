import type OpenAI from 'openai';

export interface EmbeddingBatcherOptions {
  /** Embedding model id. */
  model: string;
  /**
   * Most texts sent in one request; a full batch is sent at once.
   * @defaultValue 64
   */
  maxBatchSize?: number;
  /**
   * Longest a text waits for others to join its batch. A few ms cost little next to the request
   * itself and gather everything that arrives in the same burst.
   * @defaultValue 5
   */
  maxWaitMs?: number;
  /** Vector length, for models that can shorten their embeddings; the model's own otherwise. */
  dimensions?: number;
}

export interface EmbeddingBatcher {
  /** The embedding of `text`, sent together with the other texts embedded around the same time. */
  embed(text: string): Promise<number[]>;
  /** The embeddings of `texts`, in order. */
  embedMany(texts: readonly string[]): Promise<number[][]>;
  /** Sends what is pending, waits for every batch in flight, then refuses new texts. */
  close(): Promise<void>;
}

/** The batcher was closed before the text was given to it. */
export class EmbeddingBatcherClosedError extends Error {
  override readonly name = 'EmbeddingBatcherClosedError';
  constructor() {
    super('embedding batcher is closed');
  }
}

interface Pending {
  text: string;
  resolve: (vector: number[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers concurrent `embed` calls into one `embeddings.create` request with an array `input`.
 *
 * Why: an embedding request costs a round trip and a slot on the server whether it carries one
 * text or sixty-four; embedding servers (and OpenAI's rate limits, which count requests) much
 * prefer few large requests. A batch is sent when it is full, when its oldest text has waited
 * `maxWaitMs`, or on `close()`. A failed request rejects the calls of that batch only.
 */
export function createEmbeddingBatcher(client: OpenAI, options: EmbeddingBatcherOptions): EmbeddingBatcher {
  const maxBatchSize = options.maxBatchSize ?? 64;
  const maxWaitMs = options.maxWaitMs ?? 5;
  // OpenAI accepts at most 2048 inputs per request.
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > 2048) {
    throw new RangeError('maxBatchSize must be an integer from 1 to 2048');
  }
  if (!(maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be ≥ 0');

  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const inFlight = new Set<Promise<void>>();

  async function send(batch: Pending[]): Promise<void> {
    try {
      const response = await client.embeddings.create({
        model: options.model,
        input: batch.map((p) => p.text),
        ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
      });
      // Each item says which input it embeds; do not rely on the order of `data`.
      const byIndex = new Map(response.data.map((item) => [item.index, item.embedding]));
      batch.forEach((p, i) => {
        const vector = byIndex.get(i);
        if (vector) p.resolve(vector);
        else p.reject(new Error(`embeddings response has no item for input ${i} of ${batch.length}`));
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatchSize);
      pending = pending.slice(maxBatchSize);
      const sent = send(batch).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
  }

  function embed(text: string): Promise<number[]> {
    if (closed) return Promise.reject(new EmbeddingBatcherClosedError());
    // The API refuses empty inputs with a 400 that would fail every text of the batch.
    if (text.length === 0) return Promise.reject(new RangeError('cannot embed an empty string'));
    return new Promise<number[]>((resolve, reject) => {
      pending.push({ text, resolve, reject });
      if (pending.length >= maxBatchSize) flush();
      // The clock starts with the first text of a batch: nobody waits longer than maxWaitMs.
      else timer ??= setTimeout(flush, maxWaitMs);
    });
  }

  return {
    embed,
    embedMany(texts) {
      return Promise.all(texts.map(embed));
    },
    async close() {
      closed = true;
      flush();
      await Promise.all([...inFlight]);
    },
  };
}
