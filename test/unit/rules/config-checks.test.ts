import { describe, expect, it } from 'vitest';
import { issuesOf, MAILBOX, withRules } from './config-issues.js';

describe('cross-field rule checks', () => {
  const noSmtp = MAILBOX.replace('  smtp: { host: smtp.example.test }\n', '');

  it.each([
    ['forward', '{ forward: { to: me@phone.example } }'],
    ['reply', '{ reply: { body: thanks } }'],
    ['vacation', 'vacation'],
  ])('requires mailbox.smtp for a rule that sends (%s)', (_, action) => {
    const issues = issuesOf(
      `${noSmtp}rules:\n  - { name: sender, then: [ ${action} ] }\nvacation: { body: away }\n`,
    );

    expect(issues).toContainEqual({
      path: 'mailbox.smtp',
      message:
        'required to send forwards or replies (rules[0] "sender" sends); set it or mailbox.preset',
    });
  });

  it('does not require smtp for rules that only tag, discard or keep', () => {
    const issues = issuesOf(
      `${noSmtp}rules:\n  - { name: quiet, then: [ { tag: x }, discard, keepOnServer ] }\n`,
    );

    expect(issues).toEqual([]);
  });

  it('does not require smtp for a disabled sending rule', () => {
    const issues = issuesOf(
      `${noSmtp}rules:\n  - { name: later, enabled: false, then: [ { forward: { to: a@b.example } } ] }\n`,
    );

    expect(issues).toEqual([]);
  });

  it('requires smtp for the global vacation', () => {
    const issues = issuesOf(`${noSmtp}vacation: { enabled: true, body: away }\n`);

    expect(issues).toContainEqual({
      path: 'mailbox.smtp',
      message:
        'required to send forwards or replies (vacation.enabled sends); set it or mailbox.preset',
    });
  });

  it('requires a vacation block for the vacation action', () => {
    const issues = issuesOf(withRules('  - { name: away, then: [ { tag: x }, vacation ] }'));

    expect(issues).toEqual([
      {
        path: 'rules[0] "away".then[1]',
        message: 'the vacation action needs a top-level vacation: block (subject, body, days)',
      },
    ]);
  });

  it('refuses forwarding to the mailbox itself', () => {
    const issues = issuesOf(
      withRules('  - { name: self, then: [ { forward: { to: [Alice@Example.test] } } ] }'),
    );

    expect(issues).toEqual([
      {
        path: 'rules[0] "self".then[0].forward.to',
        message: 'alice@example.test is this mailbox; forwarding to it would loop',
      },
    ]);
  });

  it('checks the placeholders of the vacation texts', () => {
    const issues = issuesOf(
      `${MAILBOX}vacation: { subject: "Away: {{subj}}", body: "Back {{untill}}" }\n`,
    );

    expect(issues.map((issue) => issue.path)).toEqual(['vacation.subject', 'vacation.body']);
  });
});
