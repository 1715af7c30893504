/**
 * Errors in OpenAI's wire shape (`{"error":{message,type,param,code}}`), so the OpenAI SDK maps
 * each status to the same typed error it would raise against the real API.
 */

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An HTTP error answer. Handlers throw it; the router writes it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers, e.g. `retry-after`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Seconds a client is asked to wait after a 429 unless told otherwise. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): ApiError {
  return new ApiError(400, message, 'invalid_request_error', param, code);
}

export function missingParameter(param: string): ApiError {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

export function invalidJson(): ApiError {
  return invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  );
}

export function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `Request body exceeds ${limitBytes} bytes.`, 'invalid_request_error');
}

export function modelNotFound(model: string): ApiError {
  return new ApiError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  );
}

export function routeNotFound(method: string, path: string): ApiError {
  return new ApiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
}

/** Shows only the ends of a key, as OpenAI does, so logs of the error never leak it. */
function redactKey(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}...${key.slice(-4)}`;
}

export function invalidApiKey(provided: string): ApiError {
  return new ApiError(
    401,
    `Incorrect API key provided: ${redactKey(provided)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

export function missingApiKey(): ApiError {
  return new ApiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    null,
    null,
  );
}

/** Both retry headers: the SDK prefers the millisecond one, other clients read `retry-after`. */
export function retryAfterHeaders(seconds: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(0, Math.ceil(seconds))),
    'retry-after-ms': String(Math.max(0, Math.round(seconds * 1000))),
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': `${seconds}s`,
  };
}

export function rateLimited(
  model: string | undefined,
  retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
): ApiError {
  const subject = model === undefined ? '' : ` for ${model}`;
  return new ApiError(
    429,
    `Rate limit reached${subject} in organization org-parley-sim on requests per min (RPM). Please try again in ${retryAfterSeconds}s.`,
    'requests',
    null,
    'rate_limit_exceeded',
    retryAfterHeaders(retryAfterSeconds),
  );
}

/** The error a given status would carry on the real API; used by fault injection. */
export function errorForStatus(
  status: number,
  opts: { model?: string; retryAfterSeconds?: number } = {},
): ApiError {
  switch (status) {
    case 400:
      return invalidRequest('Simulated bad request.');
    case 401:
      return invalidApiKey('simulated-invalid-key');
    case 403:
      return new ApiError(403, 'You are not allowed to sample from this model.', 'invalid_request_error');
    case 404:
      return modelNotFound(opts.model ?? 'unknown');
    case 408:
      return new ApiError(408, 'Request timed out.', 'timeout');
    case 409:
      return new ApiError(409, 'The request conflicted with another request.', 'invalid_request_error');
    case 422:
      return new ApiError(422, 'Unprocessable entity.', 'invalid_request_error');
    case 429:
      return rateLimited(opts.model, opts.retryAfterSeconds);
    case 500:
      return new ApiError(500, 'The server had an error while processing your request.', 'server_error');
    case 502:
      return new ApiError(502, 'Bad gateway.', 'server_error');
    case 503:
      return new ApiError(503, 'The engine is currently overloaded, please try again later.', 'server_error');
    default:
      return new ApiError(
        status,
        `Simulated error ${status}.`,
        status >= 500 ? 'server_error' : 'invalid_request_error',
      );
  }
}
