import type { SimContext } from './context';
import { modelNotFound } from './errors';
import { type Call, sendJson } from './http';

/** A fixed `created` time, so `/v1/models` answers are identical across runs. */
const MODEL_CREATED = 1_735_689_600;

function modelObject(id: string) {
  return { id, object: 'model', created: MODEL_CREATED, owned_by: 'parley-sim' };
}

/** `GET /v1/models`. */
export function handleListModels(sim: SimContext, call: Call): void {
  sendJson(call, 200, { object: 'list', data: sim.models.map(modelObject) });
}

/** `GET /v1/models/:id`; ids may contain slashes (`org/model`), so `id` is the decoded rest of the path. */
export function handleGetModel(sim: SimContext, call: Call, id: string): void {
  if (!sim.models.includes(id)) throw modelNotFound(id);
  sendJson(call, 200, modelObject(id));
}
