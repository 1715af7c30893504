import { renderChart } from './render';
import { OPERATOR_APIS } from './scenarios';

/** The problems the validations template reports for these values (empty when they render). */
function problems(values: unknown, apiVersions = OPERATOR_APIS): string[] {
  const result = renderChart({ values: [values], apiVersions });
  if (result.ok) return [];
  expect(result.error).toMatch(
    /^execution error at \(parley\/templates\/validations\.yaml:\d+:\d+\): invalid values:/,
  );
  return result.error.split('\n  - ').slice(1);
}

describe('the validations template', () => {
  it('accepts the default values', () => {
    expect(problems({})).toEqual([]);
  });

  it.each([
    [
      'an HPA and a ScaledObject on the same workers',
      { worker: { autoscaling: { hpa: { enabled: true }, keda: { enabled: true } } } },
      /hpa.enabled and worker.autoscaling.keda.enabled are both true/,
    ],
    [
      'min above max',
      { gateway: { autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } } },
      /minReplicas \(5\) is above maxReplicas \(3\)/,
    ],
    [
      'more lanes per pod than a pod runs',
      {
        worker: {
          config: { WORKER_CONCURRENCY: 16 },
          autoscaling: { hpa: { enabled: true }, targetLanesPerPod: 24 },
        },
      },
      /targetLanesPerPod \(24\) is above WORKER_CONCURRENCY \(16\)/,
    ],
    [
      'CPU scaling without a CPU request',
      { gateway: { resources: { requests: { cpu: null } }, autoscaling: { enabled: true, metric: 'cpu' } } },
      /gateway.resources.requests.cpu is not set/,
    ],
    [
      'both a ServiceMonitor and a PodMonitor',
      { metrics: { serviceMonitor: { enabled: true }, podMonitor: { enabled: true } } },
      /scraped twice/,
    ],
    [
      'an existing Secret and secret values',
      { secrets: { existingSecret: 'mine', telegramBotToken: '1:AAAAAAAAAAAAAAAAAAAAAAAA' } },
      /secrets.telegramBotToken is set together with secrets.existingSecret/,
    ],
    [
      'two Redis sources',
      { redis: { url: 'redis://r:6379', bundled: { enabled: true } } },
      /Redis is configured more than once \(redis.bundled.enabled, redis.url\)/,
    ],
    [
      'polling with several gateways',
      { gateway: { replicas: 2, config: { INGEST_MODE: 'polling' } } },
      /getUpdates to one consumer only/,
    ],
    [
      'a shutdown longer than Kubernetes waits',
      {
        gateway: {
          terminationGracePeriodSeconds: 10,
          config: { SHUTDOWN_DELAY_MS: 5000, SHUTDOWN_GRACE_MS: 10000 },
        },
      },
      /SHUTDOWN_DELAY_MS \+ SHUTDOWN_GRACE_MS \(15000 ms\) must be below gateway.terminationGracePeriodSeconds \(10 s\)/,
    ],
    [
      'keys for fallbacks that do not exist',
      { secrets: { llmFallbackApiKeys: ['k1'] } },
      /llmFallbackApiKeys has 1 keys but worker.config.LLM_FALLBACKS names 0/,
    ],
    [
      'a disruption budget that blocks drains',
      { worker: { replicas: 2, pdb: { minAvailable: 2, maxUnavailable: null } } },
      /worker.pdb.minAvailable \(2\) is not below worker.replicas \(2\)/,
    ],
    [
      'the admin server without a password',
      { admin: { enabled: true } },
      /admin.enabled needs a password: set secrets.adminPassword/,
    ],
    [
      'stand-ins and an explicit Bot API root',
      { standIns: { enabled: true }, config: { TELEGRAM_API_ROOT: 'http://elsewhere:8081' } },
      /config.TELEGRAM_API_ROOT is set too/,
    ],
  ])('rejects %s', (_case, values, message) => {
    const found = problems(values);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reports every problem at once, one line each', () => {
    const found = problems({
      worker: { autoscaling: { hpa: { enabled: true }, keda: { enabled: true } } },
      metrics: { serviceMonitor: { enabled: true }, podMonitor: { enabled: true } },
      redis: { url: 'redis://r:6379' },
      secrets: { redisUrl: 'redis://:p@r:6379' },
    });
    expect(found).toHaveLength(3);
  });

  it('refuses KEDA and monitors on a cluster that lacks their APIs', () => {
    const found = problems(
      {
        worker: { autoscaling: { keda: { enabled: true } } },
        metrics: { serviceMonitor: { enabled: true } },
      },
      [],
    );
    expect(found).toEqual([
      expect.stringMatching(/does not serve keda.sh\/v1alpha1/),
      expect.stringMatching(/does not serve monitoring.coreos.com\/v1/),
    ]);
  });

  it('requires a host for the Ingress', () => {
    const result = renderChart({ values: [{ gateway: { ingress: { enabled: true } } }] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/gateway.ingress.host is required/);
  });
});
