import { modelFor } from './models';
import { trackReads } from './unknown-fields';

/**
 * Checks one manifest against the Kubernetes (or CRD) schema of its kind: types, required
 * fields, formats, and fields the schema does not have. Returns one line per problem.
 */
export function validateKubeObject(object: unknown): string[] {
  if (object === null || typeof object !== 'object') return ['not an object'];
  const { apiVersion, kind, metadata } = object as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: unknown;
  };
  const name = `${String(kind)} ${String((metadata as { name?: unknown } | undefined)?.name)}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    return [`${name}: apiVersion and kind are required`];
  const model = modelFor(apiVersion, kind);
  if (!model)
    return [`${name}: no schema for ${apiVersion} ${kind} (add its model to deploy/src/kube/models.ts)`];

  const problems: string[] = [];
  const tracked = trackReads(object);
  try {
    model.prototype.validate.call(tracked.proxy);
  } catch (err) {
    problems.push(`${name}: ${(err as Error).message}`);
  }
  for (const field of tracked.unknownFields()) problems.push(`${name}: unknown field ${field}`);
  if (typeof (metadata as { name?: unknown } | undefined)?.name !== 'string')
    problems.push(`${name}: metadata.name is required`);
  return problems;
}
