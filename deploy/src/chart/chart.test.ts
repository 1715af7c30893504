import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateKubeObject } from '../kube/validate';
import { chartDir } from '../paths';
import { type KubeObject, renderNotes, renderObjects } from './render';
import { OPERATOR_APIS, scenarios } from './scenarios';

const find = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const kinds = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const ci = (name: string) => join(chartDir, 'ci', name);
const render = (valueFiles: string[]) => renderObjects({ valueFiles, apiVersions: OPERATOR_APIS });

describe('every scenario renders and every object is valid', () => {
  it('has several CI scenarios', () => {
    expect(scenarios().length).toBeGreaterThanOrEqual(4);
  });

  it.each(scenarios().map((s) => [s.name, s.valueFiles] as const))('%s', (_name, valueFiles) => {
    const objects = render(valueFiles);
    expect(objects.length).toBeGreaterThan(5);
    expect(objects.flatMap((o) => validateKubeObject(o))).toEqual([]);
    // Names are unique per kind, or one object would silently replace another.
    expect(new Set(kinds(objects)).size).toBe(objects.length);
    for (const o of objects) {
      expect(o.metadata.name.length).toBeLessThanOrEqual(63);
      expect(o.metadata.labels?.['app.kubernetes.io/instance']).toBe('parley');
    }
  });
});

describe('default values', () => {
  const objects = render([]);

  it('deploy gateway and worker with budgets, no autoscaler, no Redis and no monitoring objects', () => {
    expect(kinds(objects)).toEqual([
      'ConfigMap/parley-gateway',
      'ConfigMap/parley-worker',
      'Deployment/parley-gateway',
      'Deployment/parley-worker',
      'PodDisruptionBudget/parley-gateway',
      'PodDisruptionBudget/parley-worker',
      'Secret/parley',
      'Service/parley-gateway',
      'Service/parley-worker',
      'ServiceAccount/parley',
    ]);
  });

  it('run the processes hardened and probed on their own endpoints', () => {
    for (const [name, port] of [
      ['parley-gateway', 'http'],
      ['parley-worker', 'metrics'],
    ] as const) {
      const pod = find(objects, 'Deployment', name)?.spec.template.spec;
      const container = pod.containers[0];
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port });
      expect(container.startupProbe.httpGet).toEqual({ path: '/livez', port });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port });
      expect(container.resources.requests).toBeDefined();
    }
  });

  it('restart pods when their configuration changes', () => {
    const before = find(objects, 'Deployment', 'parley-worker')?.spec.template.metadata.annotations;
    const after = find(
      renderObjects({ set: ['worker.config.LLM_MODEL=other-model'] }),
      'Deployment',
      'parley-worker',
    )?.spec.template.metadata.annotations;
    expect(after['checksum/config']).not.toBe(before['checksum/config']);
    expect(after['checksum/secret']).toBe(before['checksum/secret']);
  });

  it('print large numbers as integers, not as Helm floats (1e+06)', () => {
    const cm = find(
      renderObjects({ set: ['worker.config.UPDATE_GIVE_UP_AFTER_MS=1200000'] }),
      'ConfigMap',
      'parley-worker',
    );
    expect(cm?.data.UPDATE_GIVE_UP_AFTER_MS).toBe('1200000');
    const fromFile = find(render([ci('production-hpa-values.yaml')]), 'ConfigMap', 'parley-worker');
    expect(fromFile?.data.UPDATE_GIVE_UP_AFTER_MS).toBe('1200000');
  });
});

describe('prometheus-adapter scenario', () => {
  const objects = render([ci('production-hpa-values.yaml')]);

  it('scales the worker on backlog per pod and oldest wait through external metrics', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'parley-worker');
    expect(hpa?.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'parley-worker',
    });
    expect(
      hpa?.spec.metrics.map((m: { external: { metric: { name: string } } }) => m.external.metric.name),
    ).toEqual(['parley_worker_backlog', 'parley_worker_oldest_wait_seconds']);
    expect(hpa?.spec.metrics[0].external.target).toEqual({ type: 'AverageValue', averageValue: '48' });
    expect(hpa?.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    // The HPA owns the replica count.
    expect(find(objects, 'Deployment', 'parley-worker')?.spec.replicas).toBeUndefined();
    expect(find(objects, 'ScaledObject', 'parley-worker')).toBeUndefined();
  });

  it('ships the adapter rules for exactly the metrics the HPAs read', () => {
    const rules = find(objects, 'ConfigMap', 'parley-prometheus-adapter-rules');
    expect(rules?.metadata.namespace).toBe('monitoring');
    const config = require('yaml').parse(rules?.data['config.yaml']) as {
      externalRules: Array<{ name: { as: string }; metricsQuery: string; seriesQuery: string }>;
    };
    const served = config.externalRules.map((r) => r.name.as);
    const read = objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler')
      .flatMap((o) => o.spec.metrics.filter((m: { type: string }) => m.type === 'External'))
      .map((m: { external: { metric: { name: string } } }) => m.external.metric.name);
    for (const name of read) expect(served).toContain(name);
    for (const rule of config.externalRules) {
      expect(rule.metricsQuery).toContain('<<.LabelMatchers>>');
      expect(rule.seriesQuery).toMatch(/^parley_[a-z_]+\{/);
    }
  });

  it('scales the gateway on CPU and exposes only the webhook path', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'parley-gateway');
    expect(hpa?.spec.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ]);
    const ingress = find(objects, 'Ingress', 'parley-gateway');
    expect(ingress?.spec.rules[0].http.paths).toEqual([
      {
        path: '/telegram/webhook',
        pathType: 'Exact',
        backend: { service: { name: 'parley-gateway', port: { name: 'http' } } },
      },
    ]);
  });

  it('reads every secret from the existing Secret and creates none', () => {
    expect(objects.find((o) => o.kind === 'Secret')).toBeUndefined();
    const env = find(objects, 'Deployment', 'parley-worker')?.spec.template.spec.containers[0].env;
    const refs = env.map((e: { name: string; valueFrom: { secretKeyRef: { name: string } } }) => [
      e.name,
      e.valueFrom.secretKeyRef.name,
    ]);
    expect(refs).toEqual([
      ['TELEGRAM_BOT_TOKEN', 'parley-secrets'],
      ['OPENAI_API_KEY', 'parley-secrets'],
      ['LLM_FALLBACK_1_API_KEY', 'parley-secrets'],
      ['REDIS_URL', 'parley-secrets'],
    ]);
  });

  it('labels monitors, rules and dashboards for the operator and the Grafana sidecar', () => {
    const monitor = find(objects, 'ServiceMonitor', 'parley');
    expect(monitor?.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(monitor?.spec.endpoints.map((e: { port: string }) => e.port)).toEqual(['http', 'metrics']);
    const dashboardFiles = readdirSync(join(chartDir, 'dashboards')).filter((f) => f.endsWith('.json'));
    const dashboards = objects.filter((o) => o.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards).toHaveLength(dashboardFiles.length);
    for (const d of dashboards) {
      expect(d.metadata.namespace).toBe('monitoring');
      const [file] = Object.keys(d.data);
      expect(dashboardFiles).toContain(file);
      expect(() => JSON.parse(d.data[file as string])).not.toThrow();
    }
    const ruleFiles = readdirSync(join(chartDir, 'rules')).filter((f) => f.endsWith('.yaml'));
    const rule = find(objects, 'PrometheusRule', 'parley');
    if (ruleFiles.length === 0) expect(rule).toBeUndefined();
    else expect(rule?.spec.groups.length).toBeGreaterThanOrEqual(ruleFiles.length);
  });
});

describe('KEDA scenario', () => {
  const objects = render([ci('keda-values.yaml')]);

  it('replaces the HPAs with ScaledObjects whose Prometheus triggers select this release', () => {
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(objects.find((o) => o.metadata.name === 'parley-prometheus-adapter-rules')).toBeUndefined();
    const worker = find(objects, 'ScaledObject', 'parley-worker');
    expect(worker?.spec.minReplicaCount).toBe(1);
    expect(worker?.spec.advanced.horizontalPodAutoscalerConfig.name).toBe('parley-worker');
    const triggers = worker?.spec.triggers as Array<{
      metricType: string;
      metadata: { query: string; threshold: string };
      authenticationRef: { name: string };
    }>;
    expect(triggers.map((t) => [t.metricType, t.metadata.threshold])).toEqual([
      ['AverageValue', '24'],
      ['Value', '10'],
    ]);
    for (const t of triggers) {
      expect(t.metadata.query).toContain('namespace="bots",job="parley-worker"');
      expect(t.metadata.query).not.toContain('$selector');
      expect(t.authenticationRef.name).toBe('prometheus-auth');
    }
    const gateway = find(objects, 'ScaledObject', 'parley-gateway');
    expect(gateway?.spec.triggers[0].metadata.query).toContain('job="parley-gateway"');
  });

  it('names scrape jobs after the components, as a ServiceMonitor would', () => {
    const monitor = find(objects, 'PodMonitor', 'parley');
    expect(monitor?.metadata.labels?.team).toBe('bots');
    for (const endpoint of monitor?.spec.podMetricsEndpoints ?? []) {
      expect(endpoint.relabelings).toEqual([
        {
          sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
          targetLabel: 'job',
          replacement: 'parley-$1',
        },
      ]);
    }
  });
});

describe('load-test and polling scenarios', () => {
  it('points the processes at the bundled Redis and the in-cluster stand-ins', () => {
    const objects = render([ci('loadtest-values.yaml')]);
    const worker = find(objects, 'ConfigMap', 'parley-worker')?.data;
    expect(worker).toMatchObject({
      REDIS_URL: 'redis://parley-redis:6379',
      TELEGRAM_API_ROOT: 'http://parley-tg-emulator:8081',
      OPENAI_BASE_URL: 'http://parley-llm-sim:8082/v1',
      LLM_TEMPERATURE: '0.2',
    });
    const redis = find(objects, 'StatefulSet', 'parley-redis')?.spec.template.spec.containers[0].args.join(
      ' ',
    );
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(redis).toContain('--appendfsync always');
    expect(find(objects, 'NetworkPolicy', 'parley-redis')).toBeDefined();
    const sim = find(objects, 'Deployment', 'parley-llm-sim')?.spec.template.spec.containers[0].args;
    expect(sim).toEqual(expect.arrayContaining(['--model', 'parley-sim-1', '--host', '0.0.0.0']));
  });

  it('gives the polling gateway the bot token and the fallbacks their keys', () => {
    const objects = render([ci('polling-values.yaml')]);
    const names = (deployment: string) =>
      find(objects, 'Deployment', deployment)?.spec.template.spec.containers[0].env.map(
        (e: { name: string }) => e.name,
      );
    expect(names('parley-gateway')).toContain('TELEGRAM_BOT_TOKEN');
    expect(names('parley-worker')).toEqual(
      expect.arrayContaining(['LLM_FALLBACK_1_API_KEY', 'LLM_FALLBACK_2_API_KEY']),
    );
    expect(find(objects, 'Secret', 'parley')?.stringData).toMatchObject({
      LLM_FALLBACK_1_API_KEY: 'sk-fallback-1',
      LLM_FALLBACK_2_API_KEY: 'sk-fallback-2',
    });
    expect(find(objects, 'PodDisruptionBudget', 'parley-gateway')).toBeUndefined();
    expect(find(objects, 'StatefulSet', 'parley-redis')?.spec.volumeClaimTemplates).toBeUndefined();
  });
});

describe('NOTES.txt', () => {
  it('tells how to register the webhook with the gateway secret', () => {
    const notes = renderNotes({ valueFiles: [ci('production-hpa-values.yaml')], apiVersions: OPERATOR_APIS });
    expect(notes).toContain('-d url=https://bot.example.com/telegram/webhook');
    expect(notes).toContain(
      "kubectl get secret parley-secrets -n bots -o jsonpath='{.data.TELEGRAM_WEBHOOK_SECRET}'",
    );
    expect(notes).toContain('setWebhook');
    expect(notes).not.toContain('WARNING');
  });

  it('warns when the secrets or Redis are missing, and says there is no webhook in polling mode', () => {
    expect(renderNotes()).toMatch(/WARNING: secrets.telegramBotToken[\s\S]*WARNING: no Redis is configured/);
    expect(renderNotes({ valueFiles: [ci('polling-values.yaml')] })).toContain('no webhook to register');
  });
});
