import { describe, expect, it } from 'vitest';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import type { CapturedMail } from '../../helpers/smtp/smtp-test-server.js';
import { smtpReply } from '../../helpers/smtp/smtp-test-server.js';
import { DAY_MS, type Engine, mail, OWNER, rulesYaml, useEngine } from './engine-fixture.js';

const HOUR_MS = 3_600_000;

const headersOf = (captured: CapturedMail) => parseHeaderBlock(captured.raw);

const [forwardRule, replyRule, forwardAll] = rulesYaml(`
- name: boss to phone
  when: { from: "*@boss.example" }
  then: [{ forward: { to: [me@phone.example], as: attachment } }]
- name: answer questions
  when: { subject: { contains: question } }
  then: [{ reply: { body: "Thanks, {{from}}: I will answer soon." } }]
- name: everything to phone
  when: { from: "*" }
  then: [{ forward: { to: [me@phone.example] } }]
`);
const vacation = {
  enabled: true,
  until: '2026-12-31',
  subject: 'Out of office',
  body: 'I am away until January.',
  days: 7,
};

const captured = (mailbox: Engine): readonly CapturedMail[] => mailbox.smtp?.messages ?? [];

describe('sends across runs', () => {
  const engine = useEngine();

  it('sends each forward and reply exactly once over repeated runs', async () => {
    // Prepare
    const mailbox = await engine({
      smtp: true,
      mailbox: [
        mail('boss', { from: 'dana@boss.example', subject: 'Board meeting' }),
        mail('ask', { from: 'carol@partner.example', subject: 'A question' }),
        mail('other', { from: 'erin@else.example' }),
      ],
    });
    const rules = [forwardRule, replyRule];

    // Act
    const runs = [];
    for (let run = 0; run < 3; run += 1) {
      runs.push(await mailbox.run({ rules }));
      mailbox.clock.advance(HOUR_MS);
    }

    // Assess
    expect(runs.map(({ forwarded, replied }) => ({ forwarded, replied }))).toEqual([
      { forwarded: 1, replied: 1 },
      { forwarded: 0, replied: 0 },
      { forwarded: 0, replied: 0 },
    ]);
    expect(captured(mailbox)).toHaveLength(2);
    const [forward, reply] = captured(mailbox);
    expect(forward).toMatchObject({ from: OWNER, to: ['me@phone.example'], user: OWNER });
    expect(headersOf(forward as CapturedMail)).toMatchObject({
      from: [{ address: OWNER }],
      replyTo: [{ address: 'dana@boss.example' }],
      subject: 'Fwd: Board meeting',
    });
    expect(reply).toMatchObject({ from: OWNER, to: ['carol@partner.example'] });
    expect(headersOf(reply as CapturedMail)).toMatchObject({
      subject: 'Auto: A question',
      inReplyTo: '<ask@partner.example>',
    });
    expect((await mailbox.state())?.pending).toEqual({});
    const record = await mailbox.record('boss');
    expect(Object.values(record?.actions ?? {}).map((action) => action.status)).toEqual(['sent']);
  });

  it('forwards while the fetch is still going, in the order the mail arrived', async () => {
    // Prepare: the server holds back the last message until a forward has arrived over SMTP
    const waitForForward = async (): Promise<boolean> => {
      for (let waited = 0; waited < 5_000; waited += 10) {
        if (captured(mailbox).length > 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return false;
    };
    let forwardedBeforeLastRetr: boolean | null = null;
    const mailbox: Engine = await engine({
      smtp: true,
      mailbox: ['one', 'two', 'three', 'four', 'five'].map((subject) => mail(subject, { subject })),
      faults: {
        onCommand: async (command) => {
          if (command.name === 'RETR' && command.args[0] === '5')
            forwardedBeforeLastRetr = await waitForForward();
          return undefined;
        },
      },
    });

    // Act
    const summary = await mailbox.run({ rules: [forwardAll] });

    // Assess
    expect(summary).toMatchObject({ fetched: 5, forwarded: 5, pendingActions: 0 });
    expect(forwardedBeforeLastRetr).toBe(true);
    expect(captured(mailbox).map((sent) => headersOf(sent).subject)).toEqual([
      'Fwd: one',
      'Fwd: two',
      'Fwd: three',
      'Fwd: four',
      'Fwd: five',
    ]);
    expect((await mailbox.state())?.pending).toEqual({});
  });

  it('answers each sender once per vacation window, and again after it', async () => {
    // Prepare: carol writes on day 0 (twice), day 2 and day 8; dave on day 2
    const mailbox = await engine({
      smtp: true,
      mailbox: [mail('c1'), mail('c2')],
    });
    const config = { vacation };

    // Act
    const day0 = await mailbox.run(config);
    mailbox.clock.advance(2 * DAY_MS);
    mailbox.server.mailbox.add(mail('c3'), mail('d1', { from: 'dave@other.example' }));
    const day2 = await mailbox.run(config);
    mailbox.clock.advance(6 * DAY_MS);
    mailbox.server.mailbox.add(mail('c4'));
    const day8 = await mailbox.run(config);

    // Assess
    expect(day0).toMatchObject({ replied: 1, skipped: 1 });
    expect(day2).toMatchObject({ replied: 1, skipped: 1 });
    expect(day8).toMatchObject({ replied: 1 });
    const to = captured(mailbox).map((sent) => sent.to.join(','));
    expect(to).toEqual(['carol@partner.example', 'dave@other.example', 'carol@partner.example']);
    for (const sent of captured(mailbox)) {
      const fields = headersOf(sent).headers;
      expect(fields).toContainEqual({
        name: 'auto-submitted',
        value: expect.stringMatching(/^auto-replied/),
      });
    }
    const skipped = await mailbox.record('c2');
    expect(Object.values(skipped?.actions ?? {})).toMatchObject([
      { status: 'skipped', reason: expect.stringMatching(/within the last 7 day/) },
    ]);
  });

  it('never exceeds the daily send cap across runs, and resumes the next UTC day', async () => {
    // Prepare: five forwards, a cap of three a day
    const mailbox = await engine({
      smtp: true,
      mailbox: Array.from({ length: 5 }, (_, index) => mail(`f${index + 1}`)),
    });
    const config = { rules: [forwardAll], limits: { maxSendsPerDay: 3 } };

    // Act
    const first = await mailbox.run(config);
    mailbox.clock.advance(HOUR_MS);
    mailbox.server.mailbox.add(mail('f6'));
    const sameDay = await mailbox.run(config);
    const sentOnDayOne = captured(mailbox).length;
    mailbox.clock.advance(DAY_MS);
    const nextDay = await mailbox.run(config);

    // Assess
    expect(first).toMatchObject({ forwarded: 3, pendingActions: 2 });
    expect(first.alerts).toContainEqual({ code: 'ESENDCAP', message: expect.any(String) });
    expect(sameDay).toMatchObject({ archived: 1, forwarded: 0, pendingActions: 3 });
    expect(sentOnDayOne).toBe(3);
    expect(nextDay).toMatchObject({ forwarded: 3, pendingActions: 0 });
    expect(captured(mailbox)).toHaveLength(6);
    expect((await mailbox.state())?.sends).toEqual({ day: '2026-11-27', count: 3 });
  });

  it('stops sending on an account-level refusal, alerts, keeps the rest pending and does not retry in a loop', async () => {
    // Prepare: the server refuses every message as Outlook does for a blocked sender
    let attempts = 0;
    const mailbox = await engine({
      smtp: {
        dataReply: () => {
          attempts += 1;
          return smtpReply(
            554,
            '5.2.252 SendAsDenied; alice@example.test not allowed to send as alice@example.test; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied',
          );
        },
      },
      mailbox: [mail('s1'), mail('s2'), mail('s3')],
    });
    const config = { rules: [forwardAll] };

    // Act: the first run, then polls every five minutes for an hour
    const first = await mailbox.run(config);
    const later = [];
    for (let poll = 0; poll < 12; poll += 1) {
      mailbox.clock.advance(5 * 60_000);
      later.push(await mailbox.run(config));
    }

    // Assess
    expect(first).toMatchObject({ forwarded: 0, pendingActions: 3 });
    expect(first.alerts).toEqual([
      { code: 'EACCOUNT', message: expect.stringMatching(/SendAsDenied/) },
    ]);
    expect(attempts).toBe(1);
    expect(later.every((summary) => summary.forwarded === 0)).toBe(true);
    const state = await mailbox.state();
    const statuses = Object.values(state?.pending ?? {}).flatMap((message) =>
      Object.values(message.actions).map((action) => action.status),
    );
    expect(statuses).toEqual(['pending', 'pending', 'pending']);
    expect(state?.sendPause).toMatchObject({ code: 'EACCOUNT', reason: expect.any(String) });
  });

  it('tries again once the account pause is over', async () => {
    // Prepare: the login is refused as Outlook refuses basic auth, then accepted
    let refuse = true;
    const mailbox = await engine({
      smtp: {
        server: {
          onAuth: (auth, _session, callback) =>
            refuse
              ? callback(
                  smtpReply(
                    535,
                    '5.7.139 Authentication unsuccessful, basic authentication is disabled',
                  ),
                )
              : callback(null, { user: auth.username }),
        },
      },
      mailbox: [mail('s1'), mail('s2')],
    });
    const config = { rules: [forwardAll] };
    const first = await mailbox.run(config);
    refuse = false;

    // Act
    mailbox.clock.advance(7 * HOUR_MS);
    const after = await mailbox.run(config);

    // Assess
    expect(first.alerts).toContainEqual({
      code: 'EACCOUNT',
      message: expect.stringMatching(/5\.7\.139/),
    });
    expect(after).toMatchObject({ forwarded: 2, pendingActions: 0 });
    expect(captured(mailbox)).toHaveLength(2);
    expect((await mailbox.state())?.sendPause).toBeUndefined();
  });

  it('fails only the redirect that the server refuses with SendAsDenied', async () => {
    // Prepare: like Outlook, the server refuses mail whose From is not the account
    const mailbox = await engine({
      smtp: {
        dataReply: (sent) =>
          /^From:.*alice@example\.test/im.test(sent.raw.toString('latin1'))
            ? undefined
            : smtpReply(554, '5.2.252 SendAsDenied; not allowed to send as carol@partner.example'),
      },
      mailbox: [mail('r1')],
    });
    const rules = rulesYaml(`
      - name: both ways
        when: { from: "*@partner.example" }
        then:
          - { forward: { to: [me@phone.example], as: redirect } }
          - { forward: { to: [me@laptop.example], as: attachment } }
    `);

    // Act
    const summary = await mailbox.run({ rules });
    mailbox.clock.advance(HOUR_MS);
    const next = await mailbox.run({ rules });

    // Assess
    expect(summary).toMatchObject({ forwarded: 1, failed: 1, pendingActions: 0, alerts: [] });
    expect(captured(mailbox).map((sent) => sent.to)).toEqual([['me@laptop.example']]);
    const actions = Object.values((await mailbox.record('r1'))?.actions ?? {});
    expect(actions).toMatchObject([
      {
        action: { as: 'redirect' },
        status: 'failed',
        reason: expect.stringMatching(/does not allow redirect/),
      },
      { action: { as: 'attachment' }, status: 'sent' },
    ]);
    expect(next).toMatchObject({ forwarded: 0, failed: 0 });
  });

  it('keeps sends pending while SMTP is unavailable and sends them from the archive when it is back', async () => {
    // Prepare: the server turns connections away (421) during the first run; the messages are
    // deleted from the POP3 server by that run
    let available = false;
    const mailbox = await engine({
      smtp: {
        server: {
          onConnect: (_session, callback) =>
            available ? callback() : callback(smtpReply(421, '4.3.2 Service not available')),
        },
      },
      mailbox: [mail('p1'), mail('p2')],
    });
    const config = { rules: [forwardAll], retention: 'delete' };
    const down = await mailbox.run(config);
    const leftOnServer = mailbox.server.mailbox.messages.length;
    available = true;

    // Act
    mailbox.clock.advance(10 * 60_000);
    const back = await mailbox.run(config);
    mailbox.clock.advance(HOUR_MS);
    const after = await mailbox.run(config);

    // Assess
    expect(down).toMatchObject({ forwarded: 0, deleted: 2, pendingActions: 2, alerts: [] });
    expect(leftOnServer).toBe(0);
    expect(back).toMatchObject({ fetched: 0, forwarded: 2, pendingActions: 0 });
    expect(after).toMatchObject({ forwarded: 0 });
    expect(captured(mailbox).map((sent) => sent.to)).toEqual([
      ['me@phone.example'],
      ['me@phone.example'],
    ]);
  });
});
