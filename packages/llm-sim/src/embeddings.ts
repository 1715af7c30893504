import { applyFaults, directedError, requireModel, type SimContext } from './context';
import { parseDirectives } from './directives';
import { embeddingToBase64, embedText } from './embed';
import { invalidRequest } from './errors';
import { type Call, sendJson } from './http';
import { MAX_EMBEDDING_DIMENSIONS } from './options';
import { embeddingRequestSchema, parseRequest, rejectTokenArrays } from './schemas';
import { countTokens } from './tokens';

/**
 * `POST /v1/embeddings`. Answers at once: embedding requests do not take generation slots,
 * because on real servers they are cheap next to chat generation.
 */
export async function handleEmbeddings(sim: SimContext, call: Call): Promise<void> {
  rejectTokenArrays(call.body, 'input');
  const request = parseRequest(embeddingRequestSchema, call.body);
  const { model } = request;
  requireModel(sim, model);
  const dim = request.dimensions ?? sim.embeddingDimensions;
  if (dim > MAX_EMBEDDING_DIMENSIONS) {
    throw invalidRequest(
      `Invalid 'dimensions': at most ${MAX_EMBEDDING_DIMENSIONS} are supported.`,
      'dimensions',
    );
  }
  await applyFaults(sim, 'embeddings', model, call.signal);

  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  const status = inputs.map(parseDirectives).find((d) => d.errorStatus !== undefined)?.errorStatus;
  if (status !== undefined) directedError(sim, status, model);

  // The OpenAI SDK asks for base64 unless told otherwise and decodes it to float32 itself.
  const base64 = request.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = embedText(text, dim);
    return { object: 'embedding', index, embedding: base64 ? embeddingToBase64(vector) : vector };
  });
  const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  sendJson(call, 200, {
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
  sim.stats.tokens(promptTokens, 0);
}
