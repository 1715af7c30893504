import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rendererDir } from '../paths';

const binary = join(rendererDir, 'bin', 'render');

/**
 * Builds the chart renderer (deploy/renderer, Go with Debian's sprig) when its sources are newer
 * than the binary, and returns the binary's path. GOPATH mode: Debian installs the Go libraries
 * under /usr/share/gocode, and nothing is downloaded.
 */
export function rendererBinary(): string {
  const sources = readdirSync(rendererDir).filter((f) => f.endsWith('.go'));
  const newest = Math.max(...sources.map((f) => statSync(join(rendererDir, f)).mtimeMs));
  let built = 0;
  try {
    built = statSync(binary).mtimeMs;
  } catch {
    // not built yet
  }
  if (built > newest) return binary;

  mkdirSync(join(rendererDir, 'bin'), { recursive: true });
  // Several test files may build at once: each writes its own file, the rename is atomic.
  const partial = `${binary}.${process.pid}.tmp`;
  try {
    execFileSync('go', ['build', '-o', partial, '.'], {
      cwd: rendererDir,
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: '/usr/share/gocode',
        GOFLAGS: '',
        GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'parley-go-build-cache'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error(
        'go is not installed: run scripts/bootstrap.sh (it installs golang-go, golang-github-masterminds-sprig-dev and golang-gopkg-yaml.v3-dev)',
      );
    }
    throw new Error(`building deploy/renderer failed:\n${e.stderr?.toString() ?? String(err)}`);
  }
  renameSync(partial, binary);
  return binary;
}
