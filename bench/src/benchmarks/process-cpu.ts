import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { SCRIPTS } from '../processes';
import { fmt } from '../stats';

/**
 * CPU time of this benchmark's processes over a measured interval, read from Linux's
 * `/proc/<pid>/stat` (utime + stime) for every direct child of this process (the stand-ins,
 * gateway, worker and redis-server the benchmark started) and from `process.cpuUsage()` for the
 * benchmark process itself (the load generator and the reply watcher). Elsewhere than Linux the
 * sample is empty and the report says so.
 */

export interface CpuSample {
  at: number;
  /** label → CPU seconds so far (user + system). */
  seconds: Map<string, number>;
  /** Busy CPU seconds of the whole machine so far (every process, from /proc/stat). */
  machine?: number;
}

export interface CpuRow {
  label: string;
  cpuSeconds: number;
}

const SELF = 'benchmark process (load + reply watcher)';
const OTHERS = 'anything else on the machine';

const clockTicks = (() => {
  let ticks: number | undefined;
  return () => {
    if (ticks === undefined) {
      try {
        ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
      } catch {
        // USER_HZ is 100 on every mainstream Linux architecture.
        ticks = 100;
      }
    }
    return ticks;
  };
})();

/** Names a child process by the script it runs (or redis-server). */
function labelOf(pid: string, comm: string): string | undefined {
  if (comm === 'redis-server') return 'redis-server';
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  const names: Record<keyof typeof SCRIPTS, string> = {
    gateway: 'gateway',
    worker: 'worker',
    emulator: 'tg-emulator (Telegram stand-in)',
    sim: 'llm-sim (LLM stand-in)',
    rawHttp: 'raw node:http server',
    inlineBot: 'inline bot',
  };
  for (const [key, path] of Object.entries(SCRIPTS)) {
    if (cmdline.includes(path)) return names[key as keyof typeof SCRIPTS];
  }
  return undefined;
}

/** CPU seconds of every labelled child of this process, plus this process itself. */
export function sampleCpu(): CpuSample {
  const seconds = new Map<string, number>();
  const self = process.cpuUsage();
  seconds.set(SELF, (self.user + self.system) / 1e6);
  if (process.platform !== 'linux') return { at: Date.now(), seconds };
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { at: Date.now(), seconds };
  }
  const machine = machineBusySeconds();
  const parent = process.pid;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    if (Number(fields[1]) !== parent) continue;
    const label = labelOf(pid, comm);
    if (!label) continue;
    const ticks = Number(fields[11]) + Number(fields[12]);
    seconds.set(label, (seconds.get(label) ?? 0) + ticks / clockTicks());
  }
  return { at: Date.now(), seconds, machine };
}

/** Busy time of all cores (everything but idle and iowait) from the first line of /proc/stat. */
function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((a, b) => a + (b ?? 0), 0);
    return Number.isFinite(busy) ? busy / clockTicks() : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds each process used between two samples, busiest first. */
export function cpuBetween(before: CpuSample, after: CpuSample): CpuRow[] {
  const rows = [...after.seconds]
    .map(([label, s]) => ({ label, cpuSeconds: Math.max(0, s - (before.seconds.get(label) ?? 0)) }))
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  if (before.machine !== undefined && after.machine !== undefined) {
    // Other engineers' jobs, the kernel's network work not billed to a process, etc.
    const ours = rows.reduce((a, r) => a + r.cpuSeconds, 0);
    rows.push({ label: OTHERS, cpuSeconds: Math.max(0, after.machine - before.machine - ours) });
  }
  return rows;
}

/** The report's table: CPU seconds per 1,000 messages and share of the machine's cores. */
export function cpuTable(
  rows: CpuRow[],
  messages: number,
  elapsedMs: number,
): { columns: string[]; rows: string[][] } {
  const cores = availableParallelism();
  const wall = Math.max(0.001, elapsedMs / 1000);
  const total = rows.reduce((a, r) => a + r.cpuSeconds, 0);
  const totalLabel = rows.some((r) => r.label === OTHERS) ? '**whole machine**' : '**all of the above**';
  const line = (label: string, s: number) => [
    label,
    fmt(s),
    fmt((s * 1000) / Math.max(1, messages)),
    `${fmt((100 * s) / wall, 0)} %`,
    `${fmt((100 * s) / (wall * cores), 0)} %`,
  ];
  return {
    columns: [
      'process',
      'CPU s',
      'CPU s per 1,000 msg',
      '% of one core',
      `% of the machine (${cores} cores)`,
    ],
    rows: [...rows.map((r) => line(r.label, r.cpuSeconds)), line(totalLabel, total)],
  };
}
