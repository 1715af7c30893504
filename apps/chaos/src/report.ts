import type { ChaosResult } from './run-chaos';

/** The final table, the summary line and the verdict, as printed by the CLI. */

const ms = (value: number | undefined): string => (value === undefined ? '—' : `${Math.round(value)} ms`);

function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

export function summaryLine(r: ChaosResult): string {
  const c = r.counts;
  return `chaos: sent=${c.sent} replies=${c.replies} lost=${c.lost} duplicated=${c.duplicated} out_of_order=${c.outOfOrder} apologies=${c.apologies}`;
}

export function formatReport(r: ChaosResult): string {
  const c = r.counts;
  const f = r.faults;
  const o = r.options;
  const rows: Array<[string, string]> = [
    ['updates sent', `${c.sent} of ${o.updates} planned, over ${o.chats} chats`],
    ['replies (bot messages)', String(c.replies)],
    ['answered tokens', String(c.answered)],
    ['lost', String(c.lost)],
    ['duplicated', String(c.duplicated)],
    ['out-of-order chats', String(c.outOfOrder)],
    ['apologies', String(c.apologies)],
    ['foreign tokens', String(c.foreign)],
    ['other bot messages', String(c.otherMessages)],
  ];
  if (c.truncatedQuotes > 0) rows.push(['quotes cut at 200 chars', String(c.truncatedQuotes)]);
  if (r.failedPosts > 0) rows.push(['emulator POSTs failed', String(r.failedPosts)]);
  const l = r.latency;
  rows.push([
    'update→reply latency',
    l
      ? `p50 ${ms(l.p50Ms)}  p95 ${ms(l.p95Ms)}  p99 ${ms(l.p99Ms)}  max ${ms(l.maxMs)}  (${l.samples} samples)`
      : '—',
  ]);
  rows.push(
    ['re-deliveries', `${f.redeliveries}${f.redeliveryErrors ? ` (${f.redeliveryErrors} refused)` : ''}`],
    ['worker kills / restarts', `${f.workerKills} / ${f.workerRestarts}`],
    ['redis restarts', `${f.redisRestarts} of ${o.redisRestarts}`],
    ['LLM error rate', String(o.llmErrorRate)],
    ['LLM 429 bursts (3 s)', String(f.llm429Bursts)],
    ['Telegram 429 bursts (×30)', String(f.telegram429Bursts)],
  );
  const llm = (label: string, s: ChaosResult['sim']) => {
    if (s) {
      rows.push([
        label,
        `${s.requests} (${s.completed} ok, ${s.errors} errors, ${s.errorsInjected} injected, ${s.aborted} aborted)`,
      ]);
    }
  };
  llm('LLM requests during the load', r.simAtLoadEnd);
  llm('LLM requests in all', r.sim);
  const webhook = Object.entries(r.gatewayWebhook)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  if (webhook) rows.push(['gateway webhook answers', webhook]);
  if (r.memory)
    rows.push([
      'peak memory (RSS)',
      `gateway ${r.memory.gatewayPeakMiB} MiB, largest worker ${r.memory.workerPeakMiB} MiB`,
    ]);
  const exits = Object.entries(r.unexpectedExits)
    .map(([name, n]) => `${name} ×${n}`)
    .join(', ');
  rows.push(['unexpected exits', exits || 'none']);
  rows.push(
    ['jobs unfinished at the end', r.unfinishedJobs === undefined ? 'unknown' : String(r.unfinishedJobs)],
    ['stopped because', r.stopReason + (r.error ? `: ${r.error}` : '')],
    [
      'time',
      `${(r.timings.totalMs / 1000).toFixed(1)} s (start ${(r.timings.setupMs / 1000).toFixed(1)} s, load ${(r.timings.loadMs / 1000).toFixed(1)} s, drain ${(r.timings.drainMs / 1000).toFixed(1)} s)`,
    ],
    ['logs', `${r.logDir}${r.logDirKept ? '' : ' (removed)'}`],
  );

  const lines = ['', table(rows)];
  const e = r.examples;
  const show = (label: string, items: readonly string[]) => {
    if (items.length > 0) lines.push(`  ${label}: ${items.join(', ')}`);
  };
  show('lost, e.g.', e.lost);
  show('duplicated, e.g.', e.duplicated);
  show(
    'out of order, e.g.',
    e.outOfOrder.map(
      (x) => `chat ${x.chatId} [${x.seqs.slice(0, 12).join(' ')}${x.seqs.length > 12 ? ' …' : ''}]`,
    ),
  );
  show('foreign, e.g.', e.foreign);
  show('other bot messages, e.g.', e.otherMessages.slice(0, 3));
  const verdict = r.passed
    ? 'PASS'
    : r.stopReason === 'interrupted'
      ? 'FAIL (interrupted: the counts cover a partial run)'
      : 'FAIL';
  lines.push('', summaryLine(r), `chaos: ${verdict}`);
  return lines.join('\n');
}
