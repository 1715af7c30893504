import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { chartDir } from '../paths';
import { scenarios } from './scenarios';

const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
const defaults = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));

/** Values as Helm sees them: the defaults with a values file merged over them. */
function merged(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = merged(base[k], v);
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const errorsOf = (values: unknown) =>
  validate(values)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);

describe('values.schema.json', () => {
  it.each(scenarios().map((s) => [s.name, s.valueFiles] as const))('accepts %s', (_name, files) => {
    const values = files.reduce((acc, f) => merged(acc, parse(readFileSync(f, 'utf8'))), defaults as unknown);
    expect(errorsOf(values)).toEqual([]);
  });

  it.each([
    ['a misspelt value', { gateway: { replica: 3 } }, /must NOT have additional properties/],
    [
      'an unknown environment variable',
      { worker: { config: { WORKER_CONCURENCY: 8 } } },
      /property name must be valid.*WORKER_CONCURENCY/,
    ],
    [
      'a variable the chart manages itself',
      { gateway: { config: { PORT: 9000 } } },
      /property name must be valid.*PORT/,
    ],
    ['a malformed bot token', { secrets: { telegramBotToken: 'nope' } }, /must match pattern/],
    ['a worker that can scale to zero', { worker: { autoscaling: { minReplicas: 0 } } }, /must be >= 1/],
    [
      'an unknown gateway metric',
      { gateway: { autoscaling: { metric: 'memory' } } },
      /must be equal to one of the allowed values/,
    ],
    [
      'an object as an environment value',
      { config: { LOG_LEVEL: { level: 'info' } } },
      /must be string,number,boolean/,
    ],
  ])('rejects %s', (_case, override, message) => {
    const errors = errorsOf(merged(defaults, override));
    expect(errors.join('\n')).toMatch(message);
  });

  it('documents every value of values.yaml with a comment', () => {
    // A value is documented by the `# --` comment right above it, or, inside a block documented
    // as a whole (podSecurityContext, behavior, …), by the comment above an enclosing key.
    const lines = readFileSync(join(chartDir, 'values.yaml'), 'utf8').split('\n');
    const indentOf = (line: string) => line.match(/^\s*/)?.[0].length ?? 0;
    const documented = (i: number) => /^\s*# --/.test(lines[i - 1] ?? '');
    const undocumented: string[] = [];
    lines.forEach((line, i) => {
      if (!/^\s*[A-Za-z_][A-Za-z0-9_]*:\s*\S/.test(line)) return; // leaf keys only
      if (documented(i)) return;
      let indent = indentOf(line);
      for (let j = i - 1; j >= 0 && indent > 0; j--) {
        const prev = lines[j] ?? '';
        if (!/^\s*[A-Za-z_][A-Za-z0-9_]*:\s*$/.test(prev) || indentOf(prev) >= indent) continue;
        if (documented(j)) return;
        indent = indentOf(prev);
      }
      undocumented.push(`${i + 1}: ${line.trim()}`);
    });
    expect(undocumented).toEqual([]);
  });
});
