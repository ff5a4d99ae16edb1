import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { alternateIdFor } from '../../../lambda/engine/archive-message.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { expectSameBytes, layout, mail, sha256, useEngine } from './engine-fixture.js';

const primaryKey = (uidl: string) => layout.rawKey(layout.idFor(uidl));

describe('a server that reuses a UIDL', () => {
  const engine = useEngine();

  it('archives both versions under different keys after the first was deleted', async () => {
    // Prepare: u1 is archived and deleted; the server then gives the same UIDL to new mail
    const original = mail('u1', { subject: 'the original' });
    const mailbox = await engine({ mailbox: [original] });
    await mailbox.run({ retention: 'delete' });
    const reused = mail('u1', { subject: 'different bytes, same UIDL' });
    mailbox.server.mailbox.add(reused);

    // Act
    const summary = await mailbox.run({ retention: 'delete' });

    // Assess
    expect(summary).toMatchObject({ archived: 1, alreadyArchived: 0, deleted: 1, failed: 0 });
    expectSameBytes(await mailbox.raw(primaryKey('u1')), original.data);
    const alternate = layout.rawKey(alternateIdFor(layout, 'u1', sha256(reused.data)));
    expect(alternate).not.toBe(primaryKey('u1'));
    expectSameBytes(await mailbox.raw(alternate), reused.data);
    const records = await mailbox.records();
    expect(records.map((record) => record.meta.subject).sort()).toEqual([
      'different bytes, same UIDL',
      'the original',
    ]);
    expect(mailbox.server.mailbox.messages).toEqual([]);
  });

  it('archives both versions when the first left the server by other means (pruned)', async () => {
    // Prepare: kept, then removed by another client, then the UIDL comes back with new bytes
    const original = mail('u1', { subject: 'the original' });
    const mailbox = await engine({ mailbox: [original] });
    await mailbox.run({ retention: 'keep' });
    mailbox.server.mailbox.expunge(mailbox.server.mailbox.messages);
    const pruned = await mailbox.run({ retention: 'keep' });
    const reused = mail('u1', { subject: 'second life' });
    mailbox.server.mailbox.add(reused);

    // Act
    const summary = await mailbox.run({ retention: 'keep' });
    const again = await mailbox.run({ retention: 'keep' });

    // Assess
    expect(pruned).toMatchObject({ fetched: 0 });
    expect(summary).toMatchObject({ archived: 1, failed: 0 });
    expect(again).toMatchObject({ fetched: 0, archived: 0 });
    expectSameBytes(await mailbox.raw(primaryKey('u1')), original.data);
    const alternate = layout.rawKey(alternateIdFor(layout, 'u1', sha256(reused.data)));
    expectSameBytes(await mailbox.raw(alternate), reused.data);
    expect((await mailbox.seen()).u1?.id).toBe(alternateIdFor(layout, 'u1', sha256(reused.data)));
  });

  it('archives both messages of a UIDL listed twice and never deletes them', async () => {
    // Prepare: the UIDL listing names message 2 "d1" as well
    const messages = [mail('d1'), mail('d2'), mail('d3')];
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'UIDL' && command.args.length === 0
        ? fault.rewrite((reply) => Buffer.from(reply.toString('latin1').replace('2 d2', '2 d1')))
        : undefined;
    const mailbox = await engine({ mailbox: messages, faults: { onCommand } });

    // Act
    const summary = await mailbox.run({ retention: 'delete' });
    const again = await mailbox.run({ retention: 'delete' });

    // Assess: both messages listed as d1 archived and kept, d3 archived and deleted
    expect(summary).toMatchObject({ fetched: 3, archived: 3, deleted: 1 });
    expect(again).toMatchObject({ fetched: 0, deleted: 0 });
    expect(mailbox.server.commands().filter((line) => line.startsWith('DELE'))).toEqual(['DELE 3']);
    expect(mailbox.server.mailbox.messages.map((message) => message.uidl)).toEqual(['d1', 'd2']);
    const subjects = (await mailbox.records()).map((record) => record.meta.subject).sort();
    expect(subjects).toEqual(['message d1', 'message d2', 'message d3']);
    expect(summary.alerts.map((alert) => alert.message)).toEqual([
      expect.stringContaining('UIDL d1 (2×)'),
    ]);
  });
});
