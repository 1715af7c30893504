import { z } from 'zod';
import type { SimContext } from './context';
import { invalidRequest, routeNotFound } from './errors';
import type { FaultRule } from './faults';
import { type Call, sendJson } from './http';
import type { LatencyAndFaultSettings } from './options';
import { parseRequest } from './schemas';
import type { SimStats } from './stats';

/**
 * The `/_sim/*` control API: lets a test or a benchmark script inject faults and change latency
 * of a simulator running in another process. Unauthenticated on purpose; bind to loopback.
 */

/** What the control routes need besides the handler context. */
export interface SimControl {
  configure(patch: Partial<LatencyAndFaultSettings>): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  resetStats(): void;
  stats(): SimStats;
}

const faultBody = z.strictObject({
  status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal('timeout')]),
  times: z.number().int().min(1).optional(),
  probability: z.number().min(0).max(1).optional(),
  retry_after: z.number().min(0).max(3600).optional(),
  retryAfter: z.number().min(0).max(3600).optional(),
  path: z.enum(['chat', 'completions', 'embeddings', 'transcriptions']).optional(),
});

const configBody = z.strictObject({
  ttftMs: z.number().min(0).optional(),
  tokensPerSecond: z.number().min(0).optional(),
  capacity: z.number().int().min(1).optional(),
  maxQueue: z.number().int().min(0).optional(),
  leakSystemPrompt: z.boolean().optional(),
  errorRate: z.number().min(0).max(1).optional(),
  rateLimitRate: z.number().min(0).max(1).optional(),
  timeoutRate: z.number().min(0).max(1).optional(),
});

/** Handles one `/_sim/*` request. */
export function handleControl(sim: SimContext, control: SimControl, call: Call): void {
  sendJson(call, 200, controlAnswer(sim, control, call));
}

/** The JSON answer of a control route; errors are thrown as ApiError. */
function controlAnswer(sim: SimContext, control: SimControl, call: Call): unknown {
  const method = call.req.method ?? 'GET';
  switch (`${method} ${call.path}`) {
    case 'GET /_sim/stats':
      return control.stats();
    case 'GET /_sim/config':
      return sim.settings;
    case 'POST /_sim/config': {
      const patch = parseRequest(configBody, call.body ?? {});
      // Drop keys sent as undefined so they do not overwrite current values.
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      control.configure(defined);
      return sim.settings;
    }
    case 'GET /_sim/faults':
      return { faults: sim.faults.list() };
    case 'POST /_sim/faults': {
      const body = parseRequest(faultBody, call.body);
      const rule: FaultRule = { status: body.status };
      if (body.times !== undefined) rule.times = body.times;
      if (body.probability !== undefined) rule.probability = body.probability;
      const retryAfter = body.retry_after ?? body.retryAfter;
      if (retryAfter !== undefined) rule.retryAfter = retryAfter;
      if (body.path !== undefined) rule.path = body.path;
      try {
        control.injectFault(rule);
      } catch (err) {
        throw invalidRequest((err as Error).message);
      }
      return { faults: sim.faults.list() };
    }
    case 'DELETE /_sim/faults':
      control.clearFaults();
      return { faults: [] };
    case 'POST /_sim/reset':
      control.resetStats();
      control.clearFaults();
      return { ok: true };
    default:
      throw routeNotFound(method, call.path);
  }
}
