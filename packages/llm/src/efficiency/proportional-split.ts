/**
 * Splits the integer `total` in proportion to `weights`, in integers that add up to `total`
 * exactly (largest remainder). All weights 0 splits it evenly.
 *
 * Why: a batched `/v1/completions` answer reports one `usage` for all its prompts. Each caller
 * gets a share in proportion to the length of its prompt (prompt tokens) or of its answer
 * (completion tokens), so per-caller metrics and budgets add up to what the backend billed.
 */
export function splitProportionally(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  const exact = weights.map((w) => (sum > 0 ? (total * Math.max(0, w)) / sum : total / weights.length));
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}
