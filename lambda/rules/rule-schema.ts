import * as z from 'zod';
import { isRecord } from '../is-record.js';
import { type Condition, conditionDepth, conditionSchema, expecting } from './condition-schema.js';
import { RULE_LIMITS } from './limits.js';
import type { ForwardMode } from './plan.js';
import { templateProblems } from './template.js';

/**
 * Rules as the config file writes them:
 *
 *   - name: boss to phone
 *     when: { from: "*@boss.example" }
 *     then: [ { forward: { to: [me@phone.example], as: attachment } }, stop ]
 *
 * Parsed into a normalized shape (every pattern a list, every action a `kind`), so the evaluator
 * never meets a shorthand.
 */
export const SIMPLE_ACTIONS = [
  'stop',
  'discard',
  'vacation',
  'keepOnServer',
  'deleteFromServer',
] as const;
export type SimpleActionKind = (typeof SIMPLE_ACTIONS)[number];

export const FORWARD_MODES = [
  'attachment',
  'inline',
  'redirect',
] as const satisfies readonly ForwardMode[];

export type RuleAction =
  | { readonly kind: 'forward'; readonly to: readonly string[]; readonly as: ForwardMode }
  | { readonly kind: 'reply'; readonly subject: string | null; readonly body: string }
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: SimpleActionKind };

type Ctx = z.core.$RefinementCtx;

const address = z.email({ error: 'expected an e-mail address like you@example.com' });

const recipients = z
  .union([address.transform((one) => [one]), z.array(address)], {
    error: 'expected an e-mail address or a list of them',
  })
  .superRefine((list, ctx) => {
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'name at least one recipient' });
    if (list.length > RULE_LIMITS.maxForwardRecipients) {
      ctx.addIssue({
        code: 'custom',
        message: `at most ${RULE_LIMITS.maxForwardRecipients} recipients per forward`,
      });
    }
  });

const forwardSchema = z.strictObject(
  {
    to: recipients,
    as: z
      .enum(FORWARD_MODES, { error: `expected one of: ${FORWARD_MODES.join(', ')}` })
      .default('attachment'),
  },
  { error: 'expected { to: [ADDRESS, …], as: attachment | inline | redirect }' },
);

const template = (what: string, max: number) =>
  z
    .string({ error: expecting(`the ${what} text`) })
    .min(1, { error: `the ${what} must not be empty` })
    .max(max, { error: `the ${what} must be at most ${max} characters` })
    .superRefine((text, ctx) => {
      for (const message of templateProblems(text)) ctx.addIssue({ code: 'custom', message });
    });

const replySchema = z.strictObject(
  {
    subject: template('subject', RULE_LIMITS.maxNameLength * 2)
      .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), {
        error: 'the subject must be one line without control characters',
      })
      .optional(),
    body: template('body', RULE_LIMITS.maxTemplateLength),
  },
  { error: 'expected { subject: TEXT, body: TEXT }' },
);

const tagName = z
  .string({ error: expecting('a tag name') })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.:/=+-]*$/u, {
    error: 'expected a tag of letters, digits, spaces and _ . : / = + -',
  })
  .max(RULE_LIMITS.maxNameLength, { error: `at most ${RULE_LIMITS.maxNameLength} characters` });

const actionObject = z.strictObject(
  { forward: forwardSchema.optional(), reply: replySchema.optional(), tag: tagName.optional() },
  { error: 'expected an action' },
);

const ACTION_HINT = `expected an action: ${SIMPLE_ACTIONS.join(', ')}, { forward: … }, { reply: … } or { tag: NAME }`;

const isSimple = (value: string): value is SimpleActionKind =>
  (SIMPLE_ACTIONS as readonly string[]).includes(value);

const parseAction = (value: unknown, ctx: Ctx): RuleAction | undefined => {
  if (typeof value === 'string') {
    if (isSimple(value)) return { kind: value };
    ctx.addIssue({
      code: 'custom',
      message: `unknown action ${JSON.stringify(value)}; ${ACTION_HINT}`,
    });
    return undefined;
  }
  if (!isRecord(value)) {
    ctx.addIssue({ code: 'custom', message: ACTION_HINT });
    return undefined;
  }
  const keys = Object.keys(value);
  const simple = keys.find(isSimple);
  if (simple) {
    ctx.addIssue({
      code: 'custom',
      message: `write ${simple} as a plain word: then: [ ${simple} ]`,
    });
    return undefined;
  }
  const result = actionObject.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<Ctx['addIssue']>[0]);
    return undefined;
  }
  if (keys.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `one action per list item (got ${keys.join(', ') || 'none'}); ${ACTION_HINT}`,
    });
    return undefined;
  }
  const { forward, reply, tag } = result.data;
  if (forward) return { kind: 'forward', to: forward.to, as: forward.as };
  if (reply) return { kind: 'reply', subject: reply.subject ?? null, body: reply.body };
  return { kind: 'tag', name: tag ?? '' };
};

const actionSchema = z.unknown().transform((value, ctx) => parseAction(value, ctx) ?? z.NEVER);

const ruleName = z
  .string({ error: expecting('a rule name') })
  .trim()
  .min(1, { error: 'the rule name must not be empty' })
  .max(RULE_LIMITS.maxNameLength, { error: `at most ${RULE_LIMITS.maxNameLength} characters` })
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), {
    error: 'the rule name must not contain control characters',
  });

const SENDS = new Set<RuleAction['kind']>(['forward', 'reply', 'vacation']);

/** forward, reply and vacation go out over SMTP. */
export const isSendAction = (action: RuleAction): boolean => SENDS.has(action.kind);

/** Combinations that can never do what the owner meant. */
const actionListIssues = (actions: readonly RuleAction[], ctx: Ctx): void => {
  const stopAt = actions.findIndex((action) => action.kind === 'stop');
  if (stopAt >= 0 && stopAt < actions.length - 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['then', stopAt + 1],
      message: 'comes after stop and would never run; put stop last',
    });
  }
  const kinds = new Set(actions.map((action) => action.kind));
  if (kinds.has('discard') && [...kinds].some((kind) => SENDS.has(kind))) {
    ctx.addIssue({
      code: 'custom',
      path: ['then'],
      message:
        'discard cancels every forward and reply, so this rule would send nothing; remove one',
    });
  }
  if (kinds.has('keepOnServer') && kinds.has('deleteFromServer')) {
    ctx.addIssue({
      code: 'custom',
      path: ['then'],
      message: 'keepOnServer and deleteFromServer contradict each other; keep one',
    });
  }
};

const ruleSchema = z
  .strictObject(
    {
      name: ruleName,
      enabled: z.boolean({ error: 'expected true or false' }).default(true),
      when: conditionSchema.optional(),
      // biome-ignore lint/suspicious/noThenProperty: the config file's own words are when/then
      then: z
        .array(actionSchema, {
          error:
            'expected a list of actions, e.g. [ { forward: { to: [you@example.com] } }, stop ]',
        })
        .min(1, { error: 'add at least one action' }),
    },
    { error: 'expected a rule: { name, when, then }' },
  )
  .superRefine((rule, ctx) => {
    if (rule.when && conditionDepth(rule.when) > RULE_LIMITS.maxConditionDepth) {
      ctx.addIssue({
        code: 'custom',
        path: ['when'],
        message: `all/any/not nest at most ${RULE_LIMITS.maxConditionDepth} levels deep`,
      });
    }
    actionListIssues(rule.then, ctx);
  })
  .transform(
    (rule): RuleConfig => ({
      name: rule.name,
      enabled: rule.enabled,
      when: rule.when ?? null,
      actions: rule.then,
    }),
  );

export interface RuleConfig {
  readonly name: string;
  /** A disabled rule is kept in the file but never evaluated. */
  readonly enabled: boolean;
  /** null matches every message. */
  readonly when: Condition | null;
  /** The rule's `then:` list. */
  readonly actions: readonly RuleAction[];
}

export const rulesSchema = z
  .array(ruleSchema, { error: 'expected a list of rules' })
  .superRefine((rules, ctx) => {
    const seen = new Map<string, number>();
    rules.forEach((rule, index) => {
      const key = rule.name.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `rules[${first}] already has this name; rule names must be unique`,
        });
      }
    });
  });
