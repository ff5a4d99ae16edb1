import { PopfwdError } from '../errors.js';
import { isSendAction } from '../rules/rule-schema.js';
import { templateProblems } from '../rules/template.js';
import { type Config, configSchema } from './config-schema.js';
import { type ConfigIssue, formatIssues } from './issues.js';
import { applyPreset } from './presets.js';

/*
 * Validation of a parsed config document, with no file or text format involved: the Lambda
 * validates its embedded JSON here and must not pull in the YAML parser (see load.ts).
 */

export interface LoadedConfig {
  readonly config: Config;
  /** Where the config came from (a path, or a description such as "deployed config"). */
  readonly source: string;
  readonly warnings: readonly string[];
}

/** ECONFIG with every problem listed; `context.issues` keeps them machine-readable. */
export const configError = (source: string, issues: readonly ConfigIssue[]): PopfwdError =>
  new PopfwdError(
    'ECONFIG',
    `${source} is invalid:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n')}`,
    { context: { source, issues } },
  );

const rulePath = (index: number, name: string): string => `rules[${index}] ${JSON.stringify(name)}`;

/** Who needs SMTP, in words: the global vacation or the first enabled rule that sends. */
const smtpUser = (config: Config): string | null => {
  if (config.vacation?.enabled) return 'vacation.enabled';
  const index = config.rules.findIndex(
    (rule) => rule.enabled && rule.actions.some((action) => isSendAction(action)),
  );
  const rule = config.rules[index];
  return rule ? rulePath(index, rule.name) : null;
};

const ruleIssues = (config: Config): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  const own = config.mailbox.address.toLowerCase();
  config.rules.forEach((rule, index) => {
    rule.actions.forEach((action, position) => {
      const path = `${rulePath(index, rule.name)}.then[${position}]`;
      if (action.kind === 'vacation' && !config.vacation) {
        issues.push({
          path,
          message: 'the vacation action needs a top-level vacation: block (subject, body, days)',
        });
      }
      if (action.kind === 'forward' && action.to.some((to) => to.toLowerCase() === own)) {
        issues.push({
          path: `${path}.forward.to`,
          message: `${config.mailbox.address} is this mailbox; forwarding to it would loop`,
        });
      }
    });
  });
  for (const field of ['subject', 'body'] as const) {
    const text = config.vacation?.[field];
    for (const message of text ? templateProblems(text) : []) {
      issues.push({ path: `vacation.${field}`, message });
    }
  }
  return issues;
};

/** Checks that span several fields; the schema checks each field on its own. */
const crossFieldIssues = (config: Config): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  const sender = smtpUser(config);
  if (sender && !config.mailbox.smtp) {
    issues.push({
      path: 'mailbox.smtp',
      message: `required to send forwards or replies (${sender} sends); set it or mailbox.preset`,
    });
  }
  issues.push(...ruleIssues(config));
  const { from, until } = config.vacation ?? {};
  if (from && until && from > until) {
    issues.push({ path: 'vacation.until', message: 'must not be before vacation.from' });
  }
  return issues;
};

/** Microsoft's submission servers refuse mail whose From is not the account (SendAsDenied). */
const SEND_AS_ONLY = /(^|\.)(outlook\.com|office365\.com|live\.com|hotmail\.com)$/i;

/** Valid, but probably not what the owner wants. */
/** Hosts whose traffic never leaves this machine. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/** `security: plain` to another machine sends the login (and the mail) unencrypted. */
const plaintextWarnings = (config: Config): string[] =>
  (['pop3', 'smtp'] as const).flatMap((protocol) => {
    const server = config.mailbox[protocol];
    if (server?.security !== 'plain' || LOOPBACK.test(server.host)) return [];
    return [
      `mailbox.${protocol}: security plain sends the login and the mail to ${server.host} unencrypted; use tls or starttls unless the server is on this machine`,
    ];
  });

const configWarnings = (config: Config): string[] => [
  ...plaintextWarnings(config),
  ...redirectWarnings(config),
];

const redirectWarnings = (config: Config): string[] => {
  const smtpHost = config.mailbox.smtp?.host ?? '';
  if (!SEND_AS_ONLY.test(smtpHost)) return [];
  return config.rules
    .filter((rule) =>
      rule.actions.some((action) => action.kind === 'forward' && action.as === 'redirect'),
    )
    .map(
      (rule) =>
        `rule "${rule.name}" forwards as redirect, which keeps the original From; ${smtpHost} refuses that (SendAsDenied) — use as: attachment or inline`,
    );
};

/** Validates a parsed document: presets first, then the schema, then cross-field rules. */
export const parseConfig = (raw: unknown, source: string): LoadedConfig => {
  const { document, warnings } = applyPreset(raw);
  const result = configSchema.safeParse(document);
  if (!result.success)
    throw configError(source, formatIssues(result.error.issues, document, configSchema));
  const issues = crossFieldIssues(result.data);
  if (issues.length > 0) throw configError(source, issues);
  return { config: result.data, source, warnings: [...warnings, ...configWarnings(result.data)] };
};
