import { formatRecord } from './log-format';

/** Where the stack writes: the terminal in main.ts, an array in tests. */
export interface StackOutput {
  /** Writes one line, without its trailing newline. */
  write(line: string): void;
  /** ANSI colors for a terminal; plain text for files, pipes and tests. */
  color: boolean;
}

/** Width of the `[name]` column, so that the output of every process lines up. */
export const PREFIX_WIDTH = '[worker-10]'.length;

export function prefixed(name: string): string {
  return `[${name}]`.padEnd(PREFIX_WIDTH);
}

/** The stack's own messages, in the same column layout as the children's. */
export function say(out: StackOutput, text: string): void {
  out.write(`${prefixed('stack')} ${text}`);
}

type LogMethod = (...args: unknown[]) => void;

/**
 * A logger for the in-process stand-ins. The emulator logs pino-style `(fields, msg)` and the
 * simulator `(msg, ...rest)`; both end up as lines like the children's.
 */
export function componentLogger(
  out: StackOutput,
  name: string,
): { info: LogMethod; warn: LogMethod; error: LogMethod } {
  const at =
    (level: number): LogMethod =>
    (...args) => {
      const msg = args.find((a): a is string => typeof a === 'string') ?? '';
      const fields: Record<string, unknown> = {};
      for (const arg of args) {
        if (arg instanceof Error) fields.err = { type: arg.name, message: arg.message };
        else if (typeof arg === 'object' && arg !== null) Object.assign(fields, arg);
      }
      out.write(`${prefixed(name)} ${formatRecord({ level, msg, fields }, out.color)}`);
    };
  return { info: at(30), warn: at(40), error: at(50) };
}
