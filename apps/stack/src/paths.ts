import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StackError } from './stack-error';

/** The monorepo root: this file is apps/stack/src/paths.ts, or apps/stack/dist/paths.js once built. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export type AppName = 'gateway' | 'worker';

/** Node arguments that run an app's real entry point, built or (with tsx) from source. */
export function entryArgs(app: AppName, fromSource: boolean, repoRoot = REPO_ROOT): string[] {
  if (!fromSource) {
    const entry = join(repoRoot, 'apps', app, 'dist', 'main.js');
    if (!existsSync(entry)) {
      throw new StackError(
        `${entry} is missing: run \`pnpm build\` first (or set STACK_FROM_SOURCE=1 to run from source)`,
      );
    }
    return [entry];
  }
  const entry = join(repoRoot, 'apps', app, 'src', 'main.ts');
  // The workspace packages point their "@parley/source" export condition at src/*.ts, so with
  // this condition and tsx's loader nothing has to be built first.
  return ['--conditions=@parley/source', '--import', tsxLoaderUrl(repoRoot), entry];
}

/**
 * tsx is a root devDependency. It is resolved to an absolute URL because `--import tsx` would be
 * looked up from the child's working directory, which need not be inside the repository.
 */
export function tsxLoaderUrl(repoRoot = REPO_ROOT): string {
  try {
    return pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;
  } catch {
    throw new StackError('STACK_FROM_SOURCE=1 needs tsx (a root devDependency): run `pnpm install` first');
  }
}
