import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import {
  DAY_MS,
  type Engine,
  expectSameBytes,
  layout,
  mail,
  mails,
  rulesYaml,
  useEngine,
} from './engine-fixture.js';

const uidlsOf = (messages: readonly { uidl: string }[]): string[] =>
  messages.map((message) => message.uidl);

describe('retention', () => {
  const engine = useEngine();

  it('delete: removes exactly the archived messages, and only when QUIT commits', async () => {
    // Prepare: a limit leaves two messages unarchived; the hook sees the mailbox just before QUIT
    const snapshots: string[][] = [];
    let mailbox: Engine | undefined;
    const onCommand = (command: Pop3CommandInfo) => {
      if (command.name === 'QUIT' && mailbox)
        snapshots.push(uidlsOf(mailbox.server.mailbox.messages));
      return undefined;
    };
    const messages = mails(5);
    mailbox = await engine({ mailbox: messages, faults: { onCommand } });

    // Act
    const summary = await mailbox.run({ retention: 'delete', limits: { maxMessagesPerRun: 3 } });

    // Assess
    expect(summary).toMatchObject({ fetched: 3, archived: 3, deleted: 3, remaining: 2 });
    expect(snapshots).toEqual([uidlsOf(messages)]);
    expect(uidlsOf(mailbox.server.mailbox.messages)).toEqual(['m0004', 'm0005']);
    expect(mailbox.server.commands().filter((line) => line.startsWith('DELE'))).toEqual([
      'DELE 1',
      'DELE 2',
      'DELE 3',
    ]);
    for (const message of messages.slice(0, 3)) {
      expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor(message.uidl))), message.data);
    }
    expect(Object.keys(await mailbox.seen())).toEqual([]);
  });

  it('delete: the next run archives and deletes the rest', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(5) });
    await mailbox.run({ retention: 'delete', limits: { maxMessagesPerRun: 3 } });

    // Act
    const summary = await mailbox.run({ retention: 'delete', limits: { maxMessagesPerRun: 3 } });

    // Assess
    expect(summary).toMatchObject({ fetched: 2, archived: 2, deleted: 2, remaining: 0 });
    expect(mailbox.server.mailbox.messages).toEqual([]);
    expect(await mailbox.records()).toHaveLength(5);
  });

  it('deleteAfterDays: deletes only messages archived at least N days before', async () => {
    // Prepare: three messages archived on day 0, two on day 3
    const mailbox = await engine({ mailbox: mails(3, 'old') });
    const retention = { deleteAfterDays: 7 };
    await mailbox.run({ retention });
    mailbox.clock.advance(3 * DAY_MS);
    mailbox.server.mailbox.add(...mails(2, 'new'));
    const dayThree = await mailbox.run({ retention });

    // Act
    mailbox.clock.advance(4 * DAY_MS - 1);
    const justBefore = await mailbox.run({ retention });
    mailbox.clock.advance(1);
    const daySeven = await mailbox.run({ retention });
    mailbox.clock.advance(3 * DAY_MS);
    const dayTen = await mailbox.run({ retention });

    // Assess
    expect(dayThree).toMatchObject({ archived: 2, deleted: 0 });
    expect(justBefore).toMatchObject({ fetched: 0, deleted: 0 });
    expect(daySeven).toMatchObject({ fetched: 0, deleted: 3 });
    expect(dayTen).toMatchObject({ fetched: 0, deleted: 2 });
    expect(mailbox.server.mailbox.messages).toEqual([]);
    expect(await mailbox.records()).toHaveLength(5);
  });

  it('deleteAfterDays: the day-seven run leaves the younger messages on the server', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(3, 'old') });
    const retention = { deleteAfterDays: 7 };
    await mailbox.run({ retention });
    mailbox.clock.advance(3 * DAY_MS);
    mailbox.server.mailbox.add(...mails(2, 'new'));
    await mailbox.run({ retention });
    mailbox.clock.advance(4 * DAY_MS);

    // Act
    await mailbox.run({ retention });

    // Assess
    expect(uidlsOf(mailbox.server.mailbox.messages)).toEqual(['new0001', 'new0002']);
    expect(Object.keys(await mailbox.seen()).sort()).toEqual(['new0001', 'new0002']);
  });

  it('a keepOnServer rule wins over retention: delete', async () => {
    // Prepare
    const mailbox = await engine({
      mailbox: [mail('a'), mail('keep-me', { subject: 'contract to keep' }), mail('b')],
    });
    const rules = rulesYaml(`
      - name: keep contracts
        when: { subject: { contains: contract } }
        then: [keepOnServer]
    `);

    // Act
    const summary = await mailbox.run({ retention: 'delete', rules });
    const again = await mailbox.run({ retention: 'delete', rules });

    // Assess
    expect(summary).toMatchObject({ archived: 3, deleted: 2 });
    expect(again).toMatchObject({ fetched: 0, deleted: 0 });
    expect(uidlsOf(mailbox.server.mailbox.messages)).toEqual(['keep-me']);
  });

  it('a deleteFromServer rule wins over retention: keep', async () => {
    // Prepare
    const mailbox = await engine({
      mailbox: [mail('a'), mail('spam', { from: 'offers@spam.example' }), mail('b')],
    });
    const rules = rulesYaml(`
      - name: drop offers
        when: { from: "*@spam.example" }
        then: [deleteFromServer]
    `);

    // Act
    const summary = await mailbox.run({ retention: 'keep', rules });

    // Assess
    expect(summary).toMatchObject({ archived: 3, deleted: 1 });
    expect(uidlsOf(mailbox.server.mailbox.messages)).toEqual(['a', 'b']);
    expect(await mailbox.raw(layout.rawKey(layout.idFor('spam')))).not.toBeNull();
  });

  it('a QUIT refused with -ERR deletes nothing, and the next run deletes', async () => {
    // Prepare: the first session's QUIT is refused
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'QUIT' && command.session === 1
        ? fault.reply('-ERR [SYS/TEMP] cannot expunge right now')
        : undefined;
    const messages = mails(4);
    const mailbox = await engine({ mailbox: messages, faults: { onCommand } });

    // Act
    const refused = await mailbox.run({ retention: 'delete' });
    await mailbox.server.idle();
    const retried = await mailbox.run({ retention: 'delete' });

    // Assess
    expect(refused).toMatchObject({ fetched: 4, archived: 4, deleted: 0 });
    expect(
      mailbox.log.records.some(
        (line) => line.level === 'warn' && line.message.includes('QUIT was not confirmed'),
      ),
    ).toBe(true);
    expect(retried).toMatchObject({ fetched: 0, archived: 0, deleted: 4 });
    expect(mailbox.server.commands(2).filter((line) => line.startsWith('DELE'))).toHaveLength(4);
    expect(mailbox.server.mailbox.messages).toEqual([]);
    expect(await mailbox.records()).toHaveLength(4);
  });
});
