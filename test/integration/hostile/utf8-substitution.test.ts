import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { naiveRetrieveAll } from '../../helpers/pop3/naive-pop3.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import {
  expectSameBytes,
  layout,
  mail,
  OWNER,
  PASSWORD,
  useEngine,
} from '../engine/engine-fixture.js';

/**
 * Issue 11, item 5. Courier offers RFC 6856 UTF8 and, to a client that never sends it, serves a
 * generated notice ("Cannot display Unicode content", a new boundary each session) instead of any
 * message with raw 8-bit header bytes. The sandbox server does the same when told to behave like
 * Courier. popfwd must archive the original and never delete an original it did not archive.
 */

const COURIER = { utf8: true, substituteUnicode: true } as const;

/** Raw UTF-8 in From and Subject, no encoded words: what EAI (RFC 6532) mail looks like. */
const EIGHT_BIT = {
  uidl: 'eai-1',
  data: Buffer.from(
    [
      'From: Jürgen Groß <juergen@beispiel.example>',
      `To: ${OWNER}`,
      'Subject: Grüße aus Köln',
      'Date: Thu, 26 Nov 2026 07:00:00 +0000',
      'Message-ID: <eai-1@beispiel.example>',
      '',
      'Hallo Alice, schöne Grüße.',
      '',
    ].join('\r\n'),
    'utf8',
  ),
};
const ASCII = mail('ascii-1');

const uidlsOn = (messages: readonly { uidl: string }[]) => messages.map((m) => m.uidl).sort();

describe('a server that hides 8-bit messages from clients without UTF8 (Courier)', () => {
  const engine = useEngine();

  it('really serves a different notice each session to a reader that does not send UTF8', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: [EIGHT_BIT, ASCII], capabilities: COURIER });
    const reader = {
      host: mailbox.server.host,
      port: mailbox.server.port,
      user: OWNER,
      password: PASSWORD,
    };

    // Act
    const first = await naiveRetrieveAll(reader);
    const second = await naiveRetrieveAll(reader);

    // Assess: the control: without UTF8 the original never arrives, and the notice changes
    expect(first.get(ASCII.uidl)?.equals(ASCII.data)).toBe(true);
    const notice = first.get(EIGHT_BIT.uidl)?.toString('latin1') ?? '';
    expect(notice).toContain('Subject: Cannot display Unicode content');
    expect(first.get(EIGHT_BIT.uidl)?.equals(EIGHT_BIT.data)).toBe(false);
    expect(second.get(EIGHT_BIT.uidl)?.equals(first.get(EIGHT_BIT.uidl) as Buffer)).toBe(false);
  });

  it('sends UTF8 after the login, archives the original bytes and then deletes it', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: [EIGHT_BIT, ASCII], capabilities: COURIER });

    // Act
    const summary = await mailbox.run({ retention: 'delete' });

    // Assess
    expect(summary).toMatchObject({ archived: 2, deleted: 2, alerts: [] });
    expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor(EIGHT_BIT.uidl))), EIGHT_BIT.data);
    expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor(ASCII.uidl))), ASCII.data);
    const commands = mailbox.server.commands();
    const utf8 = commands.indexOf('UTF8');
    expect(utf8).toBeGreaterThan(commands.findIndex((line) => line.startsWith('AUTH PLAIN')));
    expect(utf8).toBeLessThan(commands.findIndex((line) => line.startsWith('RETR')));
    expect((await mailbox.record(EIGHT_BIT.uidl))?.meta.subject).toBe('Grüße aus Köln');
    expect(mailbox.server.mailbox.messages).toEqual([]);
  });

  it('deletes nothing, and says why, when the server offers UTF8 but refuses it', async () => {
    // Prepare: UTF8 advertised, the command refused, 8-bit mail still replaced by the notice
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'UTF8' ? fault.reply('-ERR UTF8 not available right now') : undefined;
    const mailbox = await engine({
      mailbox: [EIGHT_BIT, ASCII],
      capabilities: COURIER,
      faults: { onCommand },
    });

    // Act: two runs, so a deletion chosen on the second run would show
    const first = await mailbox.run({ retention: 'delete' });
    const second = await mailbox.run({ retention: 'delete' });

    // Assess: whatever it archived, every original is still on the server
    for (const summary of [first, second]) {
      expect(summary.deleted).toBe(0);
      expect(summary.alerts).toEqual([
        expect.objectContaining({
          code: 'ECAPABILITY',
          message: expect.stringMatching(/refused it.*deletes nothing/),
        }),
      ]);
    }
    expect(uidlsOn(mailbox.server.mailbox.messages)).toEqual(uidlsOn([EIGHT_BIT, ASCII]));
    expect(mailbox.server.mailbox.messages.find((m) => m.uidl === EIGHT_BIT.uidl)?.data).toEqual(
      EIGHT_BIT.data,
    );
    expect(mailbox.server.commands().filter((line) => line.startsWith('DELE'))).toEqual([]);
  });
});
