import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartDir, dockerDir, repoRoot } from '../paths';
import { execForm, parseDockerfile } from './dockerfile';

// Image → the workspace package it ships and the port it listens on by default.
const images = [
  { file: 'gateway.Dockerfile', pkg: 'apps/gateway', name: '@parley/gateway', port: 8080 },
  { file: 'worker.Dockerfile', pkg: 'apps/worker', name: '@parley/worker', port: 9464 },
  { file: 'tg-emulator.Dockerfile', pkg: 'packages/tg-emulator', name: '@parley/tg-emulator', port: 8081 },
  { file: 'llm-sim.Dockerfile', pkg: 'packages/llm-sim', name: '@parley/llm-sim', port: 8082 },
  { file: 'admin.Dockerfile', pkg: 'apps/admin', name: '@parley/admin', port: 9470 },
];

const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
// .dockerignore patterns as regular expressions: ** spans folders, * stays within one.
const ignored = (path: string) =>
  dockerignore.some((pattern) => {
    const glob = pattern
      .split('**/')
      .map((part) => part.replace(/\./g, '\\.').replace(/\*/g, '[^/]*'))
      .join('(.*/)?');
    return new RegExp(`^${glob}(/.*)?$`).test(path);
  });

describe.each(images)('docker/$file', ({ file, pkg, name, port }) => {
  const dockerfile = parseDockerfile(readFileSync(join(dockerDir, file), 'utf8'));
  const final = dockerfile.stages.at(-1)!;
  const all = (op: string) => final.instructions.filter((i) => i.op === op);

  it('builds in one stage and runs in a fresh one', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    // The runtime stage copies only the pruned output of the build stage.
    expect(all('COPY').map((c) => c.args)).toEqual([expect.stringMatching(/^--from=build \/out /)]);
    expect(all('RUN')).toEqual([]);
  });

  it('pins every base image to an exact version', () => {
    for (const stage of dockerfile.stages) {
      if (dockerfile.stages.some((s) => s.name === stage.from)) continue;
      expect(stage.from).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+[a-z0-9.-]*(@sha256:[a-f0-9]{64})?$/);
    }
  });

  it('installs the pnpm version of packageManager', () => {
    const arg = dockerfile.stages[0]?.instructions.find(
      (i) => i.op === 'ARG' && i.args.startsWith('PNPM_VERSION='),
    );
    expect(`pnpm@${arg?.args.split('=')[1]}`).toBe(rootPackage.packageManager);
  });

  it('prunes the workspace to this package with pnpm deploy', () => {
    const run = dockerfile.stages[0]?.instructions
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(run).toContain('pnpm install --offline --frozen-lockfile');
    expect(run).toContain(`--filter "${name}..." run build`);
    expect(run).toContain(`--filter ${name} --prod deploy`);
    expect(JSON.parse(readFileSync(join(repoRoot, pkg, 'package.json'), 'utf8')).name).toBe(name);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    for (const stage of dockerfile.stages) {
      for (const copy of stage.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
        const sources = copy.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1);
        for (const source of sources) {
          expect(existsSync(join(repoRoot, source))).toBe(true);
          if (source !== '.') expect(ignored(source)).toBe(false);
        }
      }
    }
    for (const needed of ['pnpm-lock.yaml', 'package.json', `${pkg}/src/index.ts`, `${pkg}/package.json`]) {
      if (existsSync(join(repoRoot, needed))) expect(ignored(needed)).toBe(false);
    }
    expect(ignored(`${pkg}/dist/main.js`)).toBe(true);
    expect(ignored(`${pkg}/node_modules/x`)).toBe(true);
  });

  it('runs as a non-root user, with a command that points at the built entry', () => {
    const user = all('USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const entrypoint = execForm(all('ENTRYPOINT').at(-1)?.args ?? '[]') ?? [];
    const cmd = execForm(all('CMD').at(-1)?.args ?? '[]') ?? [];
    const command = [...entrypoint, ...cmd];
    expect(command[0]).toBe('node');
    const entry = command[1] ?? '';
    // dist/x.js is what `pnpm build` (tsc, rootDir src, outDir dist) makes of src/x.ts.
    expect(entry).toMatch(/^dist\/[\w-]+\.js$/);
    expect(existsSync(join(repoRoot, pkg, entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')))).toBe(
      true,
    );
    const tsconfig = JSON.parse(readFileSync(join(repoRoot, pkg, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    const pkgJson = JSON.parse(readFileSync(join(repoRoot, pkg, 'package.json'), 'utf8'));
    expect(pkgJson.scripts.start).toBe(`node ${entry}`);
    if (existsSync(join(repoRoot, pkg, 'dist'))) expect(existsSync(join(repoRoot, pkg, entry))).toBe(true);
  });

  it('exposes the port the process listens on by default', () => {
    expect(all('EXPOSE').map((e) => e.args)).toEqual([String(port)]);
  });
});

it('images and chart agree on ports', () => {
  const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
  expect([values.gateway.port, values.worker.metricsPort]).toEqual([images[0]?.port, images[1]?.port]);
  expect([values.standIns.telegramEmulator.port, values.standIns.llmSimulator.port]).toEqual([
    images[2]?.port,
    images[3]?.port,
  ]);
  expect(values.admin.port).toBe(images[4]?.port);
});
