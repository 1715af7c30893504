import { z } from 'zod';

/**
 * Building blocks for environment schemas. Empty strings count as unset, because Helm and
 * docker-compose render an unset value as "" and a blank variable must fall back to its default.
 */

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const envString = (description: string) =>
  z.preprocess(blankToUndefined, z.string({ error: description }));

export const envOptionalString = () => z.preprocess(blankToUndefined, z.string().optional());

export const envInt = (description: string, { min, max }: { min?: number; max?: number } = {}) =>
  z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    },
    z
      .number({ error: description })
      .int({ error: description })
      .min(min ?? Number.MIN_SAFE_INTEGER, { error: description })
      .max(max ?? Number.MAX_SAFE_INTEGER, { error: description }),
  );

export const envNumber = (description: string, { min, max }: { min?: number; max?: number } = {}) =>
  z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? Number(value)
        : value;
    },
    z
      .number({ error: description })
      .min(min ?? -Number.MAX_VALUE, { error: description })
      .max(max ?? Number.MAX_VALUE, { error: description }),
  );

export const envBoolean = (description: string) =>
  z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      if (typeof value !== 'string') return value;
      const lowered = value.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lowered)) return true;
      if (['0', 'false', 'no', 'off'].includes(lowered)) return false;
      return value;
    },
    z.boolean({ error: description }),
  );

export const envUrl = (description: string, protocols: string[]) =>
  z.preprocess(
    blankToUndefined,
    z.string({ error: description }).refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, description),
  );

export const envEnum = <const T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === 'string' ? value.trim().toLowerCase() : value;
    },
    z.enum(values, { error: description }),
  );

/** Drops blank variables so that schema defaults apply to them (see the note at the top). */
export function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') out[name] = value;
  }
  return out;
}
