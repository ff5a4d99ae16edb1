import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { type Engine, expectSameBytes, layout, mail, mails, useEngine } from './engine-fixture.js';

const archivedUidls = async (mailbox: Engine): Promise<string[]> =>
  (await mailbox.records()).map((record) => record.meta.uidl).sort();

describe('run limits', () => {
  const engine = useEngine();

  it('maxMessagesPerRun stops cleanly, says what is left, and the next runs continue', async () => {
    // Prepare
    const messages = mails(7);
    const mailbox = await engine({ mailbox: messages });
    const limits = { maxMessagesPerRun: 3 };

    // Act
    const runs = [
      await mailbox.run({ limits }),
      await mailbox.run({ limits }),
      await mailbox.run({ limits }),
    ];

    // Assess
    expect(
      runs.map(({ fetched, remaining, stoppedBy }) => ({ fetched, remaining, stoppedBy })),
    ).toEqual([
      { fetched: 3, remaining: 4, stoppedBy: 'maxMessagesPerRun' },
      { fetched: 3, remaining: 1, stoppedBy: 'maxMessagesPerRun' },
      { fetched: 1, remaining: 0, stoppedBy: null },
    ]);
    expect(mailbox.retrs()).toHaveLength(7);
    expect(await archivedUidls(mailbox)).toEqual(messages.map((message) => message.uidl));
    expect(mailbox.server.commands().filter((line) => line === 'QUIT')).toHaveLength(3);
  });

  it('maxBytesPerRun stops before the message that would pass the cap; the next run goes on', async () => {
    // Prepare: four messages of about 1 KB each, a cap of 2.5 KB
    const messages = mails(4, 'b', { body: `${'x'.repeat(1_000)}\r\n` });
    const mailbox = await engine({ mailbox: messages });
    const limits = { maxBytesPerRun: 2_500 };

    // Act
    const first = await mailbox.run({ limits });
    const second = await mailbox.run({ limits });

    // Assess
    expect(first).toMatchObject({ fetched: 2, remaining: 2, stoppedBy: 'maxBytesPerRun' });
    expect(second).toMatchObject({ fetched: 2, remaining: 0, stoppedBy: null });
    expect(await archivedUidls(mailbox)).toEqual(messages.map((message) => message.uidl));
  });

  it('a single message larger than maxBytesPerRun is still fetched, alone', async () => {
    // Prepare: a 20 KB message first, with a cap of 1 KB
    const big = mail('big', { body: `${'y'.repeat(20_000)}\r\n` });
    const small = mail('small');
    const mailbox = await engine({ mailbox: [big, small] });
    const limits = { maxBytesPerRun: 1_000 };

    // Act
    const first = await mailbox.run({ limits });
    const second = await mailbox.run({ limits });

    // Assess
    expect(first).toMatchObject({ fetched: 1, remaining: 1, stoppedBy: 'maxBytesPerRun' });
    expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor('big'))), big.data);
    expect(second).toMatchObject({ fetched: 1, remaining: 0, stoppedBy: null });
  });

  it('the deadline stops fetching from a slow server, sends QUIT and saves what was archived', async () => {
    // Prepare: every RETR takes the server a (fake) minute; the run has ten
    let mailbox: Engine | undefined;
    const onCommand = (command: Pop3CommandInfo) => {
      if (command.name !== 'RETR') return undefined;
      mailbox?.clock.advance(60_000);
      return fault.delay(5);
    };
    const messages = mails(20);
    mailbox = await engine({ mailbox: messages, faults: { onCommand } });
    const deadline = mailbox.clock.now() + 10 * 60_000;

    // Act
    const summary = await mailbox.run({ pipelining: 'off', retention: 'delete' }, { deadline });

    // Assess
    expect(summary.stoppedBy).toBe('deadline');
    expect(summary.fetched).toBeGreaterThan(0);
    expect(summary.fetched).toBeLessThan(20);
    expect(summary.remaining).toBe(20 - summary.fetched);
    expect(summary.deleted).toBe(summary.fetched);
    expect(mailbox.server.commands().at(-1)).toBe('QUIT');
    const archived = messages.slice(0, summary.fetched).map((message) => message.uidl);
    expect(await archivedUidls(mailbox)).toEqual(archived);
    expect(mailbox.server.mailbox.messages).toHaveLength(summary.remaining);
    expect((await mailbox.state())?.lease).toBeNull();
  });

  it('after a deadline stop, the next run fetches the rest', async () => {
    // Prepare
    let mailbox: Engine | undefined;
    let slow = true;
    const onCommand = (command: Pop3CommandInfo) => {
      if (command.name === 'RETR' && slow) mailbox?.clock.advance(60_000);
      return undefined;
    };
    const messages = mails(20);
    mailbox = await engine({ mailbox: messages, faults: { onCommand } });
    const stopped = await mailbox.run(
      { pipelining: 'off' },
      { deadline: mailbox.clock.now() + 10 * 60_000 },
    );
    slow = false;

    // Act
    const next = await mailbox.run();

    // Assess
    expect(stopped.stoppedBy).toBe('deadline');
    expect(next).toMatchObject({ fetched: stopped.remaining, remaining: 0, stoppedBy: null });
    expect(await archivedUidls(mailbox)).toEqual(messages.map((message) => message.uidl));
  });

  it('an abort signal stops fetching like a limit', async () => {
    // Prepare: the signal fires while the third message is being read
    const controller = new AbortController();
    const onCommand = (command: Pop3CommandInfo) => {
      if (command.name === 'RETR' && command.args[0] === '3') controller.abort();
      return undefined;
    };
    const mailbox = await engine({ mailbox: mails(6), faults: { onCommand } });

    // Act
    const summary = await mailbox.run({ pipelining: 'off' }, { signal: controller.signal });

    // Assess
    expect(summary).toMatchObject({ fetched: 3, remaining: 3, stoppedBy: 'aborted' });
    expect(mailbox.server.commands().at(-1)).toBe('QUIT');
  });
});
