import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterReader, KedaScaledObject } from './collect';
import type { KubeConfig } from './kube-types';

/** A cluster problem the person on call can act on, said in one line. */
export class ClusterError extends Error {
  override name = 'ClusterError';
}

export interface ClusterEnv {
  KUBECONFIG?: string;
  HOME?: string;
  USERPROFILE?: string;
  KUBERNETES_SERVICE_HOST?: string;
}

export interface ClusterOptions {
  /** Overrides the kubeconfig's current context. */
  context?: string;
  /** Overrides the context's namespace (which defaults to `default`). */
  namespace?: string;
  release: string;
  /** Overrides the label selector `app.kubernetes.io/instance=<release>`. */
  selector?: string;
}

export interface ClusterConnection {
  reader: ClusterReader;
  context: string;
  server: string;
  namespace: string;
  release: string;
  selector: string;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Where kubectl would look: KUBECONFIG, ~/.kube/config, or the pod's service account. Without any
 * of them the client library would quietly try http://localhost:8080; saying so is clearer.
 */
export function kubeconfigSource(env: ClusterEnv): string | undefined {
  if (env.KUBECONFIG?.trim()) return 'KUBECONFIG';
  const home = env.HOME ?? env.USERPROFILE;
  if (home && existsSync(join(home, '.kube', 'config'))) return '~/.kube/config';
  if (env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) return 'in-cluster service account';
  return undefined;
}

/** Loads the current kube context and returns list calls for the release's objects. */
export async function connectCluster(env: ClusterEnv, options: ClusterOptions): Promise<ClusterConnection> {
  if (!kubeconfigSource(env)) {
    throw new ClusterError(
      'no Kubernetes cluster configured: set KUBECONFIG or create ~/.kube/config (kubectl config), or run inside a pod',
    );
  }
  // The client is an ES module; a dynamic import keeps this CommonJS app (and its tests) free of it
  // until a cluster command actually runs.
  const k8s = await import('@kubernetes/client-node');
  const kc: KubeConfig = new k8s.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new ClusterError(`cannot read the kubeconfig: ${oneLine(err)}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ClusterError(
        `no context "${options.context}" in the kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    throw new ClusterError(
      'the kubeconfig has no current context: run `kubectl config use-context NAME` or pass --context',
    );
  }
  const namespace = options.namespace ?? kc.getContextObject(context)?.namespace ?? 'default';
  const selector = options.selector ?? `app.kubernetes.io/instance=${options.release}`;
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const call = <T>(what: string, run: () => Promise<T>) =>
    explainErrors(cluster.server, what, run, k8s.ApiException);
  const reader: ClusterReader = {
    deployments: () =>
      call(
        'list deployments',
        async () => (await apps.listNamespacedDeployment({ namespace, labelSelector: selector })).items,
      ),
    pods: () =>
      call(
        'list pods',
        async () => (await core.listNamespacedPod({ namespace, labelSelector: selector })).items,
      ),
    // All of the namespace: matched to the release by scale target (KEDA's HPAs lack its labels).
    autoscalers: () =>
      call(
        'list horizontalpodautoscalers',
        async () => (await autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace })).items,
      ),
    scaledObjects: async () => {
      try {
        const list = (await custom.listNamespacedCustomObject({
          group: 'keda.sh',
          version: 'v1alpha1',
          namespace,
          plural: 'scaledobjects',
        })) as { items?: KedaScaledObject[] };
        return list.items ?? [];
      } catch (err) {
        // 404: the ScaledObject CRD is not installed, so there is no KEDA to report on.
        if (err instanceof k8s.ApiException && err.code === 404) return undefined;
        return call('list scaledobjects', () => Promise.reject(err));
      }
    },
  };
  return { reader, context, server: cluster.server, namespace, release: options.release, selector };
}

async function explainErrors<T>(
  server: string,
  what: string,
  run: () => Promise<T>,
  ApiException: abstract new (...args: never[]) => Error & { code: number; body: unknown },
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApiException) {
      const detail = statusMessage(err.body);
      const hint =
        err.code === 401
          ? ': the credentials of this context were not accepted'
          : err.code === 403
            ? ': this identity may not do that (RBAC)'
            : '';
      throw new ClusterError(
        `the Kubernetes API at ${server} answered ${err.code} to ${what}${hint}${detail ? ` (${detail})` : ''}`,
      );
    }
    throw new ClusterError(`cannot reach the Kubernetes API at ${server}: ${networkReason(err)}`);
  }
}

/** The `message` of a Kubernetes Status body, which says what was refused and why. */
function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim().split('\n')[0]?.slice(0, 200) || undefined;
    }
  }
  const message = (value as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function networkReason(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  const code = e.code ?? e.cause?.code;
  const reason = /reason: (.*)$/.exec(e.message ?? '')?.[1];
  return code && reason ? reason : (code ?? reason ?? oneLine(err));
}

const oneLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0] ?? '';
