import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../chart/render';

/**
 * Builds a kustomization the way `kustomize build` (`kubectl kustomize`) does, for the subset
 * k8s/ uses: resources (files and folders), namespace, images, and JSON 6902 patches with a
 * target. Anything else in a kustomization.yaml is refused, so that this stays a faithful subset.
 */
export function kustomize(dir: string): KubeObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const known = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
  const unsupported = Object.keys(k).filter((key) => !known.has(key));
  if (unsupported.length > 0)
    throw new Error(`${dir}/kustomization.yaml: unsupported fields ${unsupported.join(', ')}`);

  let objects: KubeObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (!existsSync(path)) throw new Error(`${dir}: resource ${resource} does not exist`);
    if (statSync(path).isDirectory()) objects.push(...kustomize(path));
    else {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
        const object = doc.toJS() as KubeObject | null;
        if (object) objects.push(object);
      }
    }
  }
  objects = structuredClone(objects);

  for (const patch of k.patches ?? []) {
    const ops = (
      patch.path ? parse(readFileSync(join(dir, patch.path), 'utf8')) : parse(patch.patch ?? '')
    ) as Op[];
    if (!Array.isArray(ops))
      throw new Error(`${dir}: only JSON 6902 patches (a list of operations) are supported`);
    const targets = objects.filter(
      (o) =>
        (!patch.target.kind || o.kind === patch.target.kind) &&
        (!patch.target.name || o.metadata.name === patch.target.name),
    );
    if (targets.length === 0)
      throw new Error(`${dir}: patch target ${JSON.stringify(patch.target)} matches nothing`);
    for (const target of targets) for (const op of ops) applyOp(target, op);
  }

  for (const image of k.images ?? []) {
    for (const o of objects) {
      for (const c of o.spec?.template?.spec?.containers ?? []) {
        const [name] = splitImage(c.image);
        if (name !== image.name) continue;
        const [, tag] = splitImage(c.image);
        const newName = image.newName ?? name;
        c.image = image.digest ? `${newName}@${image.digest}` : `${newName}:${image.newTag ?? tag}`;
      }
    }
  }

  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  return objects;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
  patches?: Array<{ path?: string; patch?: string; target: { kind?: string; name?: string } }>;
}

interface Op {
  op: 'add' | 'replace' | 'remove' | 'test';
  path: string;
  value?: unknown;
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

function splitImage(image: string): [string, string] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest'];
}

/** RFC 6902 add, replace, remove and test on a JSON pointer. */
function applyOp(target: unknown, op: Op): void {
  if (!['add', 'replace', 'remove', 'test'].includes(op.op))
    throw new Error(`patch op ${op.op} is not supported`);
  const keys = op.path
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop();
  if (last === undefined) throw new Error(`bad patch path ${op.path}`);
  let parent = target as Record<string, unknown> | unknown[];
  for (const key of keys) {
    const next = (parent as Record<string, unknown>)[key];
    if (next === null || typeof next !== 'object')
      throw new Error(`patch path ${op.path}: ${key} does not exist`);
    parent = next as Record<string, unknown>;
  }
  if (op.op === 'test') {
    const actual = (parent as Record<string, unknown>)[last];
    if (JSON.stringify(actual) !== JSON.stringify(op.value)) {
      throw new Error(
        `patch test ${op.path}: expected ${JSON.stringify(op.value)}, found ${JSON.stringify(actual)}`,
      );
    }
    return;
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index > parent.length)
      throw new Error(`patch path ${op.path}: bad index`);
    if (op.op === 'add') parent.splice(index, 0, op.value);
    else if (index >= parent.length) throw new Error(`patch path ${op.path}: no element ${index}`);
    else if (op.op === 'replace') parent[index] = op.value;
    else parent.splice(index, 1);
    return;
  }
  if (op.op !== 'add' && !(last in parent)) throw new Error(`patch path ${op.path}: nothing to ${op.op}`);
  if (op.op === 'remove') delete parent[last];
  else parent[last] = op.value;
}
