import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir, repoRoot } from '../paths';
import { type KubeObject, renderNotes, renderObjects } from './render';
import { OPERATOR_APIS } from './scenarios';

const ci = (name: string) => join(chartDir, 'ci', name);
const render = (file: string) => renderObjects({ valueFiles: [ci(file)], apiVersions: OPERATOR_APIS });
const find = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('the admin server (Bull Board)', () => {
  it('is off by default', () => {
    const objects = renderObjects({ apiVersions: OPERATOR_APIS });
    expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'admin')).toEqual([]);
  });

  it('runs one hardened pod behind a ClusterIP Service only, probed on its unauthenticated /livez', () => {
    const objects = render('loadtest-values.yaml');
    const admin = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'admin');
    expect(admin.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/parley-admin',
      'Deployment/parley-admin',
      'NetworkPolicy/parley-admin',
      'Service/parley-admin',
    ]);
    const deployment = find(objects, 'Deployment', 'parley-admin');
    expect(deployment?.spec.replicas).toBe(1);
    const pod = deployment?.spec.template.spec;
    const container = pod.containers[0];
    // The same hardening as gateway and worker, from the same values.
    const worker = find(objects, 'Deployment', 'parley-worker')?.spec.template.spec;
    expect(pod.securityContext).toEqual(worker.securityContext);
    expect(container.securityContext).toEqual(worker.containers[0].securityContext);
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(container[probe].httpGet).toEqual({ path: '/livez', port: 'http' });
    }
    expect(container.resources.requests).toBeDefined();
    expect(find(objects, 'Service', 'parley-admin')?.spec.type).toBe('ClusterIP');
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    // Listens where the Service and the probes reach it, on the port they use.
    const config = find(objects, 'ConfigMap', 'parley-admin')?.data;
    expect(config).toMatchObject({
      ADMIN_HOST: '0.0.0.0',
      ADMIN_PORT: '9470',
      REDIS_URL: 'redis://parley-redis:6379',
    });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 9470, protocol: 'TCP' }]);
    // The password comes from the chart's Secret.
    const password = container.env.find((e: { name: string }) => e.name === 'ADMIN_PASSWORD');
    expect(password.valueFrom.secretKeyRef).toEqual({ name: 'parley', key: 'ADMIN_PASSWORD' });
    expect(find(objects, 'Secret', 'parley')?.stringData.ADMIN_PASSWORD).toBe('loadtest-admin-password');
  });

  it('sets only the variables the admin server documents, and every one it requires', () => {
    const readme = readFileSync(join(repoRoot, 'apps/admin/README.md'), 'utf8');
    for (const file of ['loadtest-values.yaml', 'production-hpa-values.yaml']) {
      const container = find(render(file), 'Deployment', 'parley-admin')?.spec.template.spec.containers[0];
      const config = find(render(file), 'ConfigMap', 'parley-admin')?.data ?? {};
      const names = [...Object.keys(config), ...container.env.map((e: { name: string }) => e.name)];
      for (const name of names) expect(readme).toContain(`\`${name}\``);
      expect(names).toEqual(expect.arrayContaining(['ADMIN_PASSWORD', 'REDIS_URL']));
    }
  });

  it('admits no one over the network unless networkPolicy.adminFrom says who', () => {
    const closed = find(render('loadtest-values.yaml'), 'NetworkPolicy', 'parley-admin');
    expect(closed?.spec).toMatchObject({ policyTypes: ['Ingress'], ingress: [] });
    const open = find(render('production-hpa-values.yaml'), 'NetworkPolicy', 'parley-admin');
    expect(open?.spec.ingress).toEqual([
      {
        ports: [{ port: 'http', protocol: 'TCP' }],
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'operators' } } }],
      },
    ]);
  });

  it('reads the password and Redis from an existing Secret', () => {
    const objects = render('production-hpa-values.yaml');
    const container = find(objects, 'Deployment', 'parley-admin')?.spec.template.spec.containers[0];
    const fromSecret = Object.fromEntries(
      container.env.map((e: { name: string; valueFrom: { secretKeyRef: unknown } }) => [
        e.name,
        e.valueFrom.secretKeyRef,
      ]),
    );
    expect(fromSecret).toEqual({
      ADMIN_PASSWORD: { name: 'parley-secrets', key: 'ADMIN_PASSWORD' },
      REDIS_URL: { name: 'parley-secrets', key: 'REDIS_URL' },
    });
    expect(find(objects, 'ConfigMap', 'parley-admin')?.data.ADMIN_USERNAME).toBe('oncall');
  });

  it('NOTES.txt tells how to reach it with kubectl port-forward', () => {
    const notes = renderNotes({ valueFiles: [ci('loadtest-values.yaml')], namespace: 'bots' });
    expect(notes).toContain('kubectl port-forward -n bots svc/parley-admin 9470:9470');
    expect(notes).toContain('{.data.ADMIN_PASSWORD}');
    expect(renderNotes()).not.toContain('port-forward');
  });
});
