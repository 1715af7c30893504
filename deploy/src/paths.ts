import { join, resolve } from 'node:path';

/** Folders of the repository the checks read. */
export const repoRoot = resolve(__dirname, '..', '..');
export const chartDir = join(repoRoot, 'helm', 'parley');
export const k8sDir = join(repoRoot, 'k8s');
export const dockerDir = join(repoRoot, 'docker');
export const rendererDir = join(repoRoot, 'deploy', 'renderer');
