/**
 * A plain object (a YAML mapping, a JSON object, a CloudFormation intrinsic): not null, not an
 * array. The config and the templates are read as `unknown` first, and this is how a reader looks
 * inside one before the schema has said what it is.
 */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
