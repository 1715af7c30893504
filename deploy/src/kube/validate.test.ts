import { validateKubeObject } from './validate';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'web:1',
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: { requests: { cpu: '100m', memory: '64Mi' } },
            securityContext: { readOnlyRootFilesystem: true },
          },
        ],
      },
    },
  },
});

describe('validateKubeObject', () => {
  it('accepts a valid object', () => {
    expect(validateKubeObject(deployment())).toEqual([]);
  });

  it('rejects wrong types and missing required fields', () => {
    const bad = deployment();
    (bad.spec.template.spec.containers[0]?.ports[0] as { containerPort: unknown }).containerPort = 'eighty';
    delete (bad.spec as { selector?: unknown }).selector;
    const problems = validateKubeObject(bad).join('\n');
    expect(problems).toMatch(/containerPort must be integer/);
    expect(problems).toMatch(/must have required property selector/);
  });

  it('rejects fields the schema does not have, at any depth, but not map keys', () => {
    const bad = deployment() as ReturnType<typeof deployment> & { spec: { replica?: number } };
    bad.spec.replica = 3;
    (bad.spec.template.spec.containers[0] as Record<string, unknown>).securityContxt = {};
    (bad.metadata as { labels: Record<string, string> }).labels = { 'any-label': 'is fine' };
    expect(validateKubeObject(bad)).toEqual([
      'Deployment web: unknown field spec.replica',
      'Deployment web: unknown field spec.template.spec.containers[0].securityContxt',
    ]);
  });

  it('checks custom resources the same way', () => {
    const scaledObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'worker' },
      spec: {
        scaleTargetRef: { name: 'worker' },
        triggers: [
          { type: 'prometheus', metadata: { serverAddress: 'http://p:9090', query: 'up', threshold: '1' } },
        ],
        minReplicaCount: 1,
      },
    };
    expect(validateKubeObject(scaledObject)).toEqual([]);
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'm' },
      spec: { selector: { matchLabels: { a: 'b' } }, endpoints: [{ port: 'http', intervall: '30s' }] },
    };
    expect(validateKubeObject(monitor)).toEqual([
      'ServiceMonitor m: unknown field spec.endpoints[0].intervall',
    ]);
  });

  it('refuses kinds it has no schema for', () => {
    expect(validateKubeObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toEqual([
      'Pod p: no schema for v1 Pod (add its model to deploy/src/kube/models.ts)',
    ]);
  });
});
