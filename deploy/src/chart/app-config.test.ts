import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGatewayConfig, loadWorkerConfig } from '@parley/config';
import { repoRoot } from '../paths';
import { type KubeObject, renderObjects } from './render';
import { OPERATOR_APIS, scenarios } from './scenarios';

// What an existing Secret made outside the chart would hold.
const EXISTING_SECRET: Record<string, string> = {
  TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
  TELEGRAM_WEBHOOK_SECRET: 'from-existing-secret',
  OPENAI_API_KEY: 'sk-existing',
  REDIS_URL: 'rediss://:password@redis.internal:6380',
};

/** The environment a container starts with, resolved from its ConfigMaps and Secrets. */
function containerEnv(objects: KubeObject[], deployment: string): Record<string, string | undefined> {
  const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment)?.spec.template
    .spec;
  const container = pod.containers[0];
  const secretData = (name: string): Record<string, string> =>
    objects.find((o) => o.kind === 'Secret' && o.metadata.name === name)?.stringData ?? EXISTING_SECRET;
  const env: Record<string, string | undefined> = {};
  for (const from of container.envFrom ?? []) {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef.name);
    expect(cm).toBeDefined();
    Object.assign(env, cm?.data);
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key, optional } = e.valueFrom.secretKeyRef;
      const value = secretData(name)[key];
      if (value === undefined && !optional)
        throw new Error(`${deployment}: Secret ${name} has no key ${key}`);
      env[e.name] = value;
    }
  }
  return env;
}

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

describe('the chart configures the processes the way they read their configuration', () => {
  const ciScenarios = scenarios().filter((s) => s.valueFiles.length > 0);

  it.each(ciScenarios.map((s) => [s.name, s.valueFiles] as const))('%s', (_name, valueFiles) => {
    const objects = renderObjects({ valueFiles, apiVersions: OPERATOR_APIS });
    const gatewayEnv = containerEnv(objects, 'parley-gateway');
    const workerEnv = containerEnv(objects, 'parley-worker');
    // The processes' own loaders accept it: every variable well-formed, every required one set.
    expect(() => loadGatewayConfig(gatewayEnv)).not.toThrow();
    expect(() => loadWorkerConfig(workerEnv)).not.toThrow();
    // Ports the probes and Services use are the ports the processes listen on.
    const gateway = loadGatewayConfig(gatewayEnv);
    const worker = loadWorkerConfig(workerEnv);
    const port = (d: string, name: string) =>
      objects
        .find((o) => o.kind === 'Deployment' && o.metadata.name === d)
        ?.spec.template.spec.containers[0].ports.find((p: { name: string }) => p.name === name)
        ?.containerPort;
    expect(port('parley-gateway', 'http')).toBe(gateway.http.port);
    expect(port('parley-worker', 'metrics')).toBe(worker.metrics.port);
    // Every variable the chart sets is one the README documents (no typos, nothing stale).
    for (const name of [...Object.keys(gatewayEnv), ...Object.keys(workerEnv)]) {
      const documented = name.replace(/^LLM_FALLBACK_\d+_API_KEY$/, 'LLM_FALLBACK_<N>_API_KEY');
      expect(readme).toContain(`\`${documented}\``);
    }
  });

  it('lets the configuration loader name a bad value the chart passed through', () => {
    const objects = renderObjects({
      valueFiles: [join(repoRoot, 'helm/parley/ci/loadtest-values.yaml')],
      set: ['worker.config.LLM_TEMPERATURE=3'],
    });
    expect(() => loadWorkerConfig(containerEnv(objects, 'parley-worker'))).toThrow(/LLM_TEMPERATURE/);
  });
});
