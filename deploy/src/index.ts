export {
  type KubeObject,
  type RenderOptions,
  type RenderResult,
  renderChart,
  renderNotes,
  renderObjects,
} from './chart/render';
export { OPERATOR_APIS, scenarios } from './chart/scenarios';
export { kustomize } from './k8s/kustomize';
export { validateKubeObject } from './kube/validate';
export { chartDir, k8sDir, repoRoot } from './paths';
