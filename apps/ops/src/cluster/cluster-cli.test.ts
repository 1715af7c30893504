import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '@parley/redis';
import { type FakeApiServer, kubeconfigFor, startFakeApiServer } from './__tests__/fake-api-server';
import type { ClusterStatus } from './cluster-status';

/**
 * `parley-ops cluster status` as the person on call runs it: the real entry point in its own
 * process (the Kubernetes client is an ES module, loaded the way the built CLI loads it), a
 * kubeconfig on disk, and an API server on loopback.
 */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const TSX = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')).href;
const MAIN = join(REPO_ROOT, 'apps/ops/src/main.ts');

const home = mkdtempSync(join(tmpdir(), 'parley-ops-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function parleyOps(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=@parley/source', '--import', TSX, MAIN, ...args], {
      // HOME without a ~/.kube/config, so only what the test gives counts.
      env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function kubeconfigFile(server: string): string {
  const file = join(home, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, kubeconfigFor(server));
  return file;
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('parley-ops cluster status', () => {
  let api: FakeApiServer;
  afterEach(async () => {
    await api?.close();
  });

  it("shows the release's deployments, KEDA and HPA autoscaling and pods from the current context", async () => {
    api = await startFakeApiServer();
    const result = await parleyOps(['cluster', 'status'], { KUBECONFIG: kubeconfigFile(api.url) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out[0]).toBe(
      `context fake-context (${api.url}), namespace parley-ns, release parley (app.kubernetes.io/instance=parley)`,
    );
    expect(out).toContainEqual(
      expect.stringMatching(/^ {2}parley-worker +ready 3\/4 {2}updated 4 {2}available 3$/),
    );
    expect(out).toContainEqual(
      '  ScaledObject parley-worker → Deployment/parley-worker  min 1, max 20  triggers prometheus (AverageValue)  hpa keda-hpa-parley-worker',
    );
    expect(out).toContainEqual(
      expect.stringMatching(
        /^ {2}HPA keda-hpa-parley-worker → Deployment\/parley-worker {2}replicas 4 \(desired 6, min 1, max 20\) {2}managed by ScaledObject parley-worker/,
      ),
    );
    expect(out).toContain('    external s0-prometheus: 31.5 / 20 (average per pod)');
    expect(out).toContain('    resource cpu: 12% / 70% (utilization)');
    expect(out.join('\n')).not.toContain('someone-else');
    expect(out).toContainEqual(
      expect.stringMatching(
        /^ {2}parley-worker-5c6b-ddddd +Running +ready 0\/1 {2}restarts 3 {2}age 10m {2}node node-a {2}CrashLoopBackOff$/,
      ),
    );
    // The current context's namespace and credentials, and the release's label selector.
    expect(api.requests.every((r) => r.authorization === 'Bearer test-token')).toBe(true);
    expect(api.requests.map((r) => r.path)).toContain(
      '/api/v1/namespaces/parley-ns/pods?labelSelector=app.kubernetes.io%2Finstance%3Dparley',
    );
  });

  it('prints JSON, and says when KEDA is not installed', async () => {
    api = await startFakeApiServer({ withoutKeda: true });
    const result = await parleyOps(['cluster', 'status', '--json'], { KUBECONFIG: kubeconfigFile(api.url) });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as ClusterStatus;
    expect(status.scaledObjects).toBeUndefined();
    expect(status.autoscalers.map((a) => a.name)).toEqual(['parley-gateway']);
    expect(status.deployments.map((d) => [d.name, d.ready, d.desired])).toEqual([
      ['parley-gateway', 2, 2],
      ['parley-worker', 3, 4],
    ]);
    expect(status.pods).toHaveLength(6);
  });

  it('without a cluster: one clear line and exit 1', async () => {
    const result = await parleyOps(['cluster', 'status'], {});
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([
      'parley-ops: no Kubernetes cluster configured: set KUBECONFIG or create ~/.kube/config (kubectl config), or run inside a pod',
    ]);
  });

  it('with an unreachable API server: one clear line and exit 1', async () => {
    const server = `http://127.0.0.1:${await freePort()}`;
    const result = await parleyOps(['cluster', 'status'], { KUBECONFIG: kubeconfigFile(server) });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^parley-ops: cannot reach the Kubernetes API at ${server}: .*ECONNREFUSED`),
      ),
    ]);
  });

  it('when RBAC refuses: one line that says what was refused', async () => {
    api = await startFakeApiServer({ refuseWith: 403 });
    const result = await parleyOps(['cluster', 'status'], { KUBECONFIG: kubeconfigFile(api.url) });
    expect(result.code).toBe(1);
    const [line, ...rest] = lines(result.stderr);
    expect(rest).toEqual([]);
    expect(line).toMatch(
      /^parley-ops: the Kubernetes API at .* answered 403 to list \w+: this identity may not do that \(RBAC\) \(.*is forbidden/,
    );
  });
});
