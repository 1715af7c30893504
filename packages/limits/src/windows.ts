/** Budget windows in UTC: a calendar day and a calendar month. */
export type WindowKind = 'daily' | 'monthly';

export interface BudgetWindow {
  kind: WindowKind;
  /** Part of the key: `d20240601` or `m202406`. */
  id: string;
  /** Epoch ms of the window's first instant. */
  startsAt: number;
  /** Epoch ms when the next window starts (the budget resets). */
  resetsAt: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function windowAt(kind: WindowKind, now: number): BudgetWindow {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (kind === 'daily') {
    const startsAt = Date.UTC(y, m, d.getUTCDate());
    return {
      kind,
      id: `d${y}${pad(m + 1)}${pad(d.getUTCDate())}`,
      startsAt,
      resetsAt: Date.UTC(y, m, d.getUTCDate() + 1),
    };
  }
  return { kind, id: `m${y}${pad(m + 1)}`, startsAt: Date.UTC(y, m, 1), resetsAt: Date.UTC(y, m + 1, 1) };
}

/**
 * Every window whose counter may still exist: the current one and those that ended less than
 * `retentionMs` ago (their keys expire `retentionMs` after the window's end).
 */
export function retainedWindows(kind: WindowKind, now: number, retentionMs: number): BudgetWindow[] {
  const out = [windowAt(kind, now)];
  for (let i = 0; i < 400; i++) {
    const previous = windowAt(kind, out[out.length - 1]!.startsAt - 1);
    if (previous.resetsAt + retentionMs <= now) break;
    out.push(previous);
  }
  return out;
}
