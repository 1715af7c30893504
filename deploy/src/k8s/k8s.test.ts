import { join } from 'node:path';
import { type KubeObject, renderObjects } from '../chart/render';
import { OPERATOR_APIS } from '../chart/scenarios';
import { validateKubeObject } from '../kube/validate';
import { k8sDir } from '../paths';
import { kustomize } from './kustomize';
import { withoutHelmMetadata } from './normalize';

const byKindAndName = (objects: KubeObject[]) =>
  Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));

/** The chart's rendering for the same setup, in the namespace kustomize sets. */
function chart(values: unknown, namespace?: string): Record<string, KubeObject> {
  const objects = renderObjects({
    values: [{ secrets: { existingSecret: 'parley' } }, values],
    apiVersions: OPERATOR_APIS,
    namespace: namespace ?? 'default',
  })
    .map(withoutHelmMetadata)
    .map((o) => (namespace ? { ...o, metadata: { ...o.metadata, namespace } } : o));
  return byKindAndName(objects);
}

describe('k8s/ (kustomize) matches the chart and the Kubernetes schemas', () => {
  it.each([
    ['base', undefined, {}],
    [
      'overlays/production',
      'parley',
      {
        worker: { autoscaling: { keda: { enabled: true } } },
        gateway: { autoscaling: { enabled: true } },
        metrics: { serviceMonitor: { enabled: true } },
        networkPolicy: { enabled: true },
      },
    ],
    [
      'overlays/dev',
      'parley-dev',
      {
        redis: { bundled: { enabled: true } },
        standIns: { enabled: true },
        worker: { config: { LLM_MODEL: 'parley-sim-1' } },
      },
    ],
  ])('%s', (dir, namespace, values) => {
    const built = kustomize(join(k8sDir, dir));
    expect(built.flatMap((o) => validateKubeObject(o))).toEqual([]);
    // Same objects, same env names, ports, probes, security and autoscaling as the chart renders
    // for the same values: a change to one that is not made to the other fails here.
    expect(byKindAndName(built)).toEqual(chart(values, namespace));
  });
});

describe('the kustomize subset', () => {
  it('refuses what it does not implement rather than ignoring it', () => {
    expect(() => kustomize(join(k8sDir, '..', 'deploy', 'src', 'k8s', 'fixtures', 'unsupported'))).toThrow(
      /unsupported fields commonLabels/,
    );
  });

  it('fails a patch whose test does not hold', () => {
    expect(() => kustomize(join(k8sDir, '..', 'deploy', 'src', 'k8s', 'fixtures', 'failed-test'))).toThrow(
      /patch test \/data\/A: expected "1", found "2"/,
    );
  });
});
