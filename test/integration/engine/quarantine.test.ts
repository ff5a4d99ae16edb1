import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { DAY_MS, layout, mails, useEngine } from './engine-fixture.js';

const uidlsOf = (messages: readonly { uidl: string }[]) => messages.map((message) => message.uidl);

describe('a message the server cannot deliver', () => {
  const engine = useEngine();

  it('is skipped when its RETR is refused, and the messages after it are archived', async () => {
    // Prepare: message 2 of 4 is always refused
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'RETR' && command.args[0] === '2'
        ? fault.reply('-ERR cannot read this message')
        : undefined;
    const mailbox = await engine({ mailbox: mails(4), faults: { onCommand } });

    // Act
    const summary = await mailbox.run({ retention: 'delete' });

    // Assess
    expect(summary).toMatchObject({ fetched: 3, archived: 3, failed: 1, deleted: 3 });
    expect(uidlsOf(mailbox.server.mailbox.messages)).toEqual(['m0002']);
    expect((await mailbox.state())?.fetchFailures?.m0002).toMatchObject({
      count: 1,
      code: 'ECOMMAND',
    });
  });

  it('is set aside after three failures in a row, reported, never deleted, and tried again a day later', async () => {
    // Prepare: the connection always dies in the middle of message 1, until the server is fixed
    let broken = true;
    const onCommand = (command: Pop3CommandInfo) =>
      broken && command.name === 'RETR' && command.args[0] === '1' ? fault.cutAfter(40) : undefined;
    const mailbox = await engine({ mailbox: mails(3), faults: { onCommand } });
    const settings = { retention: 'delete', pipelining: 'off' as const };

    // Act: three runs fail on it, the fourth goes past it
    const failures: string[] = [];
    for (let run = 0; run < 3; run += 1) {
      await mailbox
        .run(settings)
        .catch((error: Error & { code: string }) => failures.push(error.code));
      await mailbox.server.idle();
    }
    const past = await mailbox.run(settings);
    await mailbox.server.idle();
    broken = false;
    const sameDay = await mailbox.run(settings);
    await mailbox.server.idle();
    mailbox.clock.advance(DAY_MS + 1);
    const nextDay = await mailbox.run(settings);

    // Assess
    expect(failures).toEqual(['ECONNECTION', 'ECONNECTION', 'ECONNECTION']);
    // Messages 2 and 3 were read before message 1 from the second run on: only deletion waited
    expect(past).toMatchObject({ archived: 0, deleted: 2 });
    expect(past.alerts).toEqual([
      expect.objectContaining({
        code: 'ECONNECTION',
        message: expect.stringMatching(
          /1 message\(s\) could not be read 3 times in a row .*UIDL m0001/,
        ),
      }),
    ]);
    expect(sameDay).toMatchObject({
      fetched: 0,
      alerts: [expect.objectContaining({ code: 'ECONNECTION' })],
    });
    expect(nextDay).toMatchObject({ fetched: 1, archived: 1, deleted: 1, alerts: [] });
    expect(mailbox.server.mailbox.messages).toEqual([]);
    expect((await mailbox.state())?.fetchFailures).toBeUndefined();
    expect(await mailbox.raw(layout.rawKey(layout.idFor('m0001')))).not.toBeNull();
  });
});
