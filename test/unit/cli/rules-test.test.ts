import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MessagePlan } from '../../../lambda/rules/plan.js';
import { runCli } from '../../helpers/cli/cli.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/mail/', import.meta.url));
const DATE = ['--date', '2026-11-26T12:00:00Z'];

const rulesTest = (...args: string[]) =>
  runCli(['rules', 'test', '--config', 'rules.yaml', ...args, ...DATE], FIXTURES);

interface JsonReport {
  file: string;
  message: { from: { address: string }[]; subject: string };
  body: { read: boolean; attachmentCount?: number };
  rules: { index: number; name: string; state: string }[];
  plan: MessagePlan;
  dryRun: boolean;
}

const jsonReport = async (file: string): Promise<JsonReport> => {
  const { code, stdout } = await rulesTest(file, '--json');
  expect(code).toBe(0);
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as JsonReport;
};

describe('popfwd rules test', () => {
  it('explains the plan for a message in words', async () => {
    // Act
    const { code, stdout, stderr } = await rulesTest('boss-with-attachment.eml');

    // Assess
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'message   boss-with-attachment.eml (1.5 KiB)',
        'from      The Boss <boss@boss.example>',
        'to        alice@example.test',
        'subject   Quarterly numbers',
        'date      2026-11-26T08:00:00.000Z',
        'body      read (1 attachment(s))',
        '',
        'rules     1. matched: boss to phone: from "*@boss.example" → forward to me@phone.example (as attachment), stop',
        '          2. not evaluated (an earlier rule stopped): newsletters: list mail → tag "news", discard',
        '          3. not evaluated (an earlier rule stopped): invoices: (subject contains "invoice" or body /invoice\\s+no\\.?\\s*\\d+/i) → tag "invoice", forward to books@accounting.example (as inline), keep on server',
        'actions   forward:0.0  forward to me@phone.example as attachment',
        '          vacation:global  vacation reply to boss@boss.example: "Out of office: Quarterly numbers" (at most once per sender per 7 day(s); checked at run time)',
        'tags      none',
        'server    default: keep every message on the server (archive only)',
        'notes     none',
        '',
        'A vacation reply goes at most once per sender per `days`; that window needs the run-time state and is checked when popfwd runs, not here.',
        'Dry run: nothing was sent, stored or deleted.',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['boss-with-attachment.eml', ['forward:0.0', 'vacation:global'], [], 'default', false, []],
    ['personal-reply.eml', ['vacation:global'], [], 'default', false, []],
    ['newsletter-list.eml', [], ['news'], 'default', true, []],
    ['html-only-invoice.eml', ['forward:2.1', 'vacation:global'], ['invoice'], 'keep', false, []],
    ['latin1-8bit-headers.eml', ['vacation:global'], [], 'default', false, []],
    ['broken-mime.eml', ['vacation:global'], [], 'default', false, []],
    [
      'out-of-office-auto-reply.eml',
      [],
      [],
      'default',
      false,
      ['vacation:global: no reply: it is automatic mail (Auto-Submitted: auto-replied)'],
    ],
    [
      'bounce-delivery-report.eml',
      [],
      [],
      'default',
      false,
      [
        'vacation:global: no reply: the envelope sender is empty (<>): bounces and automatic mail are never answered',
      ],
    ],
    [
      'noreply-notification.eml',
      [],
      [],
      'default',
      false,
      [
        'vacation:global: no reply: no-reply@service.example does not accept replies (no-reply address)',
      ],
    ],
    [
      'bcc-not-addressed-to-me.eml',
      [],
      [],
      'default',
      false,
      [
        'vacation:global: no reply: it was not addressed to you (none of your addresses is in To, Cc, Bcc or Resent-*)',
      ],
    ],
    [
      'forwarded-by-popfwd-loop.eml',
      [],
      [],
      'default',
      false,
      [
        "vacation:global: not sent: it carries this mailbox's own X-Popfwd-Loop marker (alice@example.test): popfwd sent it, sending again would loop",
      ],
    ],
    [
      'mail-loop-many-received.eml',
      [],
      [],
      'default',
      false,
      [
        'forward:0.0: not sent: it has passed 30 mail servers (more than 25 Received headers): probably a mail loop',
        'vacation:global: not sent: it has passed 30 mail servers (more than 25 Received headers): probably a mail loop',
      ],
    ],
  ])(
    'plans %s: actions %j, tags %j, server %s, discarded %s',
    async (file, actions, tags, server, discarded, notes) => {
      // Act
      const report = await jsonReport(file);

      // Assess
      expect(report.file).toBe(file);
      expect(report.dryRun).toBe(true);
      expect(report.plan.actions.map((action) => action.id)).toEqual(actions);
      expect(report.plan.tags).toEqual(tags);
      expect(report.plan.server).toBe(server);
      expect(report.plan.discarded).toBe(discarded);
      expect(report.plan.notes.map((note) => `${note.action}: ${note.reason}`)).toEqual(notes);
    },
  );

  it('prints the whole plan in --json, the planned vacation included', async () => {
    const report = await jsonReport('personal-reply.eml');

    expect(report.message.subject).toBe('Angebot für Dezember');
    expect(report.rules.map((rule) => rule.state)).toEqual(['no match', 'no match', 'no match']);
    expect(report.plan.actions).toEqual([
      {
        kind: 'vacation',
        id: 'vacation:global',
        rule: null,
        to: 'carol@partner.example',
        sender: 'carol@partner.example',
        days: 7,
        subject: 'Out of office: Angebot für Dezember',
        text: 'Hello Carol Müller,\n\nI am away until 2026-12-31 and will answer when I am back.\n',
      },
    ]);
  });

  it('honours --date for the vacation window', async () => {
    const { stdout } = await runCli(
      ['rules', 'test', '--config', 'rules.yaml', 'personal-reply.eml', '--date', '2027-01-05'],
      FIXTURES,
    );

    expect(stdout).toContain('actions   none');
    expect(stdout).toContain(
      'notes     vacation:global: no vacation: the vacation ended on 2026-12-31',
    );
  });

  it('does not read the body when no rule needs it, and touches no file', async () => {
    // Prepare: a config whose rules read headers only, with a store dir that must not appear
    const dir = mkdtempSync(join(tmpdir(), 'popfwd-rules-test-'));
    writeFileSync(
      join(dir, 'config.yaml'),
      [
        'mailbox:',
        '  address: alice@example.test',
        '  pop3: { host: pop.example.test }',
        '  auth: { method: password, password: { env: POPFWD_PASSWORD } }',
        'store: { dir: ./archive }',
        'rules:',
        '  - { name: tag boss, when: { from: "*@boss.example" }, then: [ { tag: boss } ] }',
      ].join('\n'),
    );

    // Act
    const { code, stdout } = await runCli(
      ['rules', 'test', '--config', 'config.yaml', join(FIXTURES, 'boss-with-attachment.eml')],
      dir,
    );

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('body      not read (no rule needs it)');
    expect(stdout).toContain('tags      boss');
    expect(readdirSync(dir)).toEqual(['config.yaml']);
    expect(existsSync(join(FIXTURES, 'popfwd-data'))).toBe(false);
  });

  it.each([
    [['rules', 'test', 'personal-reply.eml'], /no config found/],
    [['rules', 'test', '--config', 'rules.yaml'], /give MESSAGE\.eml/],
    [['rules', 'test', '--config', 'rules.yaml', 'a.eml', 'b.eml'], /unexpected argument "b\.eml"/],
    [['rules', 'test', '--config', 'rules.yaml', 'missing.eml'], /missing\.eml: file not found/],
    [
      ['rules', 'test', '--config', 'rules.yaml', 'personal-reply.eml', '--date', 'soon'],
      /--date: expected a date/,
    ],
    [
      ['rules', 'test', '--config', 'rules.yaml', 'personal-reply.eml', '--verbos'],
      /unknown option --verbos; did you mean "--verbose"\?/,
    ],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { code, stderr } = await runCli(argv, FIXTURES);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('fails with exit code 2 and names the rule when the config is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'popfwd-rules-test-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      [
        'mailbox:',
        '  address: alice@example.test',
        '  pop3: { host: pop.example.test }',
        '  auth: { method: password, password: { env: POPFWD_PASSWORD } }',
        'rules:',
        '  - { name: boss to phone, when: { from: "*@boss.example" }, then: [ { forward: { to: [nobody] } } ] }',
      ].join('\n'),
    );

    const { code, stderr } = await runCli(
      ['rules', 'test', '--config', 'bad.yaml', join(FIXTURES, 'personal-reply.eml')],
      dir,
    );

    expect(code).toBe(2);
    expect(stderr).toContain(
      'rules[0] "boss to phone".then[0].forward.to[0]: expected an e-mail address like you@example.com',
    );
  });

  it('is listed in the help', async () => {
    const { stdout } = await runCli(['help'], FIXTURES);

    expect(stdout).toContain('rules test [--config FILE] [--json] [--date DATE] MESSAGE.eml');
  });
});

describe('popfwd config check: rules', () => {
  it('lists the rules by name with a short description', async () => {
    const { code, stdout } = await runCli(
      ['config', 'check', '--config', join(FIXTURES, 'rules.yaml')],
      FIXTURES,
      // config check reads the password reference; an unset one would be a problem (exit 2)
      { env: { POPFWD_PASSWORD: 'set' } },
    );

    expect(code).toBe(0);
    expect(stdout).toContain(
      [
        'rules      3 rule(s)',
        '           1. boss to phone: from "*@boss.example" → forward to me@phone.example (as attachment), stop',
        '           2. newsletters: list mail → tag "news", discard',
        '           3. invoices: (subject contains "invoice" or body /invoice\\s+no\\.?\\s*\\d+/i) → tag "invoice", forward to books@accounting.example (as inline), keep on server',
      ].join('\n'),
    );
  });

  it('reports several rule mistakes at once, each naming its rule and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'popfwd-config-check-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      [
        'mailbox:',
        '  address: alice@example.test',
        '  pop3: { host: pop.example.test }',
        '  auth: { method: password, password: { env: POPFWD_PASSWORD } }',
        'rules:',
        '  - name: boss to phone',
        '    when: { form: "*@boss.example" }',
        '    then: [ { forward: { to: [me@phone.example], as: attachement } }, stop ]',
        '  - name: lists',
        '    when: { subject: { regex: "(a+)+" } }',
        '    then: [ vacation ]',
      ].join('\n'),
    );

    const file = join(dir, 'bad.yaml');

    const { code, stderr } = await runCli(['config', 'check', '--config', file], dir);

    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        `popfwd: ${file} is invalid:`,
        '  - rules[0] "boss to phone".when.form: unknown field; did you mean "from"?',
        '  - rules[0] "boss to phone".then[0].forward.as: expected one of: attachment, inline, redirect',
        '  - rules[1] "lists".when.subject.regex: nested repetition like (a+)+ can take exponential time; simplify the pattern',
        '',
      ].join('\n'),
    );
  });
});
