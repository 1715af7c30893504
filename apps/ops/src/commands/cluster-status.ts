import { collectClusterStatus } from '../cluster/collect';
import { formatClusterStatus } from '../cluster/format';
import type { ClusterContext } from '../ops-context';

/** Deployments, autoscalers (HPA or KEDA ScaledObject) and pods of the release. */
export async function showClusterStatus(ctx: ClusterContext): Promise<number> {
  const { reader, ...target } = ctx.cluster;
  const status = await collectClusterStatus(reader, target);
  if (ctx.json) ctx.out(JSON.stringify(status));
  else for (const line of formatClusterStatus(status)) ctx.out(line);
  return 0;
}
