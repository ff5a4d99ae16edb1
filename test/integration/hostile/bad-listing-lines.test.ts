import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { PopfwdError } from '../../../lambda/errors.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import {
  type Engine,
  expectSameBytes,
  layout,
  mails,
  useEngine,
} from '../engine/engine-fixture.js';

/**
 * Issue 11, item 18. Errors must say what is wrong: a server that ends its lines with a bare LF
 * is named as such (not "the server sent nothing for 15000 ms"), and a listing line popfwd cannot
 * use — 10,000 characters, non-ASCII, garbage — is reported by line and message number while
 * every other message is archived; the message it names is never deleted.
 */

/** Replaces the UIDL line of message `uidl` with `line(its number)`. */
const replaceUidlLine = (uidl: string, line: (n: string) => Buffer) => (command: Pop3CommandInfo) =>
  command.name === 'UIDL' && command.args.length === 0
    ? fault.rewrite((reply) => {
        const match = new RegExp(`\r\n(\\d+) ${uidl}\r\n`).exec(reply.toString('latin1'));
        if (!match) return reply;
        const start = match.index + 2;
        const end = start + match[0].length - 4;
        return Buffer.concat([reply.subarray(0, start), line(match[1] ?? ''), reply.subarray(end)]);
      })
    : undefined;

const uidlsOn = (mailbox: Engine) => mailbox.server.mailbox.messages.map((m) => m.uidl);

describe('a UIDL line popfwd cannot use', () => {
  const engine = useEngine();

  it.each([
    [
      '10,000 characters long',
      (n: string) => Buffer.from(`${n} ${'u'.repeat(10_000)}`),
      /line 2 \(message 2\): the line is 10002 bytes long/,
    ],
    [
      'non-ASCII',
      (n: string) => Buffer.from(`${n} ünïcödé-uidl`, 'utf8'),
      /line 2 \(message 2\): the unique-id has bytes outside 0x21–0x7E/,
    ],
    [
      '600 characters long',
      (n: string) => Buffer.from(`${n} ${'v'.repeat(600)}`),
      /line 2 \(message 2\): the unique-id is 600 characters long/,
    ],
    [
      'not a listing line at all',
      () => Buffer.from('two is my number'),
      /line 2: not "<message number> <unique-id>"/,
    ],
  ])(
    '(%s) is reported by line, its message left alone, and the rest archived and deleted',
    async (_name, line, reason) => {
      // Prepare
      const messages = mails(3);
      const mailbox = await engine({
        mailbox: messages,
        faults: { onCommand: replaceUidlLine('m0002', line) },
      });

      // Act: twice, so a deletion of the unlisted message on a later run would show
      const first = await mailbox.run({ retention: 'delete' });
      const second = await mailbox.run({ retention: 'delete' });

      // Assess
      expect(first).toMatchObject({ archived: 2, deleted: 2, failed: 0 });
      expect(first.alerts).toEqual([{ code: 'EPROTOCOL', message: expect.stringMatching(reason) }]);
      // On the second run it is the only message left, so line 1, message 1
      expect(second).toMatchObject({ archived: 0, deleted: 0 });
      for (const summary of [first, second]) {
        expect(summary.alerts[0]?.message).toMatch(/stay on the server and are not archived/);
      }
      expect(uidlsOn(mailbox)).toEqual(['m0002']);
      for (const kept of [messages[0], messages[2]]) {
        if (!kept) throw new Error('missing fixture');
        expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor(kept.uidl))), kept.data);
      }
      expect(mailbox.server.commands().filter((c) => c.startsWith('RETR'))).toEqual([
        'RETR 1',
        'RETR 3',
      ]);
    },
  );

  it('a LIST line popfwd cannot use costs only that size hint', async () => {
    // Prepare
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'LIST'
        ? fault.rewrite((reply) =>
            Buffer.from(
              reply.toString('latin1').replace(/\r\n2 \d+\r\n/, '\r\n2 many\r\n'),
              'latin1',
            ),
          )
        : undefined;
    const mailbox = await engine({ mailbox: mails(3), faults: { onCommand } });

    // Act
    const summary = await mailbox.run({ retention: 'delete' });

    // Assess
    expect(summary).toMatchObject({ archived: 3, deleted: 3, alerts: [] });
    expect(mailbox.log.records).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/LIST listing has 1 line.*line 2 \(message 2\)/),
      }),
    );
  });
});

describe('a server that ends its lines with LF only', () => {
  const engine = useEngine();

  it('is named as such at once, not reported as silent, and nothing is fetched or deleted', async () => {
    // Prepare: every reply, the greeting included, with LF instead of CRLF
    const lfOnly = (reply: Buffer) =>
      Buffer.from(reply.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
    const mailbox = await engine({
      mailbox: mails(2),
      faults: {
        greeting: fault.reply(Buffer.from('+OK LF server ready\n')),
        onCommand: () => fault.rewrite(lfOnly),
      },
    });
    const started = Date.now();

    // Act
    const error = await mailbox.run({ retention: 'delete' }).then(
      () => {
        throw new Error('expected the run to fail');
      },
      (caught: unknown) => caught as PopfwdError,
    );

    // Assess
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('EPROTOCOL');
    expect(error.message).toMatch(/ends its lines with LF only, not CRLF/);
    expect(error.message).not.toMatch(/sent nothing/);
    expect(mailbox.server.commands().filter((c) => /^(RETR|DELE)/.test(c))).toEqual([]);
    expect(uidlsOn(mailbox)).toEqual(['m0001', 'm0002']);
    expect((await mailbox.state())?.fetchFailures).toBeUndefined();
  });
});
