import type * as z from 'zod';

type Schema = z.core.$ZodType;
type PathSegment = PropertyKey;

/** Wrappers whose inner schema is what the user writes. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch']);

/** The concrete schemas a value at this point may take: wrappers, pipes, unions and lazies opened. */
const alternatives = (schema: Schema, depth = 0): Schema[] => {
  if (depth > 20) return [];
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (WRAPPERS.has(def.type)) return alternatives(def.innerType as Schema, depth + 1);
  // A pipe's input side is what the file contains; the output side is what popfwd makes of it.
  if (def.type === 'pipe') return alternatives(def.in as Schema, depth + 1);
  if (def.type === 'lazy') return alternatives((def.getter as () => Schema)(), depth + 1);
  if (def.type === 'union') {
    return (def.options as Schema[]).flatMap((option) => alternatives(option, depth + 1));
  }
  return [schema];
};

const step = (schema: Schema, segment: PathSegment): Schema | undefined => {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'object' && typeof segment === 'string') {
    return (def.shape as Record<string, Schema>)[segment];
  }
  if (def.type === 'array' && typeof segment === 'number') return def.element as Schema;
  return undefined;
};

/**
 * The field names the schema accepts at `path` (`['mailbox', 'pop3']` → host, port, security, …),
 * for "did you mean". Empty where the schema does not say (a value parsed by hand).
 */
export const knownKeys = (schema: Schema, path: readonly PathSegment[]): string[] => {
  let current = alternatives(schema);
  for (const segment of path) {
    current = current.flatMap((option) => {
      const next = step(option, segment);
      return next ? alternatives(next) : [];
    });
  }
  const keys = current.flatMap((option) => {
    const def = option._zod.def as unknown as { type: string; shape?: Record<string, Schema> };
    return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
};
