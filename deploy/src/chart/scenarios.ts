import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir } from '../paths';

/** The API versions of a cluster running prometheus-operator and KEDA. */
export const OPERATOR_APIS = ['monitoring.coreos.com/v1', 'keda.sh/v1alpha1'];

/** The chart's CI scenarios: the default values, then every ci/*-values.yaml. */
export function scenarios(): Array<{ name: string; valueFiles: string[] }> {
  const ci = readdirSync(join(chartDir, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .sort();
  return [
    { name: 'default values', valueFiles: [] },
    ...ci.map((f) => ({ name: `ci/${f}`, valueFiles: [join(chartDir, 'ci', f)] })),
  ];
}
