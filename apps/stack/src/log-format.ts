/**
 * Compact, human-readable rendering of the children's pino JSON lines (and of the in-process
 * stand-ins' log calls), so that the combined output of the stack stays readable in a
 * terminal without pulling in pino-pretty.
 */

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

// pino's own fields (and the service name, already in the line prefix) say nothing new.
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'service', 'msg', 'v']);
const MAX_FIELDS = 6;
const MAX_VALUE_CHARS = 80;

const ANSI = { reset: '\x1b[0m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', magenta: '\x1b[35m' };

export interface LogRecord {
  level: number;
  msg: string;
  /** Epoch ms or an ISO string; now when absent. */
  time?: number | string;
  fields?: Record<string, unknown>;
}

/** Renders one output line of a child: pino JSON becomes `time LEVEL msg k=v ...`, anything else stays. */
export function formatLogLine(line: string, color = false): string {
  const record = parsePinoLine(line);
  return record ? formatRecord(record, color) : line;
}

export function parsePinoLine(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const object = parsed as Record<string, unknown>;
  if (typeof object.level !== 'number') return undefined;
  const time = typeof object.time === 'number' || typeof object.time === 'string' ? object.time : undefined;
  return {
    level: object.level,
    msg: typeof object.msg === 'string' ? object.msg : '',
    time,
    fields: object,
  };
}

export function formatRecord(record: LogRecord, color = false): string {
  const label = (LEVELS[record.level] ?? `L${record.level}`).padEnd(5);
  const fields = Object.entries(record.fields ?? {})
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .slice(0, MAX_FIELDS)
    .map(([key, value]) => `${key}=${formatValue(key, value)}`);
  const rest = fields.length ? ` ${fields.join(' ')}` : '';
  if (!color) return `${clock(record.time)} ${label} ${record.msg}${rest}`;
  const levelColor =
    record.level >= 50 ? ANSI.red : record.level >= 40 ? ANSI.yellow : record.level < 30 ? ANSI.dim : '';
  const coloredLabel = levelColor ? `${levelColor}${label}${ANSI.reset}` : label;
  const coloredRest = rest ? `${ANSI.dim}${rest}${ANSI.reset}` : '';
  return `${ANSI.dim}${clock(record.time)}${ANSI.reset} ${coloredLabel} ${record.msg}${coloredRest}`;
}

/** Wraps text in a color that tells the children's prefixes apart (cycling through a few). */
export function colorPrefix(prefix: string, index: number): string {
  const palette = ['\x1b[36m', '\x1b[32m', '\x1b[35m', '\x1b[34m', '\x1b[33m'];
  return `${palette[index % palette.length]}${prefix}${ANSI.reset}`;
}

export const highlight = (text: string, color: boolean): string =>
  color ? `${ANSI.magenta}${text}${ANSI.reset}` : text;

function formatValue(key: string, value: unknown): string {
  if (key === 'err' && typeof value === 'object' && value !== null) {
    // pino serializes errors with `type`; an Error passed in-process has a `name`.
    const err = value as { type?: unknown; name?: unknown; message?: unknown };
    const type = typeof err.type === 'string' ? err.type : typeof err.name === 'string' ? err.name : 'Error';
    return quoteIfNeeded(truncate(`${type}: ${String(err.message ?? '')}`));
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return quoteIfNeeded(truncate(text ?? String(value)));
}

function truncate(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function quoteIfNeeded(text: string): string {
  return /[\s"]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/** Local wall-clock time with milliseconds: the date is the same for every line of a session. */
function clock(time: number | string | undefined): string {
  const date = time === undefined ? new Date() : new Date(time);
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(valid.getHours())}:${pad(valid.getMinutes())}:${pad(valid.getSeconds())}.${pad(valid.getMilliseconds(), 3)}`;
}
