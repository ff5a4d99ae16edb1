import { describe, expect, it } from 'vitest';
import { parseSegmentKey } from '../../../lambda/engine/catalog-format.js';
import { listSegments, scanCatalog } from '../../../lambda/engine/catalog-read.js';
import { Ledger } from '../../../lambda/engine/ledger.js';
import { RunCatalog } from '../../../lambda/engine/run-catalog.js';
import { PopfwdError } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import {
  CATALOG_MAILBOX,
  catalogLayout as layout,
  sampleRecord,
} from '../../helpers/catalog-fixtures.js';
import { countingStore } from '../../helpers/stores/counting-store.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';

const folded = async (store: BlobStore) => {
  const { folded: view } = await scanCatalog(store, layout, { headers: true });
  return new Map([...view].map(([id, entry]) => [id, entry.record]));
};

describe('a run catalog', () => {
  it('writes what was put as one segment per flush, and a later run reads it back whole', async () => {
    // Prepare
    const store = memoryStore();
    const writer = new RunCatalog(store, layout);
    const records = [1, 2, 3].map((n) => sampleRecord(n));
    for (const record of records) writer.put(record);

    // Act
    await writer.flush();
    const reader = new RunCatalog(store, layout);
    const found = await Promise.all(records.map((record) => reader.get(record.id)));

    // Assess: header fields, tags and a field this version does not know all come back
    expect(found).toEqual(records);
    const segments = await listSegments(store, layout);
    expect(segments).toMatchObject([{ kind: 'run', entries: 3, seq: 0 }]);
    expect(writer.buffered).toBe(0);
  });

  it('writes nothing and lists nothing for a flush with nothing buffered or a run that only writes', async () => {
    // Prepare
    const store = countingStore(memoryStore());
    const catalog = new RunCatalog(store, layout, { next: 41 });

    // Act
    await catalog.flush();
    catalog.put(sampleRecord(1));
    await catalog.flush();
    await catalog.flush();

    // Assess: one write, no listing (the sequence comes from the hint)
    expect(store.counts).toMatchObject({ putDocument: 1, list: 0, getDocument: 0 });
    expect((await listSegments(store, layout))[0]?.seq).toBe(41);
  });

  it('finds a record of this run before it is flushed, and while its flush is under way', async () => {
    // Prepare
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inner = memoryStore();
    const slow: BlobStore = {
      ...inner,
      putDocument: async (key, body, options) => {
        await gate;
        return inner.putDocument(key, body, options);
      },
    };
    const catalog = new RunCatalog(slow, layout);
    const record = sampleRecord(7);
    catalog.put(record);

    // Act
    const before = await catalog.get(record.id);
    const flushing = catalog.flush();
    const during = await catalog.get(record.id);
    release();
    await flushing;

    // Assess
    expect(before).toEqual(record);
    expect(during).toEqual(record);
  });

  it('keeps the records of a failed flush for the next one, and fails the flush', async () => {
    // Prepare
    const inner = memoryStore();
    let fail = true;
    const flaky: BlobStore = {
      ...inner,
      putDocument: (key, body, options) =>
        fail
          ? Promise.reject(new PopfwdError('ESTORE', 'disk full'))
          : inner.putDocument(key, body, options),
    };
    const catalog = new RunCatalog(flaky, layout);
    catalog.put(sampleRecord(1));

    // Act
    const failed = await catalog.flush().catch((error: unknown) => error);
    fail = false;
    catalog.put(sampleRecord(2));
    await catalog.flush();

    // Assess
    expect((failed as Error).message).toBe('disk full');
    expect([...(await folded(inner)).keys()].sort()).toEqual(
      [sampleRecord(1).id, sampleRecord(2).id].sort(),
    );
  });

  it('lets the entry written later win, whatever updatedAt says (clocks of two hosts differ)', async () => {
    // Prepare: a first run records the message; a second, on a host whose clock is an hour
    // behind, finalizes it
    const store = memoryStore();
    const first = new RunCatalog(store, layout);
    const original = sampleRecord(1, { updatedAt: '2026-11-26T12:00:00.000Z' });
    first.put(original);
    await first.flush();
    const second = new RunCatalog(store, layout);
    const known = await second.get(original.id);
    const finalized = {
      ...(known ?? original),
      updatedAt: '2026-11-26T11:00:00.000Z',
      tags: ['lists', 'done'],
    };

    // Act
    second.put(finalized);
    await second.flush();

    // Assess
    expect((await folded(store)).get(original.id)).toEqual(finalized);
    expect(await new RunCatalog(store, layout).get(original.id)).toEqual(finalized);
  });

  it('answers null for a message it has no record of, after looking through every segment', async () => {
    // Prepare
    const store = memoryStore();
    const writer = new RunCatalog(store, layout);
    for (const n of [1, 2]) {
      writer.put(sampleRecord(n));
      await writer.flush();
    }

    // Act
    const missing = await new RunCatalog(store, layout).get(sampleRecord(3).id);

    // Assess
    expect(missing).toBeNull();
  });
});

describe('records first', () => {
  it('makes every record the ledger names durable before the ledger document that names it', async () => {
    // Prepare: a store that notes the order of writes
    const inner = memoryStore();
    const writes: string[] = [];
    const noting: BlobStore = {
      ...inner,
      putDocument: async (key, body, options) => {
        const version = await inner.putDocument(key, body, options);
        writes.push(parseSegmentKey(layout, key) ? 'segment' : key.slice(layout.prefix.length));
        return version;
      },
    };
    const ledger = await Ledger.load(noting, layout, CATALOG_MAILBOX);
    const catalog = new RunCatalog(noting, layout);
    ledger.flushBeforeSaving(() => catalog.flush());
    const record = sampleRecord(1);

    // Act: the record and the ledger entries that name it, in one tick; then a checkpoint
    catalog.put(record);
    ledger.markSeen(record.meta.uidl, { t: 0 });
    ledger.updateState((state) => ({ ...state, vacation: { 'x@example.org': record.updatedAt } }));
    await ledger.checkpoint();

    // Assess
    expect(writes).toEqual(['segment', 'state.json', 'uidls.json']);
  });

  it('does not save the ledger when the flush before it fails', async () => {
    // Prepare
    const inner = memoryStore();
    const failing: BlobStore = {
      ...inner,
      putDocument: (key, body, options) =>
        parseSegmentKey(layout, key)
          ? Promise.reject(new PopfwdError('ESTORE', 'disk full'))
          : inner.putDocument(key, body, options),
    };
    const ledger = await Ledger.load(failing, layout, CATALOG_MAILBOX);
    const catalog = new RunCatalog(failing, layout);
    ledger.flushBeforeSaving(() => catalog.flush());
    catalog.put(sampleRecord(1));
    ledger.markSeen('uidl-1', { t: 0 });

    // Act
    const error = await ledger.checkpoint().catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toBe('disk full');
    expect(inner.entries.has(layout.seenKey)).toBe(false);
  });
});
