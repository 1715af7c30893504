/** Parsing `INFO commandstats`: calls per command. */

/** Commands the benchmark itself sends around a measurement; left out of the counts. */
const OWN_COMMANDS = new Set(['info', 'config']);

export function parseCommandStats(info: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (!match) continue;
    const name = (match[1] ?? '').toLowerCase();
    if (OWN_COMMANDS.has(name.split('|')[0] ?? name)) continue;
    calls[name] = (calls[name] ?? 0) + Number(match[2]);
  }
  return calls;
}

export function totalCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}
