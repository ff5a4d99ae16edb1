import * as z from 'zod';
import { isRecord } from '../is-record.js';
import { sizeSchema } from '../unit-schemas.js';
import { RULE_LIMITS } from './limits.js';
import { regexProblem, type TextMatcher } from './pattern.js';

/**
 * The `when:` part of a rule. Several keys in one object must all match (like Gmail's criteria);
 * `any`, `all` and `not` compose. Strings are globs; objects pick the match type.
 */
export interface HeaderTest {
  /** Lower-case field name. */
  readonly name: string;
  readonly value?: readonly TextMatcher[];
  readonly exists?: boolean;
}

export interface SizeTest {
  readonly over?: number;
  readonly under?: number;
}

export interface Condition {
  readonly from?: readonly TextMatcher[];
  readonly to?: readonly TextMatcher[];
  readonly cc?: readonly TextMatcher[];
  readonly subject?: readonly TextMatcher[];
  readonly body?: readonly TextMatcher[];
  readonly header?: HeaderTest;
  readonly size?: SizeTest;
  readonly hasAttachment?: boolean;
  readonly isList?: boolean;
  readonly isAutoReply?: boolean;
  readonly sentToMe?: boolean;
  readonly all?: readonly Condition[];
  readonly any?: readonly Condition[];
  readonly not?: Condition;
}

export const CONDITION_KEYS = [
  'from',
  'to',
  'cc',
  'subject',
  'header',
  'body',
  'size',
  'hasAttachment',
  'isList',
  'isAutoReply',
  'sentToMe',
  'all',
  'any',
  'not',
] as const satisfies readonly (keyof Condition)[];

type Ctx = z.core.$RefinementCtx;

/** A type error that says "required" when the field is missing, as the config's other errors do. */
export const expecting =
  (what: string) =>
  (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? `required: ${what}` : `expected ${what}`;

/** Parses with `schema` and re-reports its issues under `path`: a hand-made union whose errors keep their place. */
const parseInto = <T>(
  schema: z.ZodType<T>,
  value: unknown,
  ctx: Ctx,
  path: readonly PropertyKey[],
): T | undefined => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    ctx.addIssue({ ...issue, path: [...path, ...issue.path] } as Parameters<Ctx['addIssue']>[0]);
  }
  return undefined;
};

const patternText = z
  .string()
  .min(1, { error: 'the pattern must not be empty' })
  .max(RULE_LIMITS.maxPatternLength, {
    error: `the pattern must be at most ${RULE_LIMITS.maxPatternLength} characters`,
  });

const MATCHER_HINT =
  'expected a pattern: a glob like "*@example.com", or one of { is: … }, { contains: … }, { glob: … }, { regex: …, flags: i }';

const matcherObject = z
  .strictObject({
    is: patternText.optional(),
    contains: patternText.optional(),
    glob: patternText.optional(),
    regex: patternText.optional(),
    flags: z.string().optional(),
  })
  .superRefine((matcher, ctx) => {
    const types = (['is', 'contains', 'glob', 'regex'] as const).filter(
      (type) => matcher[type] !== undefined,
    );
    if (types.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `use exactly one of is, contains, glob or regex${types.length ? ` (got ${types.join(' and ')})` : ''}`,
      });
      return;
    }
    if (matcher.flags !== undefined && matcher.regex === undefined) {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'flags go with regex only' });
    }
    if (matcher.regex !== undefined) {
      const problem = regexProblem(matcher.regex, matcher.flags ?? 'i');
      if (problem) ctx.addIssue({ code: 'custom', path: ['regex'], message: problem });
    }
  })
  .transform((matcher): TextMatcher => {
    if (matcher.is !== undefined) return { is: matcher.is };
    if (matcher.contains !== undefined) return { contains: matcher.contains };
    if (matcher.glob !== undefined) return { glob: matcher.glob };
    return { regex: matcher.regex ?? '', flags: matcher.flags ?? 'i' };
  });

const parseMatcher = (value: unknown, ctx: Ctx, path: readonly PropertyKey[]) => {
  if (typeof value === 'string') {
    const glob = parseInto(patternText, value, ctx, path);
    return glob === undefined ? undefined : { glob };
  }
  if (isRecord(value)) {
    return parseInto(matcherObject, value, ctx, path);
  }
  ctx.addIssue({ code: 'custom', path: [...path], message: MATCHER_HINT });
  return undefined;
};

/** One pattern or a list of them (any may match); always a list afterwards. */
export const matchersSchema = z.unknown().transform((value, ctx): TextMatcher[] => {
  if (!Array.isArray(value)) {
    const one = parseMatcher(value, ctx, []);
    return one ? [one] : z.NEVER;
  }
  if (value.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'the list of patterns must not be empty' });
    return z.NEVER;
  }
  const list = value.map((item, index) => parseMatcher(item, ctx, [index]));
  return list.every((item) => item !== undefined) ? list : z.NEVER;
});

const headerName = z
  .string({ error: expecting('a header name like List-Id') })
  .regex(/^[!-9;-~]{1,76}$/, {
    error: 'expected a header name like List-Id (printable characters, no colon or spaces)',
  })
  .transform((name) => name.toLowerCase());

const headerTestSchema = z
  .strictObject(
    {
      name: headerName,
      value: matchersSchema.optional(),
      exists: z.boolean({ error: 'expected true or false' }).optional(),
    },
    { error: 'expected { name: HEADER, value: PATTERN } or { name: HEADER, exists: true }' },
  )
  .superRefine((test, ctx) => {
    if ((test.value === undefined) === (test.exists === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either value or exists (not both)' });
    }
  })
  .transform((test): HeaderTest => test);

const sizeTestSchema = z
  .strictObject(
    { over: sizeSchema.optional(), under: sizeSchema.optional() },
    { error: 'expected { over: "5MB" } and/or { under: "100KB" }' },
  )
  .superRefine((size, ctx) => {
    if (size.over === undefined && size.under === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give over, under or both' });
    } else if (size.over !== undefined && size.under !== undefined && size.over >= size.under) {
      ctx.addIssue({
        code: 'custom',
        path: ['under'],
        message: 'must be larger than over (no message is both)',
      });
    }
  })
  .transform((size): SizeTest => size);

const flag = z.boolean({ error: 'expected true or false' });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject(
      {
        from: matchersSchema.optional(),
        to: matchersSchema.optional(),
        cc: matchersSchema.optional(),
        subject: matchersSchema.optional(),
        body: matchersSchema.optional(),
        header: headerTestSchema.optional(),
        size: sizeTestSchema.optional(),
        hasAttachment: flag.optional(),
        isList: flag.optional(),
        isAutoReply: flag.optional(),
        sentToMe: flag.optional(),
        all: conditionListSchema.optional(),
        any: conditionListSchema.optional(),
        not: conditionSchema.optional(),
      },
      {
        error: `expected conditions like { from: "*@example.com" } (keys: ${CONDITION_KEYS.join(', ')})`,
      },
    )
    .superRefine((condition, ctx) => {
      // An unknown key already says what is wrong; "add a condition" would only repeat it.
      if (ctx.issues.length > 0) return;
      if (!CONDITION_KEYS.some((key) => condition[key] !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `add at least one condition (${CONDITION_KEYS.join(', ')}), or leave out when: to match every message`,
        });
      }
    })
    .transform((condition): Condition => condition),
);

const conditionListSchema = z
  .array(conditionSchema, { error: 'expected a list of conditions' })
  .min(1, { error: 'the list of conditions must not be empty' });

/** How deeply all/any/not nest; refused past RULE_LIMITS.maxConditionDepth. */
export const conditionDepth = (condition: Condition): number =>
  1 +
  Math.max(
    0,
    ...[
      ...(condition.all ?? []),
      ...(condition.any ?? []),
      ...(condition.not ? [condition.not] : []),
    ].map(conditionDepth),
  );

/** Whether the condition reads the body (body text or attachments). */
export const conditionNeedsBody = (condition: Condition): boolean =>
  condition.body !== undefined ||
  condition.hasAttachment !== undefined ||
  [
    ...(condition.all ?? []),
    ...(condition.any ?? []),
    ...(condition.not ? [condition.not] : []),
  ].some(conditionNeedsBody);
