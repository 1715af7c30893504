import { z } from 'zod';
import { invalidRequest, missingParameter } from './errors';

/**
 * Request validation. Objects are loose: like vLLM, unknown parameters are accepted and ignored,
 * so a client sending newer OpenAI options still works.
 */

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string() }),
});
const otherPart = z.looseObject({ type: z.enum(['input_audio', 'file', 'refusal']) });
const contentPart = z.discriminatedUnion('type', [textPart, imagePart, otherPart]);

const userContent = z.union([z.string(), z.array(contentPart)]);
const textContent = z.union([z.string(), z.array(textPart)]);

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content: textContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content: userContent, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(contentPart)]).nullish(),
    name: z.string().optional(),
    tool_calls: z.array(z.looseObject({ id: z.string() })).optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string() }),
  z.looseObject({ role: z.literal('function'), content: z.string().nullable(), name: z.string() }),
]);

const maxTokens = z.number().int().min(1).nullish();
const streamOptions = z.looseObject({ include_usage: z.boolean().nullish() }).nullish();

/** Largest `n` accepted (OpenAI's own limit). */
export const MAX_N = 128;

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().min(1).max(MAX_N).nullish(),
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
  user: z.string().optional(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** Most prompts in one `/v1/completions` call and inputs in one `/v1/embeddings` call. */
export const MAX_BATCH = 2048;

export const completionRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).min(1).max(MAX_BATCH)]),
  max_tokens: maxTokens,
  temperature: z.number().min(0).max(2).nullish(),
  n: z.number().int().min(1).max(MAX_N).nullish(),
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
  user: z.string().optional(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

export const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(MAX_BATCH)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().optional(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

/** `messages[0].content` style, as OpenAI names parameters in its errors. */
function paramName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const key of path) {
    if (typeof key === 'number') name += `[${key}]`;
    else name += name === '' ? String(key) : `.${String(key)}`;
  }
  return name;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Parses `body` with `schema`, turning the first problem into an OpenAI-style 400. */
export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw invalidRequest('Invalid request.');
  const param = paramName(issue.path);
  if (valueAt(body, issue.path) === undefined) throw missingParameter(param);
  if (issue.code === 'too_small' && issue.origin === 'array') {
    throw invalidRequest(`Invalid '${param}': empty array. Expected an array with minimum length 1.`, param);
  }
  throw invalidRequest(`Invalid '${param}': ${issue.message}.`, param);
}

/**
 * Refuses token-id arrays (`[1, 2]` or `[[1, 2]]`) for `field`: the simulator has no tokenizer to
 * turn ids back into text.
 */
export function rejectTokenArrays(body: unknown, field: 'prompt' | 'input'): void {
  const value = valueAt(body, [field]);
  if (Array.isArray(value) && value.some((item) => typeof item === 'number' || Array.isArray(item))) {
    throw invalidRequest('Token arrays are not supported by the simulator; send strings.', field);
  }
}
