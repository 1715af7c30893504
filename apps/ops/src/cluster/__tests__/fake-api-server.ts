import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that answers the Kubernetes API paths `cluster status` calls, with
 * objects shaped as a real API server returns them. It records each request so tests can check
 * what the CLI asked for and with which credentials.
 */
export interface FakeApiServer {
  url: string;
  requests: Array<{ path: string; authorization?: string }>;
  close(): Promise<void>;
}

export interface FakeApiOptions {
  /** Answer 404 for ScaledObjects, as a cluster without KEDA's CRD does. */
  withoutKeda?: boolean;
  /** Answer every call with this status (a Status body), e.g. 403. */
  refuseWith?: number;
}

const NS = 'parley-ns';
const labels = (component: string) => ({
  'app.kubernetes.io/instance': 'parley',
  'app.kubernetes.io/name': 'parley',
  'app.kubernetes.io/component': component,
});
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const deployments = {
  kind: 'DeploymentList',
  apiVersion: 'apps/v1',
  metadata: {},
  items: [
    {
      metadata: { name: 'parley-worker', namespace: NS, labels: labels('worker') },
      spec: {
        replicas: 4,
        selector: { matchLabels: labels('worker') },
        template: { spec: { containers: [] } },
      },
      status: {
        replicas: 4,
        readyReplicas: 3,
        updatedReplicas: 4,
        availableReplicas: 3,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
        ],
      },
    },
    {
      metadata: { name: 'parley-gateway', namespace: NS, labels: labels('gateway') },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels('gateway') },
        template: { spec: { containers: [] } },
      },
      status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    },
  ],
};

const pod = (name: string, component: string, ready: boolean, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: NS, labels: labels(component), creationTimestamp: minutesAgo(10) },
  spec: { nodeName: 'node-a', containers: [{ name: component, image: `parley/${component}` }] },
  status: {
    phase: 'Running',
    startTime: minutesAgo(10),
    conditions: [
      { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? undefined : 'ContainersNotReady' },
    ],
    containerStatuses: [
      {
        name: component,
        image: `parley/${component}`,
        imageID: '',
        ready,
        restartCount: ready ? 0 : 3,
        state: ready
          ? { running: { startedAt: minutesAgo(10) } }
          : { waiting: { reason: 'CrashLoopBackOff' } },
        ...extra,
      },
    ],
  },
});

const pods = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: {},
  items: [
    pod('parley-gateway-7d9f-abcde', 'gateway', true),
    pod('parley-gateway-7d9f-fghij', 'gateway', true),
    pod('parley-worker-5c6b-aaaaa', 'worker', true),
    pod('parley-worker-5c6b-bbbbb', 'worker', true),
    pod('parley-worker-5c6b-ccccc', 'worker', true),
    pod('parley-worker-5c6b-ddddd', 'worker', false),
  ],
};

const gatewayHpa = {
  metadata: { name: 'parley-gateway', namespace: NS, labels: labels('gateway') },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'parley-gateway' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ],
  },
  status: {
    currentReplicas: 2,
    desiredReplicas: 2,
    currentMetrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: 12, averageValue: '60m' } },
      },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', lastTransitionTime: minutesAgo(30) },
      {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        lastTransitionTime: minutesAgo(30),
      },
    ],
  },
};

// What KEDA creates for a ScaledObject: its own HPA, labelled with the ScaledObject's name.
const kedaHpa = {
  metadata: {
    name: 'keda-hpa-parley-worker',
    namespace: NS,
    labels: { 'scaledobject.keda.sh/name': 'parley-worker' },
  },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'parley-worker' },
    minReplicas: 1,
    maxReplicas: 20,
    metrics: [
      {
        type: 'External',
        external: {
          metric: {
            name: 's0-prometheus',
            selector: { matchLabels: { 'scaledobject.keda.sh/name': 'parley-worker' } },
          },
          target: { type: 'AverageValue', averageValue: '20' },
        },
      },
    ],
  },
  status: {
    currentReplicas: 4,
    desiredReplicas: 6,
    lastScaleTime: minutesAgo(1),
    currentMetrics: [
      {
        type: 'External',
        external: { metric: { name: 's0-prometheus' }, current: { averageValue: '31500m' } },
      },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', lastTransitionTime: minutesAgo(1) },
      {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        lastTransitionTime: minutesAgo(30),
      },
      {
        type: 'ScalingLimited',
        status: 'False',
        reason: 'DesiredWithinRange',
        lastTransitionTime: minutesAgo(30),
      },
    ],
  },
};

// Another application's HPA in the same namespace: not part of the release.
const otherHpa = {
  metadata: { name: 'someone-else', namespace: NS },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'someone-else' },
    maxReplicas: 3,
  },
  status: { desiredReplicas: 1 },
};

const scaledObjects = {
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObjectList',
  metadata: {},
  items: [
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'parley-worker', namespace: NS, labels: labels('worker') },
      spec: {
        scaleTargetRef: { name: 'parley-worker' },
        minReplicaCount: 1,
        maxReplicaCount: 20,
        triggers: [{ type: 'prometheus', metricType: 'AverageValue', metadata: { threshold: '20' } }],
      },
      status: {
        hpaName: 'keda-hpa-parley-worker',
        conditions: [
          { type: 'Ready', status: 'True', reason: 'ScaledObjectReady' },
          { type: 'Active', status: 'True', reason: 'ScalerActive' },
        ],
      },
    },
  ],
};

export async function startFakeApiServer(options: FakeApiOptions = {}): Promise<FakeApiServer> {
  const requests: FakeApiServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason,
        code,
      });
    if (options.refuseWith) {
      return status(
        options.refuseWith,
        'Forbidden',
        `pods is forbidden: User "system:serviceaccount:ops:reader" cannot list resource "pods" in API group "" in the namespace "${NS}"`,
      );
    }
    switch (path) {
      case `/apis/apps/v1/namespaces/${NS}/deployments`:
        return send(200, deployments);
      case `/api/v1/namespaces/${NS}/pods`:
        return send(200, pods);
      case `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`:
        return send(200, {
          kind: 'HorizontalPodAutoscalerList',
          apiVersion: 'autoscaling/v2',
          metadata: {},
          items: options.withoutKeda ? [gatewayHpa, otherHpa] : [gatewayHpa, kedaHpa, otherHpa],
        });
      case `/apis/keda.sh/v1alpha1/namespaces/${NS}/scaledobjects`:
        if (options.withoutKeda)
          return status(404, 'NotFound', 'the server could not find the requested resource');
        return send(200, scaledObjects);
      default:
        return status(404, 'NotFound', `no route ${path}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A kubeconfig whose current context points at `server` with a bearer token. The client refuses
 * plain HTTP unless TLS verification is off, which is what this loopback server needs.
 */
export function kubeconfigFor(server: string, namespace = NS): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster:
      server: ${server}
      insecure-skip-tls-verify: true
users:
  - name: ops
    user:
      token: test-token
contexts:
  - name: fake-context
    context:
      cluster: fake
      user: ops
      namespace: ${namespace}
current-context: fake-context
`;
}
