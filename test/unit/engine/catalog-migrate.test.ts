import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../../lambda/archive/catalog.js';
import { MAX_PER_RUN, migrateLegacyRecords } from '../../../lambda/engine/catalog-migrate.js';
import { scanCatalog } from '../../../lambda/engine/catalog-read.js';
import { encodeRecord, type MessageRecord } from '../../../lambda/engine/message-record.js';
import { RunCatalog } from '../../../lambda/engine/run-catalog.js';
import { hasCode } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { catalogLayout as layout, sampleRecord } from '../../helpers/catalog-fixtures.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';

/** An archive as versions before the catalog wrote it: one record object per message. */
const legacyArchive = async (records: readonly MessageRecord[]) => {
  const store = memoryStore();
  for (const record of records) {
    await store.putDocument(layout.recordKey(record.id), encodeRecord(record), {
      contentType: 'application/json',
    });
  }
  return store;
};

const fullView = async (store: BlobStore) => {
  const { folded } = await scanCatalog(store, layout, { headers: true });
  return [...folded.values()].map((entry) => entry.record).sort((a, b) => a.id.localeCompare(b.id));
};

const byId = (records: readonly MessageRecord[]) =>
  [...records].sort((a, b) => a.id.localeCompare(b.id));

const legacyKeys = (store: ReturnType<typeof memoryStore>) =>
  [...store.entries.keys()].filter((key) => key.startsWith(layout.recordsPrefix));

describe('moving legacy records into the catalog', () => {
  it('moves every record whole — fields, tags, header fields, sends, unknown fields — and deletes the objects', async () => {
    // Prepare
    const records = [1, 2, 3].map((n) =>
      sampleRecord(n, {
        tags: ['lists', `t${n}`],
        actions: {
          'forward:0.0': {
            action: {
              kind: 'forward',
              id: 'forward:0.0',
              rule: 'r',
              to: ['me@x.test'],
              as: 'attachment',
            },
            status: 'sent',
            attempts: 1,
            messageId: `<f${n}@example.test>`,
            sentAt: '2026-11-02T00:00:00.000Z',
          },
        },
      }),
    );
    const store = await legacyArchive(records);

    // Act
    const result = await migrateLegacyRecords(store, layout, new RunCatalog(store, layout));

    // Assess
    expect(result).toEqual({ moved: 3, done: true });
    expect(legacyKeys(store)).toEqual([]);
    expect(await fullView(store)).toEqual(byId(records));
  });

  it('is harmless to repeat after a crash that left the records both moved and in place', async () => {
    // Prepare: a first migration, then the record objects put back (as a kill at
    // mid-migration leaves them), and one more record that was never moved
    const records = [1, 2, 3].map((n) => sampleRecord(n));
    const store = await legacyArchive(records);
    await migrateLegacyRecords(store, layout, new RunCatalog(store, layout));
    const extra = sampleRecord(4);
    for (const record of [...records, extra]) {
      await store.putDocument(layout.recordKey(record.id), encodeRecord(record));
    }

    // Act: listings before the next run see each message once; then the next run moves them
    const listed = await readCatalog(store, layout);
    const result = await migrateLegacyRecords(store, layout, new RunCatalog(store, layout));

    // Assess
    expect(listed.records.map((record) => record.id).sort()).toEqual(
      byId([...records, extra]).map((record) => record.id),
    );
    expect(result).toEqual({ moved: 4, done: true });
    expect(legacyKeys(store)).toEqual([]);
    expect(await fullView(store)).toEqual(byId([...records, extra]));
  });

  it(`moves at most ${MAX_PER_RUN} records per run and says so`, async () => {
    // Prepare
    const records = Array.from({ length: MAX_PER_RUN + 5 }, (_, n) => sampleRecord(n));
    const store = await legacyArchive(records);

    // Act
    const first = await migrateLegacyRecords(store, layout, new RunCatalog(store, layout));
    const second = await migrateLegacyRecords(store, layout, new RunCatalog(store, layout));

    // Assess
    expect(first).toEqual({ moved: MAX_PER_RUN, done: false });
    expect(second).toEqual({ moved: 5, done: true });
    expect((await fullView(store)).length).toBe(records.length);
  });

  it('stops at a damaged record object, naming it, and moves nothing of that batch', async () => {
    // Prepare
    const store = await legacyArchive([sampleRecord(1)]);
    await store.putDocument(layout.recordKey(sampleRecord(2).id), Buffer.from('{"v":1'));

    // Act
    const error = await migrateLegacyRecords(store, layout, new RunCatalog(store, layout)).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(hasCode(error, 'ESTORE')).toBe(true);
    expect((error as Error).message).toContain(layout.recordKey(sampleRecord(2).id));
    expect(legacyKeys(store)).toHaveLength(2);
  });

  it('lets a catalog entry win over a record object left beside it, whatever their contents', async () => {
    // Prepare: the object still says the send waits; a segment written since says it went out
    const waiting = sampleRecord(1, { tags: ['waiting'] });
    const store = await legacyArchive([waiting]);
    const writer = new RunCatalog(store, layout);
    writer.put({ ...waiting, tags: ['sent'] });
    await writer.flush();

    // Act
    const listed = await readCatalog(store, layout);
    const looked = await new RunCatalog(store, layout).get(waiting.id);

    // Assess
    expect(listed.records.map((record) => record.tags)).toEqual([['sent']]);
    expect(looked?.tags).toEqual(['sent']);
  });
});
