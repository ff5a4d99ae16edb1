import { describe, expect, it } from 'vitest';
import { actionMessageId } from '../../../lambda/compose/own-message-id.js';
import type { MessageMeta } from '../../../lambda/mail/message-meta.js';
import { evaluateRules, type RuleInput } from '../../../lambda/rules/evaluate.js';
import type { VacationAction } from '../../../lambda/rules/plan.js';
import type { VacationConfig } from '../../../lambda/rules/vacation-config.js';
import { metaOf, personal, rulesFrom } from '../../helpers/mail/mail.js';

const OWNER = { address: 'alice@example.test', aliases: [] };
const NOW = Date.parse('2026-11-26T12:00:00Z');

const VACATION: VacationConfig = {
  enabled: true,
  subject: 'Away: {{subject}}',
  body: 'Hello {{fromName}},\nI am away until {{until}}.',
  days: 7,
  addresses: [],
  from: '2026-11-20T00:00:00.000Z',
  until: '2026-12-31T00:00:00.000Z',
};

const input = (meta: MessageMeta, extra: Partial<RuleInput> = {}): RuleInput => ({
  meta,
  owner: OWNER,
  now: NOW,
  ...extra,
});

const carol = metaOf(personal());

describe('evaluateRules: replies and vacation', () => {
  it('plans the global vacation for an ordinary message', () => {
    const plan = evaluateRules([], input(carol, { vacation: VACATION }));

    expect(plan.actions).toEqual([
      {
        kind: 'vacation',
        id: 'vacation:global',
        rule: null,
        to: 'carol@partner.example',
        sender: 'carol@partner.example',
        days: 7,
        subject: 'Away: Lunch on Friday?',
        text: 'Hello Carol,\nI am away until 2026-12-31.',
      } satisfies VacationAction,
    ]);
  });

  it('lower-cases the sender the executor tracks', () => {
    const meta = metaOf(personal('Return-Path: <Carol@Partner.EXAMPLE>').slice(1));

    const [action] = evaluateRules([], input(meta, { vacation: VACATION })).actions;

    expect(action).toMatchObject({ to: 'Carol@Partner.EXAMPLE', sender: 'carol@partner.example' });
  });

  it.each([
    ['before from', '2026-11-19T23:59:59Z', 'no vacation: the vacation starts on 2026-11-20'],
    ['after until', '2027-01-01T00:00:00Z', 'no vacation: the vacation ended on 2026-12-31'],
  ])('plans no vacation %s', (_, now, reason) => {
    const plan = evaluateRules([], input(carol, { vacation: VACATION, now: Date.parse(now) }));

    expect(plan.actions).toEqual([]);
    expect(plan.notes).toEqual([{ action: 'vacation:global', reason }]);
  });

  it('counts the whole until day as vacation', () => {
    const lastMinute = Date.parse('2026-12-31T23:59:00Z');

    const plan = evaluateRules([], input(carol, { vacation: VACATION, now: lastMinute }));

    expect(plan.actions).toHaveLength(1);
  });

  it('plans no global vacation when vacation.enabled is false', () => {
    const plan = evaluateRules([], input(carol, { vacation: { ...VACATION, enabled: false } }));

    expect(plan).toMatchObject({ actions: [], notes: [] });
  });

  it('a rule vacation replaces the global one, and only one vacation goes per message', () => {
    const rules = rulesFrom(`
- { name: first, then: [ vacation ] }
- { name: second, then: [ vacation ] }
`);

    const plan = evaluateRules(rules, input(carol, { vacation: { ...VACATION, enabled: false } }));

    expect(
      plan.actions.map((action) => [action.id, action.kind === 'vacation' && action.rule]),
    ).toEqual([['vacation:0.0', 'first']]);
    expect(plan.notes).toEqual([
      { action: 'vacation:1.0', reason: 'no vacation: this message already gets one' },
    ]);
  });

  it('plans a rule reply with the default subject and the rendered body', () => {
    const rules = rulesFrom(
      '- { name: thanks, then: [ { reply: { body: "Thanks {{fromName}}!" } } ] }',
    );

    const plan = evaluateRules(rules, input(carol));

    expect(plan.actions).toEqual([
      {
        kind: 'reply',
        id: 'reply:0.0',
        rule: 'thanks',
        to: 'carol@partner.example',
        subject: 'Auto: Lunch on Friday?',
        text: 'Thanks Carol!',
      },
    ]);
  });

  it.each([
    ['a list', ['List-Id: <l.example>'], /mailing list/],
    ['an auto-reply', ['Auto-Submitted: auto-replied'], /automatic mail/],
    ['a bounce', ['Return-Path: <>'], /envelope sender is empty/],
  ])('suppresses both reply and vacation for %s, with the reason', (_, extra, reason) => {
    // Prepare: Return-Path must come first to win over the personal() one
    const meta = metaOf([...extra, ...personal()]);
    const rules = rulesFrom('- { name: thanks, then: [ { reply: { body: hi } } ] }');

    // Act
    const plan = evaluateRules(rules, input(meta, { vacation: VACATION }));

    // Assess
    expect(plan.actions).toEqual([]);
    expect(plan.notes.map((note) => note.action)).toEqual(['reply:0.0', 'vacation:global']);
    for (const note of plan.notes) expect(note.reason).toMatch(reason);
    for (const note of plan.notes) expect(note.reason).toMatch(/^no reply: /);
  });

  it('treats vacation.addresses as the owner: no vacation to yourself, yes to mail sent there', () => {
    const vacation = { ...VACATION, addresses: ['alice@work.example'] };
    const fromSelf = metaOf(['From: alice@work.example', 'To: alice@example.test']);
    const toAlias = metaOf(['From: carol@partner.example', 'To: alice@work.example']);

    expect(evaluateRules([], input(fromSelf, { vacation })).actions).toEqual([]);
    expect(evaluateRules([], input(toAlias, { vacation })).actions).toHaveLength(1);
  });
});

describe('evaluateRules: loop control', () => {
  const rules = rulesFrom(`
- { name: fwd, then: [ { forward: { to: me@phone.example } }, { reply: { body: hi } } ] }
`);

  it('sends nothing for a message carrying our own loop marker', () => {
    const meta = metaOf(personal('X-Popfwd-Loop: Alice@Example.test'));

    const plan = evaluateRules(rules, input(meta, { vacation: VACATION }));

    expect(plan.actions).toEqual([]);
    expect(plan.matched).toEqual([{ index: 0, name: 'fwd' }]);
    expect(plan.notes.map((note) => note.action)).toEqual([
      'forward:0.0',
      'reply:0.1',
      'vacation:global',
    ]);
    expect(plan.notes[0]?.reason).toBe(
      "not sent: it carries this mailbox's own X-Popfwd-Loop marker (alice@example.test): popfwd sent it, sending again would loop",
    );
  });

  it('says why on the plan, for the run to raise an alert', () => {
    const meta = metaOf(personal('X-Popfwd-Loop: alice@example.test'));

    expect(evaluateRules(rules, input(meta)).loop).toMatch(/own X-Popfwd-Loop marker/);
    expect(evaluateRules([], input(meta)).loop).toBeUndefined();
  });

  const ourForward = actionMessageId('alice@example.test', 'msg-1', 'forward:0.0');
  const ourReply = actionMessageId('alice@example.test', 'msg-1', 'vacation:global');
  const theirForward = actionMessageId('bob@example.test', 'msg-1', 'forward:0.0');

  it.each([
    [
      'our forward in References',
      `References: <root@x.example> ${ourForward}`,
      /in References: a forward came back/,
    ],
    [
      'our forward in In-Reply-To',
      `In-Reply-To: ${ourForward}`,
      /in References: a forward came back/,
    ],
    [
      'our redirect in Resent-Message-ID',
      `Resent-Message-ID: ${ourForward}`,
      /in Resent-Message-ID: a redirect came back/,
    ],
    ['our reply as its own Message-ID', `Message-ID: ${ourReply}`, /it is mail this mailbox sent/],
  ])('sends nothing when the marker was stripped but %s shows the loop', (_, header, reason) => {
    const meta = metaOf(
      personal(header).filter(
        (line) => !(header.startsWith('Message-ID') && line.startsWith('Message-ID: <lunch')),
      ),
    );

    const plan = evaluateRules(rules, input(meta, { vacation: VACATION }));

    expect(plan.actions).toEqual([]);
    expect(plan.loop).toMatch(reason);
    expect(plan.notes[0]?.reason).toMatch(/; sending again would loop$/);
  });

  it.each([
    ['a person answering our vacation reply', `In-Reply-To: ${ourReply}`],
    ['a forward by another mailbox on the same domain', `References: ${theirForward}`],
    [
      'an id that only looks like ours',
      'References: <popfwd.0123456789abcdef01234567.f01234567@example.test>',
    ],
  ])('still sends for %s', (_, header) => {
    const plan = evaluateRules(rules, input(metaOf(personal(header))));

    expect(plan.actions).toHaveLength(2);
    expect(plan.loop).toBeUndefined();
  });

  it("forwards a message carrying another mailbox's marker", () => {
    const meta = metaOf(personal('X-Popfwd-Loop: bob@elsewhere.example'));

    expect(evaluateRules(rules, input(meta)).actions).toHaveLength(2);
  });

  it.each([
    [25, 2],
    [26, 0],
  ])('with %i Received headers plans %i sends', (hops, sends) => {
    const received = Array.from(
      { length: hops },
      (_, hop) =>
        `Received: from h${hop}.example by h${hop + 1}.example; Thu, 26 Nov 2026 10:00:00 +0000`,
    );

    const plan = evaluateRules(rules, input(metaOf([...received, ...personal()])));

    expect(plan.actions).toHaveLength(sends);
    if (sends === 0)
      expect(plan.notes[0]?.reason).toMatch(
        /more than 25 Received headers\): probably a mail loop/,
      );
  });
});

describe('evaluateRules: templates resist header injection', () => {
  it.each([
    ['CRLF in an encoded-word subject', 'Subject: =?utf-8?Q?Hi=0D=0ABcc:_victim@evil.example?='],
    [
      'a bare LF in an encoded-word subject',
      'Subject: =?utf-8?B?SGkKQmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl?=',
    ],
    ['a unicode line separator', 'Subject: =?utf-8?Q?Hi=E2=80=A8Bcc:_victim@evil.example?='],
    ['NUL and other controls', 'Subject: =?utf-8?Q?Hi=00=1B[31m=0BBcc:_victim@evil.example?='],
  ])('flattens %s onto one line', (_, subject) => {
    // Prepare
    const meta = metaOf([...personal().filter((line) => !line.startsWith('Subject')), subject]);
    const rules = rulesFrom(
      '- { name: r, then: [ { reply: { subject: "Re: {{subject}}", body: "You wrote: {{subject}}\\nbye" } } ] }',
    );

    // Act
    const [action] = evaluateRules(rules, input(meta)).actions;

    // Assess
    expect(action?.kind).toBe('reply');
    expect(action?.kind === 'reply' && action.subject).toMatch(
      /^Re: Hi ?.*Bcc: victim@evil\.example$/,
    );
    expect(action?.kind === 'reply' && action.subject).not.toMatch(
      /[\u0000-\u001f\u007f\u2028\u2029]/,
    );
    expect(action?.kind === 'reply' && action.text.split('\n')).toHaveLength(2);
  });

  it('flattens a display name carrying a line break', () => {
    const meta = metaOf([
      'Return-Path: <carol@partner.example>',
      'From: =?utf-8?Q?Carol=0D=0ASubject=3A_pwned?= <carol@partner.example>',
      'To: alice@example.test',
    ]);
    const rules = rulesFrom(
      '- { name: r, then: [ { reply: { subject: "For {{from}}", body: x } } ] }',
    );

    const [action] = evaluateRules(rules, input(meta)).actions;

    expect(action?.kind === 'reply' && action.subject).toBe(
      'For Carol Subject: pwned <carol@partner.example>',
    );
  });

  it('cuts an over-long subject value short', () => {
    const meta = metaOf([
      ...personal().filter((line) => !line.startsWith('Subject')),
      `Subject: ${'x'.repeat(5000)}`,
    ]);
    const rules = rulesFrom('- { name: r, then: [ { reply: { body: x } } ] }');

    const [action] = evaluateRules(rules, input(meta)).actions;

    expect(action?.kind === 'reply' && action.subject.length).toBeLessThanOrEqual(250);
  });

  it('falls back to "Automated reply" when the rendered subject is empty', () => {
    const meta = metaOf(personal().filter((line) => !line.startsWith('Subject')));
    const rules = rulesFrom(
      '- { name: r, then: [ { reply: { subject: "{{subject}}", body: x } } ] }',
    );

    const [action] = evaluateRules(rules, input(meta)).actions;

    expect(action?.kind === 'reply' && action.subject).toBe('Automated reply');
  });
});
