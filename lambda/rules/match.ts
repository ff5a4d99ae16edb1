import type { BodyFacts, MailAddress, MessageMeta } from '../mail/message-meta.js';
import { type EvaluationBudget, evaluationBudget } from './budget.js';
import type { Condition, HeaderTest, SizeTest } from './condition-schema.js';
import { RULE_LIMITS } from './limits.js';
import { autoReplyReason, listReason } from './message-traits.js';
import { sentTo } from './owner.js';
import { type Matchable, matchable, matchesAny, type TextMatcher } from './pattern.js';

/**
 * One message as conditions see it. Lower-cased values are computed on first use and kept, so a
 * dozen rules on the same message lower-case its body once. Everything a pattern runs on is
 * capped: headers at RULE_LIMITS.maxHeaderMatchLength, the body by the body reader's limit and
 * again at RULE_LIMITS.maxBodyMatchLength.
 */
export interface MatchContext {
  readonly meta: MessageMeta;
  readonly body: BodyFacts | undefined;
  /** Address keys of the owner and aliases, for `sentToMe`. */
  readonly me: ReadonlySet<string>;
  /** Time left for this message's rules; spent, it fails the message. */
  readonly budget: EvaluationBudget;
  header(name: string): readonly Matchable[];
  subject(): Matchable;
  bodyText(): Matchable;
  addresses(field: 'from' | 'to' | 'cc'): readonly Matchable[];
}

const cap = (text: string): string =>
  text.length > RULE_LIMITS.maxHeaderMatchLength
    ? text.slice(0, RULE_LIMITS.maxHeaderMatchLength)
    : text;

const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

export const matchContext = (
  meta: MessageMeta,
  body: BodyFacts | undefined,
  me: ReadonlySet<string>,
  budget: EvaluationBudget = evaluationBudget(),
): MatchContext => {
  const headers = new Map<string, readonly Matchable[]>();
  const addressCache = new Map<string, readonly Matchable[]>();
  const toMatchables = (list: readonly MailAddress[]) =>
    list.filter((entry) => entry.address).map((entry) => matchable(cap(entry.address)));
  return {
    meta,
    body,
    me,
    budget,
    header: (name) => {
      let values = headers.get(name);
      if (!values) {
        values = meta.headers
          .filter((header) => header.name === name)
          .map((header) => matchable(cap(header.value)));
        headers.set(name, values);
      }
      return values;
    },
    subject: lazy(() => matchable(cap(meta.subject))),
    bodyText: lazy(() => matchable((body?.text ?? '').slice(0, RULE_LIMITS.maxBodyMatchLength))),
    addresses: (field) => {
      let values = addressCache.get(field);
      if (!values) {
        values = toMatchables(meta[field]);
        addressCache.set(field, values);
      }
      return values;
    },
  };
};

const anyMatches = (
  matchers: readonly TextMatcher[],
  values: readonly Matchable[],
  budget: EvaluationBudget,
): boolean => values.some((value) => matchesAny(matchers, value, budget));

const headerMatches = (test: HeaderTest, context: MatchContext): boolean => {
  const values = context.header(test.name);
  if (test.exists !== undefined) return values.length > 0 === test.exists;
  return test.value !== undefined && anyMatches(test.value, values, context.budget);
};

const sizeMatches = (test: SizeTest, size: number): boolean =>
  (test.over === undefined || size > test.over) && (test.under === undefined || size < test.under);

type Test = (condition: Condition, context: MatchContext) => boolean | undefined;

/** Each test answers undefined when its key is absent; cheap header tests come before the body. */
const TESTS: readonly Test[] = [
  (c, x) => (c.size ? sizeMatches(c.size, x.meta.size) : undefined),
  (c, x) => (c.from ? anyMatches(c.from, x.addresses('from'), x.budget) : undefined),
  (c, x) => (c.to ? anyMatches(c.to, x.addresses('to'), x.budget) : undefined),
  (c, x) => (c.cc ? anyMatches(c.cc, x.addresses('cc'), x.budget) : undefined),
  (c, x) => (c.subject ? matchesAny(c.subject, x.subject(), x.budget) : undefined),
  (c, x) => (c.header ? headerMatches(c.header, x) : undefined),
  (c, x) => (c.isList === undefined ? undefined : (listReason(x.meta) !== null) === c.isList),
  (c, x) =>
    c.isAutoReply === undefined ? undefined : (autoReplyReason(x.meta) !== null) === c.isAutoReply,
  (c, x) => (c.sentToMe === undefined ? undefined : sentTo(x.meta, x.me) === c.sentToMe),
  (c, x) =>
    c.hasAttachment === undefined
      ? undefined
      : x.body !== undefined && x.body.hasAttachment === c.hasAttachment,
  (c, x) =>
    c.body ? x.body !== undefined && matchesAny(c.body, x.bodyText(), x.budget) : undefined,
  (c, x) => (c.all ? c.all.every((inner) => conditionMatches(inner, x)) : undefined),
  (c, x) => (c.any ? c.any.some((inner) => conditionMatches(inner, x)) : undefined),
  (c, x) => (c.not ? !conditionMatches(c.not, x) : undefined),
];

/** Every key present must match (an implicit all). */
export const conditionMatches = (condition: Condition, context: MatchContext): boolean =>
  TESTS.every((test) => test(condition, context) !== false);
