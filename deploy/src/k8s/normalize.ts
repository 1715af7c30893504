import type { KubeObject } from '../chart/render';

// Labels and annotations only Helm can keep up to date: the chart version, the release tooling
// and checksums of rendered templates. Plain manifests go without them.
const HELM_LABELS = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];
const HELM_ANNOTATIONS = ['checksum/config', 'checksum/secret'];

/** An object as k8s/ holds it: the chart's rendering without Helm's bookkeeping. */
export function withoutHelmMetadata(object: KubeObject): KubeObject {
  const o = structuredClone(object);
  const clean = (
    meta: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined,
  ) => {
    if (!meta) return;
    for (const l of HELM_LABELS) delete meta.labels?.[l];
    for (const a of HELM_ANNOTATIONS) delete meta.annotations?.[a];
    if (meta.annotations && Object.keys(meta.annotations).length === 0) delete meta.annotations;
  };
  clean(o.metadata);
  clean(o.spec?.template?.metadata);
  for (const t of o.spec?.volumeClaimTemplates ?? []) clean(t.metadata);
  return o;
}
