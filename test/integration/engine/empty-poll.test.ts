import { describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';
import { layout, mails, useEngine } from './engine-fixture.js';

describe('an empty poll of a large kept mailbox', () => {
  const engine = useEngine();

  it('costs at most two storage requests and no RETR with 10,000 messages left on the server', async () => {
    // Prepare: the first run archives all 10,000 in memory (10,000 fsynced files would take
    // most of a minute); its ledger is then what the local store holds.
    const mailbox = await engine({ mailbox: mails(10_000, 'k', { body: 'x\r\n' }) });
    const bulk = memoryStore();
    const first = await mailbox.run({ retention: 'keep' }, { store: bulk });
    const local = createLocalStore(mailbox.dir);
    for (const key of [layout.stateKey, layout.seenKey]) {
      await local.putDocument(key, bulk.entries.get(key) ?? Buffer.alloc(0), { ifVersion: null });
    }
    const retrsBefore = mailbox.retrs().length;
    mailbox.store.reset();

    // Act
    const empty = await mailbox.run({ retention: 'keep' });

    // Assess
    expect(first).toMatchObject({ fetched: 10_000, archived: 10_000, remaining: 0, failed: 0 });
    expect([...bulk.entries.keys()].filter((key) => key.startsWith(layout.rawPrefix))).toHaveLength(
      10_000,
    );
    expect(Object.keys(await mailbox.seen())).toHaveLength(10_000);
    expect(empty).toMatchObject({ fetched: 0, archived: 0, deleted: 0, busy: null });
    expect(mailbox.store.total()).toBeLessThanOrEqual(2);
    expect(mailbox.store.counts).toMatchObject({ create: 0, putDocument: 0, read: 0, list: 0 });
    expect(mailbox.retrs()).toHaveLength(retrsBefore);
    expect(mailbox.server.commands(mailbox.server.connections)).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/^(RETR|TOP|DELE)/)]),
    );
    expect(mailbox.server.mailbox.messages).toHaveLength(10_000);
  });

  it('still costs two reads when a kept mailbox gets one new message', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(50, 'k') });
    await mailbox.run();
    mailbox.server.mailbox.add(...mails(1, 'new'));
    mailbox.store.reset();

    // Act
    const summary = await mailbox.run();

    // Assess: two ledger reads, the raw file, its content-index entry and its record, the lease,
    // the seen index, the release
    expect(summary).toMatchObject({ fetched: 1, archived: 1 });
    expect(mailbox.store.counts).toMatchObject({ getDocument: 2, create: 1, read: 0, list: 0 });
    expect(mailbox.store.counts.putDocument).toBeLessThanOrEqual(5);
  });
});
