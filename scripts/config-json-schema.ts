/**
 * The config file's JSON Schema, for editors (YAML language server, VS Code): completion, hover
 * text and red squiggles while typing. Generated from the zod schema that `popfwd` validates
 * with; the few parts zod parses by hand (patterns, actions, sizes, dates, presets) are described
 * here. The schema accepts what popfwd accepts as far as JSON Schema can say it; popfwd itself
 * checks the rest (regex syntax, cross-field rules) and names the field.
 */
import * as z from 'zod';
import { configSchema } from '../lambda/config/config-schema.js';
import { conditionSchema, matchersSchema } from '../lambda/rules/condition-schema.js';
import { RULE_LIMITS } from '../lambda/rules/limits.js';
import { FORWARD_MODES, SIMPLE_ACTIONS } from '../lambda/rules/rule-schema.js';
import { durationSchema, sizeSchema } from '../lambda/unit-schemas.js';

type JsonSchema = z.core.JSONSchema.BaseSchema;

/** What units.ts parses: 5242880, "5MB", "512 KiB", "2g" (case-insensitive). */
export const SIZE_PATTERN = '^\\s*\\d+(?:\\.\\d+)?\\s*(?:[bB]|[kKmMgG](?:[iI]?[bB])?)?\\s*$';
/** What units.ts parses: "90s", "5m", "1h30m", "250ms", "2d" (case-insensitive). */
export const DURATION_PATTERN = '^\\s*(?:\\d+(?:[mM][sS]|[sSmMhHdD]))+\\s*$';

const size: JsonSchema = {
  description: 'A size in bytes: 5242880, "25MB", "512KiB", "2GiB".',
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: SIZE_PATTERN },
  ],
};

const duration: JsonSchema = {
  description: 'A duration: milliseconds, or "90s", "5m", "1h30m".',
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: DURATION_PATTERN },
  ],
};

const patternText: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: RULE_LIMITS.maxPatternLength,
};

const matcherObject: JsonSchema = {
  type: 'object',
  properties: {
    is: { ...patternText, description: 'The whole value, ignoring case.' },
    contains: { ...patternText, description: 'A part of the value, ignoring case.' },
    glob: { ...patternText, description: '* and ? wildcards, ignoring case.' },
    regex: { ...patternText, description: 'A JavaScript regular expression.' },
    flags: { type: 'string', description: 'Regex flags (default: i).' },
  },
  additionalProperties: false,
  oneOf: [
    { required: ['is'] },
    { required: ['contains'] },
    { required: ['glob'] },
    { required: ['regex'] },
  ],
};

const pattern: JsonSchema = {
  anyOf: [{ ...patternText, description: 'A glob like "*@example.com".' }, matcherObject],
};

const matchers: JsonSchema = {
  description:
    'A glob like "*@example.com", { is | contains | glob | regex: … }, or a list of them (any may match).',
  anyOf: [pattern, { type: 'array', items: pattern, minItems: 1 }],
};

const address: JsonSchema = { type: 'string', format: 'email' };

const action: JsonSchema = {
  description: `An action: ${SIMPLE_ACTIONS.join(', ')}, { forward: … }, { reply: … } or { tag: NAME }.`,
  anyOf: [
    { type: 'string', enum: [...SIMPLE_ACTIONS] },
    {
      type: 'object',
      properties: {
        forward: {
          type: 'object',
          properties: {
            to: {
              anyOf: [
                address,
                {
                  type: 'array',
                  items: address,
                  minItems: 1,
                  maxItems: RULE_LIMITS.maxForwardRecipients,
                },
              ],
            },
            as: { type: 'string', enum: [...FORWARD_MODES], default: 'attachment' },
          },
          required: ['to'],
          additionalProperties: false,
        },
      },
      required: ['forward'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        reply: {
          type: 'object',
          properties: {
            subject: { type: 'string', minLength: 1 },
            body: { type: 'string', minLength: 1, maxLength: RULE_LIMITS.maxTemplateLength },
          },
          required: ['body'],
          additionalProperties: false,
        },
      },
      required: ['reply'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { tag: { type: 'string', minLength: 1, maxLength: RULE_LIMITS.maxNameLength } },
      required: ['tag'],
      additionalProperties: false,
    },
  ],
};

const date: JsonSchema = {
  type: 'string',
  description: 'A date like 2026-12-31, or an ISO timestamp.',
};

const isUnionWithDate = (schema: z.core.$ZodType): boolean => {
  const def = schema._zod.def;
  return (
    def.type === 'union' &&
    (def as z.core.$ZodUnionDef).options.some((option) => option._zod.def.type === 'date')
  );
};

const replace = (target: JsonSchema, by: JsonSchema): void => {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, by);
};

/**
 * A preset fills in pop3, smtp and auth.method: with one, those may be left out; without one,
 * pop3 and auth.method are required.
 */
const allowPresets = (root: JsonSchema): void => {
  const mailbox = root.properties?.mailbox as JsonSchema;
  mailbox.required = (mailbox.required ?? []).filter((field) => field !== 'pop3');
  const auth = mailbox.properties?.auth as JsonSchema;
  for (const method of auth.oneOf ?? []) {
    const branch = method as JsonSchema;
    branch.required = (branch.required ?? []).filter((field) => field !== 'method');
  }
  mailbox.if = { required: ['preset'] };
  mailbox.else = { required: ['pop3'], properties: { auth: { required: ['method'] } } };
};

/** The JSON Schema of a config file, as `npm run schema` writes it. */
export const configJsonSchema = (): JsonSchema => {
  const metadata = z.registry<{ id?: string; description?: string }>();
  metadata.add(conditionSchema, {
    id: 'condition',
    description:
      'Conditions; several keys must all match. Keys: from, to, cc, subject, body, header, size, hasAttachment, isList, isAutoReply, sentToMe, all, any, not.',
  });
  metadata.add(matchersSchema, { id: 'patterns' });
  metadata.add(sizeSchema, { id: 'size' });
  metadata.add(durationSchema, { id: 'duration' });
  const schema = z.toJSONSchema(configSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    metadata,
    override: ({ zodSchema, jsonSchema, path }) => {
      if (zodSchema === matchersSchema) replace(jsonSchema, matchers);
      else if (zodSchema === sizeSchema) replace(jsonSchema, size);
      else if (zodSchema === durationSchema) replace(jsonSchema, duration);
      else if (isUnionWithDate(zodSchema)) replace(jsonSchema, date);
      else if (path.join('/') === 'properties/rules/items/properties/then/items')
        replace(jsonSchema, action);
    },
  });
  allowPresets(schema);
  return {
    $schema: schema.$schema,
    title: 'popfwd configuration',
    description:
      'The popfwd config file (YAML or JSON). Secrets are references ({ env }, { file }, { ssm }), never values. popfwd config check --config FILE checks everything this schema cannot.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
};

/** The file's exact text: two-space JSON and a final newline, so a stale copy is a byte diff. */
export const formatJsonSchema = (schema: JsonSchema): string =>
  `${JSON.stringify(schema, null, 2)}\n`;
