import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { MailboxState } from '../../../lambda/engine/ledger-types.js';
import { encodeRecord } from '../../../lambda/engine/message-record.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { runCli } from '../../helpers/cli/cli.js';
import { smtpReply } from '../../helpers/smtp/smtp-test-server.js';
import { catalogRecords } from '../../helpers/stores/catalog-records.js';
import { forwardAll, HOUR_MS } from '../hostile/mailbox-settings.js';
import { type Engine, layout, mail, useEngine } from './engine-fixture.js';

/**
 * An archive written before the catalog existed: one `records/<id>.json` per message, written
 * with the encoder those versions used (message-record.ts `encodeRecord`), and a state.json
 * that knows nothing of the catalog. Made here by running popfwd, then putting every record back
 * the way the earlier version stored it.
 */
const toLegacyArchive = async (mailbox: Engine): Promise<void> => {
  const store = createLocalStore(mailbox.dir);
  for (const record of await catalogRecords(store, layout)) {
    await store.putDocument(layout.recordKey(record.id), encodeRecord(record), {
      contentType: 'application/json',
    });
  }
  for await (const key of store.list(layout.catalogPrefix)) await store.delete(key);
  const state = (await mailbox.state()) as MailboxState & Record<string, unknown>;
  const { catalogSince: _since, catalogNext: _next, ...legacy } = state;
  await store.putDocument(layout.stateKey, Buffer.from(JSON.stringify(legacy)));
};

const keysUnder = async (mailbox: Engine, prefix: string): Promise<string[]> => {
  const found: string[] = [];
  for await (const key of createLocalStore(mailbox.dir).list(prefix)) found.push(key);
  return found;
};

const listJson = async (mailbox: Engine): Promise<unknown[]> => {
  const configFile = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(configFile, stringify(mailbox.document()));
  const result = await runCli(['archive', 'list', '--config', configFile, '--json'], mailbox.dir);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
};

describe('an archive written before the catalog', () => {
  const engine = useEngine();

  it('is moved into the catalog by the next run: every record and tag kept, nothing fetched or sent again', async () => {
    // Prepare: three messages forwarded, two more whose forwards wait for a retry; then the
    // archive as the earlier version left it
    let defer = false;
    const mailbox = await engine({
      smtp: { dataReply: () => (defer ? smtpReply(451, '4.3.0 try again later') : undefined) },
      mailbox: ['a', 'b', 'c'].map((name) => mail(name, { from: `${name}@example.org` })),
    });
    await mailbox.run({ rules: [forwardAll] });
    defer = true;
    mailbox.server.mailbox.add(mail('d'), mail('e'));
    expect(await mailbox.run({ rules: [forwardAll] })).toMatchObject({ pendingActions: 2 });
    await toLegacyArchive(mailbox);
    const legacy = await mailbox.records();
    const listedBefore = await listJson(mailbox);
    const retrs = mailbox.retrs().length;
    defer = false;
    mailbox.clock.advance(6 * HOUR_MS);

    // Act
    const summary = await mailbox.run({ rules: [forwardAll] });
    const again = await mailbox.run({ rules: [forwardAll] });

    // Assess: the waiting forwards went once, nothing else; records/ is gone; the catalog holds
    // the very records the earlier version wrote (the two waiting ones with their sends final)
    expect(summary).toMatchObject({ fetched: 0, forwarded: 2, pendingActions: 0, failed: 0 });
    expect(again).toMatchObject({ fetched: 0, forwarded: 0 });
    expect(mailbox.retrs()).toHaveLength(retrs);
    expect(mailbox.smtp?.messages).toHaveLength(5);
    expect(await keysUnder(mailbox, layout.recordsPrefix)).toEqual([]);
    const migrated = await mailbox.records();
    expect(migrated).toHaveLength(5);
    for (const before of legacy) {
      const after = migrated.find((record) => record.id === before.id);
      if (before.meta.uidl === 'd' || before.meta.uidl === 'e') {
        expect(after).toEqual({
          ...before,
          actions: expect.any(Object),
          updatedAt: expect.any(String),
        });
        expect(Object.values(after?.actions ?? {}).map((action) => action.status)).toEqual([
          'sent',
        ]);
      } else {
        expect(after).toEqual(before);
      }
    }
    expect(await listJson(mailbox)).toEqual(listedBefore);
    expect((await mailbox.state())?.catalogSince).toBeDefined();
  });

  it('is listed by `archive list` before any run moved it', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: [mail('a'), mail('b')] });
    await mailbox.run();
    const listedNow = await listJson(mailbox);
    await toLegacyArchive(mailbox);

    // Act
    const listedLegacy = await listJson(mailbox);

    // Assess
    expect(listedLegacy).toEqual(listedNow);
    expect(await keysUnder(mailbox, layout.catalogPrefix)).toEqual([]);
  });
});
