/** A Dockerfile read into the parts the offline checks look at. */
export interface Stage {
  from: string;
  name?: string;
  instructions: Array<{ op: string; args: string }>;
}

export interface Dockerfile {
  args: Record<string, string>;
  stages: Stage[];
}

/** Parses instructions (with `\` continuations), global ARG defaults and stages. */
export function parseDockerfile(text: string): Dockerfile {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { op: op.toUpperCase(), args: rest };
    if (instruction.op === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({ from: substitute(from, args), name, instructions: [] });
      continue;
    }
    if (instruction.op === 'ARG' && stages.length === 0) {
      const [, key = '', value = ''] = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(rest) ?? [];
      args[key] = value;
    }
    stages.at(-1)?.instructions.push(instruction);
  }
  return { args, stages };
}

const substitute = (s: string, args: Record<string, string>) =>
  s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, k: string) => args[k] ?? `\${${k}}`);

/** The JSON-array form of CMD/ENTRYPOINT, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
