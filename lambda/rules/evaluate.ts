import type { BodyFacts, MessageMeta } from '../mail/message-meta.js';
import { autoReplyDecision } from './auto-reply-policy.js';
import { type EvaluationBudget, evaluationBudget, isBudgetError } from './budget.js';
import { conditionNeedsBody } from './condition-schema.js';
import { loopReason } from './loop-evidence.js';
import { conditionMatches, type MatchContext, matchContext } from './match.js';
import { type Owner, ownerKeys } from './owner.js';
import type { ForwardMode, MessagePlan, PlanNote, SendAction, VacationAction } from './plan.js';
import type { RuleAction, RuleConfig } from './rule-schema.js';
import { renderBody, renderSubject, type TemplateValues, templateValues } from './template.js';
import type { VacationConfig } from './vacation-config.js';
import { vacationWindowReason } from './vacation-window.js';

/**
 * The rule engine: Sieve semantics over the config's rules, as a pure function. Rules run in
 * order; every matching rule's actions apply until `stop`; tags accumulate; the last
 * keepOnServer/deleteFromServer wins; `discard` cancels every send (the archive keeps the
 * message); nothing matching means implicit keep. Sends then pass loop control and, for answers,
 * the auto-reply policy; whatever is dropped leaves a note saying why.
 */
export interface RuleInput {
  readonly meta: MessageMeta;
  /** Only when needsBody(rules); a rule that needs it and lacks it does not match. */
  readonly body?: BodyFacts;
  readonly owner: Owner;
  readonly vacation?: VacationConfig;
  /** Epoch ms, for the vacation window. */
  readonly now: number;
  /** Time the rules may take on this message; RULE_LIMITS.maxEvaluationMs from now by default. */
  readonly budget?: EvaluationBudget;
}

export const DEFAULT_REPLY_SUBJECT = 'Auto: {{subject}}';
const FALLBACK_SUBJECT = 'Automated reply';

const ruleNeedsBody = (rule: RuleConfig): boolean =>
  rule.when !== null && conditionNeedsBody(rule.when);

/** Whether any enabled rule reads the body: only then does the engine parse it. */
export const needsBody = (rules: readonly RuleConfig[]): boolean =>
  rules.some((rule) => rule.enabled && ruleNeedsBody(rule));

const label = (index: number, rule: RuleConfig): string =>
  `rules[${index}] ${JSON.stringify(rule.name)}`;

interface Collected {
  matched: { index: number; name: string }[];
  sends: { action: RuleAction; id: string; rule: string }[];
  tags: string[];
  server: MessagePlan['server'];
  discardedBy: string | null;
  notes: PlanNote[];
}

/**
 * A rule whose test throws (it never should: patterns are checked at load) does not match. A spent
 * time budget is different: it propagates and fails the whole message, so a slow test can never
 * turn a `discard` into a forward.
 */
const ruleMatches = (
  rule: RuleConfig,
  context: MatchContext,
  index: number,
  notes: PlanNote[],
): boolean => {
  try {
    return rule.when === null || conditionMatches(rule.when, context);
  } catch (error) {
    if (isBudgetError(error)) throw error;
    notes.push({
      reason: `${label(index, rule)} could not be evaluated (${(error as Error).message}); the rule did not match`,
    });
    return false;
  }
};

/** What the rules could not see: a broken header block or body. */
const inputNotes = (rules: readonly RuleConfig[], input: RuleInput): PlanNote[] => [
  ...(input.meta.parseError
    ? [
        {
          reason: `${input.meta.parseError}: the rules saw ${input.meta.headers.length > 0 ? 'only the fields before it' : 'empty header fields'}`,
        },
      ]
    : []),
  ...(input.body?.parseError && needsBody(rules)
    ? [{ reason: `${input.body.parseError}: body conditions saw what could be read` }]
    : []),
];

/** Runs the rules: which matched, what they asked for (before any suppression). */
const collect = (rules: readonly RuleConfig[], input: RuleInput): Collected => {
  const out: Collected = {
    matched: [],
    sends: [],
    tags: [],
    server: 'default',
    discardedBy: null,
    notes: inputNotes(rules, input),
  };
  const context = matchContext(
    input.meta,
    input.body,
    ownerKeys(input.owner),
    input.budget ?? evaluationBudget(),
  );
  for (const [index, rule] of rules.entries()) {
    if (!rule.enabled) continue;
    if (!input.body && ruleNeedsBody(rule)) {
      out.notes.push({
        reason: `${label(index, rule)} needs the message body, which could not be read; the rule did not match`,
      });
      continue;
    }
    if (!ruleMatches(rule, context, index, out.notes)) continue;
    out.matched.push({ index, name: rule.name });
    for (const [position, action] of rule.actions.entries()) {
      const id = `${action.kind}:${index}.${position}`;
      if (action.kind === 'stop') return out;
      if (action.kind === 'discard') out.discardedBy ??= label(index, rule);
      else if (action.kind === 'tag') {
        if (!out.tags.includes(action.name)) out.tags.push(action.name);
      } else if (action.kind === 'keepOnServer') out.server = 'keep';
      else if (action.kind === 'deleteFromServer') out.server = 'delete';
      else out.sends.push({ action, id, rule: rule.name });
    }
  }
  return out;
};

interface Planner {
  readonly input: RuleInput;
  readonly values: TemplateValues;
  readonly me: ReadonlySet<string>;
  readonly notes: PlanNote[];
  readonly actions: SendAction[];
  readonly forwardedTo: Map<string, string>;
}

/** Why no answer may go to this message, or where it goes. */
const answerTarget = (planner: Planner, id: string): string | null => {
  const decision = autoReplyDecision(planner.input.meta, planner.me);
  if (decision.send) return decision.to;
  planner.notes.push({ action: id, reason: `no reply: ${decision.reason}` });
  return null;
};

const planVacation = (planner: Planner, id: string, rule: string | null): void => {
  const { vacation, now } = planner.input;
  if (!vacation) {
    planner.notes.push({ action: id, reason: 'no vacation: the config has no vacation: block' });
    return;
  }
  const outside = vacationWindowReason(vacation, now);
  if (outside) {
    planner.notes.push({ action: id, reason: `no vacation: ${outside}` });
    return;
  }
  const to = answerTarget(planner, id);
  if (!to) return;
  const action: VacationAction = {
    kind: 'vacation',
    id,
    rule,
    to,
    sender: to.toLowerCase(),
    days: vacation.days,
    subject: renderSubject(vacation.subject, planner.values, FALLBACK_SUBJECT),
    text: renderBody(vacation.body, planner.values),
  };
  planner.actions.push(action);
};

const planForward = (
  planner: Planner,
  id: string,
  rule: string,
  to: readonly string[],
  as: ForwardMode,
): void => {
  const fresh: string[] = [];
  for (const recipient of to) {
    const key = recipient.toLowerCase();
    const earlier = planner.forwardedTo.get(key);
    if (earlier)
      planner.notes.push({
        action: id,
        reason: `${recipient} already gets this message by ${earlier}`,
      });
    else {
      planner.forwardedTo.set(key, id);
      fresh.push(recipient);
    }
  }
  if (fresh.length > 0) planner.actions.push({ kind: 'forward', id, rule, to: fresh, as });
};

const planSend = (planner: Planner, send: Collected['sends'][number]): void => {
  const { action, id, rule } = send;
  if (action.kind === 'forward') planForward(planner, id, rule, action.to, action.as);
  else if (action.kind === 'reply') {
    const to = answerTarget(planner, id);
    if (!to) return;
    planner.actions.push({
      kind: 'reply',
      id,
      rule,
      to,
      subject: renderSubject(
        action.subject ?? DEFAULT_REPLY_SUBJECT,
        planner.values,
        FALLBACK_SUBJECT,
      ),
      text: renderBody(action.body, planner.values),
    });
  } else if (action.kind === 'vacation') {
    if (planner.actions.some((planned) => planned.kind === 'vacation')) {
      planner.notes.push({ action: id, reason: 'no vacation: this message already gets one' });
    } else planVacation(planner, id, rule);
  }
};

/** The id of the answer the top-level `vacation:` block (enabled: true) asks for. */
export const GLOBAL_VACATION_ID = 'vacation:global';

export const evaluateRules = (rules: readonly RuleConfig[], input: RuleInput): MessagePlan => {
  const collected = collect(rules, input);
  const planner: Planner = {
    input,
    values: templateValues(input.meta, input.vacation?.until ?? null),
    me: ownerKeys(input.owner, input.vacation?.addresses ?? []),
    notes: collected.notes,
    actions: [],
    forwardedTo: new Map(),
  };
  const globalVacation =
    input.vacation?.enabled === true &&
    collected.discardedBy === null &&
    !collected.sends.some((send) => send.action.kind === 'vacation');
  // Loop control first: a message that is ours or circling gets nothing sent, whatever asked.
  const loop = collected.discardedBy ? null : loopReason(input.meta, input.owner.address);
  const blocked = collected.discardedBy
    ? `${collected.discardedBy} discards the message (the archive keeps it)`
    : loop;
  const ids = [
    ...collected.sends.map((send) => send.id),
    ...(globalVacation ? [GLOBAL_VACATION_ID] : []),
  ];
  if (blocked) {
    for (const id of ids) planner.notes.push({ action: id, reason: `not sent: ${blocked}` });
  } else {
    for (const send of collected.sends) planSend(planner, send);
    if (globalVacation) planVacation(planner, GLOBAL_VACATION_ID, null);
  }
  return {
    matched: collected.matched,
    actions: planner.actions,
    tags: collected.tags,
    server: collected.server,
    discarded: collected.discardedBy !== null,
    notes: planner.notes,
    ...(loop && ids.length > 0 ? { loop } : {}),
  };
};
