import { formatBytes } from '../units.js';
import type { Condition } from './condition-schema.js';
import type { TextMatcher } from './pattern.js';
import type { SendAction } from './plan.js';
import type { RuleAction, RuleConfig } from './rule-schema.js';

/** Rules and plans in words, for `popfwd config check` and `popfwd rules test`. */

const quote = (text: string): string => JSON.stringify(text);

const describeMatcher = (matcher: TextMatcher): string => {
  if ('is' in matcher) return `is ${quote(matcher.is)}`;
  if ('contains' in matcher) return `contains ${quote(matcher.contains)}`;
  if ('glob' in matcher) return quote(matcher.glob);
  return `/${matcher.regex}/${matcher.flags}`;
};

const matchers = (list: readonly TextMatcher[]): string => list.map(describeMatcher).join(' or ');

const flag = (value: boolean, yes: string, no: string): string => (value ? yes : no);

const parts = (condition: Condition): string[] => {
  const out: string[] = [];
  const { size, header } = condition;
  for (const field of ['from', 'to', 'cc', 'subject', 'body'] as const) {
    const list = condition[field];
    if (list) out.push(`${field} ${matchers(list)}`);
  }
  if (header) {
    out.push(
      header.exists === undefined
        ? `header ${header.name} ${matchers(header.value ?? [])}`
        : `header ${header.name} ${header.exists ? 'exists' : 'absent'}`,
    );
  }
  if (size?.over !== undefined) out.push(`size over ${formatBytes(size.over)}`);
  if (size?.under !== undefined) out.push(`size under ${formatBytes(size.under)}`);
  if (condition.hasAttachment !== undefined)
    out.push(flag(condition.hasAttachment, 'has an attachment', 'has no attachment'));
  if (condition.isList !== undefined)
    out.push(flag(condition.isList, 'list mail', 'not list mail'));
  if (condition.isAutoReply !== undefined)
    out.push(flag(condition.isAutoReply, 'automatic mail', 'not automatic mail'));
  if (condition.sentToMe !== undefined)
    out.push(flag(condition.sentToMe, 'sent to me', 'not sent to me'));
  if (condition.all) out.push(`(${condition.all.map(describeCondition).join(' and ')})`);
  if (condition.any) out.push(`(${condition.any.map(describeCondition).join(' or ')})`);
  if (condition.not) out.push(`not (${describeCondition(condition.not)})`);
  return out;
};

export const describeCondition = (condition: Condition | null): string =>
  condition ? parts(condition).join(' and ') : 'every message';

export const describeAction = (action: RuleAction): string => {
  switch (action.kind) {
    case 'forward':
      return `forward to ${action.to.join(', ')} (as ${action.as})`;
    case 'reply':
      return 'reply';
    case 'vacation':
      return 'vacation reply';
    case 'tag':
      return `tag ${quote(action.name)}`;
    case 'keepOnServer':
      return 'keep on server';
    case 'deleteFromServer':
      return 'delete from server';
    default:
      return action.kind;
  }
};

const shorten = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** `boss to phone: from "*@boss.example" → forward to me@phone.example (as attachment), stop` */
export const describeRule = (rule: RuleConfig): string =>
  `${rule.name}${rule.enabled ? '' : ' (disabled)'}: ${shorten(describeCondition(rule.when), 120)} → ${rule.actions.map(describeAction).join(', ')}`;

export const describeSend = (action: SendAction): string => {
  switch (action.kind) {
    case 'forward':
      return `forward to ${action.to.join(', ')} as ${action.as}`;
    case 'reply':
      return `reply to ${action.to}: ${quote(action.subject)}`;
    case 'vacation':
      return `vacation reply to ${action.to}: ${quote(action.subject)} (at most once per sender per ${action.days} day(s); checked at run time)`;
  }
};
