import type { BodyFacts, MailAddress, MessageMeta } from '../../mail/message-meta.js';
import { describeRule, describeSend } from '../../rules/describe.js';
import type { MessagePlan } from '../../rules/plan.js';
import type { RuleConfig } from '../../rules/rule-schema.js';
import { formatBytes } from '../../units.js';

/** What `popfwd rules test` found for one message, in words or as one JSON object. */
export interface RulesReport {
  readonly file: string;
  readonly meta: MessageMeta;
  /** null when no rule needed the body, so it was not read. */
  readonly body: BodyFacts | null;
  readonly rules: readonly RuleConfig[];
  readonly plan: MessagePlan;
  /** The retention policy in words, for the server line. */
  readonly retention: string;
}

export const VACATION_WINDOW_NOTE =
  'A vacation reply goes at most once per sender per `days`; that window needs the run-time state and is checked when popfwd runs, not here.';

const addresses = (list: readonly MailAddress[]): string =>
  list
    .map((entry) => (entry.name ? `${entry.name} <${entry.address}>` : entry.address))
    .join(', ') || '(none)';

type RuleState = 'matched' | 'no match' | 'disabled' | 'not evaluated (an earlier rule stopped)';

/** Rules after the first matched rule that stops were never looked at. */
const ruleStates = (rules: readonly RuleConfig[], plan: MessagePlan): RuleState[] => {
  const matched = new Set(plan.matched.map((entry) => entry.index));
  const stopper = plan.matched.find((entry) =>
    rules[entry.index]?.actions.some((action) => action.kind === 'stop'),
  );
  return rules.map((rule, index) => {
    if (!rule.enabled) return 'disabled';
    if (stopper && index > stopper.index) return 'not evaluated (an earlier rule stopped)';
    return matched.has(index) ? 'matched' : 'no match';
  });
};

const block = (label: string, lines: readonly string[]): string[] =>
  (lines.length ? lines : ['none']).map(
    (line, index) => `${index === 0 ? label.padEnd(10) : ' '.repeat(10)}${line}`,
  );

export const formatRulesReport = (report: RulesReport): string => {
  const { meta, plan, body } = report;
  const states = ruleStates(report.rules, plan);
  const lines = [
    `message   ${report.file} (${formatBytes(meta.size)})`,
    `from      ${addresses(meta.from)}`,
    `to        ${addresses(meta.to)}`,
    `subject   ${meta.subject || '(none)'}`,
    `date      ${meta.date ?? '(none)'}`,
    ...(meta.parseError ? [`warning   ${meta.parseError}`] : []),
    `body      ${body ? `read (${body.attachmentCount} attachment(s))${body.parseError ? `; ${body.parseError}` : ''}` : 'not read (no rule needs it)'}`,
    '',
    ...block(
      'rules',
      report.rules.map((rule, index) => `${index + 1}. ${states[index]}: ${describeRule(rule)}`),
    ),
    ...block(
      'actions',
      plan.actions.map((action) => `${action.id}  ${describeSend(action)}`),
    ),
    ...block('tags', plan.tags),
    `server    ${plan.server === 'default' ? `default: ${report.retention}` : plan.server === 'keep' ? 'keep on the server (a rule says keepOnServer)' : 'delete from the server once archived (a rule says deleteFromServer)'}`,
    ...(plan.discarded ? ['discard   yes: nothing is sent; the archive keeps the message'] : []),
    ...block(
      'notes',
      plan.notes.map((note) => (note.action ? `${note.action}: ${note.reason}` : note.reason)),
    ),
    '',
    ...(plan.actions.some((action) => action.kind === 'vacation') ? [VACATION_WINDOW_NOTE] : []),
    'Dry run: nothing was sent, stored or deleted.',
  ];
  return `${lines.join('\n')}\n`;
};

export const rulesReportJson = (report: RulesReport): string => {
  const { meta, body, plan } = report;
  return `${JSON.stringify({
    file: report.file,
    message: {
      size: meta.size,
      sha256: meta.sha256,
      from: meta.from,
      to: meta.to,
      subject: meta.subject,
      date: meta.date,
      messageId: meta.messageId,
      ...(meta.parseError ? { parseError: meta.parseError } : {}),
    },
    body: body
      ? {
          read: true,
          attachmentCount: body.attachmentCount,
          ...(body.parseError ? { parseError: body.parseError } : {}),
        }
      : { read: false },
    rules: report.rules.map((rule, index) => ({
      index,
      name: rule.name,
      state: ruleStates(report.rules, plan)[index],
    })),
    plan,
    vacationWindow: VACATION_WINDOW_NOTE,
    dryRun: true,
  })}\n`;
};
